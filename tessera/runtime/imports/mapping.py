"""Which column of an import file goes into which field, and a row as a record payload.

A mapping is ``{field: column header}``. Without one, every column whose header is a
field's name or one of its labels (in any locale) goes into that field, and the other
columns are ignored. A cell left empty leaves its field alone: on a new record the field
gets its default, on an updated one it keeps its value. Cells are text; booleans, record
ids and multi-picklist values (joined by ``;``) become the JSON an API
client would send, and every other value is validated by its field as sent.
"""

from dataclasses import dataclass

from ..errors import ImportInvalid

#: Field types whose values are not written by an import (computed or system-kept).
NOT_IMPORTED = frozenset({"formula", "rollup", "auto_number"})
#: Cells read as booleans (case and surrounding blanks ignored); anything else is left for
#: the field's validation to refuse.
TRUE = frozenset({"true", "1", "yes", "y", "是"})
FALSE = frozenset({"false", "0", "no", "n", "否"})
#: Field types whose values are record ids, whole numbers in JSON.
WHOLE = frozenset({"lookup", "master_detail", "user"})


def _boolean(cell):
    text = cell.strip().lower()
    return True if text in TRUE else False if text in FALSE else cell


def _whole(cell):
    text = cell.strip()
    return int(text) if text.lstrip("-").isdigit() and text.isascii() else cell


def _values(cell):
    return [v.strip() for v in cell.split(";") if v.strip()]


#: How a cell becomes the JSON value an API client would send, by field type.
CONVERT = {"boolean": _boolean, "multi_picklist": _values, **{kind: _whole for kind in WHOLE}}


@dataclass(frozen=True)
class Mapping:
    """Columns to fields for one object, and the field that identifies a record (or None)."""

    columns: dict  # field name -> column header
    external_id: str | None
    converters: dict  # field name -> how its cells become values (fields not named: text as is)

    def payload(self, cells):
        """The record payload of one row's ``{header: cell}``; empty cells are left out."""
        found = {}
        for name, header in self.columns.items():
            cell = cells.get(header)
            if cell is None or cell == "":
                continue
            convert = self.converters.get(name)
            found[name] = convert(cell) if convert is not None else cell
        return found

    def key(self, cells):
        """The row's external id (text), or None when it has none."""
        if self.external_id is None:
            return None
        cell = cells.get(self.columns[self.external_id])
        return None if cell in (None, "") else str(cell).strip()


def build_mapping(obj, headers, mapping=None, external_id=None):
    """Check ``mapping`` (or derive one from ``headers``) against ``obj``; return a Mapping.

    Raises ImportInvalid naming each unknown field, unknown column or computed field, and
    when ``external_id`` is not a unique field of ``obj`` mapped to a column.
    """
    columns = dict(mapping) if mapping else _by_header(obj, headers)
    errors = {}
    for name, header in columns.items():
        field = obj.fields.get(name)
        if field is None:
            errors[f"mapping.{name}"] = ["import.unknown_field"]
        elif field["type"] in NOT_IMPORTED:
            errors[f"mapping.{name}"] = ["import.computed_field"]
        elif header not in headers:
            errors[f"mapping.{name}"] = ["import.unknown_column"]
    if external_id is not None:
        _check_external_id(obj, columns, external_id, errors)
    if errors:
        raise ImportInvalid("import.mapping_invalid", errors=errors)
    if not columns:
        raise ImportInvalid("import.nothing_mapped", object=obj.name)
    converters = {n: CONVERT[obj.fields[n]["type"]] for n in columns if obj.fields[n]["type"] in CONVERT}
    return Mapping(columns, external_id, converters)


def _check_external_id(obj, columns, external_id, errors):
    field = obj.fields.get(external_id)
    if field is None or not field.get("unique"):
        errors["external_id"] = ["import.external_id_not_unique"]
    elif external_id not in columns:
        errors["external_id"] = ["import.external_id_not_mapped"]


def _by_header(obj, headers):
    found = {}
    for name, field in obj.fields.items():
        if field["type"] in NOT_IMPORTED:
            continue
        names = {name, *_labels(field.get("label"))}
        header = next((h for h in headers if h in names), None)
        if header is not None:
            found[name] = header
    return found


def _labels(label):
    if isinstance(label, dict):
        return set(label.values())
    return {label} if isinstance(label, str) else set()
