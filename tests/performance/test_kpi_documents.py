"""The kpi kind: its shape, and the checks at publish that name the field and the position."""

import pytest

from tessera.metadata.crosscheck import cross_check
from tessera.metadata.documents import validate_document
from tessera.metadata.errors import InvalidDocument, PublishRefused

from .documents import OBJECTS, REVENUE, SPLIT_CREDIT, kpi


def candidate(*docs):
    return {(d["kind"], d["name"]): d for d in (*OBJECTS, *docs)}


def refusal(*docs):
    """The rendered English errors of publishing ``docs`` with the shared objects."""
    with pytest.raises(PublishRefused) as caught:
        cross_check(candidate(*docs))
    return {path: [m.render("en") for m in messages] for path, messages in caught.value.errors.items()}


# --- shape -------------------------------------------------------------------------

def test_a_kpi_as_the_issue_writes_it_is_a_valid_document():
    assert validate_document("kpi", "revenue", REVENUE) is REVENUE
    cross_check(candidate(REVENUE))


def test_an_object_kpi_needs_object_measure_date_field_and_credit():
    with pytest.raises(InvalidDocument) as caught:
        validate_document("kpi", "bare", {"kind": "kpi", "name": "bare"})
    assert set(caught.value.errors) == {"object", "measure", "date_field", "credit"}


def test_a_derived_kpi_takes_no_object_properties():
    with pytest.raises(InvalidDocument) as caught:
        validate_document("kpi", "mixed", kpi("mixed", formula="a / b", object="opportunity", filter="TRUE"))
    assert set(caught.value.errors) == {"object", "filter"}


def test_direction_category_unit_and_credit_are_closed_choices():
    with pytest.raises(InvalidDocument) as caught:
        validate_document("kpi", "odd", kpi("odd", direction="up", category="fun", unit="euro",
                                            credit={"user_field": "owner", "split": SPLIT_CREDIT["split"]}))
    assert set(caught.value.errors) == {"direction", "category", "unit", "credit"}


# --- measure ------------------------------------------------------------------------

@pytest.mark.parametrize("measure", ["SUM(amount - cost)", "COUNT()", "COUNT(amount)", "COUNT_DISTINCT(account)",
                                     "AVG(discount)", "MIN(amount)", "MAX(amount * 2)",
                                     'SUM(IF(account.region = "North", amount, 0))'])
def test_each_aggregate_over_a_row_expression_is_accepted(measure):
    cross_check(candidate(kpi("k", measure=measure)))


def test_a_measure_that_is_not_one_aggregate_at_the_top_is_refused_at_its_position():
    errors = refusal(kpi("k", measure="SUM(amount) / COUNT()"))
    assert list(errors) == ["kpi/k:measure"]
    assert errors["kpi/k:measure"][0].startswith("1:13 a measure is one aggregate at the top")


def test_a_bare_field_or_countif_is_not_a_measure():
    assert "inside an aggregate" in refusal(kpi("k", measure="amount"))["kpi/k:measure"][0]
    assert "one aggregate" in refusal(kpi("k", measure='COUNTIF(stage = "Won")'))["kpi/k:measure"][0]


def test_a_measure_with_a_typo_names_the_field_with_line_and_column():
    errors = refusal(kpi("k", measure="SUM(amont)"))
    assert errors["kpi/k:measure"][0].startswith("1:5 ") and "amount" in errors["kpi/k:measure"][0]


def test_a_measure_must_give_a_number():
    assert "must give a number" in refusal(kpi("k", measure="MAX(close_date)"))["kpi/k:measure"][0]


def test_split_credit_allows_only_sum_and_count():
    for measure in ("AVG(amount)", "MIN(amount)", "MAX(amount)", "COUNT_DISTINCT(account)"):
        errors = refusal(kpi("k", measure=measure, credit=SPLIT_CREDIT))
        assert list(errors) == ["kpi/k:measure"] and "split" in errors["kpi/k:measure"][0]
    cross_check(candidate(kpi("s", credit=SPLIT_CREDIT), kpi("c", measure="COUNT()", credit=SPLIT_CREDIT)))


# --- filter, date field, credit ---------------------------------------------------------

def test_a_filter_with_a_typo_is_refused_with_its_position():
    errors = refusal(kpi("k", filter='stgae = "Won"'))
    assert list(errors) == ["kpi/k:filter"] and errors["kpi/k:filter"][0].startswith("1:1 ")


def test_a_filter_must_be_boolean_and_may_follow_lookups():
    assert "kpi/k:filter" in refusal(kpi("k", filter="amount"))
    cross_check(candidate(kpi("k", filter='account.region = "North" && stage = "Won"')))


def test_the_date_field_must_be_a_date_or_datetime_field_of_the_object():
    assert "no field" in refusal(kpi("k", date_field="closing"))["kpi/k:date_field"][0]
    assert "not a date" in refusal(kpi("k", date_field="amount"))["kpi/k:date_field"][0]
    cross_check(candidate(kpi("a", date_field="closed_at"), kpi("b", date_field="created_at")))


def test_credit_names_a_user_field_or_owner():
    assert "not a user field" in refusal(kpi("k", credit={"user_field": "account"}))["kpi/k:credit.user_field"][0]
    assert "no field" in refusal(kpi("k", credit={"user_field": "seller"}))["kpi/k:credit.user_field"][0]
    cross_check(candidate(kpi("a", credit={"user_field": "sales_engineer"}), kpi("b", credit={"user_field": "owner"})))


def test_split_credit_checks_each_field_of_the_child_object():
    bad = {"split": {"object": "opportunity_split", "parent": "member", "user": "share", "percent": "member"}}
    errors = refusal(kpi("k", credit=bad))
    assert set(errors) == {"kpi/k:credit.split.parent", "kpi/k:credit.split.user", "kpi/k:credit.split.percent"}
    missing = {"split": {**SPLIT_CREDIT["split"], "object": "nothing"}}
    assert set(refusal(kpi("k", credit=missing))) == {"kpi/k:credit.split.object"}


def test_an_unknown_object_is_refused():
    assert "kpi/k:object" in refusal(kpi("k", object="lead"))


# --- derived KPIs -------------------------------------------------------------------------

def test_a_derived_kpi_reads_other_kpis_by_name():
    won = kpi("won_count", measure="COUNT()", filter='stage = "Won"')
    closed = kpi("closed_count", measure="COUNT()", filter='stage != "Open"')
    cross_check(candidate(won, closed, kpi("win_rate", formula="won_count / closed_count", unit="percent")))


def test_a_derived_kpi_naming_an_unknown_kpi_is_refused_with_a_suggestion():
    errors = refusal(REVENUE, kpi("double", formula="revenu * 2"))
    assert list(errors) == ["kpi/double:formula"] and "revenue" in errors["kpi/double:formula"][0]


def test_derived_kpis_may_not_form_a_cycle():
    errors = refusal(kpi("a", formula="b + 1"), kpi("b", formula="a * 2"))
    assert any("cycle" in m for messages in errors.values() for m in messages)
    assert "a -> b -> a" in errors["kpi/a:formula"][0]
