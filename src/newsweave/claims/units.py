"""The units a figure is given in: percent, currencies, lengths, speeds, data sizes...

The vocabulary is ``data/units.tsv`` (see its header for its source and licence):
each unit has a canonical name ("mile per hour"), a kind ("speed"), the words
that name it ("mile", read in the plural too) and its symbols ("mph"), which are
case-sensitive and may be glued to the number ("30Mbps"). Words are matched
case-insensitively, longest first, so "square miles" is one unit, not "miles".

A compound of a unit and the thing it is counted per ("$58 per barrel", "RM79 a
month") is named by both: "dollar per barrel", "malaysian ringgit per month".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class Unit:
    """One row of the vocabulary."""

    name: str
    kind: str
    words: tuple[str, ...]
    symbols: tuple[str, ...]
    #: How many of the kind's base unit one is, as a range where the unit is
    #: ambiguous (a short or a long ton); ``None`` where figures do not convert.
    factor: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """A unit read at a place in a text: its canonical name and where it ends."""

    name: str
    kind: str
    end: int


#: Signs a currency is written with before its amount ("$5", "A$5", "€5").
_SIGNS = "$€£¥₹₩₽₪₦"
#: Units that name a span of time: a figure in them is a duration or an age.
TIME_KINDS = frozenset({"time"})


def _plurals(word: str) -> list[str]:
    """The word and its regular plural: the plural goes on the last word of
    a unit's head ("mile per hour" -> "miles per hour", "square foot" is listed)."""
    parts = word.split(" per ", 1)
    head = parts[0]
    if head.endswith(("s", "x", "ch", "sh")):
        plural = head + "es"
    elif head.endswith("y") and not head.endswith(("ay", "ey", "oy")):
        plural = head[:-1] + "ies"
    else:
        plural = head + "s"
    tail = f" per {parts[1]}" if len(parts) > 1 else ""
    return [word, plural + tail]


@cache
def vocabulary() -> tuple[Unit, ...]:
    """The units of ``data/units.tsv``, in file order."""
    text = (files("newsweave.claims") / "data" / "units.tsv").read_text(encoding="utf-8")
    units = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, kind, words, symbols, factor = [*line.split("\t"), "", "", "", ""][:5]
        surfaces: list[str] = []
        for entry in filter(None, words.split("|")):
            # "foot/feet": an irregular plural is listed; otherwise it is made
            surfaces += entry.split("/") if "/" in entry else _plurals(entry)
        low, _, high = factor.partition("..")
        units.append(
            Unit(
                name,
                kind,
                tuple(surfaces),
                tuple(filter(None, symbols.split("|"))),
                (float(low), float(high or low)) if factor else None,
            )
        )
    return tuple(units)


@cache
def _tables() -> tuple[dict[str, Unit], dict[str, Unit], re.Pattern[str], re.Pattern[str]]:
    """Words (lower case) and symbols to units, and regexes for each, longest first."""
    by_word: dict[str, Unit] = {}
    by_symbol: dict[str, Unit] = {}
    for unit in vocabulary():
        for word in unit.words:
            by_word.setdefault(word.lower(), unit)
        for symbol in unit.symbols:
            by_symbol.setdefault(symbol, unit)
    words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(by_word, key=len)[::-1])
    symbols = "|".join(
        re.escape(s).replace(r"\ ", r"\s?") for s in sorted(by_symbol, key=len)[::-1]
    )
    word_re = re.compile(rf"(?i:{words})(?![\w])")
    symbol_re = re.compile(rf"(?:{symbols})(?![\w])")
    return by_word, by_symbol, word_re, symbol_re


def currency_prefix() -> str:
    """A regex for the currency symbols written before an amount ("US$", "€", "RM", "CHF")."""
    symbols = {
        s
        for u in vocabulary()
        if u.kind == "currency"
        for s in u.symbols
        if any(c in _SIGNS for c in s) or s.isupper() or s in ("Rs", "Rs.")
    }
    # "HK$6" is also written "HK $6" (not "A$": "A $5 fee" is no Australian dollar)
    return "|".join(
        re.sub(r"^([A-Z]{2,})\\\$$", r"\1\\s?\\$", re.escape(s).replace(r"\ ", r"\s?"))
        for s in sorted(symbols, key=len)[::-1]
    )


@cache
def _prefix_re() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w$€£¥])(?:{currency_prefix()})")


#: How text folded to ASCII (unidecode) writes "£" and "¥": "PS8.1bn", "Y=28,030". "PS" is
#: read only before a number no name would carry ("PS4" is a console), and never after one
#: ("300 PS" is horsepower).
_FOLDED_RE = re.compile(
    r"PS(?=\d+(?:,\d{3})*(?:\.\d+)?(?:bn|m|k)\b|\d{1,3}(?:,\d{3})+|\d+\.\d)|Y=(?=\d)"
)
_FOLDED = {"PS": "£", "Y=": "¥"}


def read_prefix(text: str, at: int) -> tuple[str, int] | None:
    """The currency written at ``at`` before an amount, as (unit name, where it ends)."""
    if (folded := _FOLDED_RE.match(text, at)) and (at == 0 or not text[at - 1].isalnum()):
        return _tables()[1][_FOLDED[folded.group(0)]].name, folded.end()
    m = _prefix_re().match(text, at)
    if m is None:
        return None
    symbol = re.sub(r"\s+", " ", m.group(0))
    by_symbol = _tables()[1]
    unit = by_symbol.get(symbol) or by_symbol.get(symbol.replace(" ", ""))
    return (unit.name, m.end()) if unit else None


def _canonical(symbol: str) -> Unit | None:
    by_symbol = _tables()[1]
    return by_symbol.get(symbol) or by_symbol.get(re.sub(r"\s+", " ", symbol))


def read_unit(text: str, at: int, glued: bool) -> UnitMatch | None:
    """The unit written at ``at``, right after a number.

    ``glued`` says the number ends right there ("30Mbps"); otherwise ``at`` is
    after a space and one-letter symbols are not read ("5 m" is no metre).
    """
    by_word, _, word_re, symbol_re = _tables()
    if m := symbol_re.match(text, at):
        # a one-letter symbol only glued: "5m" is a length, "5 m" a stray letter
        symbol = m.group(0)
        unit = _canonical(symbol)
        if unit is not None and (glued or len(symbol.strip()) > 1 or symbol == "%"):
            return UnitMatch(unit.name, unit.kind, m.end())
    if m := word_re.match(text, at):
        unit = by_word[re.sub(r"\s+", " ", m.group(0).lower())]
        return UnitMatch(unit.name, unit.kind, m.end())
    return None


_PER_RE = re.compile(r"[\s-]*(?:(?P<per>per)[\s-]+|/|(?P<a>an?)[\s-]+)(?P<what>[A-Za-z][\w]*)")


def read_per(text: str, at: int) -> tuple[str, int] | None:
    """What an amount is counted per, after its unit: "per barrel", "a month", "/h".

    "per" and "/" take any word; "a" and "an" only a unit ("a month", "an hour"),
    since "$5 a" is mostly followed by what was bought.
    """
    m = _PER_RE.match(text, at)
    if m is None:
        return None
    what = m.group("what")
    unit = read_unit(text, m.start("what"), glued=True)
    if unit is not None and unit.end == m.end("what"):
        return unit.name, m.end()
    if m.group("a") or what.lower() in ("cent", "capita"):
        return None
    return _singular(what), m.end()


def _singular(word: str) -> str:
    if word.lower().endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def unit_name(words: str) -> str | None:
    """The canonical name of a unit written as words or a symbol ("miles", "km")."""
    found = read_unit(words, 0, glued=False)
    return found.name if found is not None and found.end == len(words) else None


def is_time(words: str | None) -> bool:
    """Whether a measure's unit ("weeks", "years of age") is a span of time."""
    if not words:
        return False
    return words.endswith(" of age") or kind_of(unit_name(words)) in TIME_KINDS


def kind_of(name: str | None) -> str | None:
    """The kind of a unit by its canonical name ("speed"), ``None`` for a count."""
    if name is None:
        return None
    base = name.split(" per ", 1)[0]
    for unit in vocabulary():
        if unit.name == base:
            return unit.kind
    return None


def in_base(words: str | None) -> tuple[str, float, float] | None:
    """A measure's unit ("tonnes", "miles") as its kind and its factor to the kind's
    base unit (low, high), so "19,000 pounds" and "8.5 tonnes" compare; ``None``
    for units that do not convert (currencies, percent, ages, rates)."""
    if not words:
        return None
    name = unit_name(words)
    unit = next((u for u in vocabulary() if u.name == name), None) if name else None
    if unit is None or unit.factor is None:
        return None
    return unit.kind, *unit.factor


def display(name: str) -> str:
    """How a unit reads in a measure: its first word's plural ("miles per hour",
    "percent"), and what it is counted per."""
    if name.endswith(" of age"):
        return display(name.removesuffix(" of age")) + " of age"
    head, _, per = name.partition(" per ")
    unit = next((u for u in vocabulary() if u.name == head), None)
    if unit is not None and unit.words:
        head = unit.words[1] if len(unit.words) > 1 else unit.words[0]
    elif unit is not None and unit.symbols:
        head = unit.symbols[0]
    return f"{head} per {per}" if per else head
