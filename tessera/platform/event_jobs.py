"""Where events are dispatched: a poll in ``tessera worker`` (with or without Redis) and,
without Redis, a thread of ``tessera serve`` and ``tessera demo``; with Redis an admin's
retry also enqueues an rq job that dispatches at once. The runtime decides what is
delivered (``runtime.events``); this module only decides when to ask it.
"""

from types import MappingProxyType

from tessera.runtime.events.dispatcher import default_policy
from tessera.runtime.events.webhooks import WebhookOptions

from . import pollers

#: Seconds rq keeps the (empty) result of a dispatch job.
DISPATCH_JOB_RESULT_TTL = 60


def event_options(settings):
    """The runtime's ``event_options`` from the event settings."""
    policy = default_policy()
    policy = type(policy)(max_attempts=settings["EVENT_MAX_ATTEMPTS"], retry_seconds=settings["EVENT_RETRY_SECONDS"],
                          max_retry_seconds=policy.max_retry_seconds, lease_seconds=settings["EVENT_LEASE_SECONDS"],
                          batch=policy.batch)
    return {"policy": policy, "retention_days": settings["EVENT_RETENTION_DAYS"]}


def import_options(settings):
    """The ImportService options of ``settings``."""
    return {"batch_rows": settings["IMPORT_BATCH_ROWS"], "max_errors": settings["IMPORT_MAX_ERRORS"]}


def webhook_options(settings):
    """The runtime's WebhookOptions from the webhook settings."""
    hosts = frozenset(h.strip().lower() for h in settings["WEBHOOK_ALLOW_HOSTS"].split(",") if h.strip())
    return WebhookOptions(allow_hosts=hosts, timeout=float(settings["WEBHOOK_TIMEOUT_SECONDS"]))


#: The settings notification channels read (handed to them through NotificationOptions).
CHANNEL_SETTINGS = ("SMTP_HOST", "SMTP_PORT", "SMTP_FROM", "SMTP_TLS", "SMTP_USER", "SMTP_PASSWORD",
                    "WECOM_WEBHOOK_URL", "WECOM_MSGTYPE", "DINGTALK_WEBHOOK_URL", "DINGTALK_SECRET",
                    "FEISHU_WEBHOOK_URL", "FEISHU_SECRET")


def notification_options(settings):
    """The runtime's ``notification_options`` from the notification settings (robots reach private
    hosts only when the webhook allow-list names them)."""
    return {"settings": MappingProxyType({name: settings[name] for name in CHANNEL_SETTINGS}),
            "allow_hosts": webhook_options(settings).allow_hosts,
            "timeout": float(settings["NOTIFICATION_TIMEOUT_SECONDS"]), "public_url": settings["PUBLIC_URL"]}


def _deliver_and_prune(runtime):
    delivered = runtime.events.dispatch()
    runtime.events.prune()
    return delivered


def tick(runtime):
    """Deliver what is due, then prune what is past retention; return how many were delivered.
    A failure to reach the database is logged, never raised: the next tick tries again."""
    return pollers.guarded(_deliver_and_prune, runtime, "could not dispatch events")


def start_dispatcher(runtime, seconds):
    """Dispatch events in a daemon thread; return the Event that stops it."""
    return pollers.start(tick, runtime, seconds, "tessera-events")


def start_dispatcher_without_redis(app):
    """For ``tessera serve`` and ``tessera demo``: without Redis, dispatch in a thread of the
    server; with Redis, leave it to ``tessera worker``. Return the stop Event or None."""
    if app.config.get("REDIS_URL"):
        return None
    return start_dispatcher(app.extensions["tessera"], app.config["EVENT_POLL_SECONDS"])


class RqDispatchAnnouncer:
    """Enqueues an rq job that dispatches events now (after an admin retry)."""

    def __init__(self, redis_url):
        from redis import Redis  # rq loads slowly; only a Redis set-up needs it
        from rq import Queue

        from tessera.runtime.events.jobs import QUEUE_NAME

        from .timer_jobs import REDIS_TIMEOUT

        connection = Redis.from_url(redis_url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
        self.queue = Queue(QUEUE_NAME, connection=connection)

    def __call__(self):
        """Enqueue ``dispatch_job()``."""
        self.queue.enqueue(dispatch_job, result_ttl=DISPATCH_JOB_RESULT_TTL)


def dispatch_job():
    """The rq task: dispatch the due events of the configured database; return how many were delivered."""
    from .config import load_settings
    from .timer_jobs import settings_runtime

    runtime = settings_runtime(load_settings())
    try:
        return runtime.events.dispatch()
    finally:
        runtime.dispose()
