import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from support import PG_URL, Database, postgres_engine, python_eval, sqlite_engine  # noqa: E402

BACKENDS = ["python", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def sqlite_db():
    db = Database(sqlite_engine())
    yield db
    db.drop()


@pytest.fixture(scope="session")
def postgres_db():
    if not PG_URL:
        pytest.skip("TESSERA_TEST_POSTGRES_URL is not set")
    db = Database(postgres_engine())
    yield db
    db.drop()


@pytest.fixture(params=BACKENDS)
def evaluate(request):
    """evaluate(source, records, env=ENV, context="field") -> list of results, on one backend."""
    if request.param == "python":
        return python_eval
    db = request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "postgres_db")
    return db.evaluate
