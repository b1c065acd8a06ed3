"""The JSON forms of scorecards and leaderboard rows: exact decimal strings at fixed places."""

from decimal import ROUND_HALF_UP, Decimal

from .kpis import kpi_definition


def fixed(value, places):
    """``value`` as a decimal string with ``places`` places, or None."""
    if value is None:
        return None
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def label_of(doc, locale):
    """A document's label in ``locale``, else in English, else its name."""
    label = doc.get("label") or {}
    return label.get(locale) or label.get("en") or doc["name"]


def person_json(user_id, names):
    """``{"id", "name"}`` of a person, named by display name or username."""
    return {"id": user_id, "name": names.get(user_id)}


def line_json(model, line, locale):
    """One scored item: kpi, label, actual and target at the KPI's scale, attainment (4),
    score, weight (4), weighted score (2) and flags."""
    definition = kpi_definition(model, line.kpi)
    scored = line.scored
    return {"kpi": line.kpi, "label": label_of(definition.doc, locale),
            "actual": fixed(line.actual, definition.scale), "target": fixed(line.target, definition.scale),
            "attainment": fixed(scored.attainment, 4), "score": fixed(scored.score, 2),
            "weight": fixed(scored.weight, 4), "weighted_score": fixed(scored.weighted_score, 2),
            "flags": list(scored.flags)}


def card_json(model, card, *, person, period, scheme, rank, ranked, locale):
    """The scorecard answer of the issue: user, period, scheme, items, total, incomplete, rank, ranked."""
    return {"user": person, "period": period.to_json(), "scheme": scheme.to_json(),
            "items": [line_json(model, line, locale) for line in card.lines],
            "total": fixed(card.total, 2), "incomplete": card.incomplete, "rank": rank, "ranked": ranked}


def team_line_json(model, line, locale):
    """One team item: the item's figures plus ``members`` and ``members_at_or_above_target``."""
    found = line_json(model, line, locale)
    return {**found, "members": line.members, "members_at_or_above_target": line.at_or_above}


def team_json(model, name, scored, locale):
    """``{"team", "items", "total", "incomplete"}`` of one team."""
    lines, summed, incomplete = scored
    return {"team": name, "items": [team_line_json(model, line, locale) for line in lines],
            "total": fixed(summed, 2), "incomplete": incomplete}
