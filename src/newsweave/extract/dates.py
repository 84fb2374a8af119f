"""Publication dates from page lines: absolute dates, times of day, relative times.

Absolute dates in the usual news formats are read with regular expressions and
a month-name table (fast, and exact about what was found); dateparser, restricted
to a few languages, handles what the table misses. A relative time ("2 hours
ago") only means something against the moment the page was read, so it is
resolved against a given reference time and otherwise left out, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Literal

from newsweave.extract.patterns import RELATIVE_TIME_RE, UNIT_OF

Precision = Literal["day", "time"]

#: Month names and abbreviations in the languages newsweave meets, to month numbers.
MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januari januar janvier enero janeiro gennaio janvier jänner январь января",
        "february feb februari februar février fevrier febrero fevereiro febbraio февраль февраля",
        "march mar maret märz maerz mars marzo março marzo maart март марта",
        "april apr avril abril aprile апрель апреля",
        "may mei mai mayo maio maggio май мая",
        "june jun juni juin junio junho giugno июнь июня",
        "july jul juli juillet julio julho luglio июль июля",
        "august aug agustus août aout agosto augustus август августа",
        "september sep sept septembre septiembre setembro settembre сентябрь сентября",
        "october oct oktober octobre octubre outubro ottobre октябрь октября",
        "november nov nopember novembre noviembre novembro ноябрь ноября",
        "december dec desember dezember décembre diciembre dezembro dicembre декабрь декабря",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number
#: Weekday names, which head many date lines ("Selasa, 5 Maret 2024").
WEEKDAYS: frozenset[str] = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun senin selasa rabu kamis jumat jum'at sabtu minggu montag dienstag mittwoch "
    "donnerstag freitag samstag sonntag lundi mardi mercredi jeudi vendredi samedi dimanche "
    "lunes martes miércoles jueves viernes sábado domingo segunda terça quarta quinta sexta "
    "lunedì martedì mercoledì giovedì venerdì sabato domenica maandag dinsdag woensdag "
    "donderdag vrijdag zaterdag zondag".split()
)
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

_TIME = (
    r"(?:\s*(?:[|,·•@-]|at|um|à|pukul|alle|às)?\s*"
    r"(?P<hh>\d{1,2})[:.h](?P<mi>\d{2})(?::(?P<ss>\d{2}))?\s*"
    r"(?P<ampm>[ap]\.?\s?m\.?)?(?:\s*(?P<tz>UTC|GMT|Z)(?P<off>[+-]\d{1,2}(?::?\d{2})?)?)?)?"
)
_DATE_RES = [
    re.compile(
        r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
        r"(?:[T ](?P<hh>\d{2}):(?P<mi>\d{2})(?::(?P<ss>\d{2}))?(?:\.\d+)?"
        r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
    ),
    re.compile(
        rf"\b(?P<mname>{_MONTH_ALT})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
        + _TIME,
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:\.|st|nd|rd|th|er)?\s+(?:de\s+)?(?P<mname>{_MONTH_ALT})\.?,?"
        rf"\s+(?:de\s+)?(?P<y>\d{{4}})" + _TIME,
        re.IGNORECASE,
    ),
    re.compile(r"(?<!\d)(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4})(?!\d)" + _TIME),
]

_YEAR_RE = re.compile(r"\d{4}")
#: A numeric date with a two-digit year, read only with a time after it, as bylines
#: print it ("By Tess Bonn - 11/19/19 06:56 AM EST"): alone, "3/4/19" is as often a
#: score. The form is American, so it is read month first.
_SHORT_YEAR_RE = re.compile(
    r"(?<![\d/.])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<yy>\d{2})(?![\d/])\s+"
    r"(?P<hh>\d{1,2}):(?P<mi>\d{2})(?::(?P<ss>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?",
    re.IGNORECASE,
)


def find_date(text: str, *, short_year: bool = False) -> tuple[datetime, Precision] | None:
    """The first absolute date in ``text`` with its precision, or ``None``.

    Numeric dates are read day first ("27-02-2025"), month first only when the
    day-first reading is impossible ("02/27/2025"). ``short_year`` also reads a
    two-digit year before a time ("11/19/19 06:56 AM", month first): the reader of
    bylines sets it; the segmenter's features do not, as its model was trained without.
    """
    found = locate_date(text, short_year=short_year)
    return None if found is None else (found[2], found[3])


def locate_date(
    text: str, *, short_year: bool = False
) -> tuple[int, int, datetime, Precision] | None:
    """Like :func:`find_date`, with where in ``text`` the date (and its time) starts and ends."""
    patterns = [*_DATE_RES, _SHORT_YEAR_RE] if short_year else _DATE_RES
    if not short_year and _YEAR_RE.search(text) is None:  # a four-digit year is needed
        return None
    best: tuple[int, int, datetime, Precision] | None = None
    for pattern in patterns:
        for match in pattern.finditer(text):
            parsed = _from_match(match)
            if parsed is not None:
                if best is None or match.start() < best[0]:
                    best = (match.start(), match.end(), *parsed)
                break
    return best


#: A month and day with no year ("Posted Nov 18, 8:19 PM", "18. März"): the year must
#: come from elsewhere, so these are matched only where no full date was found.
_YEARLESS_RES = [
    re.compile(
        rf"\b(?P<mname>{_MONTH_ALT})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d,]*\s*\d{{4}})\b"
        + _TIME,
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:\.|st|nd|rd|th|er)?\s+(?:de\s+)?(?P<mname>{_MONTH_ALT})\b"
        rf"(?!\.?,?\s*(?:de\s+)?\d{{4}})\.?" + _TIME,
        re.IGNORECASE,
    ),
]
#: Labels that name the first publication, preferred over "Updated".
_PUBLISHED_LABEL_RE = re.compile(
    r"\b(?:posted|published|diterbitkan|veröffentlicht|publié|publicado|pubblicato|gepubliceerd)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Yearless:
    """A date found without its year: the month, the day and what else the match held."""

    month: int
    day: int
    parts: dict[str, str | None]
    #: Where the match lies in the text it was found in.
    span: tuple[int, int]

    def in_year(self, year: int) -> tuple[datetime, Precision] | None:
        """The date placed in ``year`` (``None`` for 29 February of a common year)."""
        return _from_parts({**self.parts, "y": str(year)})


def find_yearless(text: str) -> Yearless | None:
    """A month-and-day date in ``text`` ("Posted Nov 18, 8:19 PM"), or ``None``.

    When a line gives several ("Updated Nov 19; Posted Nov 18"), the one after a
    first-publication label wins.
    """
    found: list[tuple[int, Yearless]] = []
    for pattern in _YEARLESS_RES:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month, day = MONTHS[parts["mname"].lower()], int(parts["d"])
            if 1 <= day <= 31:
                found.append((match.start(), Yearless(month, day, parts, match.span())))
    if not found:
        return None
    label = _PUBLISHED_LABEL_RE.search(text)
    if label is not None:
        found = [f for f in found if f[0] >= label.end()] or found
    return min(found, key=lambda f: f[0])[1]


def year_for(
    date: Yearless, page_dates: list[datetime], reference_time: datetime | None
) -> int | None:
    """The year of a yearless date, or ``None`` rather than a guess.

    A full date elsewhere on the page with the same month and day (an embedded
    post, a caption) settles it; else the reference time, taking the latest
    such day not after it.
    """
    years = {d.year for d in page_dates if (d.month, d.day) == (date.month, date.day)}
    if len(years) == 1:
        return years.pop()
    if reference_time is not None:
        late = (date.month, date.day) > (reference_time.month, reference_time.day)
        return reference_time.year - late
    return None


def _from_match(match: re.Match[str]) -> tuple[datetime, Precision] | None:
    return _from_parts(match.groupdict())


def _group(parts: dict[str, str | None], name: str) -> str:
    """A group the patterns that reach its branch always capture."""
    value = parts[name]
    assert value is not None, name
    return value


def _from_parts(parts: dict[str, str | None]) -> tuple[datetime, Precision] | None:
    year = int(y) if (y := parts.get("y")) else 2000 + int(parts["yy"] or 0)
    if mname := parts.get("mname"):
        month = MONTHS[mname.lower()]
        day = int(_group(parts, "d"))
    elif a := parts.get("a"):
        day, month = int(a), int(_group(parts, "b"))
        if month > 12:
            day, month = month, day
    else:
        month, day = int(_group(parts, "m")), int(_group(parts, "d"))
    if not 1990 <= year <= 2100:
        return None
    try:
        value = datetime(year, month, day)
    except ValueError:
        return None
    if (hh := parts.get("hh")) is None:
        return value, "day"
    hour, minute = int(hh), int(_group(parts, "mi"))
    ampm = (parts.get("ampm") or "").replace(".", "").replace(" ", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    second = int(parts.get("ss") or 0)
    if hour > 23 or minute > 59 or second > 59:
        # An impossible time of day: the date alone is still the page's.
        return value, "day"
    value = value.replace(hour=hour, minute=minute, second=second)
    tz = _zone(parts.get("tz"), parts.get("off"))
    return (value.replace(tzinfo=tz) if tz else value), "time"


def _zone(name: str | None, offset: str | None) -> timezone | None:
    if not name:
        return None
    # ISO puts the offset where the zone name would be ("+07:00"); "GMT+7" puts it after.
    spec = name if name[0] in "+-" else offset
    if not spec:
        return UTC
    match = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", spec)
    if match is None:
        return None
    delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    return timezone(-delta if match.group(1) == "-" else delta)


def parse_loose(text: str, languages: tuple[str, ...]) -> tuple[datetime, Precision] | None:
    """dateparser's reading of a short date-like line, for formats the table misses."""
    if len(text) > 60 or not re.search(r"\b(?:19|20)\d{2}\b", text):
        return None
    value = _dateparser_parse(text, languages)
    if value is None:
        return None
    has_time = bool(re.search(r"\d{1,2}[:.]\d{2}", text))
    return (value if has_time else value.replace(hour=0, minute=0, second=0)), (
        "time" if has_time else "day"
    )


# Bounded: date lines are often unique to a page ("Updated Nov 19, 9:41 AM"), and a
# crawl's process reads millions of pages.
@lru_cache(maxsize=4096)
def _dateparser_parse(text: str, languages: tuple[str, ...]) -> datetime | None:
    import dateparser  # slow to import, and needed only for unusual formats

    return dateparser.parse(
        text,
        languages=list(languages),
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )


_SECONDS = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
    "year": 365 * 86400,
}
_ONE = {"a", "an", "one", "ein", "eine", "einer", "un", "une"}


def find_relative(text: str) -> timedelta | None:
    """How long ago a relative time in ``text`` says ("2 jam lalu" → 2 hours)."""
    match = RELATIVE_TIME_RE.search(text)
    if match is None:
        return None
    number = match.group("n1") or match.group("n2")
    unit = UNIT_OF[(match.group("u1") or match.group("u2")).lower()]
    count = 1 if number.lower() in _ONE else int(number)
    return timedelta(seconds=count * _SECONDS[unit])


def resolve_relative(ago: timedelta, reference_time: datetime) -> tuple[datetime, Precision]:
    """The moment ``ago`` before ``reference_time``; day precision past a day back."""
    value = reference_time - ago
    if ago >= timedelta(days=1):
        return value.replace(hour=0, minute=0, second=0, microsecond=0), "day"
    return value.replace(microsecond=0), "time"
