"""Actuals: what each person is credited with per period, computed by one grouped query.

Every number below is worked out by hand from the records each test creates.
"""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tessera.runtime import Context, Runtime
from tessera.runtime.errors import KpiNotFound
from tessera.runtime.identity.users import create_user
from tessera.runtime.performance import periods as P
from tessera.runtime.performance.actuals import actuals
from tests.runtime.conftest import publish_documents

from .documents import ACCOUNT, OBJECTS, OPPORTUNITY, REVENUE, SPLIT, SPLIT_CREDIT, kpi

D = Decimal


class Sales:
    """Users and records of one test, and the actuals asked of the runtime."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.people = {}

    def person(self, name):
        if name not in self.people:
            with self.runtime.write() as conn:
                user_id = create_user(conn, name, is_admin=True)
            self.people[name] = Context(user_id=user_id, username=name, is_admin=True)
        return self.people[name].user_id

    def create(self, who, object_name, **values):
        self.person(who)
        return self.runtime.records.create(self.people[who], object_name, values)["id"]

    def deal(self, who, amount, close_date, stage="Won", **values):
        return self.create(who, "opportunity", title="deal", amount=amount, close_date=close_date, stage=stage,
                           **values)

    def split(self, deal_id, **shares):
        for who, share in shares.items():
            self.create("clerk", "opportunity_split", opportunity=deal_id, member=self.person(who), share=share)

    def actuals(self, name, *period_ids, users=None):
        """{(username, period id): value} of KPI ``name``."""
        wanted = None if users is None else [self.person(u) for u in users]
        ids = {v.user_id: k for k, v in self.people.items()}
        found = self.runtime.performance.actuals(name, period_ids, wanted)
        return {(ids[user_id], period_id): value for (user_id, period_id), value in found.items()}


@pytest.fixture
def sales(runtime):
    return Sales(runtime)


def publish(runtime, *docs):
    publish_documents(runtime, *OBJECTS, *docs)


# --- periods and owner credit -------------------------------------------------------

def test_deals_on_30_june_and_1_july_land_in_the_second_and_third_quarters(runtime, sales):
    publish(runtime, REVENUE)
    sales.deal("ann", "100.00", "2026-06-30")
    sales.deal("ann", "200.00", "2026-07-01")
    sales.deal("ann", "50.00", "2026-06-15", stage="Lost")
    sales.deal("bob", "70.25", "2026-04-01")
    assert sales.actuals("revenue", "2026-Q2", "2026-Q3", "2026-H1", "2026", "2026-06", "2026-07") == {
        ("ann", "2026-Q2"): D("100.00"), ("ann", "2026-Q3"): D("200.00"), ("ann", "2026-H1"): D("100.00"),
        ("ann", "2026"): D("300.00"), ("ann", "2026-06"): D("100.00"), ("ann", "2026-07"): D("200.00"),
        ("bob", "2026-Q2"): D("70.25"), ("bob", "2026-H1"): D("70.25"), ("bob", "2026"): D("70.25"),
    }


def test_asked_people_without_records_read_zero_for_sums_and_others_are_left_out(runtime, sales):
    publish(runtime, REVENUE)
    sales.deal("ann", "100.00", "2026-05-01")
    sales.deal("bob", "10.00", "2026-05-01")
    sales.person("cy")
    assert sales.actuals("revenue", "2026-Q2", "2026-Q3", users=["ann", "cy"]) == {
        ("ann", "2026-Q2"): D("100.00"), ("ann", "2026-Q3"): D("0.00"),
        ("cy", "2026-Q2"): D("0.00"), ("cy", "2026-Q3"): D("0.00"),
    }


def test_a_user_field_credits_the_person_it_names(runtime, sales):
    publish(runtime, kpi("assisted", credit={"user_field": "sales_engineer"}))
    sales.deal("ann", "100.00", "2026-05-01", sales_engineer=sales.person("eve"))
    sales.deal("ann", "30.00", "2026-05-02")  # no engineer: credited to nobody
    assert sales.actuals("assisted", "2026-Q2") == {("eve", "2026-Q2"): D("100.00")}


def test_an_april_fiscal_year_puts_31_march_and_1_april_in_different_years(runtime, sales):
    calendar = {"kind": "fiscal_calendar", "name": "default", "start_month": 4, "year_named_by": "start"}
    publish(runtime, REVENUE, calendar)
    sales.deal("ann", "300.00", "2026-03-31")
    sales.deal("ann", "400.00", "2026-04-01")
    sales.deal("ann", "500.00", "2027-03-31")
    assert sales.actuals("revenue", "2025-Q4", "2026-Q1", "2026-Q4", "2026", "2026-H1", "2026-03") == {
        ("ann", "2025-Q4"): D("300.00"), ("ann", "2026-Q1"): D("400.00"), ("ann", "2026-Q4"): D("500.00"),
        ("ann", "2026"): D("900.00"), ("ann", "2026-H1"): D("400.00"), ("ann", "2026-03"): D("300.00"),
    }


def test_a_datetime_field_places_records_by_the_organisation_day(runtime, sales):
    publish(runtime, kpi("closed", measure="COUNT()", date_field="closed_at"))
    sales.deal("ann", "1", "2026-01-01", closed_at="2026-06-30T23:59:59Z")
    sales.deal("ann", "1", "2026-01-01", closed_at="2026-07-01T00:00:00Z")
    assert sales.actuals("closed", "2026-Q2", "2026-Q3") == {("ann", "2026-Q2"): D("1.00"),
                                                             ("ann", "2026-Q3"): D("1.00")}


# --- measures ------------------------------------------------------------------------------

def test_a_measure_over_a_row_expression_with_a_filter_through_a_lookup(runtime, sales):
    publish(runtime, kpi("north_margin", measure="SUM(amount - cost)",
                         filter='account.region = "North" && stage = "Won"'))
    north = sales.create("ann", "account", name="N", region="North")
    south = sales.create("ann", "account", name="S", region="South")
    sales.deal("ann", "100.00", "2026-02-01", cost="60.00", account=north)
    sales.deal("ann", "80.00", "2026-02-02", cost="30.50", account=north)
    sales.deal("ann", "999.00", "2026-02-03", cost="1.00", account=south)
    sales.deal("ann", "500.00", "2026-02-04", cost="1.00", account=north, stage="Lost")
    assert sales.actuals("north_margin", "2026-Q1") == {("ann", "2026-Q1"): D("89.50")}  # 40 + 49.50


def test_count_distinct_counts_each_account_once(runtime, sales):
    publish(runtime, kpi("accounts_won", measure="COUNT_DISTINCT(account)", filter='stage = "Won"', scale=0))
    first = sales.create("ann", "account", name="A")
    second = sales.create("ann", "account", name="B")
    for account in (first, first, second):
        sales.deal("ann", "1", "2026-03-01", account=account)
    sales.deal("ann", "1", "2026-03-01")  # no account: not counted
    sales.deal("bob", "1", "2026-03-01", account=first)
    assert sales.actuals("accounts_won", "2026-Q1") == {("ann", "2026-Q1"): D("2"), ("bob", "2026-Q1"): D("1")}


def test_avg_min_and_max_are_exact(runtime, sales):
    publish(runtime, kpi("avg_discount", measure="AVG(discount)", scale=4),
            kpi("smallest", measure="MIN(amount)"), kpi("largest", measure="MAX(amount)"))
    for amount, discount in (("10.00", "5"), ("20.00", "10"), ("40.00", "10")):
        sales.deal("ann", amount, "2026-01-15", discount=discount)
    assert sales.actuals("avg_discount", "2026-Q1") == {("ann", "2026-Q1"): D("8.3333")}
    assert sales.actuals("smallest", "2026-Q1") == {("ann", "2026-Q1"): D("10.00")}
    assert sales.actuals("largest", "2026-Q1", users=["ann", "bob"]) == {
        ("ann", "2026-Q1"): D("40.00"), ("bob", "2026-Q1"): None}


# --- split credit ----------------------------------------------------------------------------

def test_a_60_40_split_credits_each_member_their_share_of_the_value_and_of_the_count(runtime, sales):
    publish(runtime, kpi("split_revenue", credit=SPLIT_CREDIT, filter='stage = "Won"'),
            kpi("split_deals", measure="COUNT()", credit=SPLIT_CREDIT))
    deal = sales.deal("ann", "1000.00", "2026-08-01")
    sales.split(deal, ann="60", bob="40")
    odd = sales.deal("ann", "333.00", "2026-08-02")
    sales.split(odd, ann="33", bob="67")
    assert sales.actuals("split_revenue", "2026-Q3") == {
        ("ann", "2026-Q3"): D("709.89"),  # 600 + 109.89
        ("bob", "2026-Q3"): D("623.11"),  # 400 + 223.11: the two add up to 1333.00, each deal once
    }
    assert sales.actuals("split_deals", "2026-Q3") == {("ann", "2026-Q3"): D("0.93"), ("bob", "2026-Q3"): D("1.07")}


def test_split_shares_not_totalling_100_are_reported_not_scaled(runtime, sales, admin_ctx):
    publish(runtime, kpi("split_revenue", credit=SPLIT_CREDIT, filter='stage = "Won"'))
    good = sales.deal("ann", "100.00", "2026-08-01")
    sales.split(good, ann="60", bob="40")
    short = sales.deal("ann", "100.00", "2026-08-01")
    sales.split(short, ann="50", bob="40")
    bare = sales.deal("ann", "100.00", "2026-08-01")
    lost = sales.deal("ann", "100.00", "2026-08-01", stage="Lost")  # outside the KPI: not checked
    assert sales.actuals("split_revenue", "2026-Q3") == {("ann", "2026-Q3"): D("110.00"),
                                                         ("bob", "2026-Q3"): D("80.00")}
    report = runtime.performance.checks(admin_ctx, "split_revenue")
    assert report == {"kpi": "split_revenue", "checks": [{
        "check": "split_shares", "ok": False, "truncated": False,
        "records": [{"id": short, "shares": "90.00"}, {"id": bare, "shares": "0.00"}]}]}
    assert lost not in [r["id"] for r in report["checks"][0]["records"]]


# --- derived KPIs -----------------------------------------------------------------------------

def test_a_ratio_kpi_is_computed_from_its_parts_and_a_zero_denominator_gives_null(runtime, sales):
    publish(runtime, kpi("won_count", measure="COUNT()", filter='stage = "Won"'),
            kpi("closed_count", measure="COUNT()", filter='stage != "Open"'),
            kpi("win_rate", formula="won_count / closed_count", unit="percent", scale=4))
    sales.deal("ann", "1", "2026-01-10")
    sales.deal("ann", "1", "2026-01-11", stage="Lost")
    sales.deal("ann", "1", "2026-01-12", stage="Lost")
    sales.deal("bob", "1", "2026-01-13", stage="Open")
    sales.deal("cy", "1", "2026-01-14", stage="Lost")
    assert sales.actuals("win_rate", "2026-Q1", users=["ann", "bob", "cy"]) == {
        ("ann", "2026-Q1"): D("0.3333"), ("bob", "2026-Q1"): None, ("cy", "2026-Q1"): D("0.0000")}


def test_a_part_without_records_counts_as_zero_when_people_are_not_named(runtime, sales):
    publish(runtime, kpi("won_count", measure="COUNT()", filter='stage = "Won"'),
            kpi("closed_count", measure="COUNT()", filter='stage != "Open"'),
            kpi("win_rate", formula="won_count / closed_count", unit="percent", scale=4))
    sales.deal("cy", "1", "2026-01-14", stage="Lost")
    assert sales.actuals("win_rate", "2026-Q1") == {("cy", "2026-Q1"): D("0.0000")}


def test_no_periods_or_no_people_ask_nothing(runtime, sales):
    publish(runtime, REVENUE)
    sales.deal("ann", "1", "2026-01-14")
    assert sales.actuals("revenue") == {} and sales.actuals("revenue", "2026", users=[]) == {}


# --- one grouped query ----------------------------------------------------------------------

def test_a_measured_kpi_is_one_grouped_query_whatever_the_number_of_people_and_periods(runtime, sales):
    publish(runtime, kpi("split_revenue", credit=SPLIT_CREDIT))
    for index, who in enumerate(("ann", "bob", "cy", "dan")):
        deal = sales.deal(who, "10.00", f"2026-0{index + 1}-01")
        sales.split(deal, **{who: "100"})
    statements = []
    with runtime.read() as conn:
        model = runtime.model(conn)
        calendar = runtime.performance.calendar(model)
        wanted = [P.parse(calendar, p) for p in ("2026-Q1", "2026-Q2", "2026")]
        def remember(conn, cursor, statement, *rest):
            statements.append(statement)

        sa.event.listen(runtime.engine, "before_cursor_execute", remember)
        try:
            found = actuals(conn, model, "split_revenue", wanted, env=runtime.eval_env())
        finally:
            sa.event.remove(runtime.engine, "before_cursor_execute", remember)
    assert len(found) == 4 + 4  # each person in their quarter and in the year
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "GROUP BY" in selects[0]


def test_windows_count_a_persons_split_credit_and_averages_only_on_their_days_in_the_same_statement(runtime, sales):
    publish(runtime, kpi("split_revenue", credit=SPLIT_CREDIT), kpi("avg_deal", measure="AVG(amount)"))
    for day, amount in (("2026-01-10", "100.00"), ("2026-02-20", "300.00"), ("2026-03-05", "500.00")):
        sales.split(sales.deal("ann", amount, day), ann="50", bob="50")
    ann, bob = sales.person("ann"), sales.person("bob")
    windows = {bob: ((date(2026, 2, 15), date(2026, 2, 28)), (date(2026, 3, 1), date(2026, 3, 3))),
               ann: ((date(2026, 2, 1), date(2026, 3, 31)),)}
    statements = []
    with runtime.read() as conn:
        model = runtime.model(conn)
        wanted = [P.parse(runtime.performance.calendar(model), "2026-Q1")]
        sa.event.listen(runtime.engine, "before_cursor_execute", lambda c, cur, statement, *r: statements.append(statement))
        split = actuals(conn, model, "split_revenue", wanted, [ann, bob], env=runtime.eval_env(), windows=windows)
        average = actuals(conn, model, "avg_deal", wanted, [ann, bob], env=runtime.eval_env(), windows=windows)
    # ann from February: half of 300 + 500; bob from 15 Feb to 3 Mar: half of the 300 deal only
    assert split == {(ann, "2026-Q1"): D("400.00"), (bob, "2026-Q1"): D("150.00")}
    # the owner's average over her days (300 and 500), not over the quarter; bob owns nothing
    assert average == {(ann, "2026-Q1"): D("400.00"), (bob, "2026-Q1"): None}
    assert len([s for s in statements if "GROUP BY" in s]) == 2


def test_an_unknown_kpi_is_not_found(runtime, sales):
    publish(runtime, REVENUE)
    with pytest.raises(KpiNotFound):
        sales.actuals("margin", "2026")


def test_a_datetime_is_placed_by_the_day_it_is_in_the_organisation_time_zone(database_url):
    runtime = Runtime(database_url, timezone="Asia/Shanghai")
    runtime.create_schema()
    try:
        sales = Sales(runtime)
        publish(runtime, kpi("closed", measure="COUNT()", date_field="closed_at"))
        sales.deal("ann", "1", "2026-01-01", closed_at="2026-06-30T15:59:59Z")  # 23:59:59 on 30 June in Shanghai
        sales.deal("ann", "1", "2026-01-01", closed_at="2026-06-30T16:00:00Z")  # midnight, 1 July in Shanghai
        assert sales.actuals("closed", "2026-Q2", "2026-Q3") == {("ann", "2026-Q2"): D("1.00"),
                                                                 ("ann", "2026-Q3"): D("1.00")}
    finally:
        runtime.dispose()


def test_a_percent_field_holds_a_split_share_as_a_fraction(runtime, sales):
    fractions = {**SPLIT, "fields": [*SPLIT["fields"][:2], {"name": "share", "type": "percent"}]}
    publish_documents(runtime, ACCOUNT, OPPORTUNITY, fractions, kpi("split_revenue", credit=SPLIT_CREDIT))
    deal = sales.deal("ann", "1000.00", "2026-02-01")
    sales.split(deal, ann="0.6", bob="0.4")
    assert sales.actuals("split_revenue", "2026-Q1") == {("ann", "2026-Q1"): D("600.00"),
                                                         ("bob", "2026-Q1"): D("400.00")}
    checks = runtime.performance.checks(sales.people["ann"], "split_revenue")
    assert checks["checks"][0]["ok"] is True
