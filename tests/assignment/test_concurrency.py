"""Assignment under concurrency, through a threaded server: the round-robin turn and a pool's
records are locked in the database, so bursts neither skip nor double anyone."""

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.assignment.conftest import INSIDE, pool, rule
from tests.live_server import serving

BURST = 50


def post(url, token, payload):
    """POST ``payload`` as JSON; return (status, body)."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def all_at_once(count, call):
    """Run ``call(i)`` for i in range(count) in as many threads, released together; the answers."""
    start = threading.Barrier(count)

    def run(number):
        start.wait()
        return call(number)

    with ThreadPoolExecutor(count) as threads:
        return list(threads.map(run, range(count)))


def test_50_concurrent_creates_over_5_reps_give_exactly_10_each(sales, seed_data):
    sales.publish(rule("inside_rr", {"round_robin": {"team": "inside"}}, criteria="TRUE"))
    token = seed_data["admin_token"]
    with serving(sales.app) as base:
        answers = all_at_once(BURST, lambda n: post(f"{base}/api/v1/objects/lead/records", token,
                                                    {"company": f"Lead {n}"}))
    assert sorted({status for status, _ in answers}) == [201], [body for status, body in answers if status != 201][:3]
    owners = Counter(sales.name_of(body["owner"]) for _, body in answers)
    assert owners == {name: BURST // len(INSIDE) for name in INSIDE}


def test_of_two_concurrent_claims_of_one_record_exactly_one_wins(sales, seed_data):
    sales.publish(pool(), rule("to_pool", {"pool": "east_pool"}))
    record = sales.create()
    tokens = [seed_data["tokens"]["east1"], seed_data["tokens"]["east2"]]
    with serving(sales.app) as base:
        answers = all_at_once(2, lambda n: post(f"{base}/api/v1/pools/east_pool/claim", tokens[n],
                                                {"record_id": record["id"]}))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 409], answers
    winner = next(body for status, body in answers if status == 200)
    loser = next(body for status, body in answers if status == 409)
    assert loser["code"] == "already_claimed"
    assert sales.owner(record["id"]) == winner["owner"] in (sales.ids["east1"], sales.ids["east2"])


def test_concurrent_claims_of_the_next_record_each_get_a_different_one(sales, seed_data):
    sales.publish(pool(), rule("to_pool", {"pool": "east_pool"}))
    ids = {sales.create()["id"] for _ in range(2)}
    tokens = [seed_data["tokens"]["east1"], seed_data["tokens"]["east2"]]
    with serving(sales.app) as base:
        answers = all_at_once(2, lambda n: post(f"{base}/api/v1/pools/east_pool/claim", tokens[n], {}))
    assert [status for status, _ in answers] == [200, 200], answers
    assert {body["id"] for _, body in answers} == ids
