"""Running one rule on one record: its condition, the depth of the chain, its actions, audited.

Depth counts the automations in a chain: a rule run by a person's write is at depth 1, a
rule run by a write that an automation made is one deeper. Inside a transaction the
current depth rides on the connection (``conn.info``), and every outbox event written
meanwhile carries the cause ``{"automation", "depth", "event"}`` (see ``events/outbox.py``),
so a rule run after commit by that event continues the count. A rule whose condition
holds deeper than the limit raises AutomationLoop: its transaction, and with it every
write of the chain inside that transaction, rolls back.
"""

import logging
from contextlib import contextmanager

from ..audit import log as audit
from ..context import Context
from ..events.outbox import CAUSE_KEY
from ..records.computed import RecordView
from .actions import ActionRun
from .errors import AutomationLoop

log = logging.getLogger(__name__)

DEPTH_KEY = "tessera.automation_depth"
AUDIT_EVENT = "automation.action"


def automation_context(rule, actor_id):
    """The context a rule acts as: an administrator named ``automation <rule>`` carrying the id
    of the user whose write (or decision) triggered it, so history and audit keep a person."""
    return Context(user_id=actor_id, username=f"automation {rule.name}", is_admin=True)


def depth_of(conn):
    """The depth of the automation running on ``conn`` now (0: none)."""
    return conn.info.get(DEPTH_KEY, 0)


@contextmanager
def running_at(conn, depth, cause):
    """While inside, ``conn`` runs an automation at ``depth`` and its events carry ``cause``."""
    saved = {key: conn.info.get(key) for key in (DEPTH_KEY, CAUSE_KEY)}
    conn.info[DEPTH_KEY], conn.info[CAUSE_KEY] = depth, cause
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                conn.info.pop(key, None)
            else:
                conn.info[key] = value


def rule_env(runtime, conn, model, obj, prior, *, ctx, is_new):
    """The formula environment of rules on one record: ``$user`` is ``ctx``'s, ISCHANGED and
    PRIORVALUE compare with ``prior``."""
    env = runtime.eval_env(ctx, conn, model, is_new=is_new)
    if prior is not None:
        env.prior = RecordView(obj, dict(prior), env)
    return env


def condition_holds(runtime, conn, model, obj, rule, record, prior, *, ctx, is_new, env=None):
    """(whether the rule's condition holds for ``record``, the formula environment)."""
    env = env or rule_env(runtime, conn, model, obj, prior, ctx=ctx, is_new=is_new)
    if rule.condition is None:
        return True, env
    return rule.condition.evaluate(RecordView(obj, dict(record), env), env) is True, env


def run_rule(runtime, conn, obj, rule, record, prior, *, actor_id, depth, event_id=None, is_new=False,
             current=None, env=None, model=None):
    """Run ``rule`` at ``depth`` if its condition holds for ``record``; its actions act on
    ``current`` (the stored row, when it differs from ``record``). ``env`` and ``model`` may be
    shared by the rules of one write (``rule_env``). Return whether it ran; raise AutomationLoop (logged)
    when it would run deeper than the limit."""
    model = model or runtime.model(conn)
    ctx = automation_context(rule, actor_id)
    holds, env = condition_holds(runtime, conn, model, obj, rule, record, prior, ctx=ctx, is_new=is_new, env=env)
    if not holds:
        return False
    limit = runtime.automation.max_depth
    if depth > limit:
        log.error("automation %s on %s %s stopped: the chain is deeper than %s", rule.name, obj.name,
                  record.get("id"), limit)
        raise AutomationLoop("automation.loop", rule=rule.name, limit=limit)
    run = ActionRun(runtime, conn, ctx, model, obj, rule, dict(current or record), env, depth, event_id)
    with running_at(conn, depth, {"automation": rule.name, "depth": depth, "event": event_id}):
        for action in rule.doc["actions"]:
            (kind, spec), = action.items()
            runtime.automation.actions.run(kind, run, spec)
            run.reload()
            audit.record(conn, AUDIT_EVENT, ctx, object_name=obj.name, record_id=run.record_id,
                         details={"automation": rule.name, "trigger": rule.trigger, "action": kind,
                                  "depth": depth, "event": event_id})
    return True
