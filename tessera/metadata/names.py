"""Naming rules for objects and fields: identifiers that are safe as SQL names."""

import re
from tessera.i18n import Message

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

#: Columns every object table carries; no field may take these names.
SYSTEM_COLUMNS = frozenset(
    {"id", "owner", "owner_id", "created_by", "created_at", "updated_by", "updated_at", "version"}
)

#: Words refused as names: SQL keywords common to SQLite and PostgreSQL, the formula
#: language's literals, and the query parameters of the records API.
RESERVED_WORDS = frozenset(
    """
    all alter and any array as asc between by case cast check collate column constraint
    create cross current_date current_time current_timestamp default delete desc distinct
    do drop else end except exists false fetch for foreign from full grant group having in
    index inner insert intersect into is join key leading left like limit natural not null
    offset on only or order outer primary references returning right row select session_user
    set some table then to trailing true union unique update user using values view when
    where window with
    cursor fields filter sort q
    """.split()
)


def name_problem(name):
    """Return why ``name`` cannot name an object or field, or None when it can."""
    if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
        return Message("metadata.name.shape", max=63)
    if name in RESERVED_WORDS:
        return Message("metadata.name.reserved", name=name)
    return None


def field_name_problem(name):
    """Return why ``name`` cannot name a field, or None when it can."""
    if isinstance(name, str) and name in SYSTEM_COLUMNS:
        return Message("metadata.name.system_column", name=name)
    return name_problem(name)
