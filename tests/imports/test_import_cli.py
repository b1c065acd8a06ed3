"""``tessera import FILE --object X``: the same import from the command line, with a
progress bar, a readable report and an exit status scripts can trust."""


import pytest
from click.testing import CliRunner

from tessera.platform.cli import main
from tessera.runtime import Context, Runtime
from tests.helpers import object_doc

LEAD = object_doc(
    "lead",
    {"name": "company", "type": "text", "required": True, "max_length": 80},
    {"name": "external_ref", "type": "text", "max_length": 40, "unique": True},
    {"name": "status", "type": "picklist", "options": ["Open", "Lost"]},
)


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runtime = Runtime(url)
    runtime.create_schema()
    runtime.accounts.initialise(Context.cli())
    runtime.metadata.apply(Context.cli(), [LEAD])
    runtime.metadata.publish(Context.cli())
    runtime.dispose()
    return url


@pytest.fixture
def tessera(database):
    runner = CliRunner()

    def run(*args, locale="en"):
        env = {"TESSERA_DATABASE_URL": database, "TESSERA_LOCALE": locale}
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)
    return run


def leads(database):
    runtime = Runtime(database)
    try:
        return [(r["company"], r["external_ref"], r["status"])
                for r in runtime.records.list(Context.cli(), "lead", sort="external_ref", limit=100)["items"]]
    finally:
        runtime.dispose()


def write(tmp_path, text, name="leads.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_command_imports_a_file_and_says_what_it_did(tessera, database, tmp_path):
    path = write(tmp_path, "company,external_ref,status\nAcme,A-1,Open\nGlobex,A-2,Lost\n")
    result = tessera("import", path, "--object", "lead", "--external-id", "external_ref")
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 failed" in result.stdout
    assert leads(database) == [("Acme", "A-1", "Open"), ("Globex", "A-2", "Lost")]
    again = tessera("import", path, "--object", "lead", "--external-id", "external_ref")
    assert "0 created, 2 updated, 0 failed" in again.stdout and len(leads(database)) == 2


def test_failed_rows_are_printed_with_their_line_and_field_and_the_status_is_one(tessera, database, tmp_path):
    path = write(tmp_path, "company,external_ref,status\nAcme,A-1,Open\n,A-2,Open\nInitech,A-3,Maybe\n")
    result = tessera("import", path, "--object", "lead")
    assert result.exit_code == 1
    assert "row 3:" in result.stderr and "company:" in result.stderr
    assert "row 4:" in result.stderr and "status:" in result.stderr
    assert "nothing was kept" in result.stdout and leads(database) == []
    kept = tessera("import", path, "--object", "lead", "--mode", "valid_rows")
    assert kept.exit_code == 1 and "1 created" in kept.stdout and leads(database) == [("Acme", "A-1", "Open")]


def test_a_dry_run_and_a_mapping_in_chinese(tessera, database, tmp_path):
    path = write(tmp_path, "公司,编号\n阿里,Z-1\n")
    result = tessera("import", path, "--object", "lead", "--map", "company=公司", "--map", "external_ref=编号",
                     "--dry-run", locale="zh-CN")
    assert result.exit_code == 0, result.output
    assert "试运行" in result.stdout and "将新建 1 条" in result.stdout
    assert leads(database) == []


def test_a_bad_mapping_is_refused_readably_and_changes_nothing(tessera, database, tmp_path):
    path = write(tmp_path, "company\nAcme\n")
    result = tessera("import", path, "--object", "lead", "--map", "nope=company")
    assert result.exit_code == 1
    assert "mapping.nope" in result.stderr and "no such field" in result.stderr
    assert tessera("import", path, "--object", "lead", "--map", "broken").exit_code == 1
    assert leads(database) == []


def test_the_progress_bar_counts_rows_on_stderr(tessera, database, tmp_path):
    rows = "".join(f"Company {i},R-{i},Open\n" for i in range(1200))
    result = tessera("import", write(tmp_path, "company,external_ref,status\n" + rows), "--object", "lead")
    assert result.exit_code == 0
    assert "1200/1200" in result.stderr
    assert "1200 created" in result.stdout
