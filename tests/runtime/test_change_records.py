"""A change to a record is written once: its event carries the old and new value of each
changed field, and every field-history row of the change points at that event."""

import pytest
import sqlalchemy as sa

from tessera.runtime.identity.users import create_user
from tessera.runtime.records.ownership import transfer
from tessera.runtime.schema.system_tables import field_history, outbox

DEAL = {"kind": "object", "name": "deal", "fields": [
    {"name": "title", "type": "text"},
    {"name": "amount", "type": "currency", "scale": 2},
    {"name": "tags", "type": "multi_picklist", "options": ["hot", "cold", "new"]},
]}


@pytest.fixture
def deals(runtime, publish):
    publish(DEAL)
    return runtime


def last_change(runtime):
    """The newest record event as (type, changes) and the history rows pointing at it."""
    with runtime.read() as conn:
        event = conn.execute(sa.select(outbox).order_by(outbox.c.id.desc()).limit(1)).mappings().one()
        rows = conn.execute(sa.select(field_history).where(field_history.c.event_id == event["id"])
                            .order_by(field_history.c.field)).mappings().all()
    history = {r["field"]: {"old": r["old_value"], "new": r["new_value"]} for r in rows}
    return event["event_type"], event["payload"]["changes"], history


def test_an_update_records_only_the_changed_fields_in_its_event_and_in_history(deals, admin_ctx):
    deal = deals.records.create(admin_ctx, "deal", {"title": "Pumps", "amount": "10.00", "tags": ["hot"]})
    deals.records.update(admin_ctx, "deal", deal["id"], {"title": "Pumps", "amount": "12.50", "tags": ["hot", "new"]})
    kind, changes, history = last_change(deals)
    assert kind == "record.updated"
    assert changes == {"amount": {"old": "10.00", "new": "12.50"}, "tags": {"old": ["hot"], "new": ["hot", "new"]}}
    assert history == changes


def test_a_transfer_records_the_owner_change_in_its_event_and_in_history(deals, admin_ctx):
    deal = deals.records.create(admin_ctx, "deal", {"title": "Pumps"})
    with deals.write() as conn:
        bob = create_user(conn, "bob", is_admin=True)
    transfer(deals, admin_ctx, "deal", deal["id"], bob)
    kind, changes, history = last_change(deals)
    assert kind == "record.transferred"
    assert changes == history == {"owner": {"old": admin_ctx.user_id, "new": bob}}
