"""Figures in running text: finding them and reading them as ranges with units.

A figure is read in two steps. First every *amount* is read on its own: a
number (digits, words or a fraction) with what touches it — a currency before
it, a sign, scale words ("4 hundred million", "$13.6M", "£8.1bn") and a unit
after it ("30Mbps", "155 miles per hour", "$58 per barrel"). Then amounts next
to each other are joined where the words between them make one figure of them:
a range ("10,000-12,000", "from 252 to 287 miles", "between -10 and 15"), or a
lower and an upper bound ("greater than 100 and smaller than 300"). Amounts in
different units stay apart ("dropped 7% to $2.3 billion" is two figures), so
does a change and the level it reached ("rose by $43.6 billion to $419.2 billion").

Each figure is a :class:`~newsweave.models.Quantity` range, so that differently
worded figures can be compared by overlap:

- a bare number is a point: "two" is ``(2, 2)``, "1.5 million" ``(1500000, 1500000)``;
- hedges (about, around, roughly, an estimated, "or so") keep the point and set
  ``approximate``: "about 300" is ``(300, 300, approximate=True)``;
- "nearly" and "almost" are just below the figure, by this convention up to
  10 % below: "nearly 500,000" is ``(450000, 500000, approximate=True)``;
- lower bounds (more than, over, at least, "or more", "+", ">") leave ``high``
  open: "more than 1,000" is ``(1000, None)``;
- upper bounds (up to, fewer than, as many as, just under, "or fewer", "<")
  leave ``low`` open: "up to 3,000" is ``(None, 3000)``;
- ranges give both ends; a scale word or a unit written once applies to both
  ("1.5-2 million", "5-10W"), unless the end without it is written in full
  ("from $750,000 to $1 million");
- vague amounts are ranges and approximate, by this convention: "a few" is 2-5,
  "several" 2-9 and "a couple of" 2-3 of a following scale word ("several
  hundred" is 200-900), "dozens" is 24-99; plural scale words span one order of
  magnitude ("hundreds" is 100-1,000, "tens of thousands" 10,000-100,000).

Numbers that are not amounts are not figures: parts of names and identifiers
("S&P 500", "Game 6", "COVID-19", "PS4"), clock times ("2.30 p.m."), addresses
("49 Elm Road"), ordinals ("71st"), counters ("Photo 1 of 30") and scores
("ended 2-2"). The unit of a figure is named as in :mod:`~newsweave.claims.units`
("percentage", "dollar", "mile per hour").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from newsweave.claims.units import read_per, read_prefix, read_unit
from newsweave.models import Quantity

_SMALL = {
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
    "mln": 1_000_000,
    "tn": 1_000_000_000_000,
    "lakh": 100_000,
    "crore": 10_000_000,
}
#: Scale letters glued to digits: "$449K", "$13.6M", "£8.1bn" ("m" see :func:`_glued_scale`).
_GLUED = {"k": 1e3, "K": 1e3, "M": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "b": 1e9, "B": 1e9}
_GLUED |= {"bn": 1e9, "tn": 1e12, "tr": 1e12, "T": 1e12}
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4}
_FRACTIONS |= {"fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
}
#: Vague multipliers: how many of the following scale word they may stand for.
_VAGUE = {"a few": (2, 5), "few": (2, 5), "several": (2, 9), "a couple of": (2, 3)}

_BELOW = r"nearly|almost|just\s+shy\s+of|not\s+quite"
_APPROX = (
    rf"about|around|roughly|approximately|some|an\s+estimated|estimated|{_BELOW}"
    r"|close\s+to|circa|approx\.|~|≈|in\s+the\s+region\s+of|more\s+or\s+less"
)
#: How far below its figure "nearly" reaches (see the module docstring).
BELOW_MARGIN = 0.1
_OR_EQUAL = r"(?:\s+or\s+equal(?:\s+to|\s+than)?)?"
_LOWER = (
    r"more\s+than|over|at\s+least|upwards\s+of|in\s+excess\s+of|above|exceeding|exceeds?"
    r"|exceeded|surpass(?:es|ed|ing)?|just\s+over|north\s+of|a\s+minimum\s+of"
    rf"|(?:greater|bigger|larger|higher)(?:\s+than{_OR_EQUAL}|{_OR_EQUAL}\s+than)"
    r"|(?:more)\s+than\s+or\s+equal\s+to|no\s+(?:fewer|less)\s+than|at\s+least\s+or\s+equal\s+to"
    r"|>=?|≥"
)
_UPPER = (
    r"up\s+to|fewer\s+than|less\s+than|under|below|at\s+most|as\s+many\s+as|as\s+much\s+as"
    r"|just\s+under|no\s+more\s+than|a\s+maximum\s+of|not\s+exceeding|sub-"
    rf"|(?:less|smaller|lower|fewer)(?:\s+than{_OR_EQUAL}|{_OR_EQUAL}\s+than)"
    r"|<=?|≤"
)
_MOD_RE = re.compile(rf"(?i:(?P<mod>{_LOWER}|{_UPPER}|{_APPROX}))(?:\s+the(?:\s+age\s+of)?)?\s*$")
_POST_RE = re.compile(
    r"(?i:\s*(?P<post>\+|\s+or\s+(?:more|greater|higher|above|over|fewer|less|lower|below|so)\b"
    r"|\s+and\s+(?:up|above|over)\b|-?plus\b))"
)

_DIGITS_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
_WORD_RE = re.compile(r"[A-Za-z]+")
_SCALE_RE = re.compile(
    r"(?i:\s*(?:-\s*)?(?P<scale>" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r"))\b"
)
_VAGUE_RE = re.compile(
    r"(?i:(?P<mult>a\s+few|several|a\s+couple\s+of)\s+(?P<unit>hundred|thousand|million|billion"
    r"|trillion|dozen)\b"
    r"|(?P<plural_of>tens|hundreds)\s+of\s+(?P<big>thousands|millions|billions)\b"
    r"|(?P<plural>dozens|hundreds|thousands|millions|billions|trillions)\b)"
)
#: Where an amount may start: a digit, a sign, a currency or a number word.
_START_RE = re.compile(
    r"(?<![\w.,])(?:\.?\d|[-−]\d|[$€£¥₹₩₽₪₦~<>≤≥]|[A-Z]{1,3}\s?\$|[A-Z]{2,3}\s?\d|Rs\.?\s?\d|Y=\d)"
    r"|(?<![\w])(?i:minus|negative|no(?:\s+|-)one|nobody|a\s+(?:few|couple|dozen|hundred|thousand|million|billion|half"
    r"|third|quarter)|half|several|dozens?|hundreds|thousands|millions|billions|tens\s+of"
    rf"|{'|'.join([*_SMALL, *_TENS])})\b"
)
_CLOCK_RE = re.compile(
    r"\d{1,2}[:.]\d{2}(?::\d{2})?(?:\.\d+)?\s*(?i:[ap]\.?m\b\.?)?|\d{1,2}\s*(?i:[ap]\.m\.|[ap]m\b)"
)
_STREET_RE = re.compile(
    r"(?:\s+[A-Z][\w'’.-]*){1,3}\s+(?:Road|Rd|Street|St|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive"
    r"|Way|Place|Court|Terrace|Square|Highway|Hwy)\b|\s+(?:Rd|St|Ave|Blvd)\b"
)
_COUNTER_RE = re.compile(r"\s+of\s+(\d+)(?=\s*(?:$|[^\w\s]|\s[A-Z]))")
_RANGE_RE = re.compile(r"(?i:\s*(?:-|–|—|~|to|through|thru)\s*)$")
_JOIN_RE = re.compile(r"(?i:\s*,?\s*(?:and|but)\s*)$")
#: Words before "X to Y" that make it a change and its result, not a range.
_CHANGE_RE = re.compile(
    r"(?i:\b(?:by|rose|rises|rise|fell|falls|fall|gained|gains|lost|dropped|drops|climbed|climbs"
    r"|jumped|jumps|slipped|declined|declines|increased|increases|decreased|grew|grows|surged"
    r"|plunged|plummeted|tumbled|sank|soared|slid|added|shed|advanced|edged|up|down|higher|lower)"
    r"\s+$)"
)
_CUR_SIGNS = "$€£¥₹₩₽₪₦"
_NONE_RE = re.compile(r"(?i:no(?:\s+|-)one|nobody)\b")
#: Words before "pounds" that make them a weight.
_WEIGHT_RE = re.compile(
    r"(?i:\b(?:weigh\w*|heav(?:y|ier|iest)|mass|payload)(?:\s+of)?(?:\s+[a-z]+){0,2}\s+)$"
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure found in a text: its character span, its reading and its unit.

    ``unit`` is the canonical unit name ("percentage", "dollar", "mile per
    hour") or ``None`` for a plain count; ``spelled`` says the number is written
    in words ("two"), which needs more care than digits.
    """

    start: int
    end: int
    quantity: Quantity
    spelled: bool
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class _Amount:
    """One number with what touches it, before joining into ranges."""

    start: int
    end: int
    low: float
    high: float
    vague: bool
    spelled: bool
    unit: str | None = None
    prefixed: bool = False  # the unit is a currency written before the number
    factor: float = 1.0  # the scale words or letter applied ("million": 1e6)
    whole: bool = False  # an integer with nothing around it ("500", "Game 6")


def _words_number(text: str, at: int) -> tuple[float, int, bool] | None:
    """A number written in words at ``at``: (value, end, fraction).

    "twenty-eight thousand six hundred forty-two", "one thousand and five
    hundred", "a hundred", "two and a half", "two-thirds", "a quarter of".
    A word that cannot continue the number ends it ("one two" is one).
    """
    total = current = 0.0
    end = at
    last = ""  # the class of the last word read: small, teen, tens, hundred, big
    pos = at
    seen = False
    while True:
        m = _WORD_RE.match(text, pos)
        if m is None:
            break
        word = m.group(0).lower()
        if word == "a" and not seen:
            nxt = _WORD_RE.match(text, m.end() + 1)
            if nxt is None or nxt.group(0).lower() not in (*_SCALES, "dozen", *_FRACTIONS):
                return None
            current, last, seen = 1.0, "small", True
        elif word == "and" and seen:
            # "one thousand and five hundred", "two and a half"
            nxt = _WORD_RE.match(text, m.end() + 1)
            if nxt is None:
                break
            following = nxt.group(0).lower()
            if following == "a" and text[nxt.end() : nxt.end() + 5].lower() == " half":
                current += 0.5
                end = nxt.end() + 5
                pos = end
                continue
            if last not in ("hundred", "big") or following not in (*_SMALL, *_TENS):
                break
        elif word in _SMALL and (not seen or last in ("hundred", "big", "and", "tens")):
            if last == "tens" and (_SMALL[word] >= 10 or text[pos - 1] not in " -"):
                break
            current += _SMALL[word]
            last, seen = ("teen" if _SMALL[word] >= 10 else "small"), True
        elif word in _TENS and (not seen or last in ("hundred", "big")):
            current += _TENS[word]
            last, seen = "tens", True
        elif word == "dozen" and seen and last in ("small", "tens"):
            current *= 12
            last = "big"
        elif word in _SCALES and seen and word not in ("bn", "mn", "mln", "tn"):
            scale = _SCALES[word]
            if scale == 100:
                if last == "hundred" or (last == "big" and current == 0):
                    break
                current = (current or 1) * 100
                last = "hundred"
            else:
                total, current, last = total + (current or 1) * scale, 0.0, "big"
        elif word in _FRACTIONS and seen and last in ("small", "teen") and current < 20:
            # "two-thirds", "one quarter", "a half"
            if current == 1 and word.endswith("s") and word != "halves":
                break
            return current / _FRACTIONS[word], m.end(), True
        else:
            break
        end = m.end()
        # numbers join by a hyphen or a space, "and" inside them
        pos = m.end() + 1 if m.end() < len(text) and text[m.end()] in " -" else len(text) + 1
        if pos > len(text):
            break
    if not seen:
        return None
    return total + current, end, False


def _glued_scale(text: str, at: int, currency: bool) -> tuple[float, int] | None:
    """A scale letter right after digits ("13.6M", "5m", "8.1bn"), and where it ends.

    A bare "m" is a million after a currency or before a word ("5m people");
    before anything else it is left to be read as metres ("a 5m wall" is not).
    """
    m = re.match(r"(bn|mn|mln|tn|tr|[kKmMbBT])(?![\w/²³])", text[at : at + 4])
    if m is None:
        return None
    letter = m.group(1)
    if letter in ("T", "b", "tr") and not currency:
        return None
    if letter == "m" and not currency:
        after = text[at + 1 : at + 40]
        if not re.match(
            r"\s+(?!(?:tall|high|long|deep|wide|away|above|below|of|in)\b)[a-z]", after
        ):
            return None
    return _GLUED[letter], at + len(letter)


def _vague(m: re.Match[str]) -> tuple[float, float]:
    if m.group("mult"):
        lo, hi = _VAGUE[re.sub(r"\s+", " ", m.group("mult").lower())]
        unit = m.group("unit").lower()
        scale = 12 if unit == "dozen" else _SCALES[unit]
        return lo * scale, hi * scale
    if m.group("plural_of"):
        base = _SCALES[m.group("big").lower()[:-1]] * (
            10 if m.group("plural_of") == "tens" else 100
        )
        return base, base * 10
    plural = m.group("plural").lower()
    if plural == "dozens":
        return 24, 99
    base = _SCALES[plural[:-1]]
    return base, base * 10


def _read_amount(text: str, at: int) -> _Amount | None:
    """The amount that starts at ``at``, if one does."""
    start = at
    unit = None
    prefixed = False
    if cur := read_prefix(text, at):
        unit, at = cur
        prefixed = True
        at += text[at : at + 1] == " "
    sign = 1.0
    if m := re.match(r"(?i:minus|negative)[\s-]?|[-−](?=\d)", text[at:]):
        if not m.group(0)[0].isalpha() and start == at and at > 0 and text[at - 1] not in " (\n":
            return None
        sign = -1.0
        at += m.end()
    spelled = False
    vague = False
    factor = 1.0
    fraction = False
    if m := _DIGITS_RE.match(text, at):
        low = high = float(m.group(0).replace(",", ""))
        end = m.end()
        if re.match(r"/\d", text[end : end + 2]) and (
            d := re.match(r"/(\d{1,2})(?![\d/])", text[end:])
        ):
            # "1/2", "3/4": a fraction when the numerator is smaller
            denominator = int(d.group(1))
            if 1 < denominator <= 16 and low < denominator and low == int(low):
                low = high = low / denominator
                end += d.end()
                fraction = True
        elif re.match(r"\s+and\s+a\s+half\b", text[end:]):
            low = high = low + 0.5
            end += len(re.match(r"\s+and\s+a\s+half", text[end:]).group(0))  # type: ignore[union-attr]
    elif m := re.match(
        r"(?i:half\s+an?\s+(hundred|thousand|million|billion|trillion|dozen))\b", text[at:]
    ):
        low = high = (12 if m.group(1).lower() == "dozen" else _SCALES[m.group(1).lower()]) / 2
        end, spelled = at + m.end(), True
    elif m := _VAGUE_RE.match(text, at):
        low, high = _vague(m)
        end, vague, spelled = m.end(), True, True
    elif m := _NONE_RE.match(text, at):
        low = high = 0.0  # "no one was injured": a count of none, that a rival count contradicts
        end, spelled = m.end(), True
    elif words := _words_number(text, at):
        low, end, fraction = words
        high = low
        spelled = True
    else:
        return None
    whole = not prefixed and not fraction and re.fullmatch(r"\d+", text[at:end]) is not None
    if not vague and not fraction:
        # scale words after digits or words: "4 hundred million", "1.5 billion"
        while s := _SCALE_RE.match(text, end):
            if (
                spelled
                and s.group("scale").lower()
                in ("hundred", "thousand", "million", "billion", "trillion")
                and s.start("scale") == end + 1
            ):
                break  # already read as part of the words
            scale = _SCALES[s.group("scale").lower()]
            low, high, end, factor = low * scale, high * scale, s.end(), factor * scale
        if factor == 1 and not spelled and (g := _glued_scale(text, end, unit is not None)):
            low, high, end, factor = low * g[0], high * g[0], g[1], g[0]
    low, high = sorted((sign * low, sign * high))
    # a unit after the number, glued ("30Mbps", "5%") or after a space or hyphen
    glued = end < len(text) and not text[end].isspace() and text[end] != "-"
    gap = re.match(r"[ \t]?-?(?=\S)", text[end:]) if not glued else None
    if vague and gap and (of := re.match(r"\s+of\s+(?=\S)", text[end:])):
        gap = of  # "hundreds of miles"
    if glued or gap:
        found = read_unit(text, end + (gap.end() if gap else 0), glued)
        # a currency word after a currency sign names it ("$5 Australian dollars"),
        # and "5-dollar" is no unit glued by a hyphen
        if (
            found is not None
            and (unit is None or found.kind != "currency" or found.name == unit or unit == "dollar")
            and not (gap and gap.group(0).endswith("-") and found.kind == "currency")
        ):
            unit, end = found.name, found.end
            if (
                unit == "pound sterling"
                and not prefixed
                and (
                    re.match(r"\s+of\s", text[end:])
                    or _WEIGHT_RE.search(text[max(0, start - 60) : start])
                )
            ):
                unit = "pound-mass"  # "2 pounds of sugar", "it weighs 19,000 pounds"
    if unit is not None and (per := read_per(text, end)):
        unit, end = f"{unit} per {per[0]}", per[1]
    if unit in ("year", "month", "week", "day") and (
        old := re.match(r"(?i:[\s-]+old)\b", text[end:])
    ):
        unit, end = f"{unit} of age", end + old.end()
    elif unit in (None, "year") and re.search(r"(?i:\bage\s+of\s+)$", text[:start]):
        unit = "year of age"  # "over the age of 21"
    whole = whole and unit is None and factor == 1
    return _Amount(start, end, low, high, vague, spelled, unit, prefixed, factor, whole)


def _skip_identifier(text: str, a: _Amount) -> bool:
    """Whether an amount is a number that is not an amount (see the module docstring)."""
    before = text[max(0, a.start - 40) : a.start]
    after = text[a.end : a.end + 60]
    if (
        a.start > 1
        and text[a.start - 1] == "-"
        and text[a.start - 2].isalpha()
        and not re.search(r"(?i:\bsub)-$", before)
    ):
        return True  # "COVID-19", "F-35"
    if re.match(r"(?i:st|nd|rd|th)\b", after) and a.whole:
        return True  # an ordinal
    if a.whole and re.match(r"[A-Za-z](?<!s)", after):
        return True  # a name glued to no unit: "3G networks", "the A4 road" ("1990s" is a decade)
    if a.whole and (
        re.fullmatch(r"0\d+", text[a.start : a.end])  # a code: "0401"
        or (before.endswith("(") and after.startswith(")"))  # a shirt or list number: "(4)"
    ):
        return True
    if (
        (a.whole or (a.spelled and not a.vague))
        and a.unit is None
        and re.match(r"-[A-Za-z]", after)
    ):
        return True  # a compound adjective: "four-cylinder", "a three-bed flat"
    if a.whole and re.search(r"[A-Z][\w&.'’-]*\s$|&\w*\s$", before):
        # "Game 6", "S&P 500", "Boeing 787": a capitalised name before a bare number,
        # unless the name opens the sentence ("Only 5 ...")
        word_start = len(before.rstrip()) - len(before.rstrip().split()[-1])
        opening = before[:word_start].strip() == "" or before[:word_start].rstrip()[-1:] in '.!?:"“'
        if not opening:
            return True
    return bool(a.whole and _STREET_RE.match(after))


def _amounts(text: str) -> list[_Amount]:
    """Every amount in ``text`` in order, numbers that are not amounts left out."""
    found: list[_Amount] = []
    pos = 0
    while m := _START_RE.search(text, pos):
        at = m.start()
        clock = _CLOCK_RE.match(text, at)
        if clock and re.search(r"[:]|[ap]\.?m", clock.group(0), re.IGNORECASE):
            pos = clock.end()
            continue
        amount = _read_amount(text, at)
        if amount is None:
            pos = at + 1  # "A $5": the sign after a letter that is no currency
            continue
        pos = amount.end
        counter = _COUNTER_RE.match(text, amount.end) if amount.whole else None
        if counter and amount.low <= int(counter.group(1)):
            pos = counter.end()
            continue  # "Photo 1 of 30"
        if (
            found
            and found[-1].unit == "foot"
            and amount.whole
            and amount.low < 12
            and text[found[-1].end : amount.start].isspace()
        ):
            # a height: "4ft 11" is four feet eleven inches
            feet = found[-1].low + amount.low / 12
            found[-1] = replace(found[-1], end=amount.end, low=feet, high=feet)
        elif not _skip_identifier(text, amount):
            found.append(amount)
    return _shared_units(text, found)


_FROM_RE = re.compile(r"(?i:\bfrom\s+(?:about\s+|around\s+)?(?:[\d.,]+\s*[-–]\s*)?)$")
#: Units a change is given in that its result is not: "rose 0.2% to 4,577".
_RELATIVE = frozenset({"percentage", "percentage point", "basis point"})


def _shared_units(text: str, amounts: list[_Amount]) -> list[_Amount]:
    """Units written once for two numbers next to each other.

    "a 7- or 8-inch screen": the first takes the second's unit; "rose 64 points
    to 4,577" and "from 21 mpg combined to 23": a change's or a start's unit is
    its result's, unless the change is relative.
    """
    out = list(amounts)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        between = text[a.end : b.start]
        if a.whole and b.unit and re.fullmatch(r"-\s+(?:or|and|to)\s+", between):
            out[i] = replace(a, unit=b.unit, whole=False)
        elif (
            a.unit
            and a.unit not in _RELATIVE
            and b.unit is None
            and not b.spelled
            and b.factor == 1
            and re.fullmatch(r"\s+(?:[a-z]+\s+)?to\s+", between)
            and (
                _FROM_RE.search(text[: a.start])
                or _CHANGE_RE.search(text[max(0, a.start - 20) : a.start])
            )
        ):
            out[i + 1] = replace(b, unit=a.unit, whole=False)
    return out


def _compatible(left: _Amount, right: _Amount) -> _Amount | None:
    """The left end of a range with the right end's unit and scale, if they fit.

    A unit is written once for both ends, before them (a currency: "$5-10
    million") or after them ("5-10W"); an end with a unit of its own that the
    other lacks makes two figures ("8.15% to 3.65").
    """
    if left.unit and right.unit and left.unit != right.unit.split(" per ")[0]:
        return None
    if left.unit and not right.unit and not left.prefixed:
        return None
    low, high = left.low, left.high
    # "1.5-2 million": the scale applies to both, unless the left end is
    # written in full ("from $750,000 to $1 million")
    if (
        right.factor > 1
        and left.factor == 1
        and not left.spelled
        and left.high * right.factor <= right.high
    ):
        low, high = low * right.factor, high * right.factor
    return replace(left, low=low, high=high, unit=right.unit or left.unit)


def _bound(text: str, a: _Amount) -> tuple[str, int]:
    """The modifier before an amount ("more than", "about") and where it starts."""
    head = text[max(0, a.start - 60) : a.start]
    m = _MOD_RE.search(head)
    if m is None or (
        m.start() > 0 and head[m.start() - 1].isalnum() and m.group("mod")[0].isalpha()
    ):
        return "", a.start
    return re.sub(r"\s+", " ", m.group("mod").lower()), a.start - (len(head) - m.start())


def _kind(mod: str) -> str:
    if not mod:
        return ""
    if re.fullmatch(_BELOW, mod, re.IGNORECASE):
        return "below"
    if re.fullmatch(_APPROX, mod, re.IGNORECASE):
        return "approx"
    if re.fullmatch(_LOWER, mod, re.IGNORECASE):
        return "lower"
    return "upper"


def _figure(
    text: str,
    start: int,
    end: int,
    low: float | None,
    high: float | None,
    approx: bool,
    spelled: bool,
    unit: str | None,
) -> Figure:
    def number(v: float | None) -> float | int | None:
        if v is None:
            return None
        return int(v) if v == int(v) and abs(v) < 1e18 else round(v, 10)

    words = re.sub(r"\s+", " ", text[start:end].strip())
    return Figure(start, end, Quantity(number(low), number(high), approx, words), spelled, unit)


def _with_bounds(
    text: str,
    start: int,
    end: int,
    lo: float,
    hi: float,
    vague: bool,
    spelled: bool,
    unit: str | None,
    mod: str,
) -> Figure:
    """A figure with its modifier before and its "or more" after applied."""
    kind = _kind(mod)
    low: float | None = lo
    high: float | None = hi
    approx = kind in ("approx", "below")
    if kind == "below":
        low = lo * (1 - BELOW_MARGIN)
    elif kind == "lower":
        high = None
    elif kind == "upper":
        low = None
    if post := _POST_RE.match(text, end):
        word = re.sub(r"\s+", " ", post.group("post").strip().lower())
        end = post.end()
        if word.endswith("so"):
            approx = True
        elif any(word.endswith(w) for w in ("fewer", "less", "lower", "below")):
            low = None
        else:
            high = None
    return _figure(text, start, end, low, high, approx, spelled, unit)


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order, with its span, reading and unit."""
    amounts = _amounts(text)
    figures: list[Figure] = []
    i = 0
    while i < len(amounts):
        a = amounts[i]
        mod, start = _bound(text, a)
        b = amounts[i + 1] if i + 1 < len(amounts) else None
        between = text[a.end : b.start] if b else ""
        before = text[max(0, start - 12) : start].lower()
        opener = re.search(r"(?:between|from)\s+$", before)
        range_words = b is not None and (
            (
                opener
                and opener.group(0).startswith("between")
                and re.fullmatch(r"\s+and\s+", between)
            )
            or _RANGE_RE.fullmatch(between)
            or (re.fullmatch(r"\s+or\s+", between) and not mod and a.high < b.low)
        )
        if b is not None and range_words and not _bound(text, b)[0]:
            left = _compatible(a, b)
            ordered = opener is not None or (left is not None and left.high < b.low)
            own = (a.unit or a.factor > 1) and (b.unit or b.factor > 1)
            changed = not opener and own and _CHANGE_RE.search(text[max(0, start - 20) : start])
            if left is not None and ordered and not changed:
                lo, hi = sorted((left.low, b.high))
                lo, hi = min(lo, left.low, b.low), max(hi, left.high, b.high)
                first = opener.start() + max(0, start - 12) if opener and not mod else start
                figures.append(
                    _with_bounds(
                        text,
                        first,
                        b.end,
                        lo,
                        hi,
                        a.vague or b.vague,
                        a.spelled,
                        left.unit or b.unit,
                        mod,
                    )
                )
                i += 2
                continue
            if a.whole and b.whole and re.fullmatch(r"[-–]", between) and a.low >= b.low:
                i += 2  # a score: "ended 2-2", "a 9-2 lead"
                continue
        if b is not None and re.fullmatch(r"\s+out\s+of\s+", between) and 0 < a.high < b.low:
            # "one out of three Germans": a share
            share = a.high / b.low
            figures.append(
                _with_bounds(text, start, b.end, share, share, False, a.spelled, None, mod)
            )
            i += 2
            continue
        fig = _with_bounds(text, start, a.end, a.low, a.high, a.vague, a.spelled, a.unit, mod)
        if figures and (pair := _joined_bounds(text, figures[-1], fig)):
            figures[-1] = pair
        elif figures and not mod and re.fullmatch(r"\s*\(\s*", text[figures[-1].end : a.start]):
            figures.append(_converted(figures[-1], fig))
        else:
            figures.append(fig)
        i += 1
    return figures


def _converted(first: Figure, second: Figure) -> Figure:
    """A figure in brackets after another, as the same amount in other units
    ("more than 100 kilometres (60 miles)"): it takes the first one's bound and hedge."""
    a, b = first.quantity, second.quantity
    if b.low is None or b.low != b.high or (a.low is None and a.high is None):
        return second
    low = None if a.low is None else b.low
    high = None if a.high is None else b.high
    if a.low is not None and a.high is not None and a.low < a.high and a.approximate:
        low = b.high * (1 - BELOW_MARGIN)  # "nearly"
    quantity = Quantity(low, high, a.approximate or b.approximate, b.text)
    return replace(second, quantity=quantity)


def _joined_bounds(text: str, first: Figure, second: Figure) -> Figure | None:
    """One range from a lower and an upper bound joined by "and" or "but"
    ("greater than 100 and smaller than 300", "at most 100 and at least 20")."""
    if not _JOIN_RE.fullmatch(text[first.end : second.start]) or first.unit != second.unit:
        return None
    a, b = first.quantity, second.quantity
    if a.high is None and b.low is None and a.low is not None and b.high is not None:
        low, high = a.low, b.high
    elif a.low is None and b.high is None and a.high is not None and b.low is not None:
        low, high = b.low, a.high
    else:
        return None
    if low >= high:
        return None
    return _figure(text, first.start, second.end, low, high, False, first.spelled, first.unit)


def parse_quantity(text: str) -> Quantity | None:
    """The first figure in ``text`` read as a range, or ``None`` if it has none.

    See the module docstring for how hedges, bounds and vague amounts read.
    """
    found = find_figures(text)
    return found[0].quantity if found else None


#: Anything that may be a figure: a cheap test before reading one.
_VAGUE_WORDS = [
    "no one",
    "nobody",
    "dozens?",
    "several",
    "hundred",
    "thousand",
    "million",
    "billion",
    "trillion",
    "hundreds",
    "thousands",
    "millions",
    "billions",
    "half",
    "third",
    "quarter",
]
FIGURE_RE = re.compile(rf"\d|(?i:\b(?:{'|'.join([*_SMALL, *_TENS, *_VAGUE_WORDS])})\b)")


def unit_of(text: str) -> str | None:
    """The unit a figure's own words carry, as :func:`find_figures` names it."""
    found = find_figures(text)
    return found[0].unit if found else None
