"""Shared fixtures for formula tests: a CRM-ish scope, throwaway tables, a binder, evaluators."""
from __future__ import annotations

import os
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tessera.formula import (
    EvalEnv, FieldInfo, FormulaType as T, Scope, check, compile_python, compile_sql,
    install_sqlite_functions,
)

PG_URL = os.environ.get("TESSERA_TEST_POSTGRES_URL")
STAGES = ("Prospect", "Won", "Lost", "Lost%_x")
TAGS = ("A", "B", "C_", "%")

DEAL_FIELDS = {
    "amount": FieldInfo("amount", T.CURRENCY),
    "qty": FieldInfo("qty", T.NUMBER),
    "rate": FieldInfo("rate", T.PERCENT),
    "name": FieldInfo("name", T.TEXT),
    "notes": FieldInfo("notes", T.TEXT),
    "stage": FieldInfo("stage", T.PICKLIST, options=STAGES),
    "tags": FieldInfo("tags", T.MULTI_PICKLIST, options=TAGS),
    "active": FieldInfo("active", T.BOOLEAN),
    "close": FieldInfo("close", T.DATE),
    "start": FieldInfo("start", T.DATE),
    "created": FieldInfo("created", T.DATETIME),
    "account": FieldInfo("account", T.LOOKUP, target="account"),
    "owner": FieldInfo("owner", T.LOOKUP, target="user"),
}
ACCOUNT_FIELDS = {
    "name": FieldInfo("name", T.TEXT),
    "region": FieldInfo("region", T.TEXT),
    "revenue": FieldInfo("revenue", T.CURRENCY),
    "owner": FieldInfo("owner", T.LOOKUP, target="user"),
}
USER_FIELDS = {
    "name": FieldInfo("name", T.TEXT),
    "team": FieldInfo("team", T.TEXT),
}
SCOPE = Scope({"deal": DEAL_FIELDS, "account": ACCOUNT_FIELDS, "user": USER_FIELDS}, root="deal")

ACCOUNTS = {1: {"id": 1, "name": "Acme", "region": "EMEA", "revenue": Decimal("1000.50"), "owner": 7},
            2: {"id": 2, "name": "Globex", "region": None, "revenue": None, "owner": None}}
USERS = {7: {"id": 7, "name": "Ada", "team": "North"}}
RELATED = {"account": ACCOUNTS, "user": USERS}


def make_env(**overrides) -> EvalEnv:
    values = dict(
        today=date(2024, 2, 29), now=datetime(2024, 2, 29, 13, 45, 30),
        user={"id": 7, "team": "North", "roles": ["sales", "admin"], "manager": None,
              "name": "Ada", "locale": "en"},
        fiscal_year_start_month=4,
        fetch=lambda obj, key: RELATED.get(obj, {}).get(key),
    )
    values.update(overrides)
    return EvalEnv(**values)


ENV = make_env()


class Database:
    """Throwaway tables on one engine plus an evaluator for compiled SQL."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        suffix = uuid.uuid4().hex[:8]
        self.metadata = sa.MetaData()
        self.user = sa.Table(f"fx_user_{suffix}", self.metadata,
                             sa.Column("id", sa.Integer, primary_key=True),
                             sa.Column("name", sa.String), sa.Column("team", sa.String))
        self.account = sa.Table(f"fx_account_{suffix}", self.metadata,
                                sa.Column("id", sa.Integer, primary_key=True),
                                sa.Column("name", sa.String), sa.Column("region", sa.String),
                                sa.Column("revenue", sa.Numeric(18, 2)),
                                sa.Column("owner", sa.Integer))
        self.deal = sa.Table(
            f"fx_deal_{suffix}", self.metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("amount", sa.Numeric(18, 2)), sa.Column("qty", sa.Numeric(18, 4)),
            sa.Column("rate", sa.Numeric(9, 4)), sa.Column("name", sa.String),
            sa.Column("notes", sa.String), sa.Column("stage", sa.String),
            sa.Column("tags", sa.String), sa.Column("active", sa.Boolean),
            sa.Column("close", sa.Date), sa.Column("start", sa.Date),
            sa.Column("created", sa.DateTime), sa.Column("account", sa.Integer),
            sa.Column("owner", sa.Integer))
        self.tables = {"deal": self.deal, "account": self.account, "user": self.user}
        self._loaded: list[dict] | None = None
        self.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(self.account.insert(), list(ACCOUNTS.values()))
            conn.execute(self.user.insert(), list(USERS.values()))

    def drop(self) -> None:
        self.metadata.drop_all(self.engine)
        self.engine.dispose()

    # binder protocol ---------------------------------------------------
    @property
    def dialect_name(self) -> str:
        return self.dialect

    def column(self, path: tuple[str, ...]) -> Any:
        return self._column("deal", self.deal, path)

    def _column(self, obj: str, table: sa.Table, path: tuple[str, ...]) -> Any:
        if len(path) == 1:
            return table.c[path[0]]
        info = SCOPE.objects[obj][path[0]]
        target = self.tables[info.target]
        inner = self._column(info.target, target, path[1:])
        return (sa.select(inner).where(target.c.id == table.c[path[0]])
                .scalar_subquery())

    # evaluation ----------------------------------------------------------
    def evaluate(self, source: str, records: list[dict], env: EvalEnv = ENV,
                 context: str = "field") -> list[Any]:
        checked = check(source, SCOPE, context=context)
        expr = compile_sql(checked, self, env)
        rows = [storage_row(i + 1, r) for i, r in enumerate(records)]
        loaded, self._loaded = self._loaded, None
        with self.engine.begin() as conn:
            if rows != loaded:  # the sweeps evaluate many formulas over one table
                conn.execute(self.deal.delete())
                if rows:
                    conn.execute(self.deal.insert(), rows)
            if context == "aggregate":
                result = [conn.execute(sa.select(expr).select_from(self.deal)).scalar()]
            else:
                query = sa.select(expr).select_from(self.deal).order_by(self.deal.c.id)
                result = [row[0] for row in conn.execute(query)]
        self._loaded = rows
        return result


def storage_row(ident: int, record: dict) -> dict:
    row = {c: None for c in DEAL_FIELDS}
    row.update(record)
    row["id"] = ident
    tags = row.get("tags")
    row["tags"] = ";".join(tags) if tags else None
    return row


def python_eval(source: str, records: list[dict], env: EvalEnv = ENV,
                context: str = "field") -> list[Any]:
    fn = compile_python(check(source, SCOPE, context=context))
    if context == "aggregate":
        return [fn(records, env)]
    return [fn(dict(r), env) for r in records]


def sqlite_engine() -> sa.Engine:
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    sa.event.listen(engine, "connect", lambda conn, _: install_sqlite_functions(conn))
    return engine


def postgres_engine() -> sa.Engine | None:
    return sa.create_engine(PG_URL) if PG_URL else None
