"""The test suite's per-test PostgreSQL setup and teardown: copies made in the test vs ahead.

A sequence of simulated tests, each starting from a copy of the standard ``admin_token``
state (the system tables, an administrator and a token, as tests/conftest.py builds it):
it takes a copy (setup), keeps its process busy for ``--work`` seconds (the test itself;
the suite's median PostgreSQL test plus its SQLite variant run about that long) and gives
the copy back (teardown). Two ways, in alternating runs of ``--run`` tests (so that both
meet the same server load, and the background thread of ``ahead`` gets no more time than
its own tests give it):

- ``in the test``: the copy is made and dropped while the test waits (the suite before);
- ``ahead``: tests/postgres_copies.py, a background thread making the next copy while
  the test runs and dropping the schema behind it (the suite now).

    .venv/bin/python bench/test_setup.py --tests 40 --work 0.4 --run 10

Target: setup and teardown of ``ahead`` at most a fifth of ``in the test``.
"""

import argparse
import tempfile
import time
from pathlib import Path

from common import DEFAULT_POSTGRES_URL, median
from tests.conftest import STANDARD_SEEDS
from tests.templates import Templates


def _busy(seconds):
    """Keep this process's CPU busy for ``seconds`` (a test runs Python, not sleep)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(range(1000))


def _timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def _in_the_test(postgres, seed, work):
    (schema, _), setup = _timed(lambda: postgres._copy(seed))
    _busy(work)
    _, teardown = _timed(lambda: postgres._drop([schema]))
    return setup, teardown


def _ahead(postgres, seed, work):
    (schema, _), setup = _timed(lambda: postgres.clone(seed))
    _busy(work)
    _, teardown = _timed(lambda: postgres.drop(schema))
    return setup, teardown


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--tests", type=int, default=40, help="simulated tests each way")
    parser.add_argument("--work", type=float, default=0.4, help="seconds each test keeps its process busy")
    parser.add_argument("--run", type=int, default=10, help="tests in a row one way before switching")
    args = parser.parse_args()
    seed = dict(STANDARD_SEEDS)["admin_token"]
    templates = Templates(Path(tempfile.mkdtemp()), args.postgres_url)
    times = {"in the test": [], "ahead": []}
    try:
        templates.data(seed, "postgresql")
        while len(times["ahead"]) < args.tests:
            for _ in range(args.run):
                times["in the test"].append(_in_the_test(templates.postgres, seed, args.work))
            for _ in range(args.run):
                times["ahead"].append(_ahead(templates.postgres, seed, args.work))
    finally:
        templates.close()
    report(times, args)


def report(times, args):
    print(f"{len(times['ahead'])} tests each way, {args.work:.2f} s of work each; medians:")
    result = {}
    for way, runs in times.items():
        result[way] = (median([s for s, _ in runs]), median([t for _, t in runs]))
        print(f"  {way:12} setup {result[way][0] * 1000:7.1f} ms   teardown {result[way][1] * 1000:7.1f} ms")
    before, after = (sum(result[way]) for way in ("in the test", "ahead"))
    ratio = after / before
    print(f"setup + teardown, ahead / in the test: {ratio:.3f} "
          f"({'meets' if ratio <= 0.2 else 'misses'} the target <= 0.2)")


if __name__ == "__main__":
    main()
