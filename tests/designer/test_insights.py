"""Coaching insights are plain sentences derived from a scorecard's own numbers."""

from datetime import date

from tessera.designer.insights import card_insights, elapsed_fraction

PERIOD = {"id": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31", "days": 92}
REVENUE = {"measure": "SUM(amount)", "unit": "currency", "scale": 2}
DISCOUNT = {"measure": "AVG(discount)", "unit": "percent", "scale": 4, "direction": "lower"}


def item(kpi, actual, target, attainment, flags=()):
    return {"kpi": kpi, "label": kpi.title(), "actual": actual, "target": target, "attainment": attainment,
            "flags": list(flags)}


def say(card, docs, today):
    return [m.render("en") for m in card_insights({"period": PERIOD, "items": card}, docs, today)]


def test_the_elapsed_part_of_a_period_counts_today():
    assert elapsed_fraction(PERIOD, date(2026, 10, 1)) * 92 == 1
    assert elapsed_fraction(PERIOD, date(2027, 1, 5)) == 1 and elapsed_fraction(PERIOD, date(2026, 9, 1)) == 0


def test_a_sum_behind_the_pace_of_its_target_says_how_far_for_how_much_of_the_period():
    # 55 of 92 days elapsed: 150,000 x 55/92 = 89,673.91 expected; 69,000 is 23 % behind.
    [sentence] = say([item("revenue", "69000.00", "150000.00", "0.4600")], {"revenue": REVENUE}, date(2026, 11, 24))
    assert sentence == ("Revenue is 23 % behind the pace for 60 % of 2026-Q4 elapsed: 69,000.00 against the "
                        "89,673.91 expected by now (target 150,000.00).")


def test_ahead_on_pace_reached_and_ended():
    docs = {"revenue": REVENUE}
    assert "ahead of the pace" in say([item("revenue", "120000.00", "150000.00", "0.8")], docs, date(2026, 11, 24))[0]
    assert "is on pace" in say([item("revenue", "90000.00", "150000.00", "0.6")], docs, date(2026, 11, 24))[0]
    assert "has reached its target" in say([item("revenue", "150000.00", "150000.00", "1")], docs, date(2026, 11, 1))[0]
    assert "ended 2026-Q4 at 60.0 % of target" in say([item("revenue", "90000.00", "150000.00", "0.6")], docs,
                                                       date(2027, 1, 2))[0]


def test_a_lower_is_better_average_is_compared_with_its_target_not_a_pace():
    [sentence] = say([item("discount", "0.1167", "0.0800", "0.6855")], {"discount": DISCOUNT}, date(2026, 11, 24))
    assert sentence == "Discount is 11.67 %, above its target of 8.00 % (lower is better here)."


def test_missing_targets_and_gates_are_said_and_the_furthest_behind_comes_first():
    card = [item("revenue", "150000.00", "150000.00", "1.0000"), item("margin", "100.00", None, None, ["no_target"]),
            item("won", "1", "10", "0.1", ["gated"])]
    sentences = say(card, {"revenue": REVENUE, "margin": REVENUE, "won": {"measure": "COUNT()"}}, date(2026, 11, 24))
    assert sentences == ["Margin has no target for this period yet.",
                         "Won is below the minimum the scheme asks before it scores any points.",
                         "Revenue has reached its target: 150,000.00 against 150,000.00 (100.0 %)."]
