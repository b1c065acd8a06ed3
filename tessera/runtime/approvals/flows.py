"""Flows as the runtime runs them: choosing the flow of a submission, loading a pinned
version, and compiling the formulas a flow carries.

A request stays on the flow version it started with (``store.version_body``); its
formulas are checked against the object as currently published, once per revision.
"""

from dataclasses import dataclass

from tessera.formula import FormulaError, check, compile_python
from tessera.metadata import store
from tessera.metadata.formulas import scope_for

from ..errors import ApprovalFlowInvalid, EntryCriteriaNotMet
from ..records.computed import RecordView

KIND = "approval_flow"


@dataclass(frozen=True)
class Flow:
    """One published version of a flow: its name, version number and document."""

    name: str
    version: int
    doc: dict

    @property
    def steps(self):
        """The ordered step documents."""
        return self.doc["steps"]

    def step(self, index):
        """The step document at ``index``."""
        return self.doc["steps"][index]


def flows_of(model, object_name):
    """The active published flow documents of ``object_name``, in (order, name) order."""
    cache = model.cache.setdefault("approval_flows", {})
    if object_name not in cache:
        found = [doc for (kind, _), doc in model.documents.items()
                 if kind == KIND and doc["object"] == object_name and doc.get("active", True)]
        cache[object_name] = sorted(found, key=lambda doc: (doc.get("order", 0), doc["name"]))
    return cache[object_name]


def has_flows(model, object_name):
    """Whether any published flow (active or not) concerns ``object_name``."""
    cache = model.cache.setdefault("approval_flow_objects", None)
    if cache is None:
        cache = model.cache["approval_flow_objects"] = frozenset(
            doc["object"] for (kind, _), doc in model.documents.items() if kind == KIND)
    return object_name in cache


def _checked(model, object_name, source, context):
    cache = model.cache.setdefault("approval_formulas", {})
    key = (object_name, source, context)
    if key not in cache:
        cache[key] = check(source, scope_for(model.documents, object_name), context=context)
    return cache[key]


def evaluate(model, obj, source, row, env, *, context="field"):
    """The value of formula ``source`` for the record ``row`` of ``obj`` (system view of the record)."""
    try:
        checked = _checked(model, obj.name, source, context)
    except FormulaError as error:
        raise ApprovalFlowInvalid("approval.formula_invalid", formula=source,
                                  errors={"formula": [d.localized() for d in error.diagnostics]}) from None
    return compile_python(checked)(RecordView(obj, dict(row), env), env)


def matches(model, obj, source, row, env):
    """Whether boolean formula ``source`` holds for ``row`` (an absent formula holds)."""
    return source is None or evaluate(model, obj, source, row, env, context="filter") is True


def choose_flow(conn, model, obj, row, env, name=None):
    """The Flow a submission of ``row`` uses: ``name`` if given, else the first active flow whose
    entry criteria match. Raises EntryCriteriaNotMet, or ApprovalFlowInvalid for an unknown name."""
    candidates = flows_of(model, obj.name)
    if name is not None:
        candidates = [doc for doc in candidates if doc["name"] == name]
        if not candidates:
            raise ApprovalFlowInvalid("approval.no_such_flow", flow=name, object=obj.name)
    for doc in candidates:
        if matches(model, obj, doc.get("entry_criteria"), row, env):
            version = store.get_document(conn, KIND, doc["name"], published=True)["version"]
            return Flow(doc["name"], version, doc)
    raise EntryCriteriaNotMet("approval.entry_criteria_not_met", object=obj.name)


def pinned_flow(conn, name, version):
    """The Flow ``name`` at ``version``, the one a running request started with."""
    body = store.version_body(conn, KIND, name, version)
    if body is None:
        raise ApprovalFlowInvalid("approval.no_such_flow", flow=name, object="?")
    return Flow(name, version, body)


class PinnedFlows:
    """The flow versions running requests are pinned to, each read from the store once per
    process (a published version never changes); at most ``size`` kept."""

    def __init__(self, size=256):
        self.size = size
        self._found = {}

    def get(self, conn, name, version):
        """The Flow ``name`` at ``version`` (see ``pinned_flow``)."""
        flow = self._found.get((name, version))
        if flow is None:
            flow = pinned_flow(conn, name, version)
            if len(self._found) >= self.size:
                self._found.clear()
            self._found[(name, version)] = flow
        return flow
