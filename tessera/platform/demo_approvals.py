"""The demo's approval requests: the discount flow (``metadata/discount_approval.json``,
published with the model) gets the requests ``approvals.json`` names, so the sales manager's
``/api/v1/approvals/inbox`` shows one at once. Each request is a new record of its
submitter's, created and submitted in their name, once: nothing is submitted when the
database already holds an approval request.
"""

import json

from sqlalchemy import select

from tessera.runtime.approvals.tables import approval
from tessera.runtime.identity.principal import context_for_user
from tessera.runtime.identity.users import find_user


def load_requests(runtime, folder):
    """Submit the example's approval requests, unless some request exists already."""
    path = folder / "approvals.json"
    if not path.exists():
        return
    with runtime.read() as conn:
        if conn.execute(select(approval.c.id).limit(1)).first() is not None:
            return
    for spec in json.loads(path.read_text("utf-8"))["requests"]:
        _submit(runtime, spec)


def _submit(runtime, spec):
    with runtime.read() as conn:
        submitter = find_user(conn, spec["submitter"])
        ctx = context_for_user(conn, runtime.model(conn), submitter["id"])
    record = runtime.records.create(ctx, spec["object"], {**spec["record"], "sales_rep": submitter["id"]})
    runtime.approvals.submit(ctx, spec["object"], record["id"], {"comment": spec["comment"]})
