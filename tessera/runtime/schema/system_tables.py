"""The runtime's own tables, on one MetaData: users and tokens, the events outbox, field
history, counters and settings; the directory (teams, roles, assignments), record shares,
sessions, login attempts, the append-only audit log, background jobs and the performance
data (KPI targets, scheme assignments, KPI adjustments) and durable timers."""

from sqlalchemy import (DDL, JSON, Boolean, Column, Date, DateTime, Index, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, event)

from .columns import ID_TYPE

runtime_schema = MetaData()

user = Table(
    "tessera_user",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("username", String(150), nullable=False, unique=True),
    Column("display_name", String(255), nullable=False),
    Column("email", String(255), nullable=True),
    Column("locale", String(16), nullable=False, default="en"),
    Column("active", Boolean, nullable=False, default=True),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("password_hash", String(255), nullable=True),
    Column("team_id", ID_TYPE, nullable=True, index=True),
    Column("manager_id", ID_TYPE, nullable=True, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=True),
)

token = Table(
    "tessera_token",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("user_id", ID_TYPE, nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("name", String(255), nullable=False),
    Column("scope", String(16), nullable=False, default="read_write"),
    Column("objects", JSON, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=True),
    Column("last_used_at", DateTime, nullable=True),
    Column("revoked_at", DateTime, nullable=True),
)

outbox = Table(
    "tessera_outbox",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("event_type", String(63), nullable=False),
    Column("object", String(63), nullable=True),
    Column("record_id", ID_TYPE, nullable=True),
    Column("payload", JSON, nullable=False),
    Column("actor_id", ID_TYPE, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("delivered_at", DateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Index("ix_outbox_pending", "delivered_at", "id"),
    sqlite_autoincrement=True,
)

field_history = Table(
    "tessera_field_history",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("object", String(63), nullable=False),
    Column("record_id", ID_TYPE, nullable=False),
    Column("field", String(63), nullable=False),
    Column("old_value", JSON, nullable=True),
    Column("new_value", JSON, nullable=True),
    Column("actor_id", ID_TYPE, nullable=False),
    Column("changed_at", DateTime, nullable=False),
    Column("event_id", ID_TYPE, nullable=True),
    Index("ix_history_record", "object", "record_id", "id"),
    sqlite_autoincrement=True,
)

counter = Table(
    "tessera_counter",
    runtime_schema,
    Column("name", String(200), primary_key=True),
    Column("value", ID_TYPE, nullable=False),
)

setting = Table(
    "tessera_setting",
    runtime_schema,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

def _tree_table(name):
    """A named node with an optional parent: teams and roles are both hierarchies."""
    return Table(
        name,
        runtime_schema,
        Column("id", ID_TYPE, primary_key=True, autoincrement=True),
        Column("name", String(63), nullable=False, unique=True),
        Column("label", JSON, nullable=True),
        Column("parent_id", ID_TYPE, nullable=True, index=True),
        Column("created_at", DateTime, nullable=False),
    )


team = _tree_table("tessera_team")
role = _tree_table("tessera_role")

user_role = Table(
    "tessera_user_role",
    runtime_schema,
    Column("user_id", ID_TYPE, primary_key=True),
    Column("role_id", ID_TYPE, primary_key=True),
    Index("ix_user_role_role", "role_id", "user_id"),
)

user_permission_set = Table(
    "tessera_user_permission_set",
    runtime_schema,
    Column("user_id", ID_TYPE, primary_key=True),
    Column("permission_set", String(63), primary_key=True),
)

record_share = Table(
    "tessera_record_share",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("object", String(63), nullable=False),
    Column("record_id", ID_TYPE, nullable=False),
    Column("grantee_type", String(8), nullable=False),  # user | team | role
    Column("grantee_id", ID_TYPE, nullable=False),
    Column("access", String(8), nullable=False),  # read | edit
    Column("created_by", ID_TYPE, nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("object", "record_id", "grantee_type", "grantee_id", name="uq_record_share"),
    Index("ix_share_grantee", "object", "grantee_type", "grantee_id", "record_id", "access"),
)

login_attempt = Table(
    "tessera_login_attempt",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("username", String(150), nullable=False),
    Column("ip", String(64), nullable=True),
    Column("succeeded", Boolean, nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_login_attempt_user", "username", "at"),
    Index("ix_login_attempt_ip", "ip", "at"),
)

web_session = Table(
    "tessera_session",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("csrf_token", String(64), nullable=False),
    Column("user_id", ID_TYPE, nullable=False, index=True),
    Column("ip", String(64), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=True),
    Column("revoked_at", DateTime, nullable=True),
)

audit_log = Table(
    "tessera_audit",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("event", String(63), nullable=False),
    Column("outcome", String(16), nullable=False),  # success | failure
    Column("actor_id", ID_TYPE, nullable=True),
    Column("actor", String(150), nullable=True),
    Column("token_id", ID_TYPE, nullable=True),
    Column("ip", String(64), nullable=True),
    Column("object", String(63), nullable=True),
    Column("record_id", ID_TYPE, nullable=True),
    Column("subject", String(255), nullable=True),
    Column("details", JSON, nullable=True),
    Index("ix_audit_event", "event", "id"),
    Index("ix_audit_actor", "actor_id", "id"),
    Index("ix_audit_record", "object", "record_id", "id"),
    Index("ix_audit_at", "at"),
)


job = Table(
    "tessera_job",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("kind", String(31), nullable=False),
    Column("status", String(16), nullable=False),  # queued | running | succeeded | failed
    # The kind while the job is queued or running, NULL once it ended: the unique
    # constraint lets one job of a kind be active at a time, on every database.
    Column("active", String(31), nullable=True, unique=True),
    Column("params", JSON, nullable=True),
    Column("actor", JSON, nullable=True),
    Column("base_revision", Integer, nullable=True),
    Column("worker", String(255), nullable=True),
    Column("progress_done", Integer, nullable=False, default=0),
    Column("progress_total", Integer, nullable=False, default=0),
    Column("result", JSON, nullable=True),
    Column("error", JSON, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("started_at", DateTime, nullable=True),
    Column("heartbeat_at", DateTime, nullable=True),
    Column("finished_at", DateTime, nullable=True),
    sqlite_autoincrement=True,
)

# Durable timers (events/timers.py). A timer names what it is about with a subject type
# and an id or key; the claim columns let one runner at a time hold a due timer.
timer = Table(
    "tessera_timer",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("kind", String(63), nullable=False),
    Column("subject_type", String(63), nullable=True),
    Column("subject_id", ID_TYPE, nullable=True),
    Column("subject_key", String(255), nullable=True),
    Column("payload", JSON, nullable=True),
    Column("status", String(16), nullable=False),  # scheduled | fired | cancelled | dead
    Column("due_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("fired_at", DateTime, nullable=True),
    Column("claim_token", String(32), nullable=True),
    Column("claimed_by", String(255), nullable=True),
    Column("lease_until", DateTime, nullable=True),
    Index("ix_timer_due", "status", "due_at"),
    Index("ix_timer_subject", "subject_type", "subject_id", "subject_key"),
    sqlite_autoincrement=True,
)

# Performance data. A period is kept as the id it was set under and its type and dates,
# so a later change of the fiscal calendar never moves a past target to other days.
# Values are exact decimal text at the KPI's scale.
kpi_target = Table(
    "tessera_kpi_target",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("kpi", String(63), nullable=False),
    Column("subject_type", String(8), nullable=False),  # user | team
    Column("subject_id", ID_TYPE, nullable=False),
    Column("period", String(16), nullable=False),
    Column("period_type", String(8), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("value", String(64), nullable=False),
    Column("updated_by", ID_TYPE, nullable=True),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("kpi", "subject_type", "subject_id", "period_type", "period_start", name="uq_kpi_target"),
    Index("ix_kpi_target_range", "kpi", "period_start", "period_end"),
)

scheme_assignment = Table(
    "tessera_scheme_assignment",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("scheme", String(63), nullable=False),
    Column("user_id", ID_TYPE, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=True),  # inclusive; NULL: open-ended
    Column("created_by", ID_TYPE, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_scheme_assignment_user", "user_id", "valid_from"),
    Index("ix_scheme_assignment_scheme", "scheme", "valid_from"),
)

kpi_adjustment = Table(
    "tessera_kpi_adjustment",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("kpi", String(63), nullable=False),
    Column("user_id", ID_TYPE, nullable=False),
    Column("day", Date, nullable=False),
    Column("value", String(64), nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("record_object", String(63), nullable=True),
    Column("record_id", ID_TYPE, nullable=True),
    Column("created_by", ID_TYPE, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_kpi_adjustment_kpi", "kpi", "day", "user_id"),
)

#: The database itself refuses to change or remove audit rows (a guard against bugs and
#: casual tampering; whoever owns the database can still drop the trigger, and that is
#: what a retention job would have to do, in the open).
APPEND_ONLY_MESSAGE = "the audit log is append-only"
AUDIT_GUARD_DDL = {
    "sqlite": [
        f"CREATE TRIGGER tessera_audit_no_update BEFORE UPDATE ON tessera_audit "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
        f"CREATE TRIGGER tessera_audit_no_delete BEFORE DELETE ON tessera_audit "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
    ],
    "postgresql": [
        f"CREATE OR REPLACE FUNCTION tessera_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
        "CREATE TRIGGER tessera_audit_no_change BEFORE UPDATE OR DELETE ON tessera_audit "
        "FOR EACH ROW EXECUTE FUNCTION tessera_audit_append_only()",
        "CREATE TRIGGER tessera_audit_no_truncate BEFORE TRUNCATE ON tessera_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION tessera_audit_append_only()",
    ],
}
for _dialect, _statements in AUDIT_GUARD_DDL.items():
    for _statement in _statements:
        event.listen(audit_log, "after_create", DDL(_statement).execute_if(dialect=_dialect))
