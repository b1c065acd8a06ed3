"""A SQLite database's write-ahead log is folded back and truncated when a runtime starts.

A process killed while it writes leaves its log behind (a killed publish once left 448 MB),
and every later reader would scan it until the next full checkpoint.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from tessera.runtime import Runtime
from tessera.runtime.db import checkpoint_wal

#: Writes 2,000 rows to a WAL-mode database without ever checkpointing, then dies
#: without closing it, as a killed process would.
KILLED_WRITER = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA wal_autocheckpoint=0")
conn.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT)")
conn.execute("BEGIN")
conn.executemany("INSERT INTO filler (text) VALUES (?)", [("x" * 500,)] * 2000)
conn.execute("COMMIT")
os._exit(0)
"""


@pytest.fixture
def killed_writer_db(tmp_path):
    """A SQLite file whose WAL still holds the pages of a writer that died."""
    path = tmp_path / "killed.db"
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], check=True)
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 1_000_000
    return path, wal


def test_creating_the_schema_checkpoints_and_truncates_a_left_over_log(killed_writer_db):
    path, wal = killed_writer_db
    runtime = Runtime(f"sqlite:///{path}")
    try:
        runtime.create_schema()
        assert wal.stat().st_size == 0  # truncated while the runtime still holds the database open
        with runtime.read() as conn:  # and nothing that was committed is lost
            assert conn.exec_driver_sql("SELECT count(*) FROM filler").scalar_one() == 2000
    finally:
        runtime.dispose()


def test_the_checkpoint_is_a_no_op_for_memory_databases_and_postgresql(database_url):
    runtime = Runtime("sqlite://")
    try:
        assert checkpoint_wal(runtime.engine) is None
    finally:
        runtime.dispose()
    if not database_url.startswith("sqlite"):
        runtime = Runtime(database_url)
        try:
            assert checkpoint_wal(runtime.engine) is None
        finally:
            runtime.dispose()
