"""Settings: declared once, with defaults and help; unknown settings are refused.

Each setting comes from the ``config`` mapping given to ``create_app`` or from an
environment variable named ``TESSERA_<NAME>``.
"""

import os
from dataclasses import dataclass

from tessera.i18n import Message


class ConfigError(Exception):
    """A setting is unknown or its value cannot be used; ``message`` is a catalog Message."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, parser and a line of help."""

    name: str
    default: object
    parse: object
    help: str


def _bool(value):
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "yes", "on"):
        return True
    if str(value).lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(Message("config.not_boolean", value=repr(value)))


def _month(value):
    month = int(value)
    if not 1 <= month <= 12:
        raise ValueError(Message("config.month"))
    return month


def _positive(value):
    number = int(value)
    if number < 1:
        raise ValueError(Message("config.positive"))
    return number


def _choice(*allowed):
    def parse(value):
        if value not in allowed:
            raise ValueError(Message("config.one_of", choices=", ".join(allowed)))
        return value
    return parse


_tls = _choice("none", "starttls", "ssl")
_robot_msgtype = _choice("markdown", "text")


def _optional(value):
    return value or None


SETTINGS = [
    Setting("DATABASE_URL", "sqlite:///tessera.db", str, "SQLAlchemy URL of the database (SQLite file or PostgreSQL)."),
    Setting("DATABASE_POOL_SIZE", 10, _positive,
            "Pooled database connections kept per process; a request uses one at a time, so give at least "
            "as many as the threads serving requests (10 more open when all are busy)."),
    Setting("DATABASE_POOL_TIMEOUT", 30, _positive,
            "Seconds a request waits for a pooled connection before it answers 503 database_busy."),
    Setting("REDIS_URL", None, _optional, "Redis URL for rq jobs; without it jobs run inline."),
    Setting("SECRET_KEY", None, _optional, "Key that signs Flask's cookie session (for plugins); generated per process when unset."),
    Setting("MAX_CONTENT_LENGTH", 1024 * 1024, int, "Largest request body accepted, in bytes."),
    Setting("MAX_BATCH_SIZE", 1000, int, "Most records one batch create may carry."),
    Setting("TIMEZONE", "UTC", str, "The organisation's time zone (IANA name) for TODAY() and periods."),
    Setting("FISCAL_YEAR_START_MONTH", 1, _month, "Month (1-12) in which the fiscal year starts."),
    Setting("DEFAULT_LOCALE", "en", str, "Locale of messages when the request names none (en or zh-CN)."),
    Setting("LOGIN_MAX_FAILURES", 5, _positive,
            "Failed logins for one username, inside the failure window, that lock further attempts."),
    Setting("LOGIN_MAX_FAILURES_PER_ADDRESS", 20, _positive,
            "Failed logins from one client address, inside the failure window, that lock it out."),
    Setting("LOGIN_FAILURE_WINDOW", 900, _positive, "Seconds a failed login counts towards a lockout."),
    Setting("SESSION_LIFETIME", 43200, _positive, "Seconds a browser session lasts after login, however busy."),
    Setting("SESSION_IDLE_TIMEOUT", 7200, _positive, "Seconds without a request after which a browser session ends."),
    Setting("PUBLISH_JOB_ROWS", 10000, _positive,
            "A publish over HTTP whose plan changes, records or scans at least this many rows runs as a "
            "background job (202 with a job to poll); smaller ones answer at once."),
    Setting("JOB_STALE_SECONDS", 120, _positive,
            "Seconds a queued job may wait for a worker, or a running one go without a heartbeat, before "
            "it is reported failed as stale."),
    Setting("TIMER_POLL_SECONDS", 5, _positive,
            "Seconds between two looks at the database for due timers, by `tessera worker` (with or "
            "without Redis) and, without Redis, by `tessera serve` and `tessera demo`."),
    Setting("TIMER_MAX_ATTEMPTS", 8, _positive,
            "Times a timer whose handler fails is tried in all before it is marked dead."),
    Setting("TIMER_RETRY_SECONDS", 30, _positive,
            "Seconds before the first retry of a failed timer; each later retry waits twice as long "
            "(at most an hour)."),
    Setting("EVENT_POLL_SECONDS", 1, _positive,
            "Seconds between two looks at the outbox for events to deliver, by `tessera worker` and, "
            "without Redis, by `tessera serve` and `tessera demo`."),
    Setting("EVENT_MAX_ATTEMPTS", 10, _positive,
            "Times an event's delivery to one subscriber (a webhook) is tried before it is marked dead."),
    Setting("EVENT_RETRY_SECONDS", 30, _positive,
            "Seconds before the first retry of a failed delivery; each later retry waits twice as long "
            "(at most an hour)."),
    Setting("EVENT_LEASE_SECONDS", 300, _positive,
            "Seconds a dispatcher holds the deliveries it took; those of a dispatcher that died are "
            "handed out again after this long."),
    Setting("EVENT_RETENTION_DAYS", 7, _positive,
            "Days a delivered event (with its delivery log) is kept before it is pruned."),
    Setting("WEBHOOK_TIMEOUT_SECONDS", 10, _positive, "Seconds a webhook receiver has to answer a delivery."),
    Setting("WEBHOOK_ALLOW_HOSTS", "", str,
            "Comma-separated hosts (as webhook URLs write them) that webhooks may reach although they "
            "resolve to loopback, private or link-local addresses."),
    Setting("AUTOMATION_MAX_DEPTH", 5, _positive,
            "Most automation rules one chain may run, a rule whose write triggers another counting one "
            "deeper; a deeper chain stops with a logged error and nothing of its last link written."),
    Setting("IMPORT_BATCH_ROWS", 500, _positive,
            "Rows an import writes per batch (one savepoint, and in valid_rows mode one transaction, each)."),
    Setting("IMPORT_MAX_ERRORS", 1000, _positive,
            "Failed rows an import reports in detail; later ones are counted only."),
    Setting("PUBLIC_URL", "", str,
            "The app's address as users reach it (https://crm.example); links in e-mails and chat robot "
            "messages start with it (relative without it)."),
    Setting("NOTIFICATION_TIMEOUT_SECONDS", 10, _positive,
            "Seconds an SMTP server or a chat robot has to accept one notification."),
    Setting("SMTP_HOST", "", str, "SMTP server for e-mail notifications; unset, nobody is notified by e-mail."),
    Setting("SMTP_PORT", 25, _positive, "Port of the SMTP server."),
    Setting("SMTP_FROM", "tessera@localhost", str, "Sender address of notification e-mails."),
    Setting("SMTP_TLS", "none", _tls, "How to secure SMTP: none, starttls or ssl."),
    Setting("SMTP_USER", "", str, "User name to log in to the SMTP server with (no login when unset)."),
    Setting("SMTP_PASSWORD", "", str, "Password of SMTP_USER."),
    Setting("WECOM_WEBHOOK_URL", "", str,
            "Webhook URL of the WeCom group robot notifications may go to (unset: no WeCom channel)."),
    Setting("WECOM_MSGTYPE", "markdown", _robot_msgtype, "Message type sent to the WeCom robot: markdown or text."),
    Setting("DINGTALK_WEBHOOK_URL", "", str,
            "Webhook URL of the DingTalk group robot notifications may go to (unset: no DingTalk channel)."),
    Setting("DINGTALK_SECRET", "", str, "Signing secret of the DingTalk robot (its \"加签\" key); unsigned when unset."),
    Setting("FEISHU_WEBHOOK_URL", "", str,
            "Webhook URL of the Feishu bot notifications may go to (unset: no Feishu channel)."),
    Setting("FEISHU_SECRET", "", str, "Signing secret of the Feishu bot; unsigned when unset."),
    Setting("SQL_ECHO", False, _bool, "Log every SQL statement (development only)."),
    Setting("TESTING", False, _bool, "Testing mode: errors propagate instead of becoming 500 problems."),
]

SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def load_settings(overrides=None, environ=None):
    """Return {name: value} from defaults, ``TESSERA_*`` variables and ``overrides``.

    Raises ConfigError for an unknown name in ``overrides`` or a value that does not parse.
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(SETTINGS_BY_NAME))
    if unknown:
        raise ConfigError(Message("config.unknown", names=", ".join(unknown)))
    values = {}
    for setting in SETTINGS:
        raw = overrides.get(setting.name, environ.get(f"TESSERA_{setting.name}", setting.default))
        try:
            values[setting.name] = setting.parse(raw) if raw is not None else None
        except (TypeError, ValueError) as error:
            problem = error.args[0] if error.args and isinstance(error.args[0], Message) \
                else Message("config.unreadable", value=repr(raw))
            raise ConfigError(Message("config.invalid", name=setting.name, problem=problem)) from None
    return values
