"""The board cache: a scorecard or leaderboard asked again is answered from the cached
board only while nothing it was computed from has changed; every write to its inputs
(records of the objects its KPIs read, targets, adjustments, assignments, people, teams,
metadata) gives the next answer fresh numbers."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from tessera.runtime import Context
from tessera.runtime.events.outbox import append_event
from tessera.runtime.performance import data_version
from tessera.runtime.performance import periods as P
from tessera.runtime.performance.board_cache import (
    LIFETIME,
    BoardCache,
    read_objects,
    scheme_kpis,
)
from tessera.runtime.performance.schemes import schemes_for_period
from tests.helpers import define

from .documents import OBJECTS, REVENUE, SPLIT_CREDIT, kpi
from .people import person, team

NORTH = kpi("north_revenue", filter='stage = "Won" && account.region = "North"')
SPLIT_REVENUE = kpi("split_revenue", filter='stage = "Won"', credit=SPLIT_CREDIT)
SCHEME = {"kind": "kpi_scheme", "name": "sales", "period_type": "quarter", "effective_from": "2026-01-01",
          "applies_to": {"teams": ["east"]}, "leaderboard": "all", "missing_target": "renormalize",
          "items": [{"kpi": "revenue", "weight": 0.5}, {"kpi": "north_revenue", "weight": 0.3},
                    {"kpi": "split_revenue", "weight": 0.2}]}


class Board:
    """Two reps of team east measured by one scheme, and the board cache of the app."""

    def __init__(self, app, api):
        self.app, self.api, self.runtime = app, api, app.extensions["tessera"]
        team(app, "east")
        team(app, "west")
        self.ann, self.bob = person(app, "ann", team="east"), person(app, "bob", team="east")
        assert define(api, *OBJECTS, REVENUE, NORTH, SPLIT_REVENUE, SCHEME).status_code == 200
        self.records = self.runtime.records
        self.admin = Context(user_id=self.ann, username="ann", is_admin=True)
        self.north = self.records.create(self.admin, "account", {"name": "N", "region": "North"})["id"]
        for who, value in ((self.ann, "1000"), (self.bob, "1000")):
            assert api.post("/api/v1/targets", json={"kpi": "revenue", "user": who, "period": "2026-Q2",
                                                     "value": value}).status_code == 201

    @property
    def cache(self):
        return self.runtime.scorecards.boards

    def deal(self, who, amount, account=None):
        ctx = Context(user_id=who, username="rep", is_admin=True)
        values = {"title": "deal", "amount": amount, "stage": "Won", "close_date": "2026-05-01", "account": account}
        return self.records.create(ctx, "opportunity", values)["id"]

    def card(self, who):
        response = self.api.get(f"/api/v1/scorecards?user={who}&period=2026-Q2&scheme=sales")
        assert response.status_code == 200, response.get_json()
        found = response.get_json()
        return found["total"], found["rank"], {item["kpi"]: item["actual"] for item in found["items"]}

    def asked_twice(self, who):
        """The card asked twice: the second answer must come from the cache and equal the first."""
        first, hits = self.card(who), self.cache.hits
        second = self.card(who)
        assert self.cache.hits == hits + 1 and second == first
        return second


@pytest.fixture
def board(app, api):
    return Board(app, api)


def test_a_scorecard_asked_again_is_answered_from_the_board_and_unchanged(board):
    board.deal(board.ann, "600.00")
    total, rank, actuals = board.asked_twice(board.ann)
    assert (total, rank, actuals["revenue"]) == ("60.00", 1, "600.00")
    # the leaderboard and the other rep's card read the same cached board
    hits = board.cache.hits
    assert board.api.get("/api/v1/leaderboard?scheme=sales&period=2026-Q2").status_code == 200
    assert board.card(board.bob)[1] == 2 and board.cache.hits == hits + 2


def test_a_record_written_after_the_board_was_cached_is_counted_next_time(board):
    board.deal(board.ann, "600.00")
    assert board.asked_twice(board.bob)[1] == 2
    deal = board.deal(board.bob, "900.00")
    assert board.card(board.bob)[:2] == ("90.00", 1)
    board.records.update(board.admin, "opportunity", deal, {"amount": "300.00"})
    assert board.card(board.bob)[:2] == ("30.00", 2)
    board.records.delete(board.admin, "opportunity", deal)
    assert board.card(board.bob)[:2] == ("0.00", 2)


def test_writes_to_looked_up_and_split_objects_reach_the_cached_board(board):
    deal = board.deal(board.ann, "500.00", account=board.north)
    assert board.asked_twice(board.ann)[2]["north_revenue"] == "500.00"
    board.records.update(board.admin, "account", board.north, {"region": "South"})
    assert board.card(board.ann)[2]["north_revenue"] == "0.00"
    board.asked_twice(board.ann)
    board.records.create(board.admin, "opportunity_split", {"opportunity": deal, "member": board.bob, "share": 100})
    assert board.card(board.bob)[2]["split_revenue"] == "500.00"


def test_targets_adjustments_and_assignments_written_after_caching_move_the_numbers(board, api):
    board.deal(board.ann, "600.00")
    assert board.asked_twice(board.ann)[0] == "60.00"
    api.post("/api/v1/targets", json={"kpi": "revenue", "user": board.ann, "period": "2026-Q2", "value": "600"})
    assert board.card(board.ann)[0] == "100.00"
    board.asked_twice(board.ann)
    adjusted = api.post("/api/v1/kpi-adjustments", json={"kpi": "revenue", "user": board.ann, "date": "2026-05-02",
                                                         "value": "-300", "reason": "credit note"})
    assert adjusted.status_code == 201 and board.card(board.ann)[0] == "50.00"
    board.asked_twice(board.ann)
    assert api.delete(f"/api/v1/kpi-adjustments/{adjusted.get_json()['id']}").status_code in (200, 204)
    assert board.card(board.ann)[0] == "100.00"
    board.asked_twice(board.ann)
    assigned = api.post("/api/v1/scheme-assignments", json={"scheme": "sales", "user": board.ann,
                                                            "from": "2026-05-16", "to": None})
    assert assigned.status_code == 201
    assert board.card(board.ann)[2]["revenue"] == "0.00"  # the deal of 1 May is before her window


def test_moving_a_person_out_of_the_measured_team_takes_them_off_the_board(board, api):
    board.deal(board.ann, "600.00")
    assert board.asked_twice(board.bob)[1] == 2
    assert api.patch(f"/api/v1/users/{board.ann}", json={"team": "west"}).status_code == 200
    assert board.card(board.bob)[1] == 1
    assert board.api.get(f"/api/v1/scorecards?user={board.ann}&period=2026-Q2&scheme=sales").status_code == 404


def test_a_published_change_of_the_scheme_is_used_at_once(board, api):
    board.deal(board.ann, "600.00")
    assert board.asked_twice(board.ann)[0] == "60.00"
    only_revenue = {**SCHEME, "items": [{"kpi": "revenue", "weight": 1}]}
    assert define(api, only_revenue).status_code == 200
    assert board.card(board.ann)[0] == "60.00" and set(board.card(board.ann)[2]) == {"revenue"}


def test_the_objects_a_board_depends_on_include_lookups_splits_and_their_parents(board):
    with board.runtime.read() as conn:
        model = board.runtime.model(conn)
        scheme = schemes_for_period(conn, P.parse(board.runtime.performance.calendar(model), "2026-Q2"))["sales"]
        assert read_objects(model, scheme_kpis(model, scheme)) == ("account", "opportunity", "opportunity_split")


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_board_read_while_an_earlier_event_id_is_still_uncommitted_is_not_kept(board):
    """PostgreSQL hands out event ids before commit: a writer holding id N may commit after
    one holding N + 1. A board computed meanwhile must not be kept under N + 1."""
    board.deal(board.ann, "600.00")
    runtime = board.runtime
    with runtime.engine.connect() as slow:
        with slow.begin():
            model = runtime.model(slow)
            table = model.objects["opportunity"].table
            values = {"owner_id": board.bob, "created_by": board.bob, "updated_by": board.bob, "version": 1,
                      "title": "late", "amount": 900, "stage": "Won", "close_date": date(2026, 5, 1),
                      "created_at": datetime(2026, 5, 1), "updated_at": datetime(2026, 5, 1)}
            late = slow.execute(sa.insert(table).values(values).returning(table.c.id)).scalar_one()
            append_event(slow, "record.created", "opportunity", late, {"values": {}}, board.bob)
            board.deal(board.ann, "100.00")  # a later event id, committed first
            assert board.card(board.bob)[:2] == ("0.00", 2)
            assert board.card(board.bob)[:2] == ("0.00", 2)
            assert board.cache.hits == 0
        # the slow writer has committed: its deal counts though the newest event id is unchanged
        assert board.card(board.bob)[:2] == ("90.00", 1)


def test_a_board_is_kept_ten_minutes_at_most():
    now = [0.0]
    cache = BoardCache(size=2, clock=lambda: now[0])
    cache.put("q2", "board")
    now[0] += LIFETIME
    assert cache.get("q2") == "board"
    now[0] += 1
    assert cache.get("q2") is None
    for key in ("a", "b", "c"):
        cache.put(key, key)
    assert cache.get("a") is None and cache.get("c") == "c"  # the least recently used went first


def test_an_import_of_many_targets_moves_the_performance_version_once_and_the_board_with_it(board, api):
    board.deal(board.ann, "600.00")
    assert board.asked_twice(board.ann)[0] == "60.00"
    with board.runtime.read() as conn:
        before = conn.execute(sa.select(data_version.version_column())).scalar_one()
    lines = "kpi,user,team,period,value\nrevenue,ann,,2026-Q2,600\nrevenue,bob,,2026-Q2,500\n"
    imported = api.post("/api/v1/targets/import", data=lines, headers={"Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.get_json()
    with board.runtime.read() as conn:
        assert conn.execute(sa.select(data_version.version_column())).scalar_one() == before + 1
    assert board.card(board.ann)[0] == "100.00"


def test_a_persons_trend_total_is_kept_until_a_write_moves_it(board):
    """The dashboard's trend asks a person's own totals of past periods on every visit: kept
    under the board's key plus the person, so a second visit reads no records, and a write
    to the records gives the next visit the new total."""
    totals = board.runtime.scorecards.totals
    deal = board.deal(board.ann, "600.00")
    first = totals(board.admin, str(board.ann), "sales", ["2026-Q2"])
    hits = board.runtime.scorecards.own_totals.hits
    assert totals(board.admin, str(board.ann), "sales", ["2026-Q2"]) == first
    assert board.runtime.scorecards.own_totals.hits == hits + 1
    board.records.update(board.admin, "opportunity", deal, {"amount": "300.00"})
    assert totals(board.admin, str(board.ann), "sales", ["2026-Q2"]) != first
    assert totals(board.admin, str(board.bob), "sales", ["2026-Q2"])[0]["period"] == "2026-Q2"
