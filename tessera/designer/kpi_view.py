"""How KPI numbers look on the dashboard: values by unit, attainment as a per cent with a
bar, and the trend of weighted totals as an accessible SVG drawn by the server."""

from dataclasses import dataclass
from decimal import Decimal

#: Attainment bars run from 0 to 150 % of target (the usual cap), the target mark at 100 %.
BAR_MAX = Decimal(150)


def number(text, places=None):
    """An exact decimal string grouped by thousands (``"165000.00"`` -> ``"165,000.00"``)."""
    if text is None:
        return "—"
    value = Decimal(text)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    return f"{value:,f}"


def kpi_value(text, unit, scale=2):
    """A KPI's actual or target as text for its unit: percent KPIs hold fractions (0.0750 -> 7.50 %)."""
    if text is None:
        return "—"
    if unit == "percent":
        return f"{number(str(Decimal(text) * 100), max(scale - 2, 0))} %"
    return number(text, scale)


def when(text):
    """The date that placed a record in a period: a day as it is, a moment (an ISO date-time in
    UTC, from a KPI dated by ``created_at``) to the minute, as record pages show it."""
    text = str(text)
    return text if len(text) <= 10 else f"{text.replace('T', ' ')[:16]} UTC"


def percent(fraction, places=1):
    """An attainment fraction as per cent text (``"1.1000"`` -> ``"110.0 %"``)."""
    if fraction is None:
        return "—"
    return f"{number(str(Decimal(fraction) * 100), places)} %"


def bar_width(fraction):
    """The filled width of an attainment bar in the 0..150 box."""
    if fraction is None:
        return 0
    return float(max(Decimal(0), min(Decimal(fraction) * 100, BAR_MAX)))


def bar_tone(fraction):
    """``good`` at or above target, ``near`` from 80 %, ``low`` below, ``none`` without attainment."""
    if fraction is None:
        return "none"
    value = Decimal(fraction)
    return "good" if value >= 1 else "near" if value >= Decimal("0.8") else "low"


@dataclass(frozen=True)
class TrendBar:
    """One period of the trend: its id, total (text or None) and the bar's geometry."""

    period: str
    total: str | None
    x: float
    y: float
    height: float
    current: bool


#: The trend chart's box (SVG user units) and its parts.
TREND_WIDTH, TREND_HEIGHT, TREND_TOP, TREND_BOTTOM = 480, 200, 24, 170


def trend_bars(points, current):
    """TrendBars of ``points`` [(period id, total text or None)], scaled to the largest total
    (at least 120, so 100 — on target — sits at the same height in most charts)."""
    top = max([Decimal(120)] + [Decimal(t) for _, t in points if t is not None])
    slot = TREND_WIDTH / max(len(points), 1)
    bars = []
    for index, (period, total) in enumerate(points):
        height = 0.0 if total is None else float(Decimal(total) / top) * (TREND_BOTTOM - TREND_TOP)
        bars.append(TrendBar(period, total, index * slot + slot * 0.2, TREND_BOTTOM - height, height,
                             period == current))
    return bars, slot


def target_line_y(points):
    """The y of the 100-points line in the trend chart."""
    top = max([Decimal(120)] + [Decimal(t) for _, t in points if t is not None])
    return TREND_BOTTOM - float(Decimal(100) / top) * (TREND_BOTTOM - TREND_TOP)
