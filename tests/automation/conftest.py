"""Automation tests start from an opportunity object and a task object (with a lookup to its
opportunity) published through the API; the app's clock is frozen so scheduled rules and
retries are stepped by hand, and it may call webhooks on 127.0.0.1."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from tessera.platform import create_app
from tessera.runtime.clock import FrozenClock
from tessera.runtime.schema.system_tables import audit_log
from tests.conftest import Api, api_seed, seeds_for
from tests.helpers import define, object_doc

OPPORTUNITY = object_doc(
    "opportunity",
    {"name": "title", "type": "text", "required": True},
    {"name": "amount", "type": "currency"},
    {"name": "stage", "type": "picklist", "options": ["Prospecting", "Negotiation", "Won", "Lost"]},
    {"name": "next_step", "type": "text"},
    {"name": "touches", "type": "number", "scale": 0},
)
TASK = object_doc(
    "task",
    {"name": "subject", "type": "text", "required": True},
    {"name": "opportunity", "type": "lookup", "target": "opportunity"},
)
START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
SETTINGS = {"WEBHOOK_ALLOW_HOSTS": "127.0.0.1", "EVENT_MAX_ATTEMPTS": 3, "EVENT_RETRY_SECONDS": 30,
            "AUTOMATION_MAX_DEPTH": 5}


def _build(api):
    published = define(api, OPPORTUNITY, TASK)
    assert published.status_code == 200, published.get_json()
    return {}


database_seed = seeds_for(crm=api_seed("automation_crm", _build))


@pytest.fixture
def crm(seed_data):
    """What the seed built (the administrator's token)."""
    return seed_data


@pytest.fixture
def plugins():
    """Extra plugins of the app (a test overrides this fixture to add its own)."""
    return ()


@pytest.fixture
def auto_app(database_url, crm, plugins):
    """An app over the seeded database, its clock frozen at START."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, **SETTINGS}, plugins=plugins)
    app.extensions["tessera"].clock = FrozenClock(START)
    yield app
    app.extensions["tessera"].dispose()


@pytest.fixture
def auto_api(auto_app, crm):
    """The administrator's JSON client."""
    return Api(auto_app.test_client(), crm["admin_token"])


@pytest.fixture
def rt(auto_app):
    """The runtime of the app."""
    return auto_app.extensions["tessera"]


def rule(name, trigger, actions, **extra):
    """An automation document on opportunity."""
    return {"kind": "automation", "name": name, "object": "opportunity", "trigger": trigger, "actions": actions,
            "active": True, **extra}


def publish(api, *docs):
    """PUT each document and publish; fail the test when either is refused."""
    published = define(api, *docs)
    assert published.status_code == 200, published.get_json()


def refused(api, *docs):
    """PUT each document and publish; return the publish's problem document (status 422 expected)."""
    published = define(api, *docs)
    assert published.status_code == 422, published.get_json()
    return published.get_json()


def create(api, object_name="opportunity", status=201, **values):
    response = api.post(f"/api/v1/objects/{object_name}/records", json=values)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def update(api, record, status=200, **values):
    response = api.patch(f"/api/v1/objects/opportunity/records/{record['id']}",
                         json={"version": record["version"], **values})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def records(api, object_name="opportunity"):
    """Every record of ``object_name``, oldest first."""
    response = api.get(f"/api/v1/objects/{object_name}/records?sort=id&limit=500")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def audit_entries(runtime, event="automation.action"):
    """The audit rows of ``event``, oldest first."""
    with runtime.read() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).where(audit_log.c.event == event)
                                              .order_by(audit_log.c.id)).mappings()]
