"""The ``permission_set`` kind: object, field and administrator rights granted to users."""

from tessera.i18n import Message

from .kinds import KindSpec, register_kind
from .names import name_problem


def _entry_errors(object_name, entry):
    errors = {}
    for field_name, access in entry.get("fields", {}).items():
        if access.get("edit") and access.get("read") is False:
            errors[f"objects.{object_name}.fields.{field_name}"] = [Message("metadata.permission.edit_needs_read")]
    return errors


def check_permission_set(doc):
    """Check one permission set on its own: object names and field entries."""
    errors = {}
    for object_name, entry in doc.get("objects", {}).items():
        problem = name_problem(object_name)
        if problem:
            errors[f"objects.{object_name}"] = [problem]
        errors.update(_entry_errors(object_name, entry))
    return errors


def cross_check_permission_set(doc, documents):
    """Every object and field a permission set names must exist in the candidate set."""
    errors = {}
    for object_name, entry in doc.get("objects", {}).items():
        target = documents.get(("object", object_name))
        if target is None:
            errors[f"objects.{object_name}"] = [Message("metadata.object.missing", object=object_name)]
            continue
        names = {f["name"] for f in target["fields"]}
        for field_name in entry.get("fields", {}):
            if field_name not in names:
                errors[f"objects.{object_name}.fields.{field_name}"] = [
                    Message("metadata.object.no_field", object=object_name, field=field_name)]
    return errors


PERMISSION_SET_KIND = register_kind(
    KindSpec("permission_set", "permission_set.json", check=check_permission_set,
             cross_check=cross_check_permission_set)
)
