"""The demo: the example CRM model and its sample records, loaded into one database, with a
sales team measured by a quarterly KPI scheme (``demo_performance``) and a discount request
waiting for approval (``demo_approvals``)."""

import json
from pathlib import Path

from sqlalchemy import func, select

from tessera.metadata import store
from tessera.runtime import Context
from tessera.runtime.publish import drafts, service as publishing
from tessera.runtime.identity.users import find_user

from .demo_approvals import load_requests
from .demo_performance import load_people, load_quarter, performance_documents

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "crm-basic"


def _publish_model(runtime, ctx, folder):
    """Save the example's changed documents and publish them, in one transaction."""
    with runtime.write() as conn:
        model_docs = [json.loads(path.read_text("utf-8")) for path in sorted((folder / "metadata").glob("*.json"))]
        for doc in [*model_docs, *performance_documents(folder)]:
            current = store.list_documents(conn, doc["kind"]).get((doc["kind"], doc["name"]))
            if current != doc:
                drafts.save_draft(conn, ctx, doc["kind"], doc["name"], doc)
        if store.pending_changes(conn):
            publishing.publish(conn, runtime.model(conn), ctx)


def _load_records(runtime, ctx, folder):
    for path in sorted((folder / "data").glob("*.json")):
        batch = json.loads(path.read_text("utf-8"))
        with runtime.read() as conn:
            _, obj = runtime.object_for(conn, batch["object"])
            count = conn.execute(select(func.count()).select_from(obj.table)).scalar_one()
        if count == 0:
            runtime.records.create_many(ctx, batch["object"], batch["records"])


def load_demo(runtime, folder=EXAMPLE):
    """Make sure ``admin`` exists, publish the example model, load samples once, the sales
    team's deals and targets once per quarter and the approval requests once; return a new token."""
    runtime.accounts.initialise(Context.cli())
    with runtime.read() as conn:
        user = find_user(conn, "admin")
    ctx = Context(user_id=user["id"], username="admin", is_admin=True)
    _publish_model(runtime, ctx, folder)
    load_people(runtime, ctx, folder)
    _load_records(runtime, ctx, folder)
    load_quarter(runtime, ctx, folder)
    load_requests(runtime, folder)
    return runtime.tokens.issue(ctx, {"name": "demo"})["token"]
