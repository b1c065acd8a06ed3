"""The ``tessera`` command line, run in-process on a temporary SQLite file."""

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from tessera.metadata import store
from tessera.platform import create_app
from tessera.platform.cli import main
from tessera.runtime import Runtime
from tessera.runtime.schema.system_tables import audit_log
from tessera.runtime.schema.system_tables import user as user_table
from tests.platform.support import assert_problem

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "crm-basic"


@pytest.fixture
def database(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def tessera(database):
    """Run ``tessera ARGS...`` against the temporary database; return click's Result."""
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, list(args), env={"TESSERA_DATABASE_URL": database}, catch_exceptions=False)

    return run


@pytest.fixture
def inspect_db(database):
    runtimes = []

    def open_runtime():
        rt = Runtime(database)
        runtimes.append(rt)
        return rt

    yield open_runtime
    for rt in runtimes:
        rt.dispose()


@pytest.fixture
def web(database):
    apps = []

    def make():
        app = create_app({"DATABASE_URL": database, "TESTING": True})
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        app.extensions["tessera"].dispose()


def admins(rt):
    """(username, is_admin) of the administrators (the demo also creates a sales team)."""
    with rt.read() as conn:
        query = sa.select(user_table.c.username, user_table.c.is_admin).where(user_table.c.is_admin.is_(True))
        return conn.execute(query).all()


def drafts(rt):
    with rt.read() as conn:
        return store.list_documents(conn)


# -- init and tokens ------------------------------------------------------------------------

def test_init_creates_the_administrator_once(tessera, inspect_db):
    first = tessera("init")
    assert first.exit_code == 0, first.output
    second = tessera("init")
    assert second.exit_code == 0, second.output
    assert admins(inspect_db()) == [("admin", True)]
    assert first.stdout == "" and second.stdout == ""
    with inspect_db().read() as conn:
        created = conn.execute(sa.select(audit_log.c.event, audit_log.c.actor, audit_log.c.subject)).all()
    assert created == [("user.created", "cli", "admin")]


def test_token_create_prints_one_line_that_works_as_a_bearer_token(tessera, web):
    tessera("init")
    result = tessera("token", "create", "admin")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and result.stdout.endswith("\n")
    token = lines[0]
    assert re.fullmatch(r"\S+", token)
    client = web()
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["username"] == "admin"
    assert_problem(client.get("/api/v1/metadata/revisions", headers={"Authorization": "Bearer tsr_x"}),
                   401, "unauthenticated")


def test_every_token_create_prints_a_new_token(tessera):
    tessera("init")
    first, second = tessera("token", "create", "admin").stdout, tessera("token", "create", "admin").stdout
    assert first != second


def test_token_create_for_an_unknown_user_fails_readably(tessera):
    tessera("init")
    result = tessera("token", "create", "nobody")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert 'no user "nobody"' in result.stderr
    assert "Traceback" not in result.output


def test_token_create_for_an_unknown_object_fails_readably_and_creates_nothing(tessera):
    tessera("init")
    result = tessera("token", "create", "admin", "--object", "nosuch")
    assert result.exit_code != 0 and result.stdout == ""
    assert 'no published object "nosuch"' in result.stderr
    assert tessera("token", "list", "admin").stdout == ""


# -- metadata -------------------------------------------------------------------------------

def test_apply_plan_and_publish_the_example_model(tessera, web):
    tessera("init")
    applied = tessera("metadata", "apply", str(EXAMPLE / "metadata"))
    assert applied.exit_code == 0, applied.output
    assert sorted(applied.stdout.splitlines()) == [
        "approval_flow/discount_approval: draft version 1", "object/account: draft version 1",
        "object/contract: draft version 1", "object/opportunity: draft version 1"]

    planned = tessera("metadata", "plan")
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout)
    assert plan["revision"] == 0 and plan["lossy"] is False
    assert [c["name"] for c in plan["changes"]] == ["discount_approval", "account", "contract", "opportunity"]
    assert {s["target"] for s in plan["steps"] if s["op"] == "create_table"} == {"account", "contract", "opportunity"}

    published = tessera("metadata", "publish")
    assert published.exit_code == 0, published.output
    assert "revision 1" in published.stdout

    token = tessera("token", "create", "admin").stdout.strip()
    client = web()
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/objects/account/records", json={"name": "ACME", "region": "East"}, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert json.loads(tessera("metadata", "plan").stdout)["changes"] == []


def test_apply_accepts_a_single_file(tessera, inspect_db):
    result = tessera("metadata", "apply", str(EXAMPLE / "metadata" / "account.json"))
    assert result.exit_code == 0, result.output
    assert list(drafts(inspect_db())) == [("object", "account")]


def write(folder, name, doc):
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), "utf-8")
    return path


def test_an_invalid_document_names_the_file_and_field_path_and_changes_nothing(tessera, inspect_db, tmp_path):
    folder = tmp_path / "model"
    write(folder, "a_good.json", {"kind": "object", "name": "project", "fields": [{"name": "title", "type": "text"}]})
    write(folder, "b_bad.json", {"kind": "object", "name": "deal",
                                 "fields": [{"name": "title", "type": "text"}, {"name": "select", "type": "text"}]})
    result = tessera("metadata", "apply", str(folder))
    assert result.exit_code != 0
    assert "b_bad.json" in result.stderr
    assert "fields[1].name" in result.stderr
    assert "reserved" in result.stderr
    assert "Traceback" not in result.output
    assert drafts(inspect_db()) == {}


def test_a_file_that_is_not_json_is_named_in_the_error(tessera, inspect_db, tmp_path):
    folder = tmp_path / "model"
    write(folder, "broken.json", '{"kind": "object", "name": ')
    result = tessera("metadata", "apply", str(folder))
    assert result.exit_code != 0
    assert "broken.json" in result.stderr
    assert drafts(inspect_db()) == {}


def test_a_set_that_fails_its_checks_is_not_published(tessera, inspect_db, tmp_path):
    folder = tmp_path / "model"
    write(folder, "deal.json", {"kind": "object", "name": "deal",
                                "fields": [{"name": "partner", "type": "lookup", "target": "partner"}]})
    assert tessera("metadata", "apply", str(folder)).exit_code == 0
    for command in (("metadata", "plan"), ("metadata", "publish")):
        result = tessera(*command)
        assert result.exit_code != 0
        assert "fields[0].target" in result.stderr and "partner" in result.stderr
    with inspect_db().read() as conn:
        assert store.current_revision(conn) == 0


def test_a_lossy_publish_needs_the_confirmation_flag(tessera, web, tmp_path):
    tessera("init")
    folder = tmp_path / "model"
    write(folder, "deal.json", {"kind": "object", "name": "deal",
                                "fields": [{"name": "title", "type": "text"}, {"name": "notes", "type": "text"}]})
    tessera("metadata", "apply", str(folder))
    tessera("metadata", "publish")
    token = tessera("token", "create", "admin").stdout.strip()
    client = web()
    headers = {"Authorization": f"Bearer {token}"}
    client.post("/api/v1/objects/deal/records", json={"title": "t", "notes": "keep"}, headers=headers)

    write(folder, "deal.json", {"kind": "object", "name": "deal", "fields": [{"name": "title", "type": "text"}]})
    tessera("metadata", "apply", str(folder))
    refused = tessera("metadata", "publish")
    assert refused.exit_code != 0
    assert "deal.notes" in refused.stderr
    assert client.get("/api/v1/objects/deal/records/1", headers=headers).get_json()["notes"] == "keep"
    confirmed = tessera("metadata", "publish", "--confirm-data-loss")
    assert confirmed.exit_code == 0, confirmed.output
    assert "notes" not in client.get("/api/v1/objects/deal/records/1", headers=headers).get_json()


# -- demo -----------------------------------------------------------------------------------

def counts(rt):
    with rt.read() as conn:
        return {name: conn.execute(sa.text(f"SELECT COUNT(*) FROM obj_{name}")).scalar_one()
                for name in ("account", "opportunity", "contract")}


def test_demo_loads_the_example_and_is_idempotent(tessera, inspect_db):
    first = tessera("demo", "--no-serve")
    assert first.exit_code == 0, first.output
    rt = inspect_db()
    loaded = counts(rt)
    expected = {name: len(json.loads(path.read_text("utf-8"))["records"])
                for name, path in (("account", EXAMPLE / "data" / "1-account.json"),
                                   ("opportunity", EXAMPLE / "data" / "2-opportunity.json"),
                                   ("contract", EXAMPLE / "data" / "3-contract.json"))}
    # plus the sales team's deals of the current quarter (the performance demo)
    expected["opportunity"] += len(json.loads((EXAMPLE / "performance" / "quarter.json").read_text("utf-8"))["deals"])
    # and the opportunities the demo submits for approval
    expected["opportunity"] += len(json.loads((EXAMPLE / "approvals.json").read_text("utf-8"))["requests"])
    assert loaded == expected
    with rt.read() as conn:
        revision = store.current_revision(conn)

    second = tessera("demo", "--no-serve")
    assert second.exit_code == 0, second.output
    assert counts(rt) == loaded
    with rt.read() as conn:
        assert store.current_revision(conn) == revision
    assert admins(rt) == [("admin", True)]


def test_the_demo_token_works_against_the_web_app(tessera, web):
    result = tessera("demo", "--no-serve")
    lines = result.stderr.splitlines()
    token = lines[[i for i, line in enumerate(lines) if "Token for admin" in line][0] + 1].strip()
    client = web()
    response = client.get("/api/v1/objects/opportunity/records", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["items"]


def test_the_demo_prints_a_leaderboard_request_that_answers_the_sales_team(tessera, web):
    lines = tessera("demo", "--no-serve").stderr.splitlines()
    shown = [line for line in lines if "/api/v1/leaderboard?" in line]
    assert len(shown) == 1
    token, url = re.search(r'Bearer (\S+)" "http://[^/]+(/api/v1/leaderboard\?[^"]+)"', shown[0]).groups()
    response = web().get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [row["rank"] for row in response.get_json()["rows"]] == [1, 2, 3, 4]


def test_demo_after_init_uses_the_existing_administrator(tessera, inspect_db):
    tessera("init")
    assert tessera("demo", "--no-serve").exit_code == 0
    assert admins(inspect_db()) == [("admin", True)]



def test_the_command_line_speaks_the_locale_named_by_tessera_locale(database):
    runner = CliRunner()
    env = {"TESSERA_DATABASE_URL": database, "TESSERA_LOCALE": "zh-CN"}
    assert "已创建用户 admin" in runner.invoke(main, ["init"], env=env).output
    missing = runner.invoke(main, ["user", "passwd", "ghost", "--password-stdin"], env=env, input="secret-password\n")
    assert missing.exit_code != 0
    assert '不存在用户“ghost”' in missing.output
    english = runner.invoke(main, ["init"], env={**env, "TESSERA_LOCALE": "en"})
    assert "already initialised" in english.output
