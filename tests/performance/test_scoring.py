"""Scoring, pure: attainment, points, flags, weighted totals and ranks, each number worked by hand."""

from decimal import Decimal as D

import pytest

from tessera.runtime.performance.scoring import Scoring, attainment, ranks, score_item, total

CAPPED = Scoring(floor=D(0), cap=D(150))
GATED = Scoring(floor=D(0), cap=D(150), gate=D("0.5"), slope=D("1.0"))


# --- attainment -------------------------------------------------------------------------

def test_attainment_of_a_higher_is_better_kpi_is_actual_over_target_to_four_places():
    assert attainment(D("126000.00"), D("120000.00")) == (D("1.0500"), ())
    assert attainment(D("100"), D("300")) == (D("0.3333"), ())
    assert attainment(D("200"), D("300")) == (D("0.6667"), ())


def test_attainment_of_a_lower_is_better_kpi_is_target_over_actual():
    # discount target 10 %, actual 8 %: 10 / 8 = 1.25
    assert attainment(D("8"), D("10"), "lower") == (D("1.2500"), ())
    assert attainment(D("12.5"), D("10"), "lower") == (D("0.8000"), ())


def test_no_target_and_zero_target_give_no_attainment_never_zero_or_infinity():
    assert attainment(D("5000"), None) == (None, ("no_target",))
    assert attainment(D("5000"), D("0")) == (None, ("zero_target",))
    assert attainment(D("0"), D("0"), "lower") == (None, ("zero_target",))


def test_a_null_actual_has_no_attainment_and_no_flag():
    assert attainment(None, D("10")) == (None, ())


# --- one item's points -------------------------------------------------------------------

def test_the_score_is_a_hundred_times_attainment_up_to_target():
    item = score_item(D("90000"), D("120000"), weight=0.5, scoring=CAPPED)
    assert (item.attainment, item.score, item.weighted_score, item.flags) == (D("0.7500"), D("75.00"), D("37.50"), ())


def test_beyond_target_the_slope_scales_the_points_above_one_hundred():
    # a = 1.2, slope 1.5: 100 + 100 x 0.2 x 1.5 = 130
    item = score_item(D("120"), D("100"), weight=1, scoring=Scoring(slope=D("1.5")))
    assert (item.attainment, item.score) == (D("1.2000"), D("130.00"))
    # default slope 1: 100 + 100 x 0.2 = 120
    assert score_item(D("120"), D("100"), weight=1).score == D("120.00")


def test_below_the_gate_the_score_is_zero_and_flagged_gated():
    item = score_item(D("40"), D("100"), weight=D("0.3"), scoring=GATED)
    assert (item.attainment, item.score, item.weighted_score) == (D("0.4000"), D("0.00"), D("0.00"))
    assert item.flags == ("gated",)


def test_at_the_gate_the_score_counts():
    item = score_item(D("50"), D("100"), weight=1, scoring=GATED)
    assert (item.score, item.flags) == (D("50.00"), ())


def test_the_cap_holds_the_score_and_flags_capped():
    item = score_item(D("200"), D("100"), weight=D("0.7"), scoring=CAPPED)
    assert (item.attainment, item.score, item.weighted_score) == (D("2.0000"), D("150.00"), D("105.00"))
    assert item.flags == ("capped",)


def test_the_floor_lifts_the_score_and_flags_floored():
    # a negative actual after a clawback: a = -0.1, 100a = -10, floor 0
    item = score_item(D("-10"), D("100"), weight=1, scoring=CAPPED)
    assert (item.attainment, item.score, item.flags) == (D("-0.1000"), D("0.00"), ("floored",))
    # a floor above zero applies after the gate too
    gated = score_item(D("10"), D("100"), weight=1, scoring=Scoring(floor=D(20), gate=D("0.5")))
    assert (gated.score, gated.flags) == (D("20.00"), ("gated", "floored"))


def test_without_floor_or_cap_the_score_is_not_clamped():
    assert score_item(D("-10"), D("100"), weight=1).score == D("-10.00")
    assert score_item(D("500"), D("100"), weight=1).score == D("500.00")


def test_a_missing_or_zero_target_gives_null_score_and_weighted_score():
    for target, flag in ((None, "no_target"), (D(0), "zero_target")):
        item = score_item(D("100"), target, weight=D("0.5"), scoring=CAPPED)
        assert (item.attainment, item.score, item.weighted_score, item.flags) == (None, None, None, (flag,))
        assert item.missing


def test_a_prorated_target_is_flagged_with_the_other_flags_in_fixed_order():
    item = score_item(D("300"), D("100"), weight=1, scoring=CAPPED, prorated=True)
    assert item.flags == ("capped", "prorated")
    assert score_item(D("1"), None, weight=1, prorated=True).flags == ("no_target", "prorated")


def test_a_lower_is_better_item_with_zero_actual_scores_the_cap_or_nothing():
    capped = score_item(D("0"), D("10"), weight=1, scoring=CAPPED, direction="lower")
    assert (capped.attainment, capped.score, capped.flags) == (None, D("150.00"), ("capped",))
    assert score_item(D("0"), D("10"), weight=1, direction="lower").score is None


def test_scores_round_half_away_from_zero_to_two_places():
    # a = 1.0333 (3.1 / 3), slope 1.5: 100 + 100 x 0.0333 x 1.5 = 104.995 -> 105.00
    item = score_item(D("3.1"), D("3"), weight=D("0.3333"), scoring=Scoring(slope=D("1.5")))
    assert (item.attainment, item.score, item.weighted_score) == (D("1.0333"), D("105.00"), D("35.00"))


def test_weights_come_from_json_numbers_exactly():
    assert score_item(D("1"), D("1"), weight=0.7).weight == D("0.7")


# --- totals ------------------------------------------------------------------------------

def _items(*pairs):
    return [score_item(actual, target, weight=weight, scoring=CAPPED) for actual, target, weight in pairs]


def test_the_total_is_the_sum_of_weighted_scores():
    # 105 x 0.5 + 111.5 x 0.5 = 52.50 + 55.75 = 108.25
    items = _items((D("126000"), D("120000"), D("0.5")), (D("223"), D("200"), D("0.5")))
    assert [i.weighted_score for i in items] == [D("52.50"), D("55.75")]
    assert total(items) == (D("108.25"), False)


def test_incomplete_policy_makes_the_total_null_when_a_target_is_missing():
    items = _items((D("80"), D("100"), D("0.7")), (D("50"), None, D("0.3")))
    assert total(items, "incomplete") == (None, True)


def test_renormalize_divides_the_other_weighted_scores_by_their_weights():
    # 80 x 0.6 = 48.00 and 120 x 0.2 = 24.00; (48 + 24) / 0.8 = 90.00
    items = _items((D("80"), D("100"), D("0.6")), (D("50"), D(0), D("0.2")), (D("120"), D("100"), D("0.2")))
    assert total(items, "renormalize") == (D("90.00"), False)


def test_renormalize_with_nothing_scored_has_no_total():
    assert total(_items((D("1"), None, D("1"))), "renormalize") == (None, True)


# --- ranks -------------------------------------------------------------------------------

def test_standard_competition_ranking_shares_ranks_and_skips():
    found = ranks([("d", D("64")), ("b", D("97")), ("a", D("112.5")), ("c", D("97.00"))])
    assert found == [("a", D("112.50"), 1), ("b", D("97.00"), 2), ("c", D("97.00"), 2), ("d", D("64.00"), 4)]


def test_totals_are_compared_rounded_to_two_places():
    found = ranks([("a", D("97.004")), ("b", D("96.996")), ("c", D("97.005"))])
    assert found == [("c", D("97.01"), 1), ("a", D("97.00"), 2), ("b", D("97.00"), 2)]


def test_null_totals_come_last_unranked_in_their_given_order():
    found = ranks([("x", None), ("a", D("50")), ("y", None)])
    assert found == [("a", D("50.00"), 1), ("x", None, None), ("y", None, None)]


@pytest.mark.parametrize("given", [[], [("only", None)]])
def test_ranking_nobody_or_only_nulls(given):
    assert ranks(given) == [(key, None, None) for key, _ in given]
