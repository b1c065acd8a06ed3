"""Every function, evaluated by the Python compiler and by SQL (SQLite, PostgreSQL)."""
from datetime import date, datetime
from decimal import Decimal as D

import pytest

from support import make_env

R = {"amount": D("1200.50"), "qty": D("3"), "rate": D("0.15"), "name": "héllo wORLD",
     "notes": "", "stage": "Won", "tags": ["A", "B"], "active": True,
     "close": date(2024, 1, 31), "start": date(2023, 12, 25),
     "created": datetime(2024, 1, 1, 10, 30, 15), "account": 1, "owner": 7}
EMPTY = {}

CASES = [
    # logical
    ('IF(amount > 1000, "big", "small")', R, "big"),
    ('IF(amount > 1000, "big", "small")', EMPTY, "small"),
    ("IF(active, 1)", EMPTY, None),
    ('IFS(amount > 5000, "A", amount > 1000, "B", "C")', R, "B"),
    ('IFS(amount > 5000, "A")', R, None),
    ('CASE(stage, "Won", 1, "Lost", 0, 0.5)', R, D(1)),
    ('CASE(stage, "Won", 1, "Lost", 0, 0.5)', EMPTY, D("0.5")),
    ('CASE(stage, "Lost", 0)', R, None),
    ("AND(active, amount > 5, qty = 3)", R, True),
    ("AND(active, amount > 5)", EMPTY, None),
    ("AND(FALSE, active)", EMPTY, False),
    ("OR(active, amount > 5)", EMPTY, None),
    ("OR(TRUE, active)", EMPTY, True),
    ("NOT(active)", R, False),
    ("NOT(active)", EMPTY, None),
    ("ISBLANK(notes)", R, True),
    ("ISBLANK(name)", R, False),
    ("ISBLANK(amount)", EMPTY, True),
    ("ISBLANK(tags)", EMPTY, True),
    ("ISNULL(notes)", R, False),
    ("ISNULL(notes)", EMPTY, True),
    ('BLANKVALUE(notes, "n/a")', R, "n/a"),
    ('BLANKVALUE(name, "n/a")', R, "héllo wORLD"),
    ("NULLVALUE(amount, 0)", EMPTY, D(0)),
    ('NULLVALUE(notes, "x")', R, ""),
    ('COALESCE(notes, name, "x")', EMPTY, "x"),
    ("COALESCE(amount, qty, 0)", {"qty": D(2)}, D(2)),
    ('ISPICKVAL(stage, "Won")', R, True),
    ('ISPICKVAL(stage, "Won")', EMPTY, False),
    ('INCLUDES(tags, "B")', R, True),
    ('INCLUDES(tags, "b")', R, False),
    ('INCLUDES(tags, "A;B")', R, False),
    ('INCLUDES(tags, "")', R, False),
    ('INCLUDES(tags, "A")', EMPTY, False),
    ('INCLUDES(tags, "%")', {"tags": ["C_"]}, False),
    ('INCLUDES(tags, "C_")', {"tags": ["C_", "%"]}, True),
    ('INCLUDES($user.roles, "admin")', EMPTY, True),
    ('ISNUMBER(" -12.5 ")', EMPTY, True),
    ('ISNUMBER("1e5")', EMPTY, False),
    ("ISNUMBER(notes)", EMPTY, False),
    # math
    ("ABS(-3.5)", EMPTY, D("3.5")),
    ("CEILING(2.1)", EMPTY, D(3)),
    ("CEILING(-2.1)", EMPTY, D(-2)),
    ("FLOOR(-2.1)", EMPTY, D(-3)),
    ("ROUND(2.5)", EMPTY, D(3)),
    ("ROUND(-2.5)", EMPTY, D(-3)),
    ("ROUND(2.675, 2)", EMPTY, D("2.68")),
    ("ROUND(1234.5, -2)", EMPTY, D(1200)),
    ("ROUND(amount * rate, 2)", R, D("180.08")),
    ("ROUND(amount)", EMPTY, None),
    ("TRUNC(-2.7)", EMPTY, D(-2)),
    ("TRUNC(2.789, 2)", EMPTY, D("2.78")),
    ("MOD(-3, 2)", EMPTY, D(1)),
    ("MOD(3, -2)", EMPTY, D(-1)),
    ("MOD(7.5, 2)", EMPTY, D("1.5")),
    ("MOD(7, 0)", EMPTY, None),
    ("POWER(2, 10)", EMPTY, D(1024)),
    ("POWER(2, -1)", EMPTY, D("0.5")),
    ("POWER(-8, 0.5)", EMPTY, None),
    ("POWER(0, -1)", EMPTY, None),
    ("POWER(10, 20)", EMPTY, None),
    ("2 ^ 3 ^ 2", EMPTY, D(512)),
    ("SQRT(16)", EMPTY, D(4)),
    ("SQRT(2)", EMPTY, D("1.4142135624")),
    ("SQRT(-1)", EMPTY, None),
    ("EXP(0)", EMPTY, D(1)),
    ("EXP(1)", EMPTY, D("2.7182818285")),
    ("EXP(40)", EMPTY, None),
    ("LN(1)", EMPTY, D(0)),
    ("LN(0)", EMPTY, None),
    ("LOG(1000)", EMPTY, D(3)),
    ("LOG(-5)", EMPTY, None),
    ("SIGN(-4.2)", EMPTY, D(-1)),
    ("SIGN(0)", EMPTY, D(0)),
    ("MIN(3, 1, 2)", EMPTY, D(1)),
    ("MIN(amount, 5)", EMPTY, D(5)),
    ("MAX(amount, qty)", EMPTY, None),
    ('MAX("apple", "Zebra", "éclair")', EMPTY, "éclair"),
    ("MAX(close, start)", R, date(2024, 1, 31)),
    # text
    ("LEN(name)", R, D(11)),
    ("LEN(notes)", R, D(0)),
    ("LEN(name)", EMPTY, None),
    ('LEFT("Tessera", 3)', EMPTY, "Tes"),
    ('LEFT("Tessera", -1)', EMPTY, ""),
    ('RIGHT("Tessera", 3)', EMPTY, "era"),
    ('RIGHT("Tessera", 0)', EMPTY, ""),
    ('RIGHT("Tessera", 99)', EMPTY, "Tessera"),
    ('MID("Tessera", 2, 3)', EMPTY, "ess"),
    ('MID("Tessera", 0, 2)', EMPTY, "Te"),
    ('MID("Tessera", 6, 10)', EMPTY, "ra"),
    ("UPPER(name)", R, "HÉLLO WORLD"),
    ('UPPER("straße")', EMPTY, "STRAßE"),
    ("LOWER(name)", R, "héllo world"),
    ("INITCAP(name)", R, "Héllo World"),
    ('INITCAP("o\'neil mc-DONALD 3rd")', EMPTY, "O'Neil Mc-Donald 3rd"),
    ('TRIM("  a b  ")', EMPTY, "a b"),
    ('LPAD("7", 3, "0")', EMPTY, "007"),
    ('LPAD("12345", 3)', EMPTY, "123"),
    ('LPAD("ab", 5, "xy")', EMPTY, "xyxab"),
    ('RPAD("7", 3, "0")', EMPTY, "700"),
    ('RPAD("7", 3)', EMPTY, "7  "),
    ('CONTAINS(name, "wOR")', R, True),
    ('CONTAINS(name, "WOR")', R, False),
    ('CONTAINS(name, "")', R, True),
    ('CONTAINS(name, "x")', EMPTY, None),
    ('BEGINS(name, "hé")', R, True),
    ('BEGINS(name, "")', R, True),
    ('ENDS(name, "RLD")', R, True),
    ('ENDS(name, "")', R, True),
    ('ENDS("ab", "xab")', EMPTY, False),
    ('FIND("l", name)', R, D(3)),
    ('FIND("l", name, 4)', R, D(4)),
    ('FIND("l", name, 5)', R, D(0)),
    ('FIND("z", name)', R, D(0)),
    ('FIND("", "abc", 4)', EMPTY, D(4)),
    ('FIND("", "abc", 5)', EMPTY, D(0)),
    ('SUBSTITUTE("a-b-c", "-", "/")', EMPTY, "a/b/c"),
    ('SUBSTITUTE("abc", "", "x")', EMPTY, "abc"),
    ("TEXT(amount)", R, "1200.5"),
    ("TEXT(1.50)", EMPTY, "1.5"),
    ("TEXT(100)", EMPTY, "100"),
    ("TEXT(0.1 + 0.2)", EMPTY, "0.3"),
    ("TEXT(-0.0)", EMPTY, "0"),
    ("TEXT(close)", R, "2024-01-31"),
    ("TEXT(created)", R, "2024-01-01 10:30:15"),
    ("TEXT(active)", R, "true"),
    ("TEXT(stage)", R, "Won"),
    ("TEXT(amount)", EMPTY, None),
    ('VALUE(" 42 ")', EMPTY, D(42)),
    ('VALUE("-.5")', EMPTY, D("-0.5")),
    ('VALUE("12abc")', EMPTY, None),
    ('REVERSE("abc€")', EMPTY, "€cba"),
    ('CONCAT(name, "-", notes, stage)', EMPTY, "-"),
    ('CONCAT("a", "b")', EMPTY, "ab"),
    # date
    ("TODAY()", EMPTY, date(2024, 2, 29)),
    ("NOW()", EMPTY, datetime(2024, 2, 29, 13, 45, 30)),
    ("DATE(2024, 2, 29)", EMPTY, date(2024, 2, 29)),
    ("DATE(2023, 2, 29)", EMPTY, None),
    ("DATE(2023, 13, 1)", EMPTY, None),
    ("DATE(0, 1, 1)", EMPTY, None),
    ('DATEVALUE("2024-02-29")', EMPTY, date(2024, 2, 29)),
    ('DATEVALUE("2023-02-29")', EMPTY, None),
    ('DATEVALUE("2023-2-1")', EMPTY, None),
    ('DATEVALUE("0000-01-01")', EMPTY, None),
    ("DATEVALUE(created)", R, date(2024, 1, 1)),
    ('DATETIMEVALUE("2024-02-29 13:45:00")', EMPTY, datetime(2024, 2, 29, 13, 45)),
    ('DATETIMEVALUE("2024-02-29")', EMPTY, datetime(2024, 2, 29)),
    ('DATETIMEVALUE("2024-02-29 24:00:00")', EMPTY, None),
    ('DATETIMEVALUE("nope")', EMPTY, None),
    ("DATETIMEVALUE(close)", R, datetime(2024, 1, 31)),
    ("YEAR(close)", R, D(2024)),
    ("MONTH(close)", R, D(1)),
    ("DAY(close)", R, D(31)),
    ("YEAR(created)", R, D(2024)),
    ("HOUR(created)", R, D(10)),
    ("MINUTE(created)", R, D(30)),
    ("WEEKDAY(DATE(2024, 1, 7))", EMPTY, D(1)),
    ("WEEKDAY(DATE(2024, 1, 13))", EMPTY, D(7)),
    ("DAYOFYEAR(DATE(2024, 12, 31))", EMPTY, D(366)),
    ("ISOWEEK(DATE(2021, 1, 3))", EMPTY, D(53)),
    ("ISOWEEK(DATE(2024, 12, 30))", EMPTY, D(1)),
    ("QUARTER(DATE(2024, 5, 1))", EMPTY, D(2)),
    ("ADDMONTHS(DATE(2024, 1, 31), 1)", EMPTY, date(2024, 2, 29)),
    ("ADDMONTHS(DATE(2023, 1, 31), 1)", EMPTY, date(2023, 2, 28)),
    ("ADDMONTHS(DATE(2024, 3, 31), -1)", EMPTY, date(2024, 2, 29)),
    ("ADDMONTHS(DATE(2024, 1, 15), 13)", EMPTY, date(2025, 2, 15)),
    ("ADDMONTHS(DATE(9999, 12, 1), 1)", EMPTY, None),
    ("ADDDAYS(DATE(2024, 2, 28), 2)", EMPTY, date(2024, 3, 1)),
    ("ADDDAYS(DATE(2024, 2, 28), -1.9)", EMPTY, date(2024, 2, 27)),
    ("ADDDAYS(DATE(9999, 12, 31), 1)", EMPTY, None),
    ("DATEDIFF(DATE(2024, 1, 1), DATE(2024, 3, 1))", EMPTY, D(60)),
    ("DATEDIFF(created, DATETIMEVALUE(\"2024-01-02 10:30:15\"))", R, D(1)),
    ("EOMONTH(DATE(2024, 1, 15), 1)", EMPTY, date(2024, 2, 29)),
    ("EOMONTH(DATE(2024, 1, 15), -2)", EMPTY, date(2023, 11, 30)),
    ("FISCALYEAR(DATE(2024, 5, 1))", EMPTY, D(2025)),
    ("FISCALYEAR(DATE(2024, 3, 31))", EMPTY, D(2024)),
    # boundaries: the fiscal start month, month and year ends, 29 February, type limits
    ("FISCALYEAR(DATE(2024, 4, 1))", EMPTY, D(2025)),
    ("FISCALYEAR(DATE(2024, 12, 31))", EMPTY, D(2025)),
    ("FISCALYEAR(DATE(2025, 1, 1))", EMPTY, D(2025)),
    ("FISCALYEAR(close)", {"close": date(2024, 4, 1)}, D(2025)),
    ("FISCALYEAR(close)", {"close": date(2024, 3, 31)}, D(2024)),
    ("ADDMONTHS(DATE(2024, 2, 29), 12)", EMPTY, date(2025, 2, 28)),
    ("ADDMONTHS(DATE(2024, 2, 29), -48)", EMPTY, date(2020, 2, 29)),
    ("ADDMONTHS(DATE(9999, 11, 30), 1)", EMPTY, date(9999, 12, 30)),
    ("ADDMONTHS(DATE(2024, 1, 1), -120000)", EMPTY, None),
    ("EOMONTH(DATE(9999, 12, 1), 0)", EMPTY, date(9999, 12, 31)),
    ("EOMONTH(DATE(1, 1, 15), -1)", EMPTY, None),
    ("EOMONTH(DATE(2023, 12, 31), 2)", EMPTY, date(2024, 2, 29)),
    ("DAYOFYEAR(DATE(2024, 12, 31))", EMPTY, D(366)),
    ("DAYOFYEAR(DATE(2023, 12, 31))", EMPTY, D(365)),
    ("ISOWEEK(DATE(2021, 1, 3))", EMPTY, D(53)),
    ("DATE(2024, 2, 29) + 365", EMPTY, date(2025, 2, 28)),
    ("DATE(1, 1, 1) - 1", EMPTY, None),
    ("DATE(9999, 12, 31) + 1", EMPTY, None),
    ("DATE(2024, 1, 1) - 738885", EMPTY, date(1, 1, 1)),
    ("DATE(2024, 1, 1) - 738886", EMPTY, None),
    ("DATE(2024, 1, 1) - 3659999", EMPTY, None),
    ("ADDDAYS(DATE(2024, 1, 1), -3659999)", EMPTY, None),
    ("DATETIMEVALUE(DATE(2024, 1, 1)) - 3659999", EMPTY, None),
    ("DATETIMEVALUE(DATE(9999, 12, 31)) + 0.9999", EMPTY, datetime(9999, 12, 31, 23, 59, 51)),
    ("ROUND(0.5)", EMPTY, D(1)),
    ("ROUND(-0.5)", EMPTY, D(-1)),
    ("ROUND(1.5)", EMPTY, D(2)),
    ("ROUND(0.25, 1)", EMPTY, D("0.3")),
    ("ROUND(-0.25, 1)", EMPTY, D("-0.3")),
    ("ROUND(0.125, 2)", EMPTY, D("0.13")),
    ("ROUND(1.005, 2)", EMPTY, D("1.01")),
    ("ROUND(0.0005, 3)", EMPTY, D("0.001")),
    ("ROUND(qty, 3)", {"qty": D("1.0005")}, D("1.001")),
    ("ROUND(25, -1)", EMPTY, D(30)),
    ("ROUND(-150, -2)", EMPTY, D(-200)),
    ("TRUNC(-0.5)", EMPTY, D(0)),
    ('CONCAT(NULL, "a")', EMPTY, "a"),
    ('CONCAT("a", NULL)', EMPTY, "a"),
    ("CONCAT(name, notes)", EMPTY, ""),
    ('name & "a"', EMPTY, "a"),
    ('FIND(NULL, "", 3)', EMPTY, None),
    ('FIND(name, "", 3)', EMPTY, None),
    ('FIND("", "abc", 5)', EMPTY, D(0)),
]


@pytest.mark.parametrize("source,record,expected", CASES, ids=[c[0] for c in CASES])
def test_function_result_matches_specification(evaluate, source, record, expected):
    assert evaluate(source, [record]) == [expected]


def test_fiscal_year_follows_the_environment_start_month(evaluate):
    env = make_env(fiscal_year_start_month=1)
    assert evaluate("FISCALYEAR(DATE(2024, 5, 1))", [{}], env) == [D(2024)]


# Ten places of results with many integer digits: exact on Python and PostgreSQL (SQLite's
# doubles hold about 15 significant digits, see docs/formulas.md).
LARGE_RESULTS = [
    ("999999999999.99 / 1000.5", "field", D("999500249.8750524738")),
    ("POWER(1234.5, 2.675)", "field", D("186096702.2233303451")),
    ("EXP(20.5)", "field", D("799902177.4755054067")),
    ("SQRT(99999999999.9999)", "field", D("316227.7660168378")),
    ("AVG(amount * 1000000000)", "aggregate", D("10083333333.3333333333")),
]


@pytest.mark.postgres
@pytest.mark.parametrize("source,context,expected", LARGE_RESULTS, ids=[r[0] for r in LARGE_RESULTS])
def test_large_results_keep_ten_places_on_python_and_postgresql(postgres_db, source, context,
                                                                expected):
    from support import python_eval
    rows = AGG_ROWS if context == "aggregate" else [{}]
    assert python_eval(source, rows, context=context) == [expected]
    assert postgres_db.evaluate(source, rows, context=context) == [expected]


@pytest.mark.parametrize("start,day,expected", [
    (12, date(2024, 12, 1), 2025), (12, date(2024, 11, 30), 2024), (12, date(2024, 12, 31), 2025),
    (2, date(2024, 2, 1), 2025), (2, date(2024, 1, 31), 2024), (1, date(2024, 12, 31), 2024),
    (1, date(2024, 1, 1), 2024), (4, date(2024, 2, 29), 2024),
])
def test_fiscal_year_turns_on_the_first_day_of_the_start_month(evaluate, start, day, expected):
    env = make_env(fiscal_year_start_month=start)
    assert evaluate("FISCALYEAR(close)", [{"close": day}], env) == [D(expected)]


def test_lookup_hops_read_related_records_and_propagate_null(evaluate):
    records = [{"account": 1}, {"account": 2}, {}]
    assert evaluate("account.region", records) == ["EMEA", None, None]
    assert evaluate("account.owner.name", records) == ["Ada", None, None]
    assert evaluate("account.revenue * 2", records) == [D("2001.00"), None, None]


def test_user_globals_come_from_the_environment(evaluate):
    assert evaluate("owner = $user.id", [{"owner": 7}, {"owner": 8}, {}]) == [True, False, None]
    assert evaluate('$user.team & "/" & $user.name', [{}]) == ["North/Ada"]


def test_today_and_now_globals_match_the_functions(evaluate):
    assert evaluate("$today = TODAY() && $now = NOW()", [{}]) == [True]


def test_aware_now_is_converted_to_naive_utc(evaluate):
    from datetime import timedelta, timezone
    aware = datetime(2024, 2, 29, 15, 45, 30, tzinfo=timezone(timedelta(hours=2)))
    assert evaluate("NOW()", [{}], make_env(now=aware)) == [datetime(2024, 2, 29, 13, 45, 30)]


AGGREGATES = [
    ("SUM(amount)", D("30.25")),
    ("COUNT()", D(4)),
    ("COUNT(amount)", D(3)),
    ('COUNTIF(stage = "Won")', D(2)),
    ("AVG(amount)", D("10.0833333333")),
    ("MIN(amount)", D("0.25")),
    ("MAX(close)", date(2024, 3, 1)),
    ("MIN(name)", "Bob"),
    ("COUNT_DISTINCT(stage)", D(2)),
    ("ROUND(SUM(amount) / COUNT(), 2)", D("7.56")),
    ('SUM(IF(stage = "Won", amount, 0))', D("10.25")),
    ("MIN(NULL)", None),
    ("MAX(NULL)", None),
]
AGG_ROWS = [
    {"amount": D("10.00"), "stage": "Won", "name": "bob", "close": date(2024, 1, 1)},
    {"amount": D("20.00"), "stage": "Lost", "name": "Bob", "close": date(2024, 3, 1)},
    {"amount": D("0.25"), "stage": "Won", "name": "cat"},
    {},
]


@pytest.mark.parametrize("source,expected", AGGREGATES, ids=[a[0] for a in AGGREGATES])
def test_aggregate_over_row_set(evaluate, source, expected):
    assert evaluate(source, AGG_ROWS, context="aggregate") == [expected]


def test_aggregates_of_an_empty_row_set(evaluate):
    assert evaluate("SUM(amount)", [], context="aggregate") == [None]
    assert evaluate("COUNT()", [], context="aggregate") == [D(0)]
    assert evaluate("COUNTIF(active)", [], context="aggregate") == [D(0)]


def test_right_longer_than_the_text_returns_all_of_it(evaluate):
    assert evaluate('RIGHT("ab", 3)', [{}]) == ["ab"]
