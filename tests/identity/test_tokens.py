"""Personal API tokens: shown once, stored hashed, scoped, revocable, expiring; and the CLI."""

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from tessera.metadata.store import utcnow
from tessera.platform.cli import main
from tessera.runtime.schema.system_tables import token
from tests.conftest import Api
from tests.helpers import object_doc
from tests.identity.conftest import url
from tests.platform.support import assert_problem


def bearer(org, secret):
    return Api(org.app.test_client(), secret)


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(org):
    made = org["alice"].post("/api/v1/tokens", json={"name": "laptop"})
    assert made.status_code == 201, made.get_json()
    secret = made.get_json()["token"]
    listed = org["alice"].get("/api/v1/tokens").get_json()["items"]
    assert secret not in str(listed) and "laptop" in [t["name"] for t in listed]
    with org.runtime.read() as conn:
        assert secret not in str(conn.execute(select(token)).all())
    assert bearer(org, secret).get(url()).status_code == 200


def test_a_token_records_when_it_was_last_used(org):
    secret = org["alice"].post("/api/v1/tokens", json={"name": "ci"}).get_json()["token"]
    bearer(org, secret).get(url())
    mine = {t["name"]: t for t in org["alice"].get("/api/v1/tokens").get_json()["items"]}
    assert mine["ci"]["last_used_at"] is not None


def test_a_revoked_token_is_refused(org):
    made = org["alice"].post("/api/v1/tokens", json={"name": "old"}).get_json()
    assert org["alice"].delete(f"/api/v1/tokens/{made['id']}").status_code == 204
    body = assert_problem(bearer(org, made["token"]).get(url()), 401, "unauthenticated")
    assert "revoked" in body["detail"]


def test_an_expired_token_is_refused(org):
    made = org["alice"].post("/api/v1/tokens", json={"name": "short", "expires_in_days": 1}).get_json()
    assert bearer(org, made["token"]).get(url()).status_code == 200
    with org.runtime.write() as conn:
        conn.execute(update(token).where(token.c.id == made["id"]).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert "expired" in assert_problem(bearer(org, made["token"]).get(url()), 401, "unauthenticated")["detail"]


@pytest.mark.parametrize("header", ["Bearer tsr_short", "Bearer tsr_" + "A" * 43, "Bearer tsr_' OR '1'='1",
                                    "Bearer " + "x" * 5000, "Token abc", "Bearer"])
def test_a_malformed_or_unknown_token_is_refused(org, header):
    response = org.app.test_client().get(url(), headers={"Authorization": header})
    assert_problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_users_tokens_stop_working(org):
    org.admin.delete(f"/api/v1/users/{org.ids['alice']}")
    assert_problem(org["alice"].get(url()), 401, "unauthenticated")


def test_a_read_only_token_may_read_but_not_change_anything(org):
    record = org.create("alice", title="mine")
    reader = org.client_for("alice", scope="read")
    assert reader.get(url(record)).get_json()["title"] == "mine"
    for response in (reader.post(url(), json={"title": "x"}), reader.patch(url(record), json={"title": "x"}),
                     reader.delete(url(record)), reader.post("/api/v1/tokens", json={"name": "escalate"}),
                     reader.patch("/api/v1/users/me", json={"display_name": "x"})):
        assert_problem(response, 403, "token_scope_exceeded")
    assert org["alice"].get(url(record)).get_json()["title"] == "mine"


def test_an_object_scoped_token_reaches_only_its_objects(org):
    scoped = org.client_for("alice", objects=["account"])
    made = scoped.post(url(object_name="account"), json={"name": "ACME"})
    assert made.status_code == 201 and made.get_json()["name"] == "ACME"
    assert_problem(scoped.get(url()), 403, "token_scope_exceeded")
    assert_problem(scoped.get("/api/v1/tokens"), 403, "token_scope_exceeded")
    assert scoped.get("/api/v1/users/me").get_json()["username"] == "alice"
    doc = scoped.get("/api/v1/openapi.json").get_json()
    assert "account" in doc["components"]["schemas"] and "opportunity" not in doc["components"]["schemas"]


def test_an_object_scoped_admin_token_cannot_administer(org):
    with org.runtime.write() as conn:
        from tessera.runtime.identity.users import create_token

        secret = create_token(conn, org.ids["admin"], "scoped", objects=["account"])
    scoped = bearer(org, secret)
    assert_problem(scoped.post("/api/v1/metadata/publish", json={}), 403, "token_scope_exceeded")
    assert_problem(scoped.get("/api/v1/audit"), 403, "token_scope_exceeded")


def test_a_bad_token_request_is_refused(org):
    for body in ({"name": ""}, {"name": "x", "scope": "admin"}, {"name": "x", "objects": ["nope"]},
                 {"name": "x", "objects": "opportunity"}, {"name": "x", "expires_in_days": 0}, {"name": "x", "user": 1}):
        assert_problem(org["alice"].post("/api/v1/tokens", json=body), 422, "validation_failed")


def test_a_user_cannot_revoke_someone_elses_token_but_an_admin_can(org):
    made = org["bob"].post("/api/v1/tokens", json={"name": "bobs"}).get_json()
    assert_problem(org["alice"].delete(f"/api/v1/tokens/{made['id']}"), 404)
    assert bearer(org, made["token"]).get(url()).status_code == 200
    assert org.admin.delete(f"/api/v1/tokens/{made['id']}").status_code == 204
    assert_problem(bearer(org, made["token"]).get(url()), 401)


@pytest.fixture
def cli(database_url, monkeypatch):
    monkeypatch.setenv("TESSERA_DATABASE_URL", database_url)
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    return runner


def test_the_cli_creates_users_and_prints_a_token_as_the_only_stdout_line(cli, database_url, tmp_path):
    account = tmp_path / "account.json"
    account.write_text(json.dumps(object_doc("account", {"name": "name", "type": "text"})))
    assert cli.invoke(main, ["metadata", "apply", str(account)]).exit_code == 0
    assert cli.invoke(main, ["metadata", "publish"]).exit_code == 0
    made = cli.invoke(main, ["user", "create", "erin", "--display-name", "Erin", "--password-stdin"],
                      input="a long enough secret\n")
    assert made.exit_code == 0, made.output
    issued = cli.invoke(main, ["token", "create", "erin", "--read-only", "--object", "account"])
    assert issued.exit_code == 0, issued.output
    lines = issued.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tsr_")
    listed = cli.invoke(main, ["token", "list", "erin"]).stdout
    assert "\tread\t" in listed and lines[0] not in listed


def test_the_cli_revokes_tokens_changes_passwords_and_deactivates_users(cli, database_url):
    cli.invoke(main, ["user", "create", "erin"])
    cli.invoke(main, ["token", "create", "erin"])
    token_id = cli.invoke(main, ["token", "list", "erin"]).stdout.split("\t")[0]
    assert cli.invoke(main, ["token", "revoke", token_id]).exit_code == 0
    assert "revoked" in cli.invoke(main, ["token", "list", "erin"]).stdout
    assert cli.invoke(main, ["user", "passwd", "erin", "--password-stdin"], input="a new long secret\n").exit_code == 0
    short = cli.invoke(main, ["user", "passwd", "erin", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "password" in short.output
    assert cli.invoke(main, ["user", "deactivate", "erin"]).exit_code == 0
    refused = cli.invoke(main, ["token", "create", "erin"])
    assert refused.exit_code != 0 and refused.stdout == ""


def test_the_cli_refuses_a_username_with_sql_metacharacters(cli):
    made = cli.invoke(main, ["user", "create", "x'; DROP TABLE tessera_user;--"])
    assert made.exit_code != 0
    assert cli.invoke(main, ["user", "create", "still_works"]).exit_code == 0
