"""The ``kpi`` kind: an aggregate measure over one object's records, or a formula over other KPIs.

A measure is parsed with the formula grammar in the aggregate context and must be ONE
aggregate call at the top (``SUM(amount - cost)``, ``COUNT()``); its argument is then an
ordinary row formula over the object, typed by the checker, which the runtime compiles
to SQL on its own and wraps in the aggregate it chooses (split credit multiplies the
argument by the share before summing). Derived KPIs are formulas whose fields are the
names of other KPIs.
"""

from dataclasses import dataclass

from tessera.formula import (
    CheckedFormula,
    FieldInfo,
    FormulaError,
    FormulaType,
    Scope,
    check,
)
from tessera.formula.nodes import Call
from tessera.formula.types import NUMERIC_TYPES
from tessera.i18n import Message

from .crosscheck import register_set_check
from .fieldtypes import lookup_target
from .formula_checks import find_cycle
from .formulas import formula_type_of, scope_for
from .kinds import KindSpec, register_kind

#: The aggregates a measure may use, and those that still mean something under split credit.
AGGREGATES = ("SUM", "COUNT", "COUNT_DISTINCT", "AVG", "MIN", "MAX")
SPLIT_AGGREGATES = ("SUM", "COUNT")
OBJECT_PROPERTIES = ("object", "measure", "date_field", "credit")
USER_SYSTEM_FIELDS = ("owner", "created_by", "updated_by")
#: The object name derived formulas see: its fields are the KPIs.
KPI_SCOPE_ROOT = "kpi"


class NotAMeasure(ValueError):
    """A formula that type-checks but is not one allowed aggregate; ``message`` says where and why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Measure:
    """A measure taken apart: the aggregate's name and its row argument (None for ``COUNT()``)."""

    function: str
    argument: CheckedFormula | None
    type: FormulaType


def _positioned(node, code, **params):
    return Message("formula.at", line=node.pos.line, column=node.pos.column, message=Message(code, **params))


def parse_measure(source, scope):
    """The Measure of ``source`` over ``scope``; raises FormulaError, or NotAMeasure (with a
    positioned message) when it is not one allowed aggregate giving a number in SQL."""
    checked = check(source, scope, context="aggregate")
    tree = checked.tree
    if not isinstance(tree, Call) or not tree.spec.aggregate or tree.spec.name not in AGGREGATES:
        raise NotAMeasure(_positioned(tree, "metadata.kpi.one_aggregate", functions=", ".join(AGGREGATES)))
    if checked.type not in NUMERIC_TYPES:
        raise NotAMeasure(_positioned(tree, "metadata.kpi.numeric_measure", type=checked.type.value))
    if not checked.pushable:
        raise NotAMeasure(_positioned(tree, "metadata.kpi.not_in_database",
                                     functions=", ".join(sorted(checked.python_only))))
    argument = None
    if tree.args:
        node = tree.args[0]
        argument = CheckedFormula(node.type, source, checked.references, True, "field", node, scope)
    return Measure(tree.spec.name, argument, checked.type)


def check_kpi(doc):
    """A KPI names an object with its measure, date field and credit, or has a formula; not both."""
    if "formula" in doc:
        extra = [p for p in (*OBJECT_PROPERTIES, "filter") if p in doc]
        return {p: [Message("metadata.kpi.not_with_formula")] for p in extra}
    return {p: [Message("metadata.kpi.required_without_formula")] for p in OBJECT_PROPERTIES if p not in doc}


def _field(documents, object_name, name):
    doc = documents.get(("object", object_name)) or {"fields": []}
    return next((f for f in doc["fields"] if f["name"] == name), None)


def _measure_errors(doc, documents, scope):
    try:
        measure = parse_measure(doc["measure"], scope)
    except FormulaError as error:
        return {"measure": [d.localized() for d in error.diagnostics]}
    except NotAMeasure as error:
        return {"measure": [error.message]}
    if "split" in doc["credit"] and measure.function not in SPLIT_AGGREGATES:
        return {"measure": [Message("metadata.kpi.split_aggregate", function=measure.function,
                                    functions=", ".join(SPLIT_AGGREGATES))]}
    return {}


def _date_errors(doc, documents):
    name = doc["date_field"]
    if name in ("created_at", "updated_at"):
        return {}
    field_doc = _field(documents, doc["object"], name)
    if field_doc is None:
        return {"date_field": [Message("metadata.object.no_field", object=doc["object"], field=name)]}
    if formula_type_of(field_doc, documents) not in (FormulaType.DATE, FormulaType.DATETIME):
        return {"date_field": [Message("metadata.kpi.not_a_date", field=name)]}
    return {}


def _user_field_problem(documents, object_name, name):
    if name in USER_SYSTEM_FIELDS:
        return None
    field_doc = _field(documents, object_name, name)
    if field_doc is None:
        return Message("metadata.object.no_field", object=object_name, field=name)
    if lookup_target(field_doc) != "user":
        return Message("metadata.kpi.not_a_user_field", field=name)
    return None


def _split_errors(split, measured, documents):
    child = split["object"]
    if ("object", child) not in documents:
        return {"credit.split.object": [Message("metadata.object.missing", object=child)]}
    errors = {}
    parent = _field(documents, child, split["parent"])
    if parent is None or lookup_target(parent) != measured:
        errors["credit.split.parent"] = [Message("metadata.kpi.not_a_parent", field=split["parent"], object=measured)]
    problem = _user_field_problem(documents, child, split["user"])
    if problem:
        errors["credit.split.user"] = [problem]
    percent = _field(documents, child, split["percent"])
    if percent is None or percent["type"] not in ("percent", "number"):
        errors["credit.split.percent"] = [Message("metadata.kpi.not_a_percent", field=split["percent"])]
    return errors


def _credit_errors(doc, documents):
    credit = doc["credit"]
    if "split" in credit:
        return _split_errors(credit["split"], doc["object"], documents)
    problem = _user_field_problem(documents, doc["object"], credit["user_field"])
    return {"credit.user_field": [problem]} if problem else {}


def cross_check_kpi(doc, documents):
    """Measure, filter, date field and credit of an object KPI check against the candidate set."""
    if "formula" in doc:
        return {}  # checked with every other KPI in check_derived_kpis
    if ("object", doc["object"]) not in documents:
        return {"object": [Message("metadata.object.missing", object=doc["object"])]}
    scope = scope_for(documents, doc["object"])
    errors = _measure_errors(doc, documents, scope)
    if "filter" in doc:
        try:
            check(doc["filter"], scope, context="filter")
        except FormulaError as error:
            errors["filter"] = [d.localized() for d in error.diagnostics]
    errors.update(_date_errors(doc, documents))
    errors.update(_credit_errors(doc, documents))
    return errors


def kpi_scope(documents):
    """The Scope of derived KPI formulas: one field per KPI of the set, a number."""
    fields = {name: FieldInfo(name, FormulaType.NUMBER) for kind, name in documents if kind == "kpi"}
    return Scope(objects={KPI_SCOPE_ROOT: fields}, root=KPI_SCOPE_ROOT, max_hops=0)


def check_formula(source, scope):
    """The CheckedFormula of a derived KPI's formula; raises FormulaError."""
    return check(source, scope, expected=FormulaType.NUMBER)


@register_set_check
def check_derived_kpis(documents):
    """Derived KPI formulas type-check over the other KPIs, and no KPI depends on itself."""
    errors, graph = {}, {}
    scope = kpi_scope(documents)
    for (kind, name), doc in documents.items():
        if kind != "kpi" or "formula" not in doc:
            continue
        try:
            checked = check_formula(doc["formula"], scope)
        except FormulaError as error:
            errors[f"kpi/{name}"] = {"formula": [d.localized() for d in error.diagnostics]}
            continue
        graph[name] = {path[0] for path in checked.references}
    cycle = find_cycle(graph)
    if cycle:
        errors.setdefault(f"kpi/{cycle[0]}", {})["formula"] = [
            Message("metadata.kpi.cycle", chain=" -> ".join(cycle))]
    return errors


KPI_KIND = register_kind(KindSpec("kpi", "kpi.json", check=check_kpi, cross_check=cross_check_kpi))

__all__ = ["AGGREGATES", "Measure", "NotAMeasure", "check_formula", "kpi_scope", "parse_measure"]
