"""Background jobs: on rq with Redis when configured, inline otherwise."""

from redis import Redis, RedisError
from rq import Queue, Worker

QUEUE_NAME = "tessera"


class JobQueue:
    """Runs jobs on rq when a Redis URL is given; otherwise runs them at once, in-process."""

    def __init__(self, redis_url=None):
        self.redis_url = redis_url
        self._queue = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url)) if redis_url else None

    @property
    def inline(self):
        """True when jobs run in the calling process."""
        return self._queue is None

    def enqueue(self, func, *args, **kwargs):
        """Run ``func(*args, **kwargs)`` now (inline) or on a worker; return the rq job or the result."""
        if self._queue is None:
            return func(*args, **kwargs)
        return self._queue.enqueue(func, *args, **kwargs)


def redis_answers(redis_url, *, timeout=2.0):
    """Whether the Redis server at ``redis_url`` answers a PING within ``timeout`` seconds."""
    connection = Redis.from_url(redis_url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(connection.ping())
    except RedisError:
        return False
    finally:
        connection.close()


class BurstWorker(Worker):
    """An rq worker that stops once the queue is empty. It takes no commands, so it does not
    listen on rq's command channel, whose listener thread can hold its exit for a minute."""

    def subscribe(self):
        """Listen to no commands."""


def run_worker(redis_url, *, burst=False):
    """Run an rq worker (with its scheduler) on the Tessera queue until stopped, or with
    ``burst`` until it has run what is queued and what the scheduler found due."""
    connection = Redis.from_url(redis_url)
    worker = (BurstWorker if burst else Worker)([Queue(QUEUE_NAME, connection=connection)], connection=connection)
    return worker.work(with_scheduler=True, burst=burst)
