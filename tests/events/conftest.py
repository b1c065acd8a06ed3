"""Webhook tests start from an opportunity object published through the API, and run an
app that may reach 127.0.0.1 (named in TESSERA_WEBHOOK_ALLOW_HOSTS), with the runtime's
clock frozen so retries and backoff are stepped by hand."""

from datetime import datetime, timezone

import pytest

from tessera.platform import create_app
from tessera.runtime.clock import FrozenClock
from tests.conftest import Api, api_seed, seeds_for
from tests.helpers import define, object_doc

OPPORTUNITY = object_doc(
    "opportunity",
    {"name": "title", "type": "text", "required": True},
    {"name": "amount", "type": "currency"},
    {"name": "stage", "type": "picklist", "options": ["Prospecting", "Won", "Lost"]},
)
SECRET = "whsec-0123456789abcdef"
START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
#: The event settings of the tests: three attempts, 30 s then 60 s apart.
SETTINGS = {"WEBHOOK_ALLOW_HOSTS": "127.0.0.1", "EVENT_MAX_ATTEMPTS": 3, "EVENT_RETRY_SECONDS": 30,
            "EVENT_RETENTION_DAYS": 7, "WEBHOOK_TIMEOUT_SECONDS": 5}


def _build(api):
    published = define(api, OPPORTUNITY)
    assert published.status_code == 200, published.get_json()
    return {}


database_seed = seeds_for(hooks=api_seed("opportunity_only", _build))


@pytest.fixture
def hooks(seed_data):
    """What the seed built (the administrator's token)."""
    return seed_data


@pytest.fixture
def hooks_app(database_url, hooks):
    """An app over the seeded database allowed to call 127.0.0.1, its clock frozen at START."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, **SETTINGS})
    app.extensions["tessera"].clock = FrozenClock(START)
    yield app
    app.extensions["tessera"].dispose()


@pytest.fixture
def hooks_api(hooks_app, hooks):
    """The administrator's JSON client on ``hooks_app``."""
    return Api(hooks_app.test_client(), hooks["admin_token"])


@pytest.fixture
def rt(hooks_app):
    """The runtime of ``hooks_app``."""
    return hooks_app.extensions["tessera"]


def webhook(url, name="erp", **extra):
    """A webhook document on opportunity created/updated events, with the tests' secret."""
    return {"kind": "webhook", "name": name, "object": "opportunity", "events": ["record.created", "record.updated"],
            "url": url, "secret": SECRET, "active": True, **extra}


def publish(api, *docs):
    """PUT each document and publish; fail the test when either is refused."""
    published = define(api, *docs)
    assert published.status_code == 200, published.get_json()
