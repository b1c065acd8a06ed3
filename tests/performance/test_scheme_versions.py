"""Which published version of a scheme applies to a period: never rewriting the past."""

from datetime import date

from tessera.runtime.performance import periods as P
from tessera.runtime.performance.schemes import version_for

CALENDAR = P.FiscalCalendar(1, "start")


def body(effective_from, weight_of_revenue=1, **extra):
    items = [{"kpi": "revenue", "weight": weight_of_revenue}]
    if weight_of_revenue != 1:
        items.append({"kpi": "margin", "weight": 1 - weight_of_revenue})
    return {"kind": "kpi_scheme", "name": "sales", "period_type": "quarter", "effective_from": effective_from,
            "items": items, **extra}


def chosen(versions, period_id):
    found = version_for("sales", versions, P.parse(CALENDAR, period_id))
    return found and found.version


def test_a_version_from_q3_leaves_q1_and_q2_under_the_one_before():
    versions = [(1, body("2026-01-01"), date(2026, 1, 2)), (2, body("2026-07-01", 0.3), date(2026, 5, 20))]
    assert [chosen(versions, f"2026-Q{q}") for q in (1, 2, 3, 4)] == [1, 1, 2, 2]
    assert chosen(versions, "2027-Q1") == 2


def test_no_version_applies_before_the_first_effective_date():
    assert chosen([(1, body("2026-04-01"), date(2026, 1, 1))], "2026-Q1") is None


def test_a_later_version_naming_the_same_date_corrects_it_for_periods_from_that_date():
    versions = [(1, body("2026-07-01"), date(2026, 5, 1)), (3, body("2026-07-01", 0.5), date(2026, 6, 1))]
    assert chosen(versions, "2026-Q3") == 3


def test_the_scheme_ends_after_its_effective_to():
    versions = [(1, body("2026-01-01", effective_to="2026-06-30"), date(2026, 1, 1))]
    assert [chosen(versions, f"2026-Q{q}") for q in (2, 3)] == [1, None]


def test_a_scheme_applies_only_to_periods_of_its_type():
    versions = [(1, body("2026-01-01"), date(2026, 1, 1))]
    assert chosen(versions, "2026-02") is None and chosen(versions, "2026") is None


def test_a_deleted_scheme_keeps_the_periods_before_its_deletion():
    versions = [(1, body("2026-01-01"), date(2026, 1, 1)), (2, None, date(2026, 8, 15))]
    assert [chosen(versions, f"2026-Q{q}") for q in (1, 3, 4)] == [1, 1, None]
