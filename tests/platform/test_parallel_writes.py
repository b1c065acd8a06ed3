"""Under many threads the server queues writes and never fails one for a reason the client
did not cause: a request uses one pooled connection for its reads and its writes."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_server import serving
from tests.platform.support import row_count

DEAL = {"name": "deal", "label": {"en": "Deal"}, "fields": [{"name": "title", "type": "text", "max_length": 80}]}
PARALLEL = 200


def post(url, token, payload):
    """POST ``payload`` as JSON; return (status, body)."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body)
        except ValueError:
            return error.code, body.decode(errors="replace")


@pytest.fixture
def deals(api):
    assert api.post("/api/v1/metadata/object", json=DEAL).status_code == 201
    assert api.post("/api/v1/metadata/publish").status_code == 200


def test_200_concurrent_creates_on_a_threaded_server_all_succeed(app, admin_token, deals):
    start = threading.Barrier(PARALLEL)

    def create(number):
        start.wait()
        return post(f"{base}/api/v1/objects/deal/records", admin_token, {"title": f"Deal {number}"})

    with serving(app) as base, ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(create, range(PARALLEL)))
    statuses = sorted({status for status, _ in answers})
    assert statuses == [201], [body for status, body in answers if status != 201][:3]
    assert len({body["id"] for _, body in answers}) == PARALLEL
    assert sorted(body["title"] for _, body in answers) == sorted(f"Deal {n}" for n in range(PARALLEL))
    assert row_count(app, "deal") == PARALLEL
    assert app.extensions["tessera"].engine.pool.checkedout() == 0
