"""The servers some tests need (PostgreSQL, Redis), and what a run says when it did not use them.

A test run without TESSERA_TEST_POSTGRES_URL does not even generate the PostgreSQL variants
of most tests, so nothing in pytest's own counts shows they are missing: the summary lines
below say so, and how to include them (README, "Quickstart").
"""

import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class Service:
    """A server tests may use: its name, the setting that enables it, an example URL, its mark."""

    name: str
    variable: str
    example: str
    mark: str
    per_worker: bool = False

    @property
    def configured(self):
        """The URL the run was given, or None when it does not use the server."""
        return os.environ.get(self.variable) or None

    @property
    def url(self):
        """The URL this process uses (a database of its own under pytest-xdist when
        ``per_worker``), or None when this run does not use the server."""
        if self.per_worker:
            return worker_redis_url(self.configured, worker_number())
        return self.configured


POSTGRES = Service("PostgreSQL", "TESSERA_TEST_POSTGRES_URL",
                   "postgresql+psycopg://postgres@127.0.0.1:5432/test", "postgres")
REDIS = Service("Redis", "TESSERA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15", "redis", per_worker=True)
SERVICES = (POSTGRES, REDIS)


def summary_lines(skipped_by_mark):
    """What the run did not test: a line per server it was not given or whose tests it skipped.

    ``skipped_by_mark`` maps a mark (``postgres``, ``redis``) to the node ids of the skipped
    tests carrying it.
    """
    lines = []
    for service in SERVICES:
        if service.url is None:
            lines.append(f"{service.name} tests not run: set {service.variable}={service.example} (see README)")
        elif skipped_by_mark.get(service.mark):
            lines.append(f"{len(skipped_by_mark[service.mark])} {service.name} test(s) skipped "
                         f"although {service.variable} is set: run with -rs to see why")
    return lines


def worker_number(worker=None):
    """The number of this pytest-xdist worker (gw0 is 0, gw1 is 1...), 0 outside xdist."""
    worker = worker if worker is not None else os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw"))


def redis_database(url):
    """The database number a Redis URL names (0 when it names none)."""
    path = urlsplit(url).path.strip("/")
    return int(path) if path else 0


def worker_redis_url(url, number):
    """The Redis database of worker ``number``: the URL's own for the first, the next lower
    one for the next, and so on (15, 14... for the README's 15, the last of Redis's 16),
    so workers never flush nor serve each other's rq queues (whose name is fixed). None
    when ``url`` is."""
    if url is None:
        return None
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{redis_database(url) - number}"))
