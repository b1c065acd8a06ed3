"""Benchmark: compiled Tessera formulas vs hand-written lambdas vs simpleeval.

Run: .venv/bin/python bench/formula_eval.py [--records N] [--repeat R]

With --sql, times SQLite lists instead: a WHERE + ORDER BY query on an in-memory table of
--records rows for each formula in SQL_FORMULAS, as compiled by Tessera, as compiled with
SQLite's printf-based round(x, 10) everywhere (the form before scaled rounding), and as
hand-written SQLAlchemy without any rounding. CPU time, best of --repeat medians.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from tessera.formula import (  # noqa: E402
    EvalEnv, FieldInfo, FormulaType as T, Scope, check, compile_python, compile_sql,
)
from tessera.formula import sqlsupport  # noqa: E402
from tessera.formula.functions._decimal import div  # noqa: E402

FIELDS = {
    "amount": FieldInfo("amount", T.CURRENCY), "cost": FieldInfo("cost", T.CURRENCY),
    "probability": FieldInfo("probability", T.PERCENT), "qty": FieldInfo("qty", T.NUMBER),
    "stage": FieldInfo("stage", T.PICKLIST), "first_name": FieldInfo("first_name", T.TEXT),
    "last_name": FieldInfo("last_name", T.TEXT), "discount": FieldInfo("discount", T.PERCENT),
    "close_date": FieldInfo("close_date", T.DATE), "created": FieldInfo("created", T.DATE),
    "active": FieldInfo("active", T.BOOLEAN), "region": FieldInfo("region", T.TEXT),
}
SCOPE = Scope({"deal": FIELDS}, root="deal")
TODAY = date(2024, 6, 15)
ENV = EvalEnv(today=TODAY, now=datetime(2024, 6, 15, 12), user={"id": 1})
Q2 = Decimal("0.01")
# Constants of the hand-written lambdas, built once as module globals (as the compiled
# closures hold theirs), never inside a lambda.
D0, D1, D100, D1000, D10000, D50000 = (Decimal(n) for n in ("0", "1", "100", "1000", "10000", "50000"))
D05, D01, D005 = Decimal("0.5"), Decimal("0.1"), Decimal("0.05")


def and3(*values):
    """SQL three-valued AND, as a careful hand-written version would do it."""
    if False in values:
        return False
    return None if None in values else True


def _round2(x):
    return x.quantize(Q2, rounding=ROUND_HALF_UP)


# (name, tessera source, hand-written lambda with the same NULL semantics, simpleeval source)
FORMULAS = [
    ("stage bucket",
     'IF(stage = "Won", "closed", IF(stage = "Lost", "closed", "open"))',
     lambda r: "closed" if r["stage"] == "Won" else ("closed" if r["stage"] == "Lost" else "open"),
     '"closed" if stage == "Won" else ("closed" if stage == "Lost" else "open")'),
    ("margin pct",
     "ROUND((amount - cost) / amount * 100, 2)",
     lambda r: None if r["amount"] is None or r["cost"] is None or not r["amount"]
     else _round2(div(r["amount"] - r["cost"], r["amount"]) * D100),
     "round2(div(amount - cost, amount) * 100)"),
    ("weighted amount",
     "amount * probability",
     lambda r: None if r["amount"] is None or r["probability"] is None
     else r["amount"] * r["probability"],
     "amount * probability"),
    ("full name",
     'first_name & " " & last_name',
     lambda r: (r["first_name"] or "") + " " + (r["last_name"] or ""),
     'first_name + " " + last_name'),
    ("days to close",
     "close_date - TODAY()",
     lambda r: None if r["close_date"] is None else Decimal((r["close_date"] - TODAY).days),
     "days(close_date - today)"),
    ("age in days",
     "TODAY() - created",
     lambda r: None if r["created"] is None else Decimal((TODAY - r["created"]).days),
     "days(today - created)"),
    ("size class",
     'CASE(stage, "Won", amount, "Lost", 0, amount * probability)',
     lambda r: (r["amount"] if r["stage"] == "Won" else D0 if r["stage"] == "Lost"
                else (None if r["amount"] is None or r["probability"] is None
                      else r["amount"] * r["probability"])),
     'amount if stage == "Won" else (0 if stage == "Lost" else amount * probability)'),
    ("net price",
     "NULLVALUE(amount, 0) * (1 - BLANKVALUE(discount, 0))",
     lambda r: (D0 if r["amount"] is None else r["amount"])
     * (D1 - (D0 if r["discount"] is None else r["discount"])),
     "(amount or 0) * (1 - (discount or 0))"),
    ("big deal flag",
     "AND(active, amount > 10000, probability >= 0.5)",
     lambda r: and3(r["active"],
                    None if r["amount"] is None else r["amount"] > D10000,
                    None if r["probability"] is None else r["probability"] >= D05),
     "active and amount > 10000 and probability >= 0.5"),
    ("tiered commission",
     "IF(amount > 50000, amount * 0.1, IF(amount > 1000, amount * 0.05, 0))",
     lambda r: D0 if r["amount"] is None else (
         r["amount"] * D01 if r["amount"] > D50000
         else (r["amount"] * D005 if r["amount"] > D1000 else D0)),
     "amount * 0.1 if amount > 50000 else (amount * 0.05 if amount > 1000 else 0)"),
    ("region label",
     'UPPER(LEFT(BLANKVALUE(region, "n/a"), 3))',
     lambda r: (r["region"] or "n/a")[:3].upper(),
     'upper((region or "n/a")[:3])'),
    ("overdue",
     'close_date < TODAY() && NOT(ISPICKVAL(stage, "Won"))',
     lambda r: None if r["close_date"] is None else (r["close_date"] < TODAY and r["stage"] != "Won"),
     'close_date < today and stage != "Won"'),
]


def make_records(n: int) -> list[dict]:
    rng = random.Random(7)
    stages = ["Prospect", "Won", "Lost", "Negotiation"]
    records = []
    for _ in range(n):
        amount = Decimal(rng.randint(0, 10_000_000)) / 100
        records.append({
            "amount": amount if rng.random() > 0.05 else None,
            "cost": (amount * Decimal(rng.randint(20, 90)) / 100).quantize(Q2),
            "probability": Decimal(rng.randint(0, 100)) / 100,
            "qty": Decimal(rng.randint(1, 50)), "stage": rng.choice(stages),
            "first_name": rng.choice(["Ada", "Grace", None]), "last_name": "Lovelace",
            "discount": rng.choice([None, Decimal("0.1"), Decimal("0.25")]),
            "close_date": TODAY + timedelta(days=rng.randint(-90, 180)),
            "created": TODAY - timedelta(days=rng.randint(0, 700)),
            "active": rng.random() > 0.2, "region": rng.choice(["emea", "amer", "", None]),
        })
    return records


def interleaved_medians(runs, repeat) -> list[float]:
    """Median seconds of each (fn, records) over `repeat` rounds after a warm-up round; the
    order alternates every round so that all sides see the same machine load."""
    for fn, records in runs:
        fn(records)
    times = [[] for _ in runs]
    for round_ in range(repeat):
        order = list(enumerate(runs))
        for index, (fn, records) in (order if round_ % 2 == 0 else order[::-1]):
            start = time.perf_counter()
            fn(records)
            times[index].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def median_time(fn, records, repeat) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(records)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def simpleeval_runner(source):
    try:
        from simpleeval import EvalWithCompoundTypes
    except ImportError:
        return None
    functions = {"round2": lambda x: None if x is None else _round2(x), "div": div,
                 "days": lambda d: Decimal(d.days), "upper": str.upper}
    evaluator = EvalWithCompoundTypes(functions=functions)
    parsed = evaluator.parse(source)

    def run(records):
        for r in records:  # records already carry "today" (added before timing)
            evaluator.names = r
            try:
                evaluator.eval(source, previously_parsed=parsed)
            except (TypeError, ArithmeticError):
                pass  # simpleeval has no NULL semantics; failures still cost the same work
    return run


# (name, tessera source, the same value hand-written in SQLAlchemy Core without rounding)
SQL_FORMULAS = [
    ("margin ratio", "IF(amount > 0, cost / amount, NULL)",
     lambda c: sa.case((c.amount > 0, c.cost / c.amount))),
    ("margin pct", "(amount - cost) / amount * 100", lambda c: (c.amount - c.cost) / c.amount * 100),
    ("weighted amount", "amount * probability", lambda c: c.amount * c.probability),
    ("unit price", "amount / qty", lambda c: c.amount / c.qty),
]


def sqlite_table(n: int):
    """An in-memory SQLite engine with a `deal` table of n rows from make_records."""
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    names = ("amount", "cost", "probability", "qty")
    table = sa.Table("deal", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     *(sa.Column(name, sa.Numeric(18, 4)) for name in names))
    table.metadata.create_all(engine)
    rows = [{k: r[k] for k in names} for r in make_records(n)]
    with engine.begin() as conn:
        conn.execute(table.insert(), rows)
    return engine, table


def list_query(table, value):
    """The list a formula column drives: filter on it, sort by it (NULLs last), one page."""
    value = value.label("v")
    return (sa.select(table.c.id, value).where(value > 0.2)
            .order_by(value.is_(None).desc(), value.desc(), table.c.id.desc()).limit(50))


def sql_cpu_ms(engine, query, repeat: int) -> float:
    """Best of `repeat` medians of 5 runs of the compiled query through the raw sqlite3 cursor."""
    compiled = query.compile(engine)
    params = [float(v) if isinstance(v, Decimal) else v
              for v in (compiled.params[k] for k in compiled.positiontup)]
    raw: sqlite3.Connection = engine.raw_connection().driver_connection
    sql = str(compiled)

    def once():
        start = time.process_time()
        raw.execute(sql, params).fetchall()
        return time.process_time() - start
    return min(statistics.median(once() for _ in range(5)) for _ in range(repeat)) * 1e3


class _Binder:
    dialect_name = "sqlite"

    def __init__(self, table):
        self.table = table

    def column(self, path):
        return self.table.c[path[0]]


def sql_main(args) -> None:
    engine, table = sqlite_table(args.records)
    print(f"SQLite list (WHERE + ORDER BY + LIMIT 50) over {args.records} rows, CPU ms\n")
    print(f"{'formula':<18}{'tessera':>9}{'printf round':>14}{'hand-written':>14}{'ratio':>8}")
    binder, printf_only = _Binder(table), (lambda expr: False)
    for name, source, hand in SQL_FORMULAS:
        checked = check(source, SCOPE)
        ours = sql_cpu_ms(engine, list_query(table, compile_sql(checked, binder, ENV)), args.repeat)
        scaled_rounding, sqlsupport.repeatable = sqlsupport.repeatable, printf_only
        try:
            before = sql_cpu_ms(engine, list_query(table, compile_sql(checked, binder, ENV)), args.repeat)
        finally:
            sqlsupport.repeatable = scaled_rounding
        base = sql_cpu_ms(engine, list_query(table, hand(table.c)), args.repeat)
        print(f"{name:<18}{ours:>9.1f}{before:>14.1f}{base:>14.1f}{ours / base:>7.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="time SQLite lists instead")
    args = parser.parse_args()
    if args.sql:
        return sql_main(args)
    records = make_records(args.records)
    # simpleeval reads names from one mapping: give it the records with "today" once, here,
    # rather than copying a dict per record inside the timed loop.
    se_records = [{**r, "today": TODAY} for r in records]
    print(f"{len(FORMULAS)} formulas x {args.records} records, median of {args.repeat} runs\n")
    print(f"{'formula':<18}{'tessera ms':>11}{'lambda ms':>11}{'simpleeval ms':>15}"
          f"{'vs lambda':>11}{'simpleeval/tessera':>20}")
    ratios, speedups = [], []
    for name, source, hand, simple in FORMULAS:
        fn = compile_python(check(source, SCOPE))
        for r in records[:200]:  # the hand-written forms must agree with the compiled ones
            assert fn(r, ENV) == hand(r), (name, r)
        tessera, lam = interleaved_medians([(lambda rs: [fn(r, ENV) for r in rs], records),
                                            (lambda rs: [hand(r) for r in rs], records)], args.repeat)
        runner = simpleeval_runner(simple)
        se = median_time(runner, se_records, max(1, args.repeat // 2)) if runner else float("nan")
        ratios.append(tessera / lam)
        speedups.append(se / tessera)
        print(f"{name:<18}{tessera * 1e3:>11.1f}{lam * 1e3:>11.1f}{se * 1e3:>15.1f}"
              f"{tessera / lam:>10.2f}x{se / tessera:>19.1f}x")
    print(f"\nmedian ratio tessera/lambda: {statistics.median(ratios):.2f}x (max {max(ratios):.2f}x)")
    print(f"median speed-up over simpleeval: {statistics.median(speedups):.1f}x "
          f"(min {min(speedups):.1f}x)")
    typical = "IF(amount > 1000, ROUND(amount * probability, 2), 0)"
    compile_times = []
    for _ in range(200):
        start = time.perf_counter()
        compile_python(check(typical, SCOPE))
        compile_times.append(time.perf_counter() - start)
    print(f"parse+check+compile of {typical!r}: median "
          f"{statistics.median(compile_times) * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
