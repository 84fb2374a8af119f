"""Geometry for the server-drawn SVG charts; the templates turn it into markup.

Charts are computed here and drawn by Jinja macros, so every label goes
through autoescaping like the rest of the page. Range bars are placed in
percentages of the chart's width: one chart per table row, all on one scale,
that stretch with the column without distorting their text.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from newsweave.models import sort_time

#: The most bars a coverage chart draws; longer spans are counted by week or month.
MAX_BUCKETS = 60
#: The widest a coverage bar is drawn, in chart units.
MAX_BAR_WIDTH = 10.0


@dataclass(frozen=True, slots=True)
class Bar:
    """One coverage bar: position and size in the chart's units, and what it counts."""

    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """Articles over time for one story (or the whole store)."""

    width: int
    height: int
    bars: list[Bar]
    start: str
    end: str
    undated: int


def coverage(dates: list[datetime | None], *, width: int = 160, height: int = 36) -> Coverage:
    """How many articles came out per day (week, month when the span is long)."""
    days = sorted(sort_time(d).date() for d in dates if d is not None)
    undated = len(dates) - len(days)
    if not days:
        return Coverage(width, height, [], "", "", undated)
    span = (days[-1] - days[0]).days + 1
    if span <= MAX_BUCKETS:
        step, key, fmt = 1, lambda d: d, "%Y-%m-%d"
    elif span <= MAX_BUCKETS * 7:
        step, key, fmt = 7, lambda d: d - timedelta(days=d.weekday()), "week of %Y-%m-%d"
    else:
        step, key, fmt = 31, lambda d: d.replace(day=1), "%Y-%m"
    counts = Counter(key(d) for d in days)
    buckets = _buckets(key(days[0]), key(days[-1]), step)
    slot = width / len(buckets)
    gap = min(2.0, slot * 0.2)
    # A lone day should read as one bar, not fill the chart.
    thick = min(slot - gap, MAX_BAR_WIDTH)
    top = max(counts.values())
    bars = []
    for i, bucket in enumerate(buckets):
        n = counts.get(bucket, 0)
        if not n:
            continue
        h = max(2.0, (height - 2) * n / top)
        label = f"{bucket.strftime(fmt)}: {n} article{'s' if n != 1 else ''}"
        bars.append(
            Bar(
                round(i * slot + (slot - thick) / 2, 2),
                round(height - h, 2),
                round(thick, 2),
                round(h, 2),
                label,
            )
        )
    return Coverage(width, height, bars, days[0].isoformat(), days[-1].isoformat(), undated)


def _buckets(first: date, last: date, step: int) -> list[date]:
    if step == 1:
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if step == 7:
        return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    months = (last.year - first.year) * 12 + last.month - first.month
    return [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(months + 1)
    ]


@dataclass(frozen=True, slots=True)
class RangeBar:
    """One figure on the shared scale, in percent of the chart's width.

    ``kind`` is ``point`` (one value), ``range`` (low to high), ``open`` (no
    upper bound: drawn to the edge) or ``upto`` (no lower bound: from zero).
    """

    start: float
    end: float
    kind: str


@dataclass(frozen=True, slots=True)
class Scale:
    """A linear scale from zero to a round maximum, with its ticks in percent."""

    maximum: float
    ticks: list[tuple[float, str]]

    def at(self, value: float) -> float:
        """``value``'s place in percent, held inside the chart."""
        return round(min(100.0, max(0.0, 100 * value / self.maximum)), 2)

    def bar(self, low: float | None, high: float | None) -> RangeBar | None:
        """Where a claim's range lies, or ``None`` when it gives no figure."""
        if high is None:
            return None if low is None else RangeBar(self.at(low), 100.0, "open")
        if low is None:
            return RangeBar(0.0, self.at(high), "upto")
        if low == high:
            return RangeBar(self.at(low), self.at(low), "point")
        return RangeBar(self.at(low), self.at(high), "range")


def scale(values: list[float | None]) -> Scale | None:
    """A scale that fits every finite, non-negative value given, or ``None`` if none is."""
    finite = [v for v in values if v is not None and math.isfinite(v) and v >= 0]
    if not finite or max(finite) == 0:
        return None
    step = _nice_step(max(finite) * 1.08 / 4)
    maximum = step * math.ceil(max(finite) * 1.08 / step)
    ticks = []
    value = 0.0
    while value <= maximum + step / 2:
        ticks.append((round(100 * value / maximum, 2), _short(value)))
        value += step
    return Scale(maximum, ticks)


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _short(value: float) -> str:
    """A tick label: 0, 500, 2.5k, 12k, 1.2M."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:g}"
