"""The ``object`` kind: custom objects, their fields, indexes and validation rules."""

from tessera.i18n import Message

from .defaults import default_problem
from .fieldtype_registry import active_field_types
from .fieldtypes import lookup_target, option_values
from .kinds import KindSpec, register_kind
from .names import field_name_problem, name_problem

FORMULA_PROPERTIES = frozenset({"expression", "returns"})


def _field_errors(index, field_doc):
    path = f"fields[{index}]"
    errors = {}
    problem = field_name_problem(field_doc["name"])
    if problem:
        errors[f"{path}.name"] = [problem]
    types = active_field_types()
    spec = types.get(field_doc["type"])
    if spec is None:
        known = ", ".join(types)
        return {**errors, f"{path}.type": [Message("metadata.field.unknown_type", type=field_doc["type"], known=known)]}
    errors.update(spec.property_errors(field_doc, path))
    values = option_values(field_doc)
    if len(set(values)) != len(values):
        errors[f"{path}.options"] = [Message("metadata.field.options_unique")]
    if "precision" in field_doc and field_doc.get("scale", 0) > field_doc["precision"]:
        errors[f"{path}.scale"] = [Message("metadata.field.scale_over_precision")]
    if not errors:
        problem = default_problem(field_doc)
        if problem:
            errors[f"{path}.default"] = [problem]
    return errors


def check_object(doc):
    """Check an object document on its own: names, field types, duplicates."""
    errors = {}
    seen = {}
    for index, field_doc in enumerate(doc["fields"]):
        errors.update(_field_errors(index, field_doc))
        if field_doc["name"] in seen:
            errors[f"fields[{index}].name"] = [
                Message("metadata.field.duplicate", name=field_doc["name"], other=seen[field_doc["name"]])
            ]
        seen.setdefault(field_doc["name"], index)
    for index, rule in enumerate(doc.get("validation_rules", [])):
        problem = name_problem(rule["name"])
        if problem:
            errors[f"validation_rules[{index}].name"] = [problem]
    return errors


def cross_check_object(doc, documents):
    """Check an object against the candidate set: targets, referenced fields."""
    errors = {}
    names = {f["name"] for f in doc["fields"]}
    objects = {name for (kind, name) in documents if kind == "object"}
    types = active_field_types()
    for index, field_doc in enumerate(doc["fields"]):
        if field_doc["type"] not in types:  # saved as a draft by an app that had the type's plugin
            errors[f"fields[{index}].type"] = [Message("metadata.field.type_missing", type=field_doc["type"])]
            continue
        target = lookup_target(field_doc)
        if target and target != "user" and target not in objects:
            errors[f"fields[{index}].target"] = [Message("metadata.field.target_missing", object=target)]
    if doc.get("title_field") and doc["title_field"] not in names:
        errors["title_field"] = [Message("metadata.field.missing", name=doc["title_field"])]
    for index, spec in enumerate(doc.get("indexes", [])):
        for name in spec["fields"]:
            if name not in names:
                errors[f"indexes[{index}].fields"] = [Message("metadata.field.missing", name=name)]
    for index, rule in enumerate(doc.get("validation_rules", [])):
        if rule.get("field") and rule["field"] not in names:
            errors[f"validation_rules[{index}].field"] = [Message("metadata.field.missing", name=rule["field"])]
    return errors


OBJECT_KIND = register_kind(
    KindSpec("object", "object.json", check=check_object, cross_check=cross_check_object)
)
