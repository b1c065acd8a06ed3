"""The ``inbound_endpoint`` kind: JSON received over HTTP, mapped onto one object's fields and
upserted by an external id field."""

from tessera.i18n import Message

from .fieldtype_registry import active_field_types
from .json_pointer import is_pointer
from .kinds import KindSpec, register_kind


def source_path(source):
    """The JSON Pointer a mapping source reads (None for a constant)."""
    return source if isinstance(source, str) else source.get("path")


def _field_problem(field_doc, name):
    if field_doc is None:
        return Message("metadata.field.missing", name=name)
    field_type = active_field_types().get(field_doc["type"])
    if field_type is None or not field_type.stored or not field_type.writable:
        return Message("metadata.inbound.not_writable", name=name)
    return None


def _external_id_problem(doc, fields):
    name = doc["external_id"]
    field_doc = fields.get(name)
    if field_doc is not None and not field_doc.get("unique"):
        return Message("metadata.inbound.external_id_not_unique", name=name)
    if name not in doc["mapping"]:
        return Message("metadata.inbound.external_id_unmapped", name=name)
    return _field_problem(field_doc, name)


def cross_check_inbound_endpoint(doc, documents):
    """The object must exist; the external id must be a unique, writable, mapped field of it;
    every mapped field must exist and be writable; every path must be a JSON Pointer."""
    target = documents.get(("object", doc["object"]))
    if target is None:
        return {"object": [Message("metadata.object.missing", object=doc["object"])]}
    fields = {f["name"]: f for f in target["fields"]}
    errors = {}
    problem = _external_id_problem(doc, fields)
    if problem:
        errors["external_id"] = [problem]
    for name, source in sorted(doc["mapping"].items()):
        found = [_field_problem(fields.get(name), name)]
        path = source_path(source)
        if path is not None and not is_pointer(path):
            found.append(Message("metadata.inbound.bad_pointer", path=path))
        if not isinstance(source, str) and "path" not in source and "default" not in source:
            found.append(Message("metadata.inbound.no_source"))
        if any(found):
            errors[f"mapping.{name}"] = [m for m in found if m]
    return errors


INBOUND_ENDPOINT_KIND = register_kind(KindSpec("inbound_endpoint", "inbound_endpoint.json",
                                               cross_check=cross_check_inbound_endpoint))
