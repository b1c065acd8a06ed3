"""Runtime-level fixtures: publishing object documents straight through the store."""

import pytest

from tessera.metadata import store
from tessera.runtime import Context
from tessera.runtime.publish import service as publishing
def publish_documents(runtime, *docs, confirm=False, deleted=()):
    """Save ``docs`` as drafts (and mark ``deleted`` names for deletion), then publish; return the result.

    Saving and publishing are two transactions, as they are through the API.
    """
    with runtime.write() as conn:
        for doc in docs:
            store.save_draft(conn, doc["kind"], doc["name"], doc, "admin")
        for name in deleted:
            store.save_draft(conn, "object", name, None, "admin")
    return publish_drafts(runtime, confirm=confirm)


def publish_drafts(runtime, *, confirm=False):
    """Publish the pending drafts in one transaction; return the result."""
    with runtime.write() as conn:
        return publishing.publish(conn, runtime.model(conn), Context.cli(), confirm_data_loss=confirm)


@pytest.fixture
def publish(runtime):
    """Publish object documents on the test runtime: ``publish(doc, ..., confirm=False)``."""
    return lambda *docs, **kw: publish_documents(runtime, *docs, **kw)
