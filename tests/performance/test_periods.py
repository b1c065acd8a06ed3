"""Fiscal periods: ids, dates, sub-periods and containing periods, with and without an April start."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tessera.runtime.errors import InvalidPeriod
from tessera.runtime.performance import periods as P

CALENDAR_YEAR = P.FiscalCalendar()
APRIL_BY_START = P.FiscalCalendar(4, "start")
APRIL_BY_END = P.FiscalCalendar(4, "end")


def span(calendar, text):
    period = P.parse(calendar, text)
    return period.type, period.start.isoformat(), period.end.isoformat(), period.days


# --- parsing ids -------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2026", ("year", "2026-01-01", "2026-12-31", 365)),
    ("2026-H1", ("half", "2026-01-01", "2026-06-30", 181)),
    ("2026-H2", ("half", "2026-07-01", "2026-12-31", 184)),
    ("2026-Q1", ("quarter", "2026-01-01", "2026-03-31", 90)),
    ("2026-Q3", ("quarter", "2026-07-01", "2026-09-30", 92)),
    ("2026-07", ("month", "2026-07-01", "2026-07-31", 31)),
    ("2026-12", ("month", "2026-12-01", "2026-12-31", 31)),
])
def test_calendar_year_ids_name_their_dates(text, expected):
    assert span(CALENDAR_YEAR, text) == expected


def test_a_leap_year_has_29_february_in_its_first_quarter_and_366_days():
    assert span(CALENDAR_YEAR, "2028-02") == ("month", "2028-02-01", "2028-02-29", 29)
    assert span(CALENDAR_YEAR, "2028-Q1") == ("quarter", "2028-01-01", "2028-03-31", 91)
    assert span(CALENDAR_YEAR, "2028") == ("year", "2028-01-01", "2028-12-31", 366)
    assert span(CALENDAR_YEAR, "2100-02")[3] == 28  # a century year that is not a leap year


def test_an_april_year_named_by_its_start_year_begins_in_that_april():
    assert span(APRIL_BY_START, "2026") == ("year", "2026-04-01", "2027-03-31", 365)
    assert span(APRIL_BY_START, "2026-Q1") == ("quarter", "2026-04-01", "2026-06-30", 91)
    assert span(APRIL_BY_START, "2026-Q4") == ("quarter", "2027-01-01", "2027-03-31", 90)
    assert span(APRIL_BY_START, "2026-H2") == ("half", "2026-10-01", "2027-03-31", 182)


def test_an_april_year_named_by_its_end_year_begins_in_the_april_before():
    assert span(APRIL_BY_END, "2026") == ("year", "2025-04-01", "2026-03-31", 365)
    assert span(APRIL_BY_END, "2026-Q1") == ("quarter", "2025-04-01", "2025-06-30", 91)
    assert span(APRIL_BY_END, "2026-Q4") == ("quarter", "2026-01-01", "2026-03-31", 90)


def test_a_fiscal_year_holding_29_february_has_366_days():
    assert span(APRIL_BY_START, "2027")[3] == 366  # 2027-04-01 .. 2028-03-31
    assert span(APRIL_BY_START, "2027-Q4") == ("quarter", "2028-01-01", "2028-03-31", 91)


def test_month_ids_are_calendar_months_whatever_the_fiscal_year():
    assert span(APRIL_BY_START, "2027-02") == span(CALENDAR_YEAR, "2027-02") == ("month", "2027-02-01", "2027-02-28", 28)


@pytest.mark.parametrize("text", ["", "26", "2026-Q5", "2026-Q0", "2026-H3", "2026-13", "2026-00", "2026-7",
                                  "2026-q1", " 2026", "2026-Q1 ", "0000", "9999", "abc", None, 2026])
def test_a_malformed_id_raises_invalid_period_naming_the_field(text):
    with pytest.raises(InvalidPeriod) as caught:
        P.parse(CALENDAR_YEAR, text, field="id")
    assert caught.value.code == "invalid_period" and caught.value.status == 400
    assert list(caught.value.errors) == ["id"]
    assert caught.value.message.code == "performance.period.invalid"


def test_to_json_is_the_shape_every_answer_naming_a_period_carries():
    assert P.parse(APRIL_BY_START, "2026-Q1").to_json() == {
        "id": "2026-Q1", "type": "quarter", "start": "2026-04-01", "end": "2026-06-30", "days": 91}


# --- fiscal years of days ------------------------------------------------------------

def test_the_fiscal_year_of_a_day_follows_the_start_month_and_naming():
    assert APRIL_BY_START.year_of(date(2027, 3, 31)) == 2026
    assert APRIL_BY_START.year_of(date(2027, 4, 1)) == 2027
    assert APRIL_BY_END.year_of(date(2026, 3, 31)) == 2026
    assert APRIL_BY_END.year_of(date(2026, 4, 1)) == 2027
    assert CALENDAR_YEAR.year_of(date(2026, 12, 31)) == 2026


def test_without_a_document_years_start_in_the_fallback_month_named_by_their_end():
    assert P.FiscalCalendar.from_document(None) == P.FiscalCalendar(1, "end")
    assert span(P.FiscalCalendar.from_document(None), "2026") == ("year", "2026-01-01", "2026-12-31", 365)
    assert P.FiscalCalendar.from_document({"start_month": 4}) == APRIL_BY_START
    assert P.FiscalCalendar.from_document(None, 7).year_start(2026) == date(2025, 7, 1)


# --- lists, sub-periods and containing periods -----------------------------------------

def ids(found):
    return [p.id for p in found]


def test_periods_of_a_type_in_a_fiscal_year_come_in_date_order():
    assert ids(P.in_year(APRIL_BY_START, "quarter", 2026)) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert ids(P.in_year(APRIL_BY_START, "half", 2026)) == ["2026-H1", "2026-H2"]
    assert ids(P.in_year(APRIL_BY_START, "year", 2026)) == ["2026"]


def test_the_months_of_a_fiscal_year_spanning_two_calendar_years_are_named_by_their_calendar_year():
    assert ids(P.in_year(APRIL_BY_START, "month", 2026)) == [
        "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09",
        "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03"]
    assert ids(P.in_year(APRIL_BY_END, "month", 2026))[0] == "2025-04"


def test_an_unknown_type_or_year_out_of_range_is_refused():
    with pytest.raises(InvalidPeriod) as caught:
        P.in_year(CALENDAR_YEAR, "week", 2026)
    assert list(caught.value.errors) == ["type"]
    with pytest.raises(InvalidPeriod) as caught:
        P.in_year(CALENDAR_YEAR, "quarter", 12026)
    assert list(caught.value.errors) == ["year"]


def test_sub_periods_split_a_year_a_half_and_a_quarter():
    year = P.parse(APRIL_BY_START, "2026")
    assert ids(P.sub_periods(APRIL_BY_START, year, "half")) == ["2026-H1", "2026-H2"]
    assert ids(P.sub_periods(APRIL_BY_START, year, "quarter")) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert len(P.sub_periods(APRIL_BY_START, year, "month")) == 12
    half = P.parse(APRIL_BY_START, "2026-H2")
    assert ids(P.sub_periods(APRIL_BY_START, half, "quarter")) == ["2026-Q3", "2026-Q4"]
    assert ids(P.sub_periods(APRIL_BY_START, P.parse(APRIL_BY_START, "2026-Q4"), "month")) == [
        "2027-01", "2027-02", "2027-03"]


def test_sub_periods_cover_their_period_day_for_day():
    year = P.parse(APRIL_BY_END, "2028")
    for into in ("half", "quarter", "month"):
        parts = P.sub_periods(APRIL_BY_END, year, into)
        assert sum(p.days for p in parts) == year.days
        assert parts[0].start == year.start and parts[-1].end == year.end


def test_a_period_cannot_be_split_into_a_wider_or_equal_type():
    with pytest.raises(InvalidPeriod) as caught:
        P.sub_periods(CALENDAR_YEAR, P.parse(CALENDAR_YEAR, "2026-Q1"), "half")
    assert list(caught.value.errors) == ["into"]
    with pytest.raises(InvalidPeriod):
        P.sub_periods(CALENDAR_YEAR, P.parse(CALENDAR_YEAR, "2026-07"), "month")


def test_containing_periods_are_the_quarter_half_and_fiscal_year_widest_first():
    assert ids(P.containing(APRIL_BY_START, P.parse(APRIL_BY_START, "2027-02"))) == ["2026", "2026-H2", "2026-Q4"]
    assert ids(P.containing(APRIL_BY_END, P.parse(APRIL_BY_END, "2026-03"))) == ["2026", "2026-H2", "2026-Q4"]
    assert ids(P.containing(CALENDAR_YEAR, P.parse(CALENDAR_YEAR, "2026-Q3"))) == ["2026", "2026-H2"]
    assert P.containing(CALENDAR_YEAR, P.parse(CALENDAR_YEAR, "2026")) == []


# --- properties over every calendar ----------------------------------------------------

calendars = st.builds(P.FiscalCalendar, st.integers(1, 12), st.sampled_from(["start", "end"]))
years = st.integers(P.MIN_YEAR + 1, P.MAX_YEAR - 1)


@given(calendars, years, st.sampled_from(["half", "quarter", "month"]))
def test_the_periods_of_a_type_tile_their_fiscal_year_without_gap_or_overlap(calendar, year, type_):
    whole = P.parse(calendar, str(year))
    parts = P.in_year(calendar, type_, year)
    assert len(parts) == P.PER_YEAR[type_] and parts[0].start == whole.start and parts[-1].end == whole.end
    assert all((later.start - earlier.end).days == 1 for earlier, later in zip(parts, parts[1:]))


@given(calendars, years, st.sampled_from(["year", "half", "quarter", "month"]))
def test_every_listed_period_parses_back_from_its_id_and_sits_in_its_containing_periods(calendar, year, type_):
    for period in P.in_year(calendar, type_, year):
        assert P.parse(calendar, period.id) == period
        assert calendar.year_of(period.start) == calendar.year_of(period.end) == year
        for wider in P.containing(calendar, period):
            assert wider.start <= period.start and period.end <= wider.end
