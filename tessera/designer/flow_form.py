"""How the flow designer shows an approval flow document: each approver, decision, timer and
action split into the kind a picker selects and the values its inputs hold.

The document itself (tessera/metadata/schemas/approval_flow.json) stays the contract: the
page's script puts the inputs back together into the same shapes.
"""

from dataclasses import dataclass, field

#: Approver shapes in the order the kind picker lists them.
APPROVER_KINDS = ("user", "role", "team_head", "manager", "manager_up_to_role", "field", "formula", "resolver")
ACTION_KINDS = ("field_update", "create_record", "notify", "event")
FLOW_ACTION_TIMES = ("submit", "final_approval", "final_rejection", "recall")
STEP_ACTION_TIMES = ("approved", "rejected")
DECISIONS = ("first", "all", "ratio", "count")
ESCALATIONS = ("reassign_to_manager", "approve", "reject")
WHEN_FALSE = ("skip", "approve", "reject")
ON_REJECT = ("reject", "back")
LOCKS = ("while_pending", "after_approval", "none")
SUBMITTER_KINDS = ("owner", "creator", "editors")
DURATION_UNITS = ("hours", "business_days")
TIMERS = ("due", "remind_every")
#: A new flow's first step: the submitter's manager decides.
FIRST_STEP = {"name": "manager", "approvers": [{"manager": {"of": "submitter", "levels": 1}}]}


@dataclass(frozen=True)
class Duration:
    """A timer as the page shows it: an amount and its unit (no amount: no timer)."""

    amount: int | None = None
    unit: str = "hours"


def duration(value):
    """The Duration of a ``{"hours": n}`` or ``{"business_days": n}`` timer (or of none)."""
    for unit in DURATION_UNITS:
        if value and unit in value:
            return Duration(value[unit], unit)
    return Duration()


def approver_kind(approver):
    """The shape of one approver: one of APPROVER_KINDS."""
    return next((kind for kind in APPROVER_KINDS if kind in approver), "user")


def action_kind(action):
    """The shape of one action: one of ACTION_KINDS."""
    return next((kind for kind in ACTION_KINDS if kind in action), "event")


def decision_parts(decision):
    """(mode, number) of a step's decision: ``("first", None)``, ``("ratio", 0.5)``, ``("count", 2)``."""
    if isinstance(decision, dict):
        mode = "ratio" if "ratio" in decision else "count"
        return mode, decision[mode]
    return decision or "first", None


def submitter_parts(submitters):
    """(the kinds chosen among SUBMITTER_KINDS, the role names) of a flow's submitters."""
    submitters = submitters or ["owner"]
    kinds = [s for s in submitters if isinstance(s, str)]
    return kinds, [s["role"] for s in submitters if isinstance(s, dict)]


@dataclass
class Choices:
    """What the pickers of one flow's page offer besides the directory (read by the script):
    the object's fields, the user fields among them, the objects and the installed resolvers."""

    fields: list = field(default_factory=list)
    user_fields: list = field(default_factory=list)
    objects: list = field(default_factory=list)
    resolvers: list = field(default_factory=list)


def choices(model, object_name, resolvers, label):
    """The Choices of a flow on ``object_name``; ``label(doc, fallback)`` gives a localized label."""
    obj = model.objects.get(object_name)
    fields = obj.doc.get("fields", []) if obj is not None else []
    writable = [(f["name"], label(f.get("label"), f["name"])) for f in fields
                if f["type"] not in ("formula", "rollup", "auto_number")]
    users = [(name, name) for name in ("owner", "created_by", "updated_by")]
    users += [(f["name"], label(f.get("label"), f["name"])) for f in fields if f["type"] == "user"]
    objects = sorted((name, label(o.doc.get("label"), name)) for name, o in model.objects.items())
    return Choices(writable, users, objects, sorted(resolvers))
