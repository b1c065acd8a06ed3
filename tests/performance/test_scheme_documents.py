"""The kpi_scheme kind: its shape, its own checks when saved and its checks at publish."""

import pytest

from tessera.metadata.crosscheck import cross_check
from tessera.metadata.documents import validate_document
from tessera.metadata.errors import InvalidDocument, PublishRefused

from .documents import OBJECTS, REVENUE, kpi

MARGIN = kpi("margin", measure="SUM(amount - cost)", filter='stage = "Won"')
APRIL = {"kind": "fiscal_calendar", "name": "default", "start_month": 4, "year_named_by": "start"}


def scheme(name="sales_2026_h2", **body):
    """The issue's example scheme, changed by ``body``."""
    base = {"kind": "kpi_scheme", "name": name, "label": {"en": "Sales H2", "zh-CN": "销售下半年"},
            "period_type": "quarter", "effective_from": "2026-07-01", "effective_to": None,
            "applies_to": {"roles": ["sales_rep"], "teams": [], "users": []},
            "missing_target": "incomplete", "proration": "days", "leaderboard": "team",
            "items": [{"kpi": "margin", "weight": 0.7, "scoring": {"floor": 0, "cap": 150}},
                      {"kpi": "revenue", "weight": 0.3, "scoring": {"floor": 0, "cap": 150, "gate": 0.5,
                                                                     "above_target_slope": 1.0}}]}
    return {**base, **body}


def invalid(doc):
    """The rendered English errors of saving ``doc``."""
    with pytest.raises(InvalidDocument) as caught:
        validate_document("kpi_scheme", doc["name"], doc)
    return {path: [m.render("en") for m in messages] for path, messages in caught.value.errors.items()}


def refusal(*docs):
    """The rendered English errors of publishing ``docs`` with the shared objects."""
    with pytest.raises(PublishRefused) as caught:
        cross_check({(d["kind"], d["name"]): d for d in (*OBJECTS, *docs)})
    return {path: [m.render("en") for m in messages] for path, messages in caught.value.errors.items()}


def test_the_issue_example_is_a_valid_scheme_and_publishes_with_its_kpis():
    doc = scheme()
    assert validate_document("kpi_scheme", doc["name"], doc) is doc
    cross_check({(d["kind"], d["name"]): d for d in (*OBJECTS, REVENUE, MARGIN, doc)})


def test_weights_that_total_nine_tenths_are_refused_naming_items():
    doc = scheme(items=[{"kpi": "margin", "weight": 0.6}, {"kpi": "revenue", "weight": 0.3}])
    assert invalid(doc) == {"items": ["the weights of the items must total exactly 1, not 0.9"]}


def test_weights_that_add_up_in_decimal_are_accepted_even_where_floats_would_not():
    items = [{"kpi": name, "weight": 0.1} for name in "abcdefghij"]
    validate_document("kpi_scheme", "tenths", scheme("tenths", items=items))


def test_a_kpi_may_appear_once():
    doc = scheme(items=[{"kpi": "margin", "weight": 0.5}, {"kpi": "margin", "weight": 0.5}])
    assert list(invalid(doc)) == ["items[1].kpi"]


def test_the_floor_may_not_be_above_the_cap():
    doc = scheme(items=[{"kpi": "margin", "weight": 1, "scoring": {"floor": 120, "cap": 100}}])
    assert invalid(doc) == {"items[0].scoring.floor": ["the floor (120) is above the cap (100)"]}


def test_gate_is_a_fraction_and_slope_not_negative_and_weights_positive():
    doc = scheme(items=[{"kpi": "margin", "weight": 0, "scoring": {"gate": 1.5, "above_target_slope": -1}}])
    assert set(invalid(doc)) == {"items[0].weight", "items[0].scoring.gate", "items[0].scoring.above_target_slope"}


def test_policies_are_closed_choices():
    doc = scheme(missing_target="zero", proration="weeks", leaderboard="everyone", period_type="week")
    assert set(invalid(doc)) == {"missing_target", "proration", "leaderboard", "period_type"}


def test_effective_dates_must_be_days_in_order():
    assert list(invalid(scheme(effective_from="2026-02-30"))) == ["effective_from"]
    assert invalid(scheme(effective_to="2026-06-30")) == {"effective_to": ["the scheme ends before it starts"]}


def test_an_unknown_kpi_is_refused_at_publish_naming_the_item():
    errors = refusal(REVENUE, scheme())
    assert errors == {"kpi_scheme/sales_2026_h2:items[0].kpi": ['KPI "margin" does not exist']}


def test_effective_from_must_open_a_period_of_the_scheme_type():
    errors = refusal(REVENUE, MARGIN, scheme(effective_from="2026-08-01"))
    assert errors == {"kpi_scheme/sales_2026_h2:effective_from": [
        '"2026-08-01" is not the first day of a quarter of the fiscal calendar']}
    monthly = scheme(period_type="month", effective_from="2026-08-01")
    cross_check({(d["kind"], d["name"]): d for d in (*OBJECTS, REVENUE, MARGIN, monthly)})


def test_effective_from_follows_the_fiscal_calendar_published_with_it():
    # with an April start, halves open on 1 April and 1 October, not on 1 July
    assert "kpi_scheme/s:effective_from" in refusal(APRIL, REVENUE, MARGIN, scheme("s", period_type="half"))
    docs = (*OBJECTS, APRIL, REVENUE, MARGIN, scheme("s", period_type="half", effective_from="2026-10-01"),
            scheme("y", period_type="year", effective_from="2027-04-01"))
    cross_check({(d["kind"], d["name"]): d for d in docs})
    assert "kpi_scheme/y:effective_from" in refusal(REVENUE, MARGIN, scheme("y", period_type="year",
                                                                             effective_from="2027-04-01"))
