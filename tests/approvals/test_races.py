"""Two approvers deciding the same step at once, from two processes: exactly one wins."""

import multiprocessing

from tests.approvals.conftest import step

REPETITIONS = 50


def test_concurrent_approve_and_reject_from_two_processes_exactly_one_wins(org, database_url):
    org.publish_flow(steps=[step("pair", {"user": org.ids["mark"]}, {"user": org.ids["dina"]})])
    requests = [org.submitted(org.quote(title=f"race {n}"))["id"] for n in range(REPETITIONS)]
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(2), spawn.Queue()
    queues = [spawn.Queue(), spawn.Queue()]
    racers = [spawn.Process(target=_race, args=(database_url, org.ids[user], verb, queue, results, start))
              for user, verb, queue in (("mark", "approve", queues[0]), ("dina", "reject", queues[1]))]
    for racer in racers:
        racer.start()
    try:
        for instance_id in requests + [None]:
            for queue in queues:
                queue.put(instance_id)
        answers = [results.get(timeout=60) for _ in range(2 * REPETITIONS)]
    finally:
        for racer in racers:
            racer.join(timeout=10)
            if racer.is_alive():
                racer.terminate()

    by_request = {}
    for instance_id, verb, outcome in answers:
        by_request.setdefault(instance_id, {})[verb] = outcome
    for instance_id, outcomes in by_request.items():
        winners = [verb for verb, outcome in outcomes.items() if outcome == "ok"]
        assert len(winners) == 1, (instance_id, outcomes)
        loser = next(outcome for outcome in outcomes.values() if outcome != "ok")
        assert loser in ("stale_approval", "approval_not_pending", "already_decided"), outcomes
        instance = org.instance(instance_id)
        assert instance["status"] == ("approved" if winners == ["approve"] else "rejected")
        assert [h["action"] for h in instance["history"]][1:] == [winners[0] + "d" if winners[0] == "approve"
                                                                  else "rejected"]
    assert len(by_request) == REPETITIONS


def _race(*args):
    from tests.approvals.racers import race
    race(*args)
