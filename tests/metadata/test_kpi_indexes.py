"""Indexes published KPIs ask for: planned with the KPIs, one per object, credit and date field."""

from tessera.metadata.plan import compute_plan
from tests.performance.documents import OBJECTS, REVENUE, SPLIT_CREDIT, kpi

BASE = {(d["kind"], d["name"]): d for d in OBJECTS}


def with_kpis(*kpis):
    return {**BASE, **{("kpi", k["name"]): k for k in kpis}}


def index_steps(old, new):
    return [(s["op"], s["object"], tuple(s["columns"]), str(s.get("reason", "")))
            for s in compute_plan(old, new) if s["op"].endswith("_index")]


def test_a_published_kpi_plans_an_index_led_by_its_person_then_its_date():
    assert index_steps(BASE, with_kpis(REVENUE)) == [
        ("create_index", "opportunity", ("owner_id", "close_date", "amount", "stage"), "read by the KPIs revenue")]


def test_kpis_sharing_object_credit_and_date_share_one_index_holding_every_column_they_read():
    margin = kpi("margin", measure="SUM(amount - cost)", filter='stage = "Won" && account.region = "North"')
    steps = index_steps(BASE, with_kpis(REVENUE, margin, kpi("won", measure="COUNT()")))
    assert steps == [("create_index", "opportunity", ("owner_id", "close_date", "account", "amount", "cost", "stage"),
                      "read by the KPIs margin, revenue, won")]


def test_another_credit_or_date_field_gets_its_own_index():
    engineer = kpi("assisted", credit={"user_field": "sales_engineer"})
    booked = kpi("booked", date_field="closed_at")
    steps = {s[2] for s in index_steps(BASE, with_kpis(REVENUE, engineer, booked))}
    assert steps == {("owner_id", "close_date", "amount", "stage"), ("sales_engineer", "close_date", "amount"),
                     ("owner_id", "closed_at", "amount")}


def test_split_credit_indexes_the_measured_records_by_date_and_the_split_rows_by_parent():
    split = kpi("split_revenue", filter='stage = "Won"', credit=SPLIT_CREDIT)
    assert sorted(index_steps(BASE, with_kpis(split))) == [
        ("create_index", "opportunity", ("close_date", "amount", "id", "stage"), "read by the KPIs split_revenue"),
        ("create_index", "opportunity_split", ("opportunity", "member", "share"), "read by the KPIs split_revenue"),
    ]


def test_a_kpi_reading_a_formula_field_gets_no_index():
    objects = {**BASE, ("object", "opportunity"): {**BASE[("object", "opportunity")], "fields": [
        *BASE[("object", "opportunity")]["fields"],
        {"name": "net", "type": "formula", "formula": "amount - cost", "returns": "currency"}]}}
    net = kpi("net", measure="SUM(net)")
    assert index_steps(objects, {**objects, ("kpi", "net"): net}) == []


def test_a_changed_kpi_replaces_its_index_and_a_removed_one_drops_it():
    wider = {**REVENUE, "filter": 'stage = "Won" && discount < 0.2'}
    assert index_steps(with_kpis(REVENUE), with_kpis(wider)) == [
        ("drop_index", "opportunity", ("owner_id", "close_date", "amount", "stage"), "read by the KPIs revenue"),
        ("create_index", "opportunity", ("owner_id", "close_date", "amount", "discount", "stage"),
         "read by the KPIs revenue")]
    assert [s[0] for s in index_steps(with_kpis(REVENUE), BASE)] == ["drop_index"]


def test_an_unchanged_kpi_set_plans_nothing_and_a_derived_kpi_no_index():
    ratio = kpi("ratio", formula="revenue / revenue")
    assert index_steps(with_kpis(REVENUE), with_kpis(REVENUE, ratio)) == []
