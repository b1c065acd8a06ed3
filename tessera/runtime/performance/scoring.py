"""Scoring: from an actual and a target to attainment, score points, weighted totals and ranks.

Pure Decimal arithmetic, no database. Each step rounds to the places the answers show
(attainment 4, points 2, half away from zero) and the next step starts from the rounded
figure, so every number a scorecard shows follows from the ones shown before it: a
score is 100 x the shown attainment, a weighted score the shown score x the weight, the
total the sum of the shown weighted scores.

Decisions beyond the issue's words:

- An actual of None (an average over no records, a ratio with a zero denominator) has no
  attainment and no score, and counts as missing for the total like a missing target.
- A lower-is-better KPI with an actual of 0 or less has met its target beyond any ratio:
  its attainment is None and its score the cap (flag ``capped``), or None without a cap.
- ``floor`` and ``cap`` default to none (no clamp), ``gate`` to none, the slope to 1.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ATTAINMENT_PLACES = Decimal("0.0001")
POINT_PLACES = Decimal("0.01")
WEIGHT_PLACES = Decimal("0.0001")
HUNDRED = Decimal(100)
ONE = Decimal(1)

#: The flags an item can carry, in the order they are listed.
FLAGS = ("no_target", "zero_target", "gated", "capped", "floored", "prorated")


def _decimal(value):
    return None if value is None else (value if isinstance(value, Decimal) else Decimal(str(value)))


def points(value):
    """``value`` rounded half away from zero to 2 places (score points)."""
    return value.quantize(POINT_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Scoring:
    """How one item's attainment becomes points: gate (fraction of target), slope beyond target, floor and cap."""

    floor: Decimal | None = None
    cap: Decimal | None = None
    gate: Decimal | None = None
    slope: Decimal = ONE

    @classmethod
    def from_document(cls, scoring):
        """The Scoring of a scheme item's ``scoring`` object (numbers as JSON gives them)."""
        scoring = scoring or {}
        return cls(_decimal(scoring.get("floor")), _decimal(scoring.get("cap")), _decimal(scoring.get("gate")),
                   _decimal(scoring.get("above_target_slope", 1)))


@dataclass(frozen=True)
class ItemScore:
    """One scored item: attainment (4 places), score and weighted score (2 places), weight, flags."""

    attainment: Decimal | None
    score: Decimal | None
    weight: Decimal
    weighted_score: Decimal | None
    flags: tuple

    @property
    def missing(self):
        """Whether the item has no score (no target, zero target, no actual) and so is left out of a total."""
        return self.score is None


def attainment(actual, target, direction="higher"):
    """(attainment rounded to 4 places or None, flags): ``actual / target`` when higher is better,
    ``target / actual`` when lower is; None with ``no_target`` or ``zero_target`` without a target."""
    actual, target = _decimal(actual), _decimal(target)
    if target is None:
        return None, ("no_target",)
    if target == 0:
        return None, ("zero_target",)
    if actual is None:
        return None, ()
    if direction == "lower":
        if actual <= 0:
            return None, ()
        return (target / actual).quantize(ATTAINMENT_PLACES, rounding=ROUND_HALF_UP), ()
    return (actual / target).quantize(ATTAINMENT_PLACES, rounding=ROUND_HALF_UP), ()


def raw_points(a, scoring):
    """(points before the clamp, gated?): 0 below the gate, 100·a up to target, 100 + 100·(a − 1)·slope beyond."""
    if scoring.gate is not None and a < scoring.gate:
        return Decimal(0), True
    if a <= ONE:
        return points(HUNDRED * a), False
    return points(HUNDRED + HUNDRED * (a - ONE) * scoring.slope), False


def clamp(value, scoring):
    """(``value`` held within [floor, cap], flag or None): ``capped`` or ``floored`` when the bound changed it."""
    if scoring.cap is not None and value > scoring.cap:
        return points(scoring.cap), "capped"
    if scoring.floor is not None and value < scoring.floor:
        return points(scoring.floor), "floored"
    return value, None


def _ordered(flags):
    return tuple(flag for flag in FLAGS if flag in flags) if flags else ()


def score_item(actual, target, *, weight, scoring=Scoring(), direction="higher", prorated=False):
    """The ItemScore of one KPI: attainment, score after gate and clamp, weighted score and flags."""
    weight = _decimal(weight)
    a, flags = attainment(actual, target, direction)
    flags = set(flags) | ({"prorated"} if prorated else set())
    score = None
    if a is not None:
        score, gated = raw_points(a, scoring)
        score, bound = clamp(score, scoring)
        flags |= {flag for flag in (bound, "gated" if gated else None) if flag}
    elif direction == "lower" and not flags & {"no_target", "zero_target"} and _decimal(actual) is not None:
        if scoring.cap is not None:  # a lower-is-better actual of zero: as good as it gets
            score, flags = points(scoring.cap), flags | {"capped"}
    weighted = None if score is None else points(score * weight)
    return ItemScore(a, score, weight, weighted, _ordered(flags))


def total(items, missing_target="incomplete"):
    """(total or None, incomplete?) of scored items: the sum of weighted scores; with an item
    missing, None and incomplete under ``incomplete``, or under ``renormalize`` the sum of the
    others' weighted scores divided by the sum of their weights (None when none is left)."""
    scored = [item for item in items if not item.missing]
    if not scored:
        return None, True
    summed = sum((item.weighted_score for item in scored), Decimal(0))
    if len(scored) == len(items):
        return points(summed), False
    if missing_target == "incomplete":
        return None, True
    return points(summed / sum((item.weight for item in scored), Decimal(0))), False


def ranks(totals):
    """``[(key, total, rank)]`` ordered by total, highest first: standard competition ranking on
    totals rounded to 2 places (112.5, 97, 97, 64 rank 1, 2, 2, 4); None totals last, rank None.
    ``totals`` is a list of (key, total) in the order ties should keep."""
    present = [(key, points(_decimal(value))) for key, value in totals if value is not None]
    present.sort(key=lambda pair: -pair[1])
    ranked, previous, rank = [], None, 0
    for position, (key, value) in enumerate(present, start=1):
        if value != previous:
            rank, previous = position, value
        ranked.append((key, value, rank))
    return ranked + [(key, None, None) for key, value in totals if value is None]
