"""Figures in running text: finding them and reading them as ranges.

A figure is read as a :class:`~newsweave.models.Quantity` range so that
differently worded figures can be compared by overlap:

- a bare number is a point: "two" is ``(2, 2)``, "1.5 million" ``(1500000, 1500000)``;
- hedges (about, around, roughly, an estimated, "or so") keep the point and set
  ``approximate``: "about 300" is ``(300, 300, approximate=True)``;
- "nearly" and "almost" are just below the figure, by this convention up to
  10 % below: "nearly 500,000" is ``(450000, 500000, approximate=True)``;
- lower bounds (more than, over, at least, "or more", "+") leave ``high`` open:
  "more than 1,000" is ``(1000, None)``;
- upper bounds (up to, fewer than, as many as, "or fewer") leave ``low`` open:
  "up to 3,000" is ``(None, 3000)``;
- ranges ("10,000-12,000", "1,000 to 3,000", "between 1,000 and 3,000") give both
  ends; a scale word on the right end applies to both ("1.5-2 million");
- vague amounts are ranges and approximate, by this convention: "a few" is 2-5,
  "several" 2-9, "dozens" 24-99, and "a few"/"several" multiply a following
  scale word ("several hundred" is 200-900); plural scale words are 2-9.99 of
  their unit ("hundreds" is 200-999, "thousands" 2,000-9,999), and "tens of"
  is 20-99 ("tens of thousands" is 20,000-99,999).

"half a million" is 500,000 and "$449K" 449,000. Currency signs and "%" or
"percent" are kept in ``Quantity.text`` and reported by
:func:`unit_of`, never folded into the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsweave.models import Quantity

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "bn": 1_000_000_000,
    "mn": 1_000_000,
}
_DOZEN = {"dozen": 12, "a dozen": 12, "half a dozen": 6}
#: Vague multipliers: how many of the following unit they may stand for.
_VAGUE = {"a few": (2, 5), "few": (2, 5), "several": (2, 9), "a couple of": (2, 3)}

_BELOW = r"nearly|almost|just\s+under|just\s+shy\s+of"
_APPROX = (
    rf"about|around|roughly|approximately|some|an\s+estimated|estimated|{_BELOW}"
    r"|close\s+to|circa|approx\.|~"
)
#: How far below its figure "nearly" reaches (see the module docstring).
BELOW_MARGIN = 0.1
_LOWER = (
    r"more\s+than|over|at\s+least|upwards\s+of|in\s+excess\s+of|above|exceeding"
    r"|greater\s+than|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of"
)
_UPPER = (
    r"up\s+to|fewer\s+than|less\s+than|under|below|at\s+most|as\s+many\s+as|as\s+much\s+as"
    r"|no\s+more\s+than|a\s+maximum\s+of"
)
_WORD = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_SCALE = "|".join(sorted(_SCALES, key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDNUM = rf"(?:{_WORD})(?:-(?:{_WORD}))?(?:\s+(?:{_SCALE})\b)*"
_PLURAL = (
    r"(?:tens|hundreds)\s+of\s+(?:thousands|millions|billions)"
    r"|dozens|hundreds|thousands|millions|billions"
)
_VAGUE_RE = (
    rf"(?:a\s+few|several|a\s+couple\s+of)\s+(?:{_SCALE}|dozen)\b"
    r"|half\s+a\s+dozen|a\s+dozen|dozen"
    rf"|half\s+a\s+(?:{_SCALE})\b"
    rf"|a\s+(?:{_SCALE})\b"
)
_CUR = r"(?:US\$|[$€£¥])"
_PERCENT = r"%|\s*per\s?cent\b"
# "$449K": a thousands "k" only right after digits, where it cannot be a word
_ONE = (
    rf"{_CUR}?\s?(?:(?:{_DIGITS})(?:\s*(?:{_SCALE})\b|k\b)?|{_VAGUE_RE}|{_WORDNUM}|{_PLURAL})"
    rf"(?:{_PERCENT})?"
)
_FIGURE = (
    rf"(?:(?P<mod>{_APPROX}|{_LOWER}|{_UPPER})\s+)?"
    rf"(?:between\s+(?P<b1>{_ONE})\s+and\s+(?P<b2>{_ONE})"
    rf"|from\s+(?P<f1>{_ONE})\s+to\s+(?P<f2>{_ONE})"
    rf"|(?P<a>{_ONE})(?:\s*(?:-|–|—|to)\s*(?P<z>{_ONE}))?)"
    r"(?P<post>\s+or\s+(?:more|greater|higher|fewer|less|so)\b|\+)?"
)
FIGURE_RE = re.compile(rf"(?<![\w.,$€£¥-]){_FIGURE}(?![\w])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure found in a text: its character span and its reading."""

    start: int
    end: int
    quantity: Quantity
    spelled: bool  # written in words ("two"), which needs more care than digits


def _words_value(text: str) -> float | None:
    """The value of a spelled-out number ("twenty-five", "three hundred")."""
    total, current = 0.0, 0.0
    seen = False
    for word in re.split(r"[\s-]+", text.lower()):
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            scale = _SCALES[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total, current = total + current, 0.0
        elif word in ("a", "and"):
            continue
        else:
            return None
        seen = True
    return total + current if seen else None


def _one(text: str) -> tuple[float, float, bool] | None:
    """One figure without modifiers, as ``(low, high, vague)``."""
    t = re.sub(r"\s+", " ", text.strip().lower())
    t = re.sub(rf"^{_CUR}\s?", "", t, flags=re.IGNORECASE)
    t = re.sub(rf"(?:{_PERCENT})$", "", t).strip()
    if m := re.fullmatch(rf"({_DIGITS})\s*({_SCALE}|k)?", t):
        value = float(m.group(1).replace(",", ""))
        value *= (1000 if m.group(2) == "k" else _SCALES[m.group(2)]) if m.group(2) else 1
        return value, value, False
    if m := re.fullmatch(rf"half a ({_SCALE})", t):
        return _SCALES[m.group(1)] / 2, _SCALES[m.group(1)] / 2, False
    if t in _DOZEN:
        return _DOZEN[t], _DOZEN[t], False
    if m := re.fullmatch(r"(a few|few|several|a couple of) (\w+)", t):
        lo, hi = _VAGUE[m.group(1)]
        unit = 12 if m.group(2) == "dozen" else _SCALES.get(m.group(2))
        return (lo * unit, hi * unit, True) if unit else None
    if m := re.fullmatch(r"(tens|hundreds) of (thousands|millions|billions)", t):
        unit = _SCALES[m.group(2)[:-1]] * (10 if m.group(1) == "tens" else 100)
        return 2 * unit, 10 * unit - 1, True
    if t == "dozens":
        return 24, 99, True
    if t in ("hundreds", "thousands", "millions", "billions"):
        unit = _SCALES[t[:-1]]
        return 2 * unit, 10 * unit - 1, True
    value = _words_value(t)
    return (value, value, False) if value is not None else None


def _scale_of(text: str) -> float | None:
    m = re.search(rf"({_SCALE})\s*(?:{_PERCENT})?$", text.strip().lower())
    return _SCALES[m.group(1)] if m else None


def _number(value: float) -> float | int:
    return int(value) if value == int(value) else value


def _quantity(m: re.Match[str]) -> Quantity | None:
    """The range a :data:`FIGURE_RE` match stands for."""
    text = re.sub(r"\s+", " ", m.group(0).strip())
    left = m.group("b1") or m.group("f1") or m.group("a")
    right = m.group("b2") or m.group("f2") or m.group("z")
    first = _one(left)
    if first is None:
        return None
    lo, hi, approx = first
    if right is not None:
        second = _one(right)
        if second is None:
            return None
        # "1.5-2 million": the scale written once applies to both ends.
        scale = _scale_of(right)
        if scale and _scale_of(left) is None and lo < scale:
            lo, hi = lo * scale, hi * scale
        lo, hi = min(lo, second[0]), max(hi, second[1])
        approx = approx or second[2]
    mod = re.sub(r"\s+", " ", (m.group("mod") or "").lower())
    post = (m.group("post") or "").strip().lower()
    low: float | None = lo
    high: float | None = hi
    if mod and re.fullmatch(_APPROX, mod):
        approx = True
        if re.fullmatch(_BELOW, mod):
            low = lo * (1 - BELOW_MARGIN)
    elif mod and re.fullmatch(_LOWER, mod):
        high = None
    elif mod and re.fullmatch(_UPPER, mod):
        low = None
    if post in ("+", "or more", "or greater", "or higher"):
        high = None
    elif post in ("or fewer", "or less"):
        low = None
    elif post == "or so":
        approx = True
    return Quantity(
        None if low is None else _number(low),
        None if high is None else _number(high),
        approx,
        text,
    )


def parse_quantity(text: str) -> Quantity | None:
    """The first figure in ``text`` read as a range, or ``None`` if it has none.

    See the module docstring for how hedges, bounds and vague amounts read.
    """
    for m in FIGURE_RE.finditer(text):
        if q := _quantity(m):
            return q
    return None


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order, with its span and reading."""
    found = []
    for m in FIGURE_RE.finditer(text):
        q = _quantity(m)
        if q is None:
            continue
        core = m.group("b1") or m.group("f1") or m.group("a")
        spelled = not re.search(r"\d", core)
        found.append(Figure(m.start(), m.end(), q, spelled))
    return found


def unit_of(text: str) -> str | None:
    """The unit a figure's own words carry: a currency or ``percent``."""
    if re.search(_PERCENT, text, re.IGNORECASE):
        return "percent"
    if m := re.search(_CUR, text):
        return {"$": "dollars", "US$": "dollars", "€": "euros", "£": "pounds", "¥": "yen"}[
            m.group(0)
        ]
    return None
