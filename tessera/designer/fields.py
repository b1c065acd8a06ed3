"""How a field looks on a page: its label, its input and its value shown as text.

Everything here is plain data for the templates; Jinja escapes every value it prints.
"""

from dataclasses import dataclass, field

#: Field type -> the kind of input the form shows for it.
INPUT_KINDS = {
    "text": "text", "email": "email", "url": "url", "phone": "tel", "long_text": "textarea",
    "number": "number", "currency": "number", "percent": "number", "integer": "number",
    "date": "date", "datetime": "datetime-local", "boolean": "checkbox",
    "picklist": "select", "multi_picklist": "multiselect",
    "lookup": "reference", "master_detail": "reference", "user": "reference",
}
#: Types a list never shows as a column (too long or not one value).
NOT_COLUMNS = frozenset({"long_text", "multi_picklist"})
NUMERIC_TYPES = frozenset({"number", "currency", "percent", "integer"})
REFERENCE_TYPES = frozenset({"lookup", "master_detail"})
LIST_COLUMNS = 6


def localized(labels, locale, fallback):
    """The text of a locale map in ``locale``, else in English, else ``fallback``."""
    if isinstance(labels, str):
        return labels
    labels = labels or {}
    return labels.get(locale) or labels.get("en") or fallback


@dataclass(frozen=True)
class FieldView:
    """One field as a page shows it."""

    name: str
    label: str
    type: str
    input: str | None
    required: bool = False
    editable: bool = False
    target: str | None = None
    options: tuple = field(default_factory=tuple)  # (value, label) pairs
    help: str | None = None
    max_length: int | None = None
    returns: str | None = None  # a formula's result type
    scale: int | None = None
    colors: tuple = ()  # (value, colour) pairs of the picklist options that have one

    @property
    def numeric(self):
        """True for numbers (and formulas computing one), shown right-aligned."""
        return (self.returns or self.type) in NUMERIC_TYPES

    def option_label(self, value):
        """The label of picklist value ``value`` (the value itself when it is no option)."""
        return dict(self.options).get(value, value)

    def badges(self, raw):
        """(label, colour) of each value of a picklist whose options have colours, for badges;
        empty when the field has no colours (its values are shown as text)."""
        if not self.colors or raw is None or raw == "":
            return []
        colors = dict(self.colors)
        values = raw if isinstance(raw, (list, tuple)) else [raw]
        return [(self.option_label(v), colors.get(v, "none")) for v in values]


def _options(doc, locale):
    pairs = []
    for option in doc.get("options") or ():
        if isinstance(option, dict):
            pairs.append((option["value"], localized(option.get("label"), locale, option["value"])))
        else:
            pairs.append((option, option))
    return tuple(pairs)


def _colors(doc):
    options = doc.get("options") or ()
    return tuple((o["value"], o["color"]) for o in options if isinstance(o, dict) and o.get("color"))


def field_view(name, doc, locale, *, editable=False):
    """The FieldView of field ``name`` (its metadata ``doc``) in ``locale``."""
    kind = INPUT_KINDS.get(doc["type"])
    return FieldView(
        name=name, label=localized(doc.get("label"), locale, name), type=doc["type"], input=kind,
        required=bool(doc.get("required")), editable=editable and kind is not None,
        target=doc.get("target") if doc["type"] in REFERENCE_TYPES else None,
        options=_options(doc, locale), help=localized(doc.get("help"), locale, None) if doc.get("help") else None,
        max_length=doc.get("max_length"), returns=doc.get("returns") if doc["type"] == "formula" else None,
        scale=doc.get("scale"), colors=_colors(doc),
    )


def field_views(obj, names, locale, editable=()):
    """FieldViews of ``names`` of object model ``obj``, in document order."""
    wanted, writable = set(names), set(editable)
    return [field_view(n, doc, locale, editable=n in writable) for n, doc in obj.fields.items() if n in wanted]


def title_field(obj):
    """The name of the field that names a record (the document's title_field, else the first text field)."""
    named = obj.doc.get("title_field")
    if named in obj.fields:
        return named
    return next((n for n, f in obj.fields.items() if f["type"] == "text"), None)


def list_columns(obj, readable, locale):
    """The columns of a list: the title field first, then the next readable fields that fit a cell."""
    title = title_field(obj)
    names = [title] if title in readable else []
    for name in readable:
        if len(names) >= LIST_COLUMNS:
            break
        if name != title and obj.fields[name]["type"] not in NOT_COLUMNS:
            names.append(name)
    views = {v.name: v for v in field_views(obj, names, locale)}
    return [views[n] for n in names]


def plain_defaults(obj):
    """{field: default} of the fields whose default is a plain value (not a formula), for a new form."""
    return {n: f["default"] for n, f in obj.fields.items() if "default" in f and not isinstance(f["default"], dict)}
