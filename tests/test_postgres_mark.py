"""The suite refuses a PostgreSQL test without the ``postgres`` mark (tests/postgres_mark.py)."""

from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["pytester"]

GUARD = ["-p", "tests.postgres_mark", "-p", "no:cacheprovider"]


def test_an_unmarked_postgresql_parameter_refuses_the_run(pytester):
    pytester.makepyfile(test_variants="""
        import pytest

        @pytest.fixture(params=["sqlite", "postgresql"])
        def backend(request):
            return request.param

        def test_reads(backend):
            pass
    """)
    result = pytester.runpytest_inprocess(*GUARD)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*1 PostgreSQL test(s) lack the `postgres` mark*",
                                 "*test_reads?postgresql?*"])


def test_a_marked_postgresql_parameter_or_dialect_name_is_accepted(pytester):
    pytester.makepyfile(test_variants="""
        import pytest

        @pytest.mark.parametrize("backend", ["sqlite", pytest.param("sqlite+postgresql", marks=pytest.mark.postgres)])
        def test_reads(backend):
            pass

        @pytest.mark.postgres
        @pytest.mark.parametrize("dialect", ["postgresql"])
        def test_compiles(dialect):
            pass
    """)
    result = pytester.runpytest_inprocess(*GUARD)
    result.assert_outcomes(passed=3)


@pytest.mark.postgres
def test_an_unmarked_test_that_connects_to_postgresql_fails(pytester):
    if not POSTGRES_URL:
        pytest.skip("TESSERA_TEST_POSTGRES_URL is not set")
    pytester.makepyfile(test_connects=f"""
        import pytest
        import sqlalchemy as sa

        URL = {POSTGRES_URL!r}

        def _select_one():
            engine = sa.create_engine(URL)
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            engine.dispose()

        def test_unmarked():
            _select_one()

        @pytest.mark.postgres
        def test_marked():
            _select_one()

        def test_on_sqlite():
            with sa.create_engine("sqlite://").connect() as conn:
                conn.execute(sa.text("SELECT 1"))
    """)
    result = pytester.runpytest_inprocess(*GUARD)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*test_unmarked connected to PostgreSQL but lacks the `postgres` mark*"])


def test_under_xdist_an_unmarked_postgresql_parameter_stops_the_run_with_the_same_message(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_variants="""
        import pytest

        @pytest.fixture(params=["sqlite", "postgresql"])
        def backend(request):
            return request.param

        def test_reads(backend):
            pass
    """)
    result = pytester.runpytest_subprocess(*GUARD, "-n", "2")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*1 PostgreSQL test(s) lack the `postgres` mark*", "*test_reads?postgresql?*"])
    assert "passed" not in result.stdout.str()
