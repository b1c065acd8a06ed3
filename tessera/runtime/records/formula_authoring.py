"""What someone writing a formula may name: the fields of an object as the reader sees them,
and a check against the draft metadata an administrator is still designing.

Completion offers only what the reader's own formula could read (``check_for_reader`` refuses
any other field), so hidden fields never appear. A draft check lets the designer check a
formula of an object or field that is not published yet; only administrators see drafts.
"""

from tessera.formula import FieldInfo, check
from tessera.metadata import store
from tessera.metadata.errors import DocumentNotFound
from tessera.metadata.formulas import USER_FIELDS, object_fields, scope_for

from ..access.admin import require_admin
from ..schema.formulas import SYSTEM_FIELDS

#: The pseudo-object lookups to users point at (``owner``, user fields): its public fields.
USER_OBJECT = "user"


def _field_entry(info: FieldInfo, doc: dict | None) -> dict:
    doc = doc or {}
    return {"name": info.name, "label": doc.get("label") or {}, "type": info.type.value,
            "field_type": doc.get("type", "system"), "target": info.target,
            "options": list(info.options)}


def _describe(name, label, infos, docs):
    """The object's own fields in document order first, then the system fields (id, owner, ...)."""
    ordered = sorted(infos.values(), key=lambda info: info.name not in docs)
    fields = [_field_entry(info, docs.get(info.name)) for info in ordered]
    return {"object": name, "label": label or {}, "fields": fields}


def _user_fields():
    return _describe(USER_OBJECT, {}, USER_FIELDS, {})


def readable_fields(runtime, ctx, object_name):
    """{"object", "label", "fields"} of published ``object_name``: the fields ``ctx`` may read.

    Each field carries its formula type, its field type (``system`` for id, owner, ...), its
    lookup target and its picklist values. Raises ObjectNotFound or PermissionDenied.
    """
    if object_name == USER_OBJECT:
        return _user_fields()
    with runtime.read() as conn:
        model, obj = runtime.object_for(conn, object_name)
        grant = runtime.access.object_access(ctx, obj, "read")
        readable = set(grant.readable) | SYSTEM_FIELDS
        infos = object_fields(model.documents, object_name, readable)
    return _describe(object_name, obj.doc.get("label"), infos, obj.fields)


def _drafts(conn, ctx, object_name):
    require_admin(ctx)
    documents = store.list_documents(conn)
    if ("object", object_name) not in documents:
        raise DocumentNotFound("metadata.document.none", kind="object", name=object_name)
    return documents


def draft_fields(runtime, ctx, object_name):
    """Like ``readable_fields`` over the draft metadata (administrators, who read every field)."""
    if object_name == USER_OBJECT:
        return _user_fields()
    with runtime.read() as conn:
        documents = _drafts(conn, ctx, object_name)
    doc = documents[("object", object_name)]
    docs = {f["name"]: f for f in doc["fields"]}
    return _describe(object_name, doc.get("label"), object_fields(documents, object_name), docs)


def check_draft(runtime, ctx, object_name, expression, *, context="field", expected=None):
    """Check ``expression`` over ``object_name`` as the draft metadata describes it (administrators).

    Answers like ``FormulaService.check``; raises AdminRequired, DocumentNotFound or FormulaError.
    """
    with runtime.read() as conn:
        documents = _drafts(conn, ctx, object_name)
    checked = check(expression, scope_for(documents, object_name), context=context, expected=expected)
    return {"valid": True, "type": checked.type.value, "pushable": checked.pushable,
            "references": sorted(list(p) for p in checked.references)}
