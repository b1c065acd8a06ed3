"""A test run says plainly which servers it did not test against, and how to include them."""

import os
import re
import subprocess
import sys
from pathlib import Path

from tests import services

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_LINE = ("PostgreSQL tests not run: set TESSERA_TEST_POSTGRES_URL="
                 "postgresql+psycopg://postgres@127.0.0.1:5432/test (see README)")
REDIS_LINE = "Redis tests not run: set TESSERA_TEST_REDIS_URL=redis://127.0.0.1:6379/15 (see README)"


def test_a_run_without_servers_names_each_and_how_to_set_it(monkeypatch):
    for service in services.SERVICES:
        monkeypatch.delenv(service.variable, raising=False)
    assert services.summary_lines({}) == [POSTGRES_LINE, REDIS_LINE]


def test_a_run_with_servers_counts_only_the_tests_it_skipped(monkeypatch):
    monkeypatch.setenv("TESSERA_TEST_POSTGRES_URL", "postgresql+psycopg://x@127.0.0.1/test")
    monkeypatch.setenv("TESSERA_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
    assert services.summary_lines({"postgres": [], "redis": []}) == []
    assert services.summary_lines({"postgres": ["a", "b"]}) == [
        "2 PostgreSQL test(s) skipped although TESSERA_TEST_POSTGRES_URL is set: run with -rs to see why"]


def test_each_xdist_worker_has_its_own_redis_database_counting_down_from_the_one_given():
    assert [services.worker_redis_url("redis://127.0.0.1:6379/15", n) for n in range(3)] == [
        "redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/14", "redis://127.0.0.1:6379/13"]
    assert services.worker_redis_url("redis://:secret@cache:6380/2?timeout=3", 1) == "redis://:secret@cache:6380/1?timeout=3"
    assert services.worker_redis_url(None, 1) is None


def test_the_redis_url_of_a_worker_process_is_its_own(monkeypatch):
    monkeypatch.setenv("TESSERA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert services.REDIS.url == "redis://127.0.0.1:6379/14"
    assert services.REDIS.configured == "redis://127.0.0.1:6379/15"
    assert services.worker_number("gw3") == 3 and services.redis_database("redis://127.0.0.1") == 0


def test_a_parallel_run_refuses_a_redis_database_too_low_for_its_workers():
    env = {**os.environ, "TESSERA_TEST_REDIS_URL": "redis://127.0.0.1:6379/0"}
    node = "tests/test_services.py::test_a_run_without_servers_names_each_and_how_to_set_it"
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", node],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 4, run.stdout + run.stderr
    assert "TESSERA_TEST_REDIS_URL names database 0, but each of the 2 workers" in run.stderr


def test_the_summary_of_a_real_run_without_servers_says_so():
    env = {k: v for k, v in os.environ.items()
           if k not in ("TESSERA_TEST_POSTGRES_URL", "TESSERA_TEST_REDIS_URL", "TESSERA_REQUIRE_SERVICES")}
    node = "tests/test_services.py::test_a_run_without_servers_names_each_and_how_to_set_it"
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", node],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    summary = run.stdout[run.stdout.index("not tested"):]
    assert POSTGRES_LINE in summary and REDIS_LINE in summary


def test_make_test_and_the_readme_say_the_same_and_ci_runs_the_readmes_command():
    readme, makefile = (ROOT / "README.md").read_text(), (ROOT / "Makefile").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and re.search(r"^make test\s*$", ci, re.M)
    for service in services.SERVICES:
        assert f"{service.variable}={service.example}" in readme
        assert f"{service.variable}={service.example}" in makefile
    assert "PostgreSQL tests not run: set TESSERA_TEST_POSTGRES_URL=" in readme
    assert POSTGRES_LINE in makefile and REDIS_LINE in makefile
