"""Assignment rules and lead pools as one published revision holds them, with their criteria
compiled once per revision."""

from tessera.formula import check, compile_python
from tessera.metadata.formulas import scope_for

from ..records.computed import RecordView

RULE_KIND = "assignment_rule"
POOL_KIND = "lead_pool"


def rules_of(model, object_name):
    """The active assignment rules of ``object_name``, by ``order`` then name."""
    cache = model.cache.setdefault("assignment_rules", {})
    if object_name not in cache:
        found = [doc for (kind, _), doc in model.documents.items()
                 if kind == RULE_KIND and doc["object"] == object_name and doc.get("active", True)]
        cache[object_name] = sorted(found, key=lambda doc: (doc.get("order", 0), doc["name"]))
    return cache[object_name]


def pool_of(model, name):
    """The published ``lead_pool`` document ``name``, or None."""
    return model.documents.get((POOL_KIND, name))


def _compiled(model, object_name, source):
    cache = model.cache.setdefault("assignment_criteria", {})
    key = (object_name, source)
    if key not in cache:
        cache[key] = compile_python(check(source, scope_for(model.documents, object_name), context="filter"))
    return cache[key]


def matching_rules(model, obj, values, env):
    """The rules of ``obj`` whose criteria hold for the record ``values`` (a rule without
    criteria always holds), in order, computed lazily: the caller stops at the one that wins."""
    for doc in rules_of(model, obj.name):
        if "criteria" not in doc or _compiled(model, obj.name, doc["criteria"])(RecordView(obj, values, env), env) is True:
            yield doc
