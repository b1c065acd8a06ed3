"""Form layouts in the runtime: which layout a user gets, and the writes it refuses.

A layout is chosen per object and user: the first layout (by name) assigned to one of the
user's roles or permission sets, else the object's default layout, else none (every field,
in document order). The records service applies the chosen layout's ``required`` and
``read_only`` to the interactive writes of that user (``create``, ``create_many``,
``update``); administrators and system writes (imports, automations, approvals, inbound
endpoints, the CLI: the ``*_in`` operations) are not bound, since a layout shapes a form a
person fills in, while those writes carry data the form never shows. ``visible_when`` only
hides a field on the page: hiding is not securing, field-level security stays the
security.
"""

from dataclasses import dataclass

from tessera.i18n import Message

from ..errors import RecordInvalid

_CACHE_KEY = "layouts_by_object"


@dataclass(frozen=True)
class LayoutRules:
    """The ``required`` and ``read_only`` fields of one layout."""

    required: frozenset
    read_only: frozenset


def _by_object(model):
    found = model.cache.get(_CACHE_KEY)
    if found is None:
        found = {}
        for (kind, _name), doc in sorted(model.documents.items()):
            if kind == "layout":
                found.setdefault(doc["object"], []).append(doc)
        model.cache[_CACHE_KEY] = found
    return found


def _assigned(doc, ctx):
    assigned = doc.get("assigned_to") or {}
    return bool(set(assigned.get("roles", ())) & set(ctx.roles)
                or set(assigned.get("permission_sets", ())) & set(ctx.permission_sets))


def layout_for(model, ctx, object_name):
    """The published layout document ``ctx``'s user gets for ``object_name``, or None."""
    layouts = _by_object(model).get(object_name, ())
    chosen = next((doc for doc in layouts if _assigned(doc, ctx)), None)
    return chosen or next((doc for doc in layouts if doc.get("default")), None)


def layout_rules(doc):
    """The LayoutRules of layout ``doc`` (None: no layout, nothing is refused)."""
    if doc is None:
        return LayoutRules(frozenset(), frozenset())
    entries = [entry for section in doc["sections"] for entry in section["fields"]]
    return LayoutRules(frozenset(e["field"] for e in entries if e.get("required")),
                       frozenset(e["field"] for e in entries if e.get("read_only")))


def _blank(value):
    return value is None or value == "" or value == []


def _payload_errors(rules, payload, prefix, creating, defaults):
    errors = {}
    for name in sorted(rules.read_only & set(payload)):
        errors[f"{prefix}{name}"] = [Message("record.layout.read_only")]
    for name in sorted(rules.required):
        if name in rules.read_only:
            continue
        missing = name not in payload and creating and _blank(defaults.get(name))
        if missing or (name in payload and _blank(payload[name])):
            errors[f"{prefix}{name}"] = [Message("input.required")]
    return errors


def check_layout_writes(model, ctx, obj, payloads, *, creating, single=True, editable=None):
    """Raise RecordInvalid (keyed by field, as the loaders' errors are) when a payload of
    ``ctx`` writes a field its layout makes read only, or leaves one it requires empty
    (missing on create, cleared on update). Administrators are not bound; a required field
    outside ``editable`` (the fields ``ctx`` may write, when given) is not required of them."""
    if ctx.is_admin:
        return
    rules = layout_rules(layout_for(model, ctx, obj.name))
    if editable is not None:
        rules = LayoutRules(rules.required & frozenset(editable), rules.read_only)
    if not rules.required and not rules.read_only:
        return
    defaults = {n: f["default"] for n, f in obj.fields.items() if "default" in f and not isinstance(f["default"], dict)}
    errors = {}
    for index, payload in enumerate(payloads):
        if isinstance(payload, dict):
            prefix = "" if single else f"[{index}]."
            errors.update(_payload_errors(rules, payload, prefix, creating, defaults))
    if errors:
        raise RecordInvalid("record.invalid" if single else "record.batch_invalid", errors=errors)
