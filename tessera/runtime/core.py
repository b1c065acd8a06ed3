"""The Runtime: one database, its compiled model cache and the services built on them."""

import logging
from contextlib import contextmanager

from tessera.metadata import store
from tessera.metadata.fieldtype_registry import using_field_types
from tessera.metadata.tables import metadata_schema

from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError, OperationalError

from tessera.formula import EvalEnv

from .access.overrides import AdminOverrides
from .access.policy import AccessPolicy
from .records.computed import Fetcher
from .clock import utc_now
from .connections import Connections
from .db import checkpoint_wal, make_engine
from .events.timer_service import TimerService
from .events.dispatcher import EventService
from .events.event_log import counts as event_counts
from .events.webhooks import WebhookService
from .notifications.channels import NotificationOptions
from .notifications.service import NotificationService
from .errors import DatabaseUnavailable, ObjectNotFound, ServiceUnavailable
from .fields.builtin import BUILTIN_FIELD_TYPES
from .schema.formulas import org_clock
from .identity.login_policy import LoginPolicy
from .schema.model import ModelCache
from .records.formulas import FormulaService
from .records.service import RecordService
from .records.selection import matching_ids
from .publish.jobs import PublishJobs
from .publish.metadata import MetadataService
from .performance.scorecard_service import ScorecardService
from .performance.service import PerformanceService
from .approvals.service import ApprovalService
from .approvals.tables import create_added_indexes
from .automation.service import DEFAULT_MAX_DEPTH, AutomationService
from .imports.service import ImportService
from .automation.assignments import AssignmentService
from .automation.pool_service import PoolService
from .automation.inbound import InboundService
from .feedback import FeedbackService
from .list_views import ListViewService
from .identity.account_service import AccountService
from .identity.token_service import TokenService
from .identity.unit_service import DirectoryService
from .schema.system_tables import field_history, outbox, runtime_schema


log = logging.getLogger(__name__)

#: PostgreSQL advisory lock key taken while creating system tables ("TSRA" in ASCII).
SCHEMA_LOCK_KEY = 0x54535241


def user_values(ctx):
    """What ``$user`` means for ``ctx`` inside formulas."""
    if ctx is None:
        return {}
    return {"id": ctx.user_id, "name": ctx.username, "username": ctx.username, "locale": ctx.locale,
            "roles": list(getattr(ctx, "roles", ()) or ()), "team": getattr(ctx, "team", None),
            "manager": getattr(ctx, "manager_id", None)}


def _load_published(conn):
    return store.current_revision(conn), store.list_documents(conn, published=True)


class RequestScope:
    """The field types in force and the connections' request scope, entered and left together."""

    __slots__ = ("_types", "_scope")

    def __init__(self, field_types, connections_scope):
        self._types, self._scope = using_field_types(field_types), connections_scope

    def __enter__(self):
        self._types.__enter__()
        try:
            self._scope.__enter__()
        except BaseException:
            self._types.__exit__(None, None, None)
            raise

    def __exit__(self, kind, error, traceback):
        try:
            self._scope.__exit__(kind, error, traceback)
        finally:
            self._types.__exit__(kind, error, traceback)
        return False


class Runtime:
    """Interprets published metadata against one database.

    Web processes, workers and the CLI each build one; they share nothing but the
    database, and each notices a newer revision on its next operation.
    """

    outbox_table = outbox
    history_table = field_history

    def __init__(self, database_url, *, engine_options=None, timezone="UTC",
                 fiscal_year_start_month=1, login_policy=None, field_types=None, clock=None,
                 timer_handlers=None, timer_policy=None, event_options=None, event_listeners=None,
                 webhook_options=None, import_options=None, approver_resolvers=None, assignment_strategies=None,
                 record_listeners=(), automation_actions=None, automation_max_depth=DEFAULT_MAX_DEPTH,
                 notification_channels=None, notification_options=None):
        self.timezone = timezone
        #: Returns the current time in UTC (aware, or naive UTC); tests give a FrozenClock (``clock.py``).
        self.clock = clock or utc_now
        self.field_types = field_types or BUILTIN_FIELD_TYPES
        self.login_policy = login_policy or LoginPolicy()
        self.fiscal_year_start_month = fiscal_year_start_month
        self.engine = make_engine(database_url, **(engine_options or {}))
        self.connections = Connections(self.engine, autocommit_reads=self.engine.dialect.name == "postgresql")
        self.models = ModelCache(_load_published, self.field_types)
        self.access = AccessPolicy(self.model, self.eval_env)
        self.overrides = AdminOverrides(self.write_soon)
        self.timers = TimerService(self, handlers=timer_handlers, policy=timer_policy)  # before the rooms register
        # the event service comes before its subscribers, which register with it
        self.events = EventService(self, listeners=event_listeners, **(event_options or {}))
        self.webhooks = WebhookService(self, webhook_options, record_filter=matching_ids)
        self.notifications = NotificationService(self, NotificationOptions(
            channels=dict(notification_channels or {}), **(notification_options or {})))
        self.records = RecordService(self, record_listeners)
        self.formulas = FormulaService(self)
        self.metadata = MetadataService(self)
        self.accounts = AccountService(self)
        self.tokens = TokenService(self)
        self.directory = DirectoryService(self)
        self.publish_jobs = PublishJobs(self)
        self.performance = PerformanceService(self)
        self.scorecards = ScorecardService(self, self.performance)
        #: ``{name: resolver}`` of plugins: ``{"resolver": {"name": ..., "params": {...}}}`` approvers.
        self.approver_resolvers = dict(approver_resolvers or {})
        self.approvals = ApprovalService(self)
        self.imports = ImportService(self, **(import_options or {}))
        self.assignments = AssignmentService(self, assignment_strategies)
        self.pools = PoolService(self)
        self.inbound = InboundService(self)
        self.automation = AutomationService(self, actions=automation_actions, max_depth=automation_max_depth)
        self.feedback = FeedbackService(self)
        self.list_views = ListViewService(self)

    def create_schema(self):
        """Create the system tables if they do not exist yet (idempotent, safe when several
        processes start at once); on a SQLite file, then fold its write-ahead log back into
        the database and truncate it (a killed process may have left it large)."""
        with self.write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK_KEY)))
            metadata_schema.create_all(conn)
            runtime_schema.create_all(conn)
            create_added_indexes(conn)
        checkpoint_wal(self.engine)

    def read(self):
        """A read transaction. Inside a request scope every read shares one transaction on
        the request's connection, opened by the first read and ended by the scope or by
        the next write (so reads after a write see it)."""
        if self.connections.memo() is not None:
            return self.connections.read()  # the scope has set the field types
        return self._read_alone()

    @contextmanager
    def _read_alone(self):
        with using_field_types(self.field_types), self.connections.read() as conn:
            yield conn

    @contextmanager
    def write(self, *, wait=True):
        """A write transaction: commits on success, rolls back on any error. Inside a request
        scope it runs on the request's one connection. With ``wait`` false it raises
        DatabaseBusy at once, rather than queue, while another writer holds SQLite's lock."""
        with using_field_types(self.field_types), self.connections.write(wait=wait) as conn:
            yield conn

    def model(self, conn):
        """The compiled model of the newest published revision (read once per request scope)."""
        memo = self.connections.memo()
        if memo is None:
            return self.models.get(conn, store.current_revision(conn))
        if "revision" not in memo:
            memo["revision"] = store.current_revision(conn)
        return self.models.get(conn, memo["revision"])

    def request_scope(self):
        """Within this scope (one web request) the published revision is read only once and
        every read and write uses one pooled connection."""
        return RequestScope(self.field_types, self.connections.scope(self._write_deferred))

    def write_soon(self, work):
        """Run ``work(conn)`` in a write transaction: at the end of the request scope, or now
        outside one. Reads that only leave a trace (audit entries of admin-override reads)
        use it so the reads of one request keep sharing one transaction."""
        memo = self.connections.memo()
        if memo is None:
            with self.write() as conn:
                work(conn)
        else:
            memo.setdefault("deferred", []).append(work)

    def _write_deferred(self, write):
        works = self.connections.memo().pop("deferred", ())
        if works:
            with write() as conn:
                for work in works:
                    work(conn)

    def use_revision(self, revision):
        """Let the request scope use ``revision``, read by the caller in the scope's transaction."""
        memo = self.connections.memo()
        if memo is not None:
            memo["revision"] = revision

    def forget_revision(self):
        """Make the next model() read the revision again (after a publish inside the scope)."""
        memo = self.connections.memo()
        if memo is not None:
            memo.pop("revision", None)

    def object_for(self, conn, name):
        """Return (model, object model) for published object ``name`` or raise ObjectNotFound."""
        model = self.model(conn)
        obj = model.objects.get(name)
        if obj is None:
            raise ObjectNotFound("record.object.not_published", name=name)
        return model, obj

    def eval_env(self, ctx=None, conn=None, model=None, *, is_new=False):
        """The formula environment for ``ctx`` at the runtime's clock: org date, UTC time, $user,
        lookups via ``conn``."""
        today, now = org_clock(self.timezone, self.clock())
        env = EvalEnv(today=today, now=now, user=user_values(ctx),
                      fiscal_year_start_month=self.fiscal_year_start_month, is_new=is_new)
        if conn is not None:
            fetcher = Fetcher(conn, model or self.model(conn))
            fetcher.env = env
            env.fetch = fetcher
        return env

    def readiness(self, redis_url=None):
        """``{"status": "ok", "revision", "database": "ok", "redis": "ok" | "not_configured", "events":
        {"pending", "dead", "delivered"}}`` when
        the database (and Redis, when ``redis_url`` is given) answer; otherwise raise
        DatabaseUnavailable or ServiceUnavailable."""
        try:
            with self.read() as conn:
                revision = store.current_revision(conn)
                events = event_counts(conn)
        except (OperationalError, InterfaceError) as error:
            raise DatabaseUnavailable("health.database_down") from error
        if redis_url:
            from .events.jobs import redis_answers  # rq loads slowly; only a Redis set-up needs it
            if not redis_answers(redis_url):
                raise ServiceUnavailable("health.redis_down")
        return {"status": "ok", "revision": revision, "database": "ok",
                "redis": "ok" if redis_url else "not_configured", "events": events}

    def dispose(self):
        """Write the pending admin-override summaries, then close every pooled connection."""
        try:
            self.overrides.close()
        except Exception:  # noqa: BLE001 - the database may already be gone; say so, still close
            log.warning("could not write the coalesced admin-override audit entries", exc_info=True)
        finally:
            self.engine.dispose()
