"""The arithmetic from attainment to score, as data and as a sentence in the reader's language."""

from decimal import Decimal

from tessera.i18n import Message

from .scorecard_json import fixed
from .scoring import Scoring, raw_points

#: How a resolved target's source reads in an explanation.
SOURCES = {"set": "set", "sub_periods": "sum of sub-periods", "team_members": "team members"}


def _number(value):
    return None if value is None else str(value.normalize()) if value == value.to_integral() else str(value)


def target_source(resolved, prorated):
    """``{"source", "detail", "prorated"}``: where the target came from (``set``, ``sum of
    sub-periods``, ``team members``, ``prorated 45/90 days``)."""
    base = SOURCES.get(resolved.source)
    if prorated is not None:
        covered, days = prorated
        return {"source": f"prorated {covered}/{days} days", "from": base, "detail": resolved.detail,
                "prorated": {"covered_days": covered, "period_days": days}}
    return {"source": base, "from": base, "detail": resolved.detail, "prorated": None}


def arithmetic(line, direction, item, scale):
    """The steps of one item's score as data: inputs, settings, points before and after the clamp."""
    scoring = Scoring.from_document(item.get("scoring"))
    scored = line.scored
    before = raw_points(scored.attainment, scoring)[0] if scored.attainment is not None else None
    return {"actual": fixed(line.actual, scale), "target": fixed(line.target, scale), "direction": direction,
            "attainment": fixed(scored.attainment, 4), "gate": _number(scoring.gate), "slope": _number(scoring.slope),
            "floor": _number(scoring.floor), "cap": _number(scoring.cap), "points": fixed(before, 2),
            "score": fixed(scored.score, 2), "weight": fixed(scored.weight, 4),
            "weighted_score": fixed(scored.weighted_score, 2), "flags": list(scored.flags)}


def _steps(data):
    flags = data["flags"]
    for flag in ("no_target", "zero_target"):
        if flag in flags:
            return [Message(f"performance.explain.{flag}")]
    if data["attainment"] is None:
        return [Message("performance.explain.no_value")]
    side = "lower" if data["direction"] == "lower" else "higher"
    steps = [Message(f"performance.explain.attainment_{side}", **data)]
    if "gated" in flags:
        steps.append(Message("performance.explain.gated", gate=data["gate"]))
    elif Decimal(data["attainment"]) > 1:
        steps.append(Message("performance.explain.beyond", **data))
    else:
        steps.append(Message("performance.explain.to_target", **data))
    for flag in ("capped", "floored"):
        if flag in flags:
            steps.append(Message(f"performance.explain.{flag}", **data))
    steps.append(Message("performance.explain.weighted", **data))
    return steps


def sentence(data, locale):
    """The arithmetic of ``data`` (from ``arithmetic``) as one sentence in ``locale``."""
    separator = Message("performance.explain.separator").render(locale)
    return separator.join(step.render(locale) for step in _steps(data))
