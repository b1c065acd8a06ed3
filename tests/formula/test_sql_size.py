"""SQL forms that use an argument several times evaluate it once, so the SQL text grows
linearly with nesting, even when the argument is a correlated subquery (a lookup field),
and still gives the Python compiler's results on SQLite and PostgreSQL."""
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from support import ACCOUNTS, RELATED, SCOPE, make_env, postgres_engine, python_eval
from tessera.formula import check, compile_sql
from tessera.formula.sqlcompile import SQLITE_MAX_DEPTH
from tessera.formula.sqlsupport import SqlContext

DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}
#: The dialect names as test parameters; PostgreSQL's carries its mark like every PostgreSQL test.
DIALECT_PARAMS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

# name -> (innermost formula, one nesting level wrapped around the formula `p`)
NESTED_FORMS = {
    "DATEVALUE(x) + 1": ("DATEVALUE(account.region) + 1", "DATEVALUE(TEXT({p})) + 1"),
    "DATE(YEAR(d), MONTH(d), 1) + 30": (
        "DATE(YEAR(DATEVALUE(account.region)), MONTH(DATEVALUE(account.region)), 1) + 30",
        "DATE(YEAR({p}), MONTH(DATEVALUE(account.region)), 1)"),
    "ADDMONTHS(d, 1)": ("ADDMONTHS(DATEVALUE(account.region), 1)", "ADDMONTHS({p}, 1)"),
    "EOMONTH(d, 1)": ("EOMONTH(DATEVALUE(account.region), 1)", "EOMONTH({p}, 1)"),
    "ROUND(x / 3, 2)": ("ROUND(account.revenue / 3, 2)", "ROUND({p} / 3, 2)"),
    "IF(ISBLANK(x), ...)": ('IF(ISBLANK(account.region), "none", "some")',
                            'IF(ISBLANK({p}), "none", "some")'),
    "BLANKVALUE(x, ...)": ('BLANKVALUE(account.region, "none")', 'BLANKVALUE({p}, "none")'),
    "CASE(x, ...)": ('CASE(account.region, "EMEA", "a", "APAC", "b", "c")',
                     'CASE({p}, "a", "EMEA", "b", "APAC", "c")'),
    "DATETIMEVALUE(x) + 0.5": ("DATETIMEVALUE(account.region) + 0.5",
                               "DATETIMEVALUE(TEXT({p})) + 0.5"),
    "SIGN / MOD / POWER": ("SIGN(account.revenue)", "POWER(MOD(SIGN({p}), 7), 2)"),
    "MIN(x, 1)": ("MIN(account.revenue, 1)", "MIN({p}, 1)"),
    "RIGHT / FIND / VALUE": ('RIGHT(account.region, 3)', 'RIGHT(TEXT(FIND("E", {p})), 3)'),
}
DEPTHS = range(1, 6)  # the deepest stays within SQLITE_MAX_DEPTH


class SubqueryBinder:
    """Binds `account.*` to a correlated scalar subquery, as a lookup without a join."""

    def __init__(self, dialect_name: str):
        self.dialect_name = dialect_name
        metadata = sa.MetaData()
        self.account = sa.Table("account", metadata, sa.Column("id", sa.Integer),
                                sa.Column("region", sa.String), sa.Column("revenue", sa.Numeric))
        self.deal = sa.Table("deal", metadata, sa.Column("id", sa.Integer),
                             sa.Column("account", sa.Integer), sa.Column("close", sa.Date))

    def column(self, path):
        if len(path) == 1:
            return self.deal.c[path[0]]
        return (sa.select(self.account.c[path[1]])
                .where(self.account.c.id == self.deal.c.account).scalar_subquery())


def nested(form: str, depth: int) -> str:
    source, wrap = NESTED_FORMS[form]
    for _ in range(depth - 1):
        source = wrap.format(p=source)
    return source


def sql_length(source: str, dialect: str) -> int:
    binder = SubqueryBinder(dialect)
    expr = compile_sql(check(source, SCOPE), binder, make_env())
    query = sa.select(expr).select_from(binder.deal)
    return len(str(query.compile(dialect=DIALECTS[dialect])))


@pytest.mark.parametrize("dialect", DIALECT_PARAMS)
@pytest.mark.parametrize("form", NESTED_FORMS)
def test_sql_grows_linearly_with_nesting_over_a_subquery_argument(form, dialect):
    lengths = [sql_length(nested(form, depth), dialect) for depth in DEPTHS]
    steps = [after - before for before, after in zip(lengths, lengths[1:])]
    assert min(steps) > 0
    # Each level adds about as much as the one before (doubling would mean 8x by level 5).
    assert max(steps) <= 1.25 * min(steps) + 50, (lengths, steps)
    assert max(steps) < 6_000


@pytest.mark.parametrize("dialect", DIALECT_PARAMS)
def test_a_subquery_argument_is_rendered_once_per_function(dialect):
    source = nested("DATE(YEAR(d), MONTH(d), 1) + 30", 1)
    binder = SubqueryBinder(dialect)
    expr = compile_sql(check(source, SCOPE), binder, make_env())
    sql = str(sa.select(expr).select_from(binder.deal).compile(dialect=DIALECTS[dialect]))
    assert sql.count("FROM account") == 2  # one per DATEVALUE in the source
    assert "FROM account, deal" not in sql  # the subqueries still correlate to deal


def test_identical_formulas_compile_to_equal_cache_keys():
    source, binder = nested("DATEVALUE(x) + 1", 3), SubqueryBinder("postgresql")
    keys = [compile_sql(check(source, SCOPE), binder, make_env())._generate_cache_key()
            for _ in range(2)]
    assert keys[0] is not None and keys[0] == keys[1]


@pytest.mark.parametrize("dialect", DIALECT_PARAMS)
def test_a_reference_reads_the_value_of_the_once_that_made_it(dialect):
    ctx = SqlContext(dialect, None, make_env())
    a, b = sa.func.upper(ctx.text("a")), sa.func.lower(ctx.text("B"))
    outer = ctx.once(a, lambda v: ctx.once(b, lambda w: ctx.concat(v, w)))
    inner = ctx.once(a, lambda v: ctx.once(b, lambda w: ctx.concat(w, w)))
    assert outer._generate_cache_key() != inner._generate_cache_key()
    engine = sa.create_engine("sqlite://") if dialect == "sqlite" else postgres_engine()
    if engine is None:
        pytest.skip("TESSERA_TEST_POSTGRES_URL is not set")
    with engine.connect() as conn:
        assert conn.execute(sa.select(outer, inner)).one() == ("Ab", "bb")


# end to end -----------------------------------------------------------------------
DATED_ACCOUNTS = {
    3: {"id": 3, "name": "Leap", "region": "2024-02-29", "revenue": Decimal("-7.25"), "owner": None},
    4: {"id": 4, "name": "Bad", "region": "2023-02-29", "revenue": Decimal("0"), "owner": None},
    5: {"id": 5, "name": "Stamp", "region": "2024-01-31 23:59:59", "revenue": Decimal("10"),
        "owner": None},
}
RECORDS = [{"account": key, "close": date(2024, 1, 31), "created": datetime(2024, 3, 1, 12)}
           for key in (1, 2, 3, 4, 5, 99, None)]
END_TO_END = [nested(form, 3) for form in NESTED_FORMS] + [
    "ADDMONTHS(DATEVALUE(LEFT(account.region, 10)), 1) - close",
    'IF(ISBLANK(account.region), DATEVALUE("2024-01-01"), DATEVALUE(account.region) + 1)',
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def dated_db(request):
    """A test database whose accounts include date-like regions; removed afterwards."""
    db = request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "postgres_db")
    with db.engine.begin() as conn:
        conn.execute(db.account.insert(), list(DATED_ACCOUNTS.values()))
    yield db
    with db.engine.begin() as conn:
        conn.execute(db.account.delete().where(db.account.c.id.in_(DATED_ACCOUNTS)))


def dated_env():
    accounts = {**ACCOUNTS, **DATED_ACCOUNTS}
    return make_env(fetch=lambda obj, key: {**RELATED, "account": accounts}.get(obj, {}).get(key))


@pytest.mark.parametrize("source", END_TO_END)
def test_nested_forms_over_a_lookup_subquery_agree_with_python(dated_db, source):
    env = dated_env()
    assert dated_db.evaluate(source, RECORDS, env) == python_eval(source, RECORDS, env)


def test_sqlite_runs_nested_forms_up_to_its_depth_limit(sqlite_db):
    source = "DATEVALUE(account.region)"
    while check(source, SCOPE).tree.depth < SQLITE_MAX_DEPTH - 1:
        source = f"ADDMONTHS({source} + 1, 1)"
    assert sqlite_db.evaluate(source, RECORDS) == python_eval(source, RECORDS)


@pytest.mark.parametrize("source", ["TEXT(COUNT() > 2)", "SIGN(SUM(amount)) + COUNT()",
                                    "ADDMONTHS(MAX(close), 1)", "SUM(SIGN(account.revenue))"])
def test_aggregates_inside_repeated_arguments_still_aggregate_the_rows(evaluate, source):
    records = [{"amount": Decimal("2.5"), "close": date(2024, 1, 31), "account": 1},
               {"amount": Decimal("-1"), "close": date(2023, 5, 1), "account": 2}, {}]
    expected = python_eval(source, records, context="aggregate")
    assert evaluate(source, records, context="aggregate") == expected
