"""What a lossy plan step would lose: counted against the live tables before applying."""

from decimal import Decimal

from sqlalchemy import func, literal, or_, select

from .columns import table_name


def _like_member(column, value):
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (literal(";") + column + literal(";")).like(f"%;{escaped};%", escape="\\")


def _numeric_loss(column, check):
    limit = Decimal(10) ** (check["precision"] - check["scale"])
    return or_(func.abs(column) >= limit, column != func.round(column, check["scale"]))


CONDITIONS = {
    "non_null": lambda c, check: c.is_not(None),
    "longer_than": lambda c, check: func.length(c) > check["length"],
    "value_in": lambda c, check: c.in_(check["values"]),
    "value_not_in": lambda c, check: c.is_not(None) & c.not_in(check["values"]),
    "multi_value_in": lambda c, check: or_(*[_like_member(c, v) for v in check["values"]]),
    "numeric_overflow": _numeric_loss,
}

LOSS_TEXT = {
    "non_null": "{n} record(s) of {object} have a value in {field}; it would be dropped",
    "any_rows": "{n} record(s) of {object} would be deleted with the object",
    "longer_than": "{n} record(s) of {object} have {field} longer than {length} characters; they would be cut",
    "value_in": "{n} record(s) of {object} use a removed option of {field}; it would be cleared",
    "value_not_in": "{n} record(s) of {object} have a {field} value outside the options; it would be cleared",
    "multi_value_in": "{n} record(s) of {object} use a removed option of {field}; it would be removed",
    "numeric_overflow": "{n} record(s) of {object} have a {field} value that does not fit; it would be rounded or cleared",
}


def affected_rows(conn, old_model, step):
    """Count the rows ``step`` would lose data in; 0 when the step is safe."""
    check = step.get("data_check")
    model = old_model.objects.get(step["object"]) if old_model else None
    if not check or model is None:
        return 0
    table = model.table
    if check["kind"] == "any_rows":
        return conn.execute(select(func.count()).select_from(table)).scalar_one()
    column = table.c[step["field"]]
    condition = CONDITIONS[check["kind"]](column, check)
    return conn.execute(select(func.count()).select_from(table).where(condition)).scalar_one()


def annotate_losses(conn, old_model, steps):
    """Mark each step with ``lossy`` and a ``loss`` sentence; return the lossy ones."""
    lossy = []
    for step in steps:
        count = affected_rows(conn, old_model, step)
        step["lossy"] = count > 0
        if count:
            check = step["data_check"]
            step["affected_records"] = count
            step["loss"] = LOSS_TEXT[check["kind"]].format(
                n=count, object=step["object"], field=step["field"], length=check.get("length")
            )
            lossy.append(step)
    return lossy


def condition_for(table, step):
    """The WHERE clause selecting the rows a confirmed lossy step must repair first."""
    check = step["data_check"]
    column = table.c[step["field"]]
    return column, CONDITIONS[check["kind"]](column, check)


__all__ = ["affected_rows", "annotate_losses", "condition_for", "table_name"]
