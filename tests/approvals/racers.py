"""A process that decides approval requests as one user, started by the race test."""

from tessera.runtime import Context, Runtime
from tessera.runtime.errors import RuntimeFailure


def race(database_url, user_id, verb, tasks, results, start):
    """For each request id from ``tasks`` (None ends): wait at ``start``, then ``verb`` it as
    ``user_id`` through its own Runtime; put (request id, verb, "ok" or the problem code)."""
    runtime = Runtime(database_url)
    ctx = Context(user_id=user_id, username=f"user{user_id}")
    try:
        while (instance_id := tasks.get()) is not None:
            start.wait(timeout=30)
            try:
                getattr(runtime.approvals, verb)(ctx, instance_id, {})
                results.put((instance_id, verb, "ok"))
            except RuntimeFailure as error:
                results.put((instance_id, verb, error.code))
            except Exception as error:  # noqa: BLE001 - the test reports anything else as a failure
                results.put((instance_id, verb, repr(error)))
    finally:
        runtime.dispose()
