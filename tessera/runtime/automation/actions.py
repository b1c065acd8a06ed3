"""The action registry and the built-in actions of automation rules.

An action is a callable ``action(run, spec)``: ``run`` is the ActionRun of one rule on one
record (below), ``spec`` the action's object from the rule document. It runs inside the
rule's transaction: writes go through ``run.runtime.records`` on ``run.conn`` as
``run.ctx``, and raising rolls back the rule (and, before commit, the triggering write).
An action may carry ``check(spec, rule_doc)`` returning ``{path: [Message]}`` for a spec
it cannot run; publishing asks it.

Built in: ``field_update``, ``create_record``, ``assign`` (an assignment rule's ``assign``
document, through ``runtime.assignments.assign``), ``webhook`` and ``plugin`` (runs an
action the plugins registered, by name, with ``params``). More kinds are added with
``registry.register(name, action)``, or by a plugin's ``tessera_register_automation_actions()``.
"""

from dataclasses import dataclass

from sqlalchemy import select

from tessera.i18n import Message
from tessera.metadata.formulas import scope_for
from tessera.metadata.kinds import kind_spec

from ..events.outbox import append_event
from ..events.webhooks import ADDRESSED_EVENT
from ..fields.serialize import to_json
from ..records.computed import RecordView
from ..schema.formulas import compile_formula
from .errors import AutomationFailed

ASSIGNMENT_KIND = "assignment_rule"
#: The event type an automation's ``webhook`` action appends; it goes to the webhook it names.
WEBHOOK_EVENT = ADDRESSED_EVENT


@dataclass
class ActionRun:
    """One rule acting on one record: what an action needs, inside the rule's transaction."""

    runtime: object
    conn: object
    ctx: object
    model: object
    obj: object
    rule: object
    record: dict
    env: object
    depth: int
    event_id: int | None = None

    @property
    def record_id(self):
        """The id of the record the rule acts on."""
        return self.record.get("id")

    def value(self, source):
        """A value of an action's spec: a formula (text) evaluated on the record, or the literal itself."""
        if not isinstance(source, str):
            return source
        cache = self.model.cache.setdefault("automation_formulas", {})
        key = (self.obj.name, source)
        if key not in cache:
            cache[key] = compile_formula(source, scope_for(self.model.documents, self.obj.name), context="automation")
        return cache[key].evaluate(RecordView(self.obj, self.record, self.env), self.env)

    def values(self, spec_values):
        """``{field: JSON value}`` of a spec's ``{field: formula or literal}``, as the records service takes them."""
        return {name: to_json(self.value(source)) for name, source in (spec_values or {}).items()}

    def reload(self):
        """Read the record again (after each action), so later actions see what earlier ones changed."""
        table = self.obj.table
        row = self.conn.execute(select(table).where(table.c.id == self.record_id)).mappings().first()
        if row is not None:
            self.record = dict(row)


def field_update(run, spec):
    """Set fields of the record itself, each to a formula on the record or a literal."""
    run.runtime.records.update_in(run.conn, run.ctx, run.obj.name, run.record_id, run.values(spec["fields"]))


def create_record(run, spec):
    """Create a record of ``spec["object"]`` with ``values``; ``lookup`` names its field that points back here."""
    values = run.values(spec.get("values"))
    if spec.get("lookup"):
        values[spec["lookup"]] = run.record_id
    run.runtime.records.create_in(run.conn, run.ctx, spec["object"], values)


def assign(run, spec):
    """Give the record an owner as an assignment rule's ``assign`` would (docs/assignment.md)."""
    run.runtime.assignments.assign(run.conn, run.ctx, run.obj.name, run.record_id, spec)


def _assign_check(spec, rule_doc):
    probe = {"kind": ASSIGNMENT_KIND, "name": "assign", "object": rule_doc["object"], "assign": spec}
    if next(kind_spec(ASSIGNMENT_KIND).validator.iter_errors(probe), None) is not None:
        return {"assign": [Message("assignment.doc.shape")]}
    return {}


assign.check = _assign_check


def webhook(run, spec):
    """Call webhook ``spec["name"]`` with the record: an outbox event the dispatcher delivers after commit."""
    values = {name: to_json(run.record.get(name), run.obj.value_types[name]) for name in run.obj.stored_fields}
    payload = {"automation": run.rule.name, "webhook": spec["name"], "values": {"id": run.record_id, **values}}
    append_event(run.conn, WEBHOOK_EVENT, run.obj.name, run.record_id, payload, run.ctx.user_id)


class ActionRegistry:
    """``{name: action}``: the kinds of action a rule may name."""

    def __init__(self):
        self._actions = {}
        self.register("field_update", field_update)
        self.register("create_record", create_record)
        self.register("webhook", webhook)
        self.register("assign", assign)
        self.register("plugin", self._plugin)

    def register(self, name, action):
        """Make action kind ``name`` available; a name is registered once (ValueError otherwise)."""
        if name in self._actions:
            raise ValueError(f"automation action {name!r} is already registered")
        self._actions[name] = action

    def __contains__(self, name):
        return name in self._actions

    def names(self):
        """The registered action kinds, sorted."""
        return sorted(self._actions)

    def run(self, kind, run, spec):
        """Run action ``kind`` with ``spec``; AutomationFailed when no such kind is registered."""
        if kind not in self._actions:
            raise AutomationFailed("automation.action.unknown", action=kind, rule=run.rule.name)
        self._actions[kind](run, spec)

    def problems(self, kind, spec, doc):
        """The messages saying why action ``kind`` with ``spec`` cannot run as rule ``doc`` writes it (empty: it can)."""
        if kind not in self._actions:
            return [Message("automation.action.unknown", action=kind, rule=doc["name"])]
        if kind == "plugin":
            name = spec.get("name")
            if name in ("plugin", None) or name not in self._actions:
                return [Message("automation.action.unknown", action=str(name), rule=doc["name"])]
            kind, spec = name, spec.get("params", {})
        check = getattr(self._actions[kind], "check", None)
        if check is None:
            return []
        return [m for messages in (check(spec, doc) or {}).values() for m in messages]

    def _plugin(self, run, spec):
        name = spec.get("name")
        if name == "plugin" or name not in self._actions:
            raise AutomationFailed("automation.action.unknown", action=str(name), rule=run.rule.name)
        self._actions[name](run, spec.get("params", {}))
