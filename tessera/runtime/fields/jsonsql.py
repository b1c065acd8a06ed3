"""SQL that renders stored values as the JSON ``to_json`` makes of them, per database.

Set-based writers (confirmed migrations writing field history) use these through each
field type's ``json_sql``.
"""

from sqlalchemy import String, Text, case, cast, func, literal, type_coerce


def pg_text(expr):
    """PostgreSQL: the value as a JSON string of its text (decimals stay exact)."""
    return func.to_json(cast(expr, Text))


def pg_date(expr):
    return func.to_json(func.to_char(expr, "YYYY-MM-DD"))


def pg_datetime(expr):
    shown = func.replace(func.to_char(expr, 'YYYY-MM-DD"T"HH24:MI:SS.US'), ".000000", "")
    return func.to_json(type_coerce(shown, String).concat("Z"))


def sqlite_datetime(expr):
    shown = func.substr(expr, 1, 10).concat("T").concat(func.substr(expr, 12))
    return func.json_quote(type_coerce(func.replace(shown, ".000000", ""), String).concat("Z"))


def sqlite_list(expr):
    """SQLite: a ';'-joined text as a JSON array of strings ('' is the empty array)."""
    escaped = func.replace(func.replace(expr, "\\", "\\\\"), '"', '\\"')
    for char, escape in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        escaped = func.replace(escaped, char, escape)
    items = literal('["').concat(func.replace(escaped, ";", '","')).concat('"]')
    return case((expr == "", func.json_array()), else_=func.json(items))


def pg_list(expr):
    return func.to_json(func.string_to_array(expr, ";"))


def sqlite_decimal(expr, scale):
    # SQLite keeps REALs; SQLAlchemy reads them back formatted to the field's scale.
    return func.json_quote(func.printf(f"%.{scale}f", expr))


def sqlite_boolean(expr):
    return func.json(case((expr, "true"), else_="false"))
