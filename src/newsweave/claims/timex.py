"""Time expressions in news text, resolved against the publication date.

News writes relative time ("last fall", "in January", "said Wednesday"); to
compare reports written on different days it has to be made absolute. The
result is a string in ISO 8601 style, as precise as the text is:

- ``2025``, ``2025-01``, ``2025-02-26`` for a year, a month, a day;
- ``A/B`` for a period (ISO 8601 interval): "last fall" is ``2024-09/2024-11``,
  "the first week of February" ``2025-02-01/2025-02-07``, "between January and
  February" ``2025-01/2025-02``;
- ``A/..`` and ``../B`` for open periods: "since January" is ``2025-01/..``.

"early/mid/late December" keeps the month (``2024-12``): the sources rarely
mean a precise third of it. Seasons are northern-hemisphere meteorological
ones (fall = September to November). A month, season or weekday named without
a year is the most recent one on or before the reference date, since news
mostly reports what has happened; "next ..." looks forward. Without a reference
date only expressions that name their year resolve.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_ORDINAL_WEEKS = {"first": 0, "second": 1, "third": 2, "fourth": 3}

_MONTH = (
    r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?"
    r"|aug(?:ust|\.)?|sept?(?:ember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"
)
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_YEAR = r"(?:19|20)\d{2}"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_SEASON = r"(?:spring|summer|fall|autumn|winter)"

# One simple expression; the alternatives are tried longest-first at each spot.
_SIMPLE = (
    rf"(?:{_WEEKDAY},?\s+)?(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})(?:,?\s+(?P<y1>{_YEAR}))?(?!\d)"
    rf"|(?P<d2>{_DAY})\s+(?P<m2>{_MONTH})(?:\s+(?P<y2>{_YEAR}))?"
    rf"|(?P<wk>first|second|third|fourth|last)\s+week\s+of\s+(?P<m3>{_MONTH})(?:\s+(?P<y3>{_YEAR}))?"
    rf"|(?:(?P<part>early|mid|late)[\s-]+)?(?P<m4>{_MONTH})(?:,?\s+(?P<y4>{_YEAR}))?"
    rf"|(?P<rel>last|this|next|earlier\s+this|later\s+this)\s+(?P<unit>week|month|year|{_SEASON}|{_WEEKDAY})"
    rf"|(?:the\s+)?(?P<s1>{_SEASON})\s+(?:of\s+)?(?P<y5>{_YEAR})"
    rf"|(?P<wd>{_WEEKDAY})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<ago>yesterday|today|tonight)"
    rf"|(?:in|during|by|of)\s+(?P<y6>{_YEAR})(?![\d,])"
)
_ONE_RE = re.compile(rf"\b(?:{_SIMPLE})\b", re.IGNORECASE)
_PLAIN = re.sub(r"\?P<\w+>", "?:", _SIMPLE)
_SPAN_RE = re.compile(
    rf"\b(?P<kind>between|from|since|until|till|before|after)\s+(?P<a>{_PLAIN}|{_YEAR})"
    rf"(?:\s+(?:and|to|through|until)\s+(?P<b>{_PLAIN}|{_YEAR}))?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A time expression found in a text: its span, words and resolved value."""

    start: int
    end: int
    text: str
    value: str


def _month(word: str) -> int:
    return _MONTHS[word.lower().rstrip(".")[:3]]


def _month_year(month: int, ref: date | None, forward: bool = False) -> int | None:
    """The year of the most recent (or, ``forward``, the next) such month."""
    if ref is None:
        return None
    if forward:
        return ref.year if month >= ref.month else ref.year + 1
    return ref.year if month <= ref.month else ref.year - 1


def _week(monday: date) -> str:
    return f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}"


def _season(name: str, year: int) -> str:
    start = _SEASONS[name.lower()]
    if start == 12:
        return f"{year}-12/{year + 1}-02"
    return f"{year}-{start:02d}/{year}-{start + 2:02d}"


def _season_year(name: str, rel: str, ref: date) -> int:
    """The year a season starts in: "last" is the latest one over before ``ref``."""
    start = _SEASONS[name.lower()]
    # A winter that starts in December ends in February of the next year.
    end_month = start + 2 if start != 12 else 14
    year = ref.year
    while (year * 12 + end_month) >= (ref.year * 12 + ref.month):
        year -= 1
    if rel == "last":
        return year
    if rel == "next":
        return year + 2 if (year + 1) * 12 + start <= ref.year * 12 + ref.month else year + 1
    # "this" season: the one running now or still to come this year.
    return year + 1


def _weekday(name: str, rel: str | None, ref: date) -> date:
    target = _WEEKDAYS.index(name.lower())
    back = (ref.weekday() - target) % 7
    if rel == "next":
        return ref + timedelta(days=(target - ref.weekday()) % 7 or 7)
    if rel == "last" and back == 0:
        back = 7
    return ref - timedelta(days=back)


def _resolve(m: re.Match[str], ref: date | None) -> str | None:
    """The value of one :data:`_ONE_RE` match."""
    g = m.groupdict()
    if g["m1"] or g["d2"]:
        month = _month(g["m1"] or g["m2"])
        day = int(re.match(r"\d+", g["d1"] or g["d2"]).group(0))  # type: ignore[union-attr]
        year_text = g["y1"] or g["y2"]
        year = int(year_text) if year_text else _month_year(month, ref)
        if year is None or not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
        return date(year, month, day).isoformat()
    if g["wk"]:
        month = _month(g["m3"])
        year = int(g["y3"]) if g["y3"] else _month_year(month, ref)
        if year is None:
            return None
        last = calendar.monthrange(year, month)[1]
        if g["wk"].lower() == "last":
            first_day = last - 6
        else:
            first_day = 1 + 7 * _ORDINAL_WEEKS[g["wk"].lower()]
        return f"{date(year, month, first_day)}/{date(year, month, min(first_day + 6, last))}"
    if g["m4"]:
        word = g["m4"].lower()
        # "may" and "march" are also common words; only trust them with a year or a part.
        if word in ("may", "march") and not (g["y4"] or g["part"]) and m.group(0)[0].islower():
            return None
        month = _month(word)
        year = int(g["y4"]) if g["y4"] else _month_year(month, ref)
        return None if year is None else f"{year}-{month:02d}"
    if g["rel"]:
        return _relative(re.sub(r"\s+", " ", g["rel"].lower()), g["unit"].lower(), ref)
    if g["s1"]:
        return _season(g["s1"], int(g["y5"]))
    if g["wd"]:
        return None if ref is None else _weekday(g["wd"], None, ref).isoformat()
    if g["iso"]:
        try:
            return date.fromisoformat(g["iso"]).isoformat()
        except ValueError:
            return None
    if g["ago"]:
        if ref is None:
            return None
        shift = -1 if g["ago"].lower() == "yesterday" else 0
        return (ref + timedelta(days=shift)).isoformat()
    return g["y6"]


def _resolve_text(text: str | None, ref: date | None) -> str | None:
    """The value of one expression inside a period ("between X and Y")."""
    if text is None:
        return None
    if re.fullmatch(_YEAR, text):
        return text
    m = _ONE_RE.fullmatch(text)
    return _resolve(m, ref) if m else None


def _relative(rel: str, unit: str, ref: date | None) -> str | None:
    if ref is None:
        return None
    step = {"last": -1, "next": 1}.get(rel, 0)
    if unit == "year":
        return str(ref.year + step)
    if unit == "month":
        index = ref.year * 12 + ref.month - 1 + step
        return f"{index // 12}-{index % 12 + 1:02d}"
    if unit == "week":
        return _week(ref - timedelta(days=ref.weekday()) + timedelta(weeks=step))
    if unit in _SEASONS:
        return _season(unit, _season_year(unit, rel.split()[-1], ref))
    return _weekday(unit, rel.split()[-1], ref).isoformat()


def _bounds(value: str) -> tuple[str, str]:
    """The first and last parts of a value, for building a period from two."""
    if "/" in value:
        a, b = value.split("/", 1)
        return a, b
    return value, value


def _as_date(ref: datetime | date | None) -> date | None:
    if isinstance(ref, datetime):
        return ref.date()
    return ref


def find_times(text: str, ref: datetime | date | None = None) -> list[TimeExpr]:
    """Every time expression in ``text`` that resolves, in order.

    ``ref`` is the date the text was written (the article's publication date),
    which relative expressions are resolved against.
    """
    day = _as_date(ref)
    found: list[TimeExpr] = []
    taken: list[tuple[int, int]] = []
    for m in _SPAN_RE.finditer(text):
        va = _resolve_text(m.group("a"), day)
        vb = _resolve_text(m.group("b"), day)
        kind = m.group("kind").lower()
        if va is None:
            continue
        if vb is not None:
            end = _last_day(_bounds(vb)[1])
            if _first_day(_bounds(va)[0]) > end:
                # "between February and May 2022": the year written once is both ends'
                va = _resolve_text(m.group("a"), date.fromisoformat(end)) or va
            value = f"{_bounds(va)[0]}/{_bounds(vb)[1]}"
        elif kind in ("since", "after", "from"):
            value = f"{_bounds(va)[0]}/.."
        elif kind in ("until", "till", "before"):
            value = f"../{_bounds(va)[1]}"
        else:
            continue
        found.append(TimeExpr(m.start(), m.end(), m.group(0), value))
        taken.append((m.start(), m.end()))
    for m in _ONE_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if (one := _resolve(m, day)) is not None:
            found.append(TimeExpr(m.start(), m.end(), m.group(0), one))
    return sorted(found, key=lambda t: t.start)


def period(value: str) -> tuple[str, str]:
    """The first and last day a value covers, as ISO dates (open ends stay ``..``)."""
    lo, hi = _bounds(value)
    return _first_day(lo), _last_day(hi)


def _first_day(part: str) -> str:
    if part == "..":
        return part
    if re.fullmatch(r"\d{4}", part):
        return f"{part}-01-01"
    if re.fullmatch(r"\d{4}-\d{2}", part):
        return f"{part}-01"
    return part


def _last_day(part: str) -> str:
    if part == "..":
        return part
    if re.fullmatch(r"\d{4}", part):
        return f"{part}-12-31"
    if re.fullmatch(r"\d{4}-\d{2}", part):
        year, month = map(int, part.split("-"))
        return f"{part}-{calendar.monthrange(year, month)[1]:02d}"
    return part


def periods_overlap(a: str, b: str, slack_days: int = 0) -> bool:
    """Whether two resolved values can refer to the same time, give or take ``slack_days``."""
    a_lo, a_hi = period(a)
    b_lo, b_hi = period(b)
    slack = timedelta(days=slack_days)
    before = a_hi != ".." and b_lo != ".." and _day(a_hi) + slack < _day(b_lo)
    after = b_hi != ".." and a_lo != ".." and _day(b_hi) + slack < _day(a_lo)
    return not (before or after)


def _day(value: str) -> date:
    return date.fromisoformat(value)
