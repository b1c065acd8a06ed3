"""The publish-time check of every formula in the candidate set, and formula cycles."""

from tessera.formula import FormulaError, FormulaType, check
from tessera.i18n import Message

from .crosscheck import register_set_check
from .fieldtypes import lookup_target
from .formulas import formula_type_of, scope_for


def _messages(error):
    return [d.localized() for d in error.diagnostics]


def _try(errors, path, source, scope, **options):
    try:
        return check(source, scope, **options)
    except FormulaError as error:
        errors[path] = _messages(error)
        return None


def _rollup_errors(index, field_doc, documents, errors):
    path = f"fields[{index}]"
    child = documents.get(("object", field_doc["child"]))
    if child is None:
        errors[f"{path}.child"] = [Message("metadata.object.missing", object=field_doc["child"])]
        return
    via = next((f for f in child["fields"] if f["name"] == field_doc["via"]), None)
    if via is None or lookup_target(via) is None:
        errors[f"{path}.via"] = [Message("metadata.rollup.via_not_lookup", field=field_doc["via"], object=field_doc["child"])]
        return
    of = next((f for f in child["fields"] if f["name"] == field_doc.get("of")), None)
    if field_doc["function"] != "COUNT":
        numeric = of is not None and formula_type_of(of, documents) in (
            FormulaType.NUMBER, FormulaType.CURRENCY, FormulaType.PERCENT)
        temporal = of is not None and of["type"] in ("date", "datetime")
        if not numeric and not (temporal and field_doc["function"] in ("MIN", "MAX")):
            errors[f"{path}.of"] = [Message("metadata.rollup.needs_numeric", function=field_doc["function"],
                                            object=field_doc["child"])]
    if field_doc.get("filter"):
        _try(errors, f"{path}.filter", field_doc["filter"], scope_for(documents, field_doc["child"]), context="filter")


def object_formula_errors(name, doc, documents):
    """Return {path: [messages]} for every formula of object ``name`` that does not check."""
    errors = {}
    scope = scope_for(documents, name)
    for index, field_doc in enumerate(doc["fields"]):
        if field_doc["type"] == "formula":
            _try(errors, f"fields[{index}].expression", field_doc["expression"], scope,
                 expected=FormulaType(field_doc["returns"]))
        elif field_doc["type"] == "rollup":
            _rollup_errors(index, field_doc, documents, errors)
        default = field_doc.get("default")
        if isinstance(default, dict) and field_doc["type"] not in ("formula", "rollup"):
            _try(errors, f"fields[{index}].default.formula", default["formula"], scope,
                 expected=formula_type_of(field_doc, documents))
    for index, rule in enumerate(doc.get("validation_rules", [])):
        _try(errors, f"validation_rules[{index}].error_when", rule["error_when"], scope, context="validation")
    return errors


def formula_dependencies(documents):
    """Map (object, formula field) -> the formula fields it reads, following lookups."""
    graph = {}
    for (kind, name), doc in documents.items():
        if kind != "object":
            continue
        scope = scope_for(documents, name)
        for field_doc in doc["fields"]:
            if field_doc["type"] != "formula":
                continue
            try:
                checked = check(field_doc["expression"], scope, expected=FormulaType(field_doc["returns"]))
            except FormulaError:
                continue
            graph[(name, field_doc["name"])] = {_final(documents, name, path) for path in checked.references} - {None}
    return graph


def _final(documents, root, path):
    obj = root
    for hop in path[:-1]:
        doc = documents.get(("object", obj))
        field_doc = doc and next((f for f in doc["fields"] if f["name"] == hop), None)
        obj = field_doc and lookup_target(field_doc)
        if obj is None:
            return None
    doc = documents.get(("object", obj))
    field_doc = doc and next((f for f in doc["fields"] if f["name"] == path[-1]), None)
    return (obj, path[-1]) if field_doc and field_doc["type"] == "formula" else None


def find_cycle(graph):
    """Return one cycle of the dependency graph as a list of nodes, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt]
            if nxt not in state:
                found = visit(nxt, trail + [nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


@register_set_check
def check_formulas(documents):
    """Every formula in the set type-checks, and formula fields form no cycle."""
    errors = {}
    for (kind, name), doc in documents.items():
        if kind == "object":
            found = object_formula_errors(name, doc, documents)
            if found:
                errors[f"object/{name}"] = found
    cycle = find_cycle(formula_dependencies(documents))
    if cycle:
        chain = " -> ".join(f"{o}.{f}" for o, f in cycle)
        errors.setdefault(f"object/{cycle[0][0]}", {})["fields"] = [Message("metadata.formula.cycle", chain=chain)]
    return errors
