"""Indexes that published KPIs ask for: each KPI's grouped query read from an index alone.

A KPI's query reads a period's records of one object, credited to a person, and only
the columns its measure, filter, date field and credit name. An index holding exactly
those columns, led by the person and then the date, answers it without touching the
table and hands the rows over already grouped by person: on a million records a
leaderboard reads a few megabytes of index instead of the whole table, and one person's
scorecard reads one narrow range. Under split credit the measured object's index is led
by the date (the person is on the split row) and carries ``id``; the split object gets
(parent, user, percent). KPIs over the same object, credit and date field share one
index. The indexes follow the published KPIs: publishing, changing or removing a KPI
plans the matching ``create_index`` / ``drop_index`` steps, with the KPIs as reason.

Only plain columns are covered: a KPI that reads a formula field computed on the fly
gets no index (its query still runs, from the table).
"""

from tessera.formula import FormulaError, check

from .formulas import scope_for

#: System fields as formulas name them, and their columns.
SYSTEM_COLUMNS = {"id": "id", "owner": "owner_id", "created_by": "created_by", "created_at": "created_at",
                  "updated_by": "updated_by", "updated_at": "updated_at"}
#: Wider than this, an index costs writes more than it saves reads.
MAX_COLUMNS = 12


def kpi_indexes(object_name, documents, columns_of):
    """{columns: [kpi names]} of the indexes the KPIs of ``documents`` want on ``object_name``.

    ``columns_of(object_name)`` answers the names of that object's stored fields.
    """
    groups = {}
    for (kind, name), doc in sorted(documents.items()):
        if kind != "kpi" or "object" not in doc:
            continue
        for target, lead, rest in _indexes_of(doc, documents, columns_of):
            if target == object_name:
                read, names = groups.setdefault(lead, (set(), []))
                read.update(rest)
                names.append(name)
    wanted = {}
    for lead, (read, names) in groups.items():
        columns = (*lead, *sorted(read - set(lead)))
        if len(columns) <= MAX_COLUMNS:
            wanted[columns] = names
    return wanted


def _indexes_of(doc, documents, columns_of):
    """[(object name, leading columns, other columns)] of the indexes one KPI document wants."""
    measured = doc["object"]
    if ("object", measured) not in documents:
        return []
    read = _columns_read(doc, documents, columns_of)
    date = _column(doc["date_field"], columns_of(measured))
    credit = doc["credit"]
    if read is None or date is None:
        return []
    if "user_field" in credit:
        person = _column(credit["user_field"], columns_of(measured))
        return [] if person is None else [(measured, (person, date), read)]
    split = credit["split"]
    if ("object", split["object"]) not in documents:
        return []
    child_columns = columns_of(split["object"])
    child = tuple(_column(split[key], child_columns) for key in ("parent", "user", "percent"))
    wanted = [(measured, (date,), read | {"id"})]
    return wanted if None in child else [*wanted, (split["object"], child, set())]


def _columns_read(doc, documents, columns_of):
    """The columns of the measured object the measure and filter read, or None when one of
    them reads something that is not a plain column (or does not check)."""
    scope = scope_for(documents, doc["object"])
    try:
        paths = set(check(doc["measure"], scope, context="aggregate").references)
        if doc.get("filter"):
            paths |= check(doc["filter"], scope, context="filter").references
    except FormulaError:
        return None
    stored = columns_of(doc["object"])
    columns = {_column(path[0], stored) for path in paths}
    return None if None in columns else columns


def _column(name, stored):
    """The column of field ``name`` (a stored field or a system field), or None."""
    if name in SYSTEM_COLUMNS:
        return SYSTEM_COLUMNS[name]
    return name if name in stored else None
