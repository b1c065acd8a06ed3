"""Published automation rules, compiled once per revision and found by object and trigger."""

from dataclasses import dataclass

from tessera.formula import FormulaType
from tessera.metadata.automations import timing_of, trigger_name
from tessera.metadata.formulas import scope_for

from ..schema.formulas import compile_formula

CACHE_KEY = "automation_rules"


@dataclass
class Rule:
    """One active rule: its document, trigger, timing and compiled condition (None: always)."""

    name: str
    doc: dict
    trigger: str
    timing: str
    condition: object

    @property
    def object(self):
        """The name of the object whose records the rule watches."""
        return self.doc["object"]

    def fires_on_update(self, changed):
        """Whether an update changing the fields ``changed`` triggers the rule."""
        if self.trigger == "updated":
            return True
        return self.trigger == "field_changed" and bool(set(self.doc["fields"]) & set(changed))


def _compile(model, name, doc):
    condition = None
    if "condition" in doc:
        condition = compile_formula(doc["condition"], scope_for(model.documents, doc["object"]), context="automation",
                                    expected=FormulaType.BOOLEAN)
    return Rule(name, doc, trigger_name(doc), timing_of(doc), condition)


def all_rules(model):
    """Every active rule of the model's revision, by order then name (compiled once)."""
    if CACHE_KEY not in model.cache:
        docs = sorted(((doc.get("order", 0), name), doc) for (kind, name), doc in model.documents.items()
                      if kind == "automation" and doc.get("active", True))
        model.cache[CACHE_KEY] = [_compile(model, name, doc) for (_, name), doc in docs]
    return model.cache[CACHE_KEY]


def rules_for(model, object_name, timing=None):
    """The active rules watching ``object_name`` (of ``timing`` only, when given), found once per revision."""
    found = model.cache.setdefault("automation_rules_for", {})
    key = (object_name, timing)
    if key not in found:
        found[key] = [r for r in all_rules(model) if r.object == object_name and timing in (None, r.timing)]
    return found[key]


def rule_named(model, name):
    """The active rule ``name`` of the model's revision, or None."""
    return next((r for r in all_rules(model) if r.name == name), None)
