"""Where durable timers fire: in ``tessera worker`` (rq jobs at each timer's due time with
Redis, a database poll always), and without Redis in a thread of ``tessera serve`` and
``tessera demo``. The runtime decides what fires (``runtime.timers``); this module only
decides when to ask it.
"""

import threading
from datetime import timezone

from tessera.runtime import Runtime
from tessera.runtime.events.timer_runner import TimerPolicy

from . import pollers
from .config import load_settings
from .plugins import plugged_runtime_options

#: Seconds a request waits for Redis to take a timer's job; a timer not enqueued waits for
#: the workers' database poll instead.
REDIS_TIMEOUT = 2.0
#: Seconds rq keeps the (empty) result of a timer job.
TIMER_JOB_RESULT_TTL = 60


def timer_policy(settings):
    """The runtime's TimerPolicy from the timer settings."""
    return TimerPolicy(max_attempts=settings["TIMER_MAX_ATTEMPTS"], retry_seconds=settings["TIMER_RETRY_SECONDS"])


def settings_runtime(settings):
    """A Runtime for a worker process (timers, events, rq jobs): the configured database, time
    zone, timer, event, webhook, import, automation and notification settings, and plugins."""
    from .event_jobs import RqDispatchAnnouncer, event_options, import_options, notification_options, webhook_options

    runtime = Runtime(settings["DATABASE_URL"], timezone=settings["TIMEZONE"], timer_policy=timer_policy(settings),
                      fiscal_year_start_month=settings["FISCAL_YEAR_START_MONTH"],
                      event_options=event_options(settings), webhook_options=webhook_options(settings),
                      automation_max_depth=settings["AUTOMATION_MAX_DEPTH"], import_options=import_options(settings),
                      notification_options=notification_options(settings), **plugged_runtime_options())
    if settings["REDIS_URL"]:
        runtime.timers.announce = RqTimerAnnouncer(settings["REDIS_URL"])
        runtime.events.announce = RqDispatchAnnouncer(settings["REDIS_URL"])
    return runtime


class RqTimerAnnouncer:
    """Enqueues, at a timer's due time, the rq job that fires it (``enqueue_at``)."""

    def __init__(self, redis_url):
        from redis import Redis  # rq loads slowly; only a Redis set-up needs it
        from rq import Queue

        from tessera.runtime.events.jobs import QUEUE_NAME

        connection = Redis.from_url(redis_url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
        self.queue = Queue(QUEUE_NAME, connection=connection)

    def __call__(self, timer_id, due_at):
        """Enqueue ``fire_timer_job(timer_id)`` for ``due_at`` (aware, or naive UTC)."""
        if due_at.tzinfo is None:
            due_at = due_at.replace(tzinfo=timezone.utc)
        self.queue.enqueue_at(due_at, fire_timer_job, timer_id, result_ttl=TIMER_JOB_RESULT_TTL)


def fire_timer_job(timer_id):
    """The rq task: fire timer ``timer_id`` on the configured database if it is still due and free."""
    runtime = settings_runtime(load_settings())
    try:
        return runtime.timers.fire(timer_id)
    finally:
        runtime.dispose()


def tick(runtime):
    """Fire what is due now; return how many fired. A failure to reach the database is logged,
    never raised: the next tick tries again."""
    return pollers.guarded(lambda rt: rt.timers.run_due(), runtime, "could not fire the due timers")


def start_ticker(runtime, seconds):
    """Poll due timers in a daemon thread; return the Event that stops it."""
    return pollers.start(tick, runtime, seconds, "tessera-timers")


def start_ticker_without_redis(app):
    """For ``tessera serve`` and ``tessera demo``: without Redis, tick the app's timers in a
    thread of the server; with Redis, leave them to ``tessera worker``. Return the stop Event or None."""
    if app.config.get("REDIS_URL"):
        return None
    return start_ticker(app.extensions["tessera"], app.config["TIMER_POLL_SECONDS"])


def run_worker_process(settings, *, burst=False):
    """``tessera worker``: with Redis, an rq worker with its scheduler and database polls (timers,
    events) beside it; without, the database polls alone. With ``burst``, fire what is due,
    deliver the due events (and drain the queue) and return."""
    from . import event_jobs

    runtime = settings_runtime(settings)
    try:
        runtime.create_schema()  # a database older than its timers or delivery tables gets them
        if burst:
            if settings["REDIS_URL"]:
                _run_rq(settings["REDIS_URL"], burst=True)
            tick(runtime)  # what no rq job fired: never announced, or Redis flushed since
            event_jobs.tick(runtime)
            return None
        dispatching = event_jobs.start_dispatcher(runtime, settings["EVENT_POLL_SECONDS"])
        try:
            if not settings["REDIS_URL"]:
                return pollers.poll(tick, runtime, settings["TIMER_POLL_SECONDS"], threading.Event())
            stop = start_ticker(runtime, settings["TIMER_POLL_SECONDS"])
            try:
                return _run_rq(settings["REDIS_URL"])
            finally:
                stop.set()
        finally:
            dispatching.set()
    finally:
        runtime.dispose()


def _run_rq(redis_url, *, burst=False):
    from tessera.runtime.events.jobs import run_worker  # rq loads slowly; only a Redis set-up needs it

    return run_worker(redis_url, burst=burst)
