"""The command line and the API call the same runtime services, so one operation writes one
shape of audit entry whoever asks; only the actor differs (``cli`` has no user id)."""

import sqlalchemy as sa

from tessera.runtime.schema.system_tables import audit_log
from tests.helpers import object_doc
from tests.platform.test_cli import database, inspect_db, tessera, web  # noqa: F401 - fixtures


def audit_entries(rt, event):
    with rt.read() as conn:
        rows = conn.execute(sa.select(audit_log).where(audit_log.c.event == event).order_by(audit_log.c.id))
        return [dict(row) for row in rows.mappings()]


def shape(entry):
    """What must not depend on the caller: the event, the subject's form, the details' keys."""
    subject = entry["subject"].split(" ")[0] if entry["subject"].startswith(("token ", "revision ")) else "name"
    return entry["event"], entry["outcome"], subject, sorted(entry["details"] or {})


def api_client(tessera, web):
    secret = tessera("token", "create", "admin", "--name", "api").stdout.strip()
    client = web()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_the_cli_and_the_api_write_the_same_audit_entries_for_the_same_operations(tessera, web, inspect_db, tmp_path):
    assert tessera("init").exit_code == 0
    client = api_client(tessera, web)
    assert tessera("user", "create", "cleo").exit_code == 0
    assert client.post("/api/v1/users", json={"username": "ada"}).status_code == 201
    assert client.post("/api/v1/tokens", json={"name": "ci"}).status_code == 201
    (tmp_path / "memo.json").write_text('{"kind": "object", "name": "memo", "fields": [{"name": "t", "type": "text"}]}')
    assert tessera("metadata", "apply", str(tmp_path / "memo.json")).exit_code == 0
    assert tessera("metadata", "publish").exit_code == 0
    assert client.put("/api/v1/metadata/object/note", json=object_doc("note", {"name": "t", "type": "text"})).status_code == 200
    assert client.post("/api/v1/metadata/publish").status_code == 200
    rt = inspect_db()
    for event in ("user.created", "token.created", "metadata.draft_saved", "metadata.published"):
        by_cli, by_api = [[e for e in audit_entries(rt, event) if (e["actor"] == "cli") == cli] for cli in (True, False)]
        assert by_cli and by_api, event
        assert shape(by_cli[-1]) == shape(by_api[-1]), event
        assert (by_cli[-1]["actor_id"], by_api[-1]["actor"]) == (None, "admin")


def test_a_cli_publish_that_fails_leaves_no_audit_entry(tessera, inspect_db, tmp_path):
    assert tessera("init").exit_code == 0
    bad = '{"kind": "object", "name": "memo", "fields": [{"name": "a", "type": "lookup", "target": "nothing"}]}'
    (tmp_path / "memo.json").write_text(bad)
    assert tessera("metadata", "apply", str(tmp_path / "memo.json")).exit_code == 0
    result = tessera("metadata", "publish")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert audit_entries(inspect_db(), "metadata.published") == []
    assert [e["subject"] for e in audit_entries(inspect_db(), "metadata.draft_saved")] == ["object/memo"]
