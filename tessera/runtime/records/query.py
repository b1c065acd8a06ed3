"""List queries: field selection, equality filters, sorting and keyset pagination."""

import base64
import binascii
import json
from dataclasses import dataclass

from sqlalchemy import and_, false, literal, or_, select, tuple_

from tessera.i18n import Message

from ..errors import FieldAccessDenied, InvalidQuery
from ..paging import parse_limit
from ..fields.serialize import SORTABLE_SYSTEM, SYSTEM_TYPES, parse_cursor_value, parse_value, record_json, to_json

#: Sort keys a list may name (id is added after them).
MAX_SORT_KEYS = 8


@dataclass
class Page:
    """One page of a list: ``items`` as JSON, the ``next_cursor`` (or None), and the ``rows``
    they came from with the field ``names`` shown, for formulas computed in memory."""

    items: list
    next_cursor: str | None
    rows: list
    names: list

    def json(self):
        """The page as the API answers it: {"items", "next_cursor"}."""
        return {"items": self.items, "next_cursor": self.next_cursor}


def check_field_names(obj, names, readable, *, label, system=SORTABLE_SYSTEM):
    """Raise InvalidQuery naming every entry of ``names`` that is neither a readable field nor
    in ``system``, or FieldAccessDenied (naming none) when one is a field the reader may not read."""
    allowed = set(readable) | set(system)
    if any(n in obj.fields and n not in allowed for n in names):
        raise FieldAccessDenied("access.param.unreadable_field", param=label,
                                errors={label: [Message("access.names_unreadable_field")]})
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise InvalidQuery("query.param.unknown_fields", param=label, fields=", ".join(unknown), object=obj.name,
                           errors={label: [Message("query.unknown_field", field=n) for n in unknown]})


def refuse_unable(obj, names, ability, *, label):
    """Raise InvalidQuery naming the first field in ``names`` whose type lacks ``ability``
    (``sortable`` or ``filterable``)."""
    for name in names:
        if name in obj.value_types and not getattr(obj.value_types[name], ability):
            raise InvalidQuery(f"query.param.not_able.{ability}", param=label, field=name,
                               errors={label: [Message(f"query.not_able.{ability}", field=name)]})


def _check_sort_keys(names):
    """Refuse more than MAX_SORT_KEYS keys, or a field named twice (databases cap ORDER BY terms)."""
    if len(names) > MAX_SORT_KEYS:
        raise InvalidQuery("query.sort.too_many", max=MAX_SORT_KEYS,
                           errors={"sort": [Message("query.at_most_fields", max=MAX_SORT_KEYS)]})
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InvalidQuery("query.sort.repeated", field=repeated[0],
                           errors={"sort": [Message("query.sort.named_twice", field=repeated[0])]})


def parse_sort(obj, text, readable):
    """Parse ``-amount,title`` into [(name, descending)], always ending with id."""
    keys = []
    for part in filter(None, (text or "").split(",")):
        name = part.strip().lstrip("-")
        keys.append((name, part.strip().startswith("-")))
    _check_sort_keys([n for n, _ in keys])
    check_field_names(obj, [n for n, _ in keys], readable, label="sort")
    refuse_unable(obj, [n for n, _ in keys], "sortable", label="sort")
    if not any(n == "id" for n, _ in keys):
        keys.append(("id", keys[-1][1] if keys else False))
    return keys


def field_type(obj, name):
    """The FieldType of a field's or system column's values (a formula field: the type it returns)."""
    if name in SYSTEM_TYPES:
        return SYSTEM_TYPES[name]
    return obj.value_types[name]


def _sort_terms(obj, binder, keys):
    """Each sort key as (expression, descending, name, nullable).

    NULLs sort last ascending and first descending (PostgreSQL's default, and what an
    index on the column serves on both databases).
    """
    terms = []
    for name, descending in keys:
        if name in obj.formulas:
            if not obj.formulas[name].pushable:
                raise InvalidQuery("query.param.not_in_database", param="sort", field=name,
                                   errors={"sort": [Message("query.not_sortable", field=name)]})
            terms.append((binder.expression(name), descending, name, True))
        else:
            column = obj.table.c[name]
            terms.append((column, descending, name, name != "id" and column.nullable))
    return terms


def _order_by(terms):
    return [expr.desc().nulls_first() if descending else expr.asc().nulls_last()
            for expr, descending, _, _ in terms]


def _cursor_values(row, terms):
    return [to_json(row[name]) for _, _, name, _ in terms]


def encode_cursor(values):
    """An opaque, URL-safe cursor holding the last row's sort values."""
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(text, expected):
    """Return the sort values inside ``text``, or raise InvalidQuery."""
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error):
        values = None
    if not isinstance(values, list) or len(values) != expected:
        raise InvalidQuery("query.cursor.invalid", errors={"cursor": [Message("query.cursor.not_valid")]})
    return values


def keyset_condition(obj, terms, values):
    """Rows strictly after the cursor position in the sort order."""
    typed = [parse_cursor_value(field_type(obj, name), value) for (_, _, name, _), value in zip(terms, values)]
    fast = _row_value_condition(terms, typed)
    if fast is not None:
        return fast
    clauses, equal_so_far = [], []
    for (expr, descending, _, nullable), value in zip(terms, typed):
        after = _after(expr, descending, nullable, value)
        if after is not None:
            clauses.append(and_(*equal_so_far, after))
        equal_so_far.append(expr.is_(None) if value is None else expr == value)
    return or_(*clauses) if clauses else false()


def _after(expr, descending, nullable, value):
    """Rows whose ``expr`` sorts strictly after ``value`` (None when none can)."""
    if value is None:  # NULLs come last ascending: nothing after; first descending: every value
        return expr.is_not(None) if descending else None
    if isinstance(value, bool):  # SQL compares booleans only with "=": False sorts first
        later = (expr == (not value)) if value == descending else None
    else:
        later = expr < value if descending else expr > value
    if nullable and not descending:  # ascending, NULLs come after every value
        return expr.is_(None) if later is None else or_(later, expr.is_(None))
    return later


def _row_value_condition(terms, typed):
    """The one-field-then-id sort as a row comparison ``(field, id) > (:v, :id)``, which both
    databases answer with an index range scan (the OR form makes PostgreSQL scan from the start)."""
    if len(terms) != 2 or terms[1][2] != "id" or terms[0][1] != terms[1][1]:
        return None
    if typed[0] is None or isinstance(typed[0], bool):
        return None
    (expr, descending, _, nullable), (id_column, *_) = terms
    left, right = tuple_(expr, id_column), tuple_(literal(typed[0], expr.type), typed[1])
    if descending:
        return left < right
    return or_(left > right, expr.is_(None)) if nullable else left > right


def equality_filters(obj, filters, readable):
    """Turn {field: text} into SQL conditions on typed values."""
    check_field_names(obj, list(filters), readable, label="filter")
    refuse_unable(obj, list(filters), "filterable", label="filter")
    conditions = []
    for name, text in filters.items():
        column = obj.table.c[name]
        if text in ("", "null"):
            conditions.append(column.is_(None))
        elif field_type(obj, name).name == "multi_picklist":
            conditions.append(_includes_option(name, column, text))
        else:
            conditions.append(column == parse_value(field_type(obj, name), text, label=name))
    return conditions


def _includes_option(name, column, option):
    """A multi-picklist (stored as ``a;b;c``) that includes ``option``."""
    if ";" in option:
        raise InvalidQuery("query.filter.one_option", field=name, errors={name: [Message("query.name_one_option")]})
    return (literal(";") + column + literal(";")).contains(f";{option};", autoescape=True)


def _formula_columns(obj, binder, names, keys):
    """Labelled SQL of the pushable formula fields shown or sorted on."""
    wanted = dict.fromkeys([n for n in names if n in obj.formulas] + [n for n, _ in keys if n in obj.formulas])
    return [binder.expression(n).label(n) for n in wanted if obj.formulas[n].pushable]


def list_page(conn, obj, readable, *, binder, conditions=(), sort=None, fields=None, limit=None, cursor=None):
    """Return one Page of ``obj``'s records matching ``conditions``.

    Formula fields the database can compute are computed in the SELECT through ``binder``
    (a TableBinder); the Page keeps its rows so the caller can compute the rest.
    """
    if fields:
        check_field_names(obj, fields, readable, label="fields")
    names = [n for n in (fields or readable) if n in obj.fields]
    keys = parse_sort(obj, sort, readable)
    size = parse_limit(limit)
    terms = _sort_terms(obj, binder, keys)
    query = select(obj.table, *_formula_columns(obj, binder, names, keys))
    conditions = list(conditions)
    if cursor:
        conditions.append(keyset_condition(obj, terms, decode_cursor(cursor, len(terms))))
    if conditions:
        query = query.where(*conditions)
    query = query.select_from(binder.from_clause)
    rows = conn.execute(query.order_by(*_order_by(terms)).limit(size + 1)).mappings().all()
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = encode_cursor(_cursor_values(rows[-1], terms)) if more and rows else None
    return Page([record_json(obj, row, names) for row in rows], next_cursor, rows, names)
