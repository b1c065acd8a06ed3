"""A migration plan in plain words: one sentence per step, naming objects and fields by label.

The step kinds are made in ``plan.py`` and by the field types (``steps.py``); each kind has
a sentence in this layer's catalogs (``metadata.plan.step.*``), and each data check of a
lossy step a sentence saying what is lost (``metadata.plan.loss.*``), so the designer and
any other client say the same thing in every locale.
"""

from tessera.i18n import Message, Translated

#: Step kinds with a sentence of their own; any other kind (a plugin's) gets a generic one.
STEP_KINDS = frozenset({"create_table", "drop_table", "add_column", "drop_column", "alter_column",
                        "restrict_values", "create_index", "drop_index", "recompute_rollup",
                        "create_search_index", "drop_search_index"})
#: Data checks (``data_check.kind``) with a sentence saying what a confirmed step loses.
LOSS_KINDS = frozenset({"any_rows", "non_null", "longer_than", "value_in", "multi_value_in",
                        "value_not_in", "numeric_overflow"})


class Labels:
    """Object and field labels from the documents before and after a publish ({(kind, name): body})."""

    def __init__(self, *document_sets):
        self._objects = {}  # name -> its documents, the first set's first
        for documents in document_sets:
            for (kind, name), body in documents.items():
                if kind == "object" and body:
                    self._objects.setdefault(name, []).append(body)

    def object(self, name):
        """The object's label as a Translated text (its name where it has none)."""
        label = next((d["label"] for d in self._objects.get(name, ()) if d.get("label")), None)
        return _translated(label, name)

    def field(self, obj, name):
        """The field's label as a Translated text (its name where it has none); a field the
        newer document removed is named as the older one labels it."""
        for doc in self._objects.get(obj, ()):
            found = next((f for f in doc.get("fields", []) if f.get("name") == name), None)
            if found is not None:
                return _translated(found.get("label"), name)
        return _translated(None, name)

    def fields(self, obj, names):
        """Several field labels joined with commas."""
        return ", ".join(self.field(obj, name) for name in names)


def _translated(labels, fallback):
    labels = {k: v for k, v in (labels or {}).items() if v}
    return Translated(labels, fallback) if labels else Translated({"en": fallback})


def count_text(n):
    """A count as people read it: ``12,430``."""
    return f"{n:,}"


def step_sentence(step, labels):
    """The sentence (a Message) saying what ``step`` does, with labels from ``labels``."""
    op, obj = step["op"], step["object"]
    params = {"object": labels.object(obj), "name": obj}
    if step.get("field"):
        params.update(field=labels.field(obj, step["field"]), field_name=step["field"])
    if op not in STEP_KINDS:
        return Message("metadata.plan.step.other", op=op, target=step.get("target", obj))
    if op in ("create_index", "drop_index"):
        kind = "unique" if step.get("unique") else "plain"
        return Message(f"metadata.plan.step.{op}.{kind}", columns=labels.fields(obj, step["columns"]), **params)
    if op == "alter_column":
        return _alter_sentence(step, params)
    if op == "restrict_values":
        if step.get("removed"):
            return Message("metadata.plan.step.restrict_values.removed", values=", ".join(step["removed"]), **params)
        return Message("metadata.plan.step.restrict_values.allowed", **params)
    return Message(f"metadata.plan.step.{op}", **params)


def _alter_sentence(step, params):
    if step.get("change") == "length":
        return Message("metadata.plan.step.alter_column.length", old=step["old"], new=step["new"], **params)
    if step.get("change") == "numeric":
        (old_p, old_s), (new_p, new_s) = step["old"], step["new"]
        return Message("metadata.plan.step.alter_column.numeric", old_precision=old_p, old_scale=old_s,
                       new_precision=new_p, new_scale=new_s, **params)
    return Message("metadata.plan.step.alter_column.other", **params)


def loss_sentence(step, labels):
    """What a lossy ``step`` loses, with the data check's count, or None when it loses nothing."""
    count = step.get("affected_records") or 0
    check = step.get("data_check") or {}
    if not count or not check:
        return None
    kind = check.get("kind") if check.get("kind") in LOSS_KINDS else "other"
    obj = step["object"]
    params = {"n": count_text(count), "object": labels.object(obj), "length": check.get("length", "")}
    if step.get("field"):
        params["field"] = labels.field(obj, step["field"])
    return Message(f"metadata.plan.loss.{kind}" + (".one" if count == 1 else ""), **params)
