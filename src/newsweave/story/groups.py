"""Claim groups: figures that measure the same thing, and whether they agree.

Two figures measure the same thing when their measures have the same counted
noun class (troops = soldiers = forces), the same event (or one says none), the
same "additional" flag and unit, and their times, where both are known, lie
within :data:`TIME_SLACK` days of each other. Casualty counts compare whatever noun they count.

Hedged figures are widened by :data:`APPROX_MARGIN` either side before ranges
are compared, since "around 10,000" and "over 11,000" are compatible reports;
a group "agrees" when every pair of figures can both be true, "conflicts"
otherwise, and is "unique" when one outlet alone gives it (and does not
contradict itself). A claim that the amount is unknown (no bounds) contradicts
nothing; it is listed after the figures.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newsweave.claims import MeasureKey, measure_key
from newsweave.claims.lexicon import CASUALTY_EVENTS
from newsweave.claims.timex import period, periods_overlap
from newsweave.claims.units import in_base, is_time
from newsweave.models import Claim, Quantity
from newsweave.story.model import ClaimGroup, Relation

#: Days two claims' times may lie apart and still count the same thing: a
#: running total reported in late December and in January is one measure.
TIME_SLACK = 45
#: Days before its article a figure's own date may lie and still be this story's.
BACKGROUND_DAYS = 365
#: How far a hedged figure ("about", "around") may be from its stated value: a round
#: number's tenth at most, a precise number's hundredth at least (see ``_margin``).
APPROX_MARGIN = 0.1
MIN_APPROX_MARGIN = 0.01
_WORD_RE = re.compile(r"[^\W\d_]+")
#: Words that say nothing about what a figure measures (the summary's TF-IDF uses the same list).
_STOP = ENGLISH_STOP_WORDS | {"said", "says", "according", "year", "years"}


def _same_unit(a: MeasureKey, b: MeasureKey) -> bool:
    """One unit, or two of one kind that convert ("pounds" and "tonnes")."""
    if a.unit == b.unit:
        return True
    x, y = in_base(a.unit), in_base(b.unit)
    return x is not None and y is not None and x[0] == y[0]


def _compatible(a: MeasureKey, b: MeasureKey) -> bool:
    if a.additional != b.additional or not _same_unit(a, b):
        return False
    if a.event and b.event:
        if a.event != b.event:
            return False
        return a.event in CASUALTY_EVENTS or a.noun == b.noun or None in (a.noun, b.noun)
    # one gives no event: the nouns have to say it
    return a.noun is not None and a.noun == b.noun


def _eventless(a: MeasureKey, b: MeasureKey) -> bool:
    """Two counts of one noun that say nothing of what happened to it ("10 ships", "4 ships")."""
    return not (a.event and b.event)


def _bare_amount(key: MeasureKey) -> bool:
    """A figure with a unit and nothing else ("$449,000", "3 percent")."""
    return key.unit is not None and key.noun is None and key.event is None


def _physical(key: MeasureKey) -> bool:
    """A figure in a unit of mass, length, time... that converts: outlets name the
    thing in many ways ("the station", "Tiangong-1", "the module"), so the amount,
    not the noun, says which figure it is."""
    return in_base(key.unit) is not None and key.event is None


@lru_cache(maxsize=4096)
def _factor(measure: str | None) -> tuple[float, float] | None:
    base = in_base(measure_key(measure).unit)
    return base[1:] if base else None


def _value(claim: Claim) -> Quantity | None:
    """A claim's figure, in its kind's base unit where its unit converts."""
    q, factor = claim.quantity, _factor(claim.measure)
    if q is None or factor is None:
        return q
    low = None if q.low is None else q.low * factor[0]
    high = None if q.high is None else q.high * factor[1]
    return Quantity(low, high, q.approximate, q.text)


def _content(sentence: str) -> set[str]:
    return {w[:5] for w in _WORD_RE.findall(sentence.lower()) if len(w) > 3 and w not in _STOP}


def _same_amount(a: Claim, b: Claim) -> bool:
    """Two bare amounts that can be one figure: values that agree within hedging."""
    qa, qb = _value(a), _value(b)
    if qa is None or qb is None:
        return False
    return widened(qa).overlaps(widened(qb))


def _same_sentence(a: Claim, b: Claim) -> bool:
    """Two figures one source gives in one sentence measure two things.

    "3.8 percent, compared to the national average of 3 percent": a source does
    not contradict itself within a sentence. Figures of different sources in one
    sentence ("Zelenskyy put it at 4,000; U.S. estimates were 1,200") still compare.
    """
    return (
        a.article_id == b.article_id
        and (a.part, a.start) == (b.part, b.start)
        and a.source == b.source
        and a.quantity != b.quantity
    )


def _figure_at(claim: Claim) -> tuple[int, int]:
    """Where a claim's figure stands in its sentence, (start, end); (-1, -1) if not found."""
    text = claim.quantity.text if claim.quantity else ""
    at = claim.sentence.find(text) if text else -1
    return (at, at + len(text)) if at >= 0 else (-1, -1)


#: A figure that counts part of another: "four of whom", "23 of the defendants", "five other".
_PART_RE = re.compile(r"(?i:\s*(?:of\s+(?:whom|which|those|them|these|the)\b|other\b))")
_PART_BEFORE_RE = re.compile(r"(?i:\bof\s+(?:whom|which|those|them)\s+$)")


def _part(claim: Claim) -> bool:
    """Whether a figure counts a part of a larger count its sentence or story gives.

    "St George's was treating 20 people, four of whom were seriously injured":
    the four are not a rival figure for the twenty, nor for every injury.
    """
    at, end = _figure_at(claim)
    return at >= 0 and (
        _PART_RE.match(claim.sentence, end) is not None
        or _PART_BEFORE_RE.search(claim.sentence[:at]) is not None
    )


#: Words that make a count of the hurt a count of the worst hurt: "eight people had
#: serious or life-threatening injuries" is no rival of "more than 50 injured"
#: ("two suffered minor injuries" still counts all the injured).
_SEVERITY_RE = re.compile(
    r"(?i:\b(?:serious(?:ly)?|critical(?:ly)?|life[- ]threatening|grave(?:ly)?|severe(?:ly)?)\b)"
)


def _severity(claim: Claim) -> frozenset[str]:
    """The severity words next to a figure, lower case and stemmed."""
    at, end = _figure_at(claim)
    if at < 0:
        return frozenset()
    near = claim.sentence[at : end + _NEAR]
    return frozenset(m.group(0).lower()[:5] for m in _SEVERITY_RE.finditer(near))


def _joins(claim: Claim, key: MeasureKey, group: list[tuple[Claim, MeasureKey]]) -> bool:
    """Whether ``claim`` measures what every claim of ``group`` measures.

    Nothing in a bare amount ("$449,000") says what it measures, so bare amounts
    of one unit are taken for one figure only when their values agree within
    hedging and the claim's sentence shares a content word with a member's
    sentence; two different bare amounts stay apart, so a disagreement between
    them is not reported as a conflict.
    """
    if any(
        _same_sentence(claim, c)
        or _same_article_differs(claim, c)
        or not _same_time(claim, c)
        or _part(claim) != _part(c)
        or _severity(claim) != _severity(c)
        for c, _ in group
    ):
        return False
    if _part(claim):  # parts of different wholes: the same only when the numbers agree
        return all(_near_values(claim, c) for c, _ in group)
    if _physical(key) and all(_physical(k) for _, k in group):
        return all(_same_unit(key, k) and _near_values(claim, c) for c, k in group)
    if _bare_amount(key) and all(_bare_amount(k) for _, k in group):
        same_unit = all((k.unit, k.additional) == (key.unit, key.additional) for _, k in group)
        words = _content(claim.sentence)
        return (
            same_unit
            and all(_same_amount(claim, c) for c, _ in group)
            and any(words & _content(c.sentence) for c, _ in group)
        )
    if not all(_compatible(key, k) for _, k in group):
        return False
    # A noun alone does not say two counts measure one thing ("10 ships" under
    # sanctions, "4 ships" seen at sea; "at least seven people" killed, "over 50"
    # in hospital, whose open ranges agree): without an event on both sides the
    # words next to the figures have to say it.
    return all(
        not _eventless(key, k) or _kin(claim, key, c) or _near_values(claim, c) for c, k in group
    )


def _near_values(a: Claim, b: Claim) -> bool:
    """Whether two figures state about the same number, open ends aside.

    "10,000 or more" and "about 10,000" do; "at least seven" and "over 50" only
    agree because their ranges are open.
    """
    qa, qb = _value(a), _value(b)
    if qa is None or qb is None or _unknown(a) or _unknown(b) or not _same_amount(a, b):
        return False
    # exact small counts must be equal ("at least seven" is not "eight"); a hedge,
    # a bound or a range lets the stated numbers differ by the hedging margin
    loose = any(
        q.approximate or q.low is None or q.high is None or q.low != q.high for q in (qa, qb)
    )
    x, y = _anchor(qa), _anchor(qb)
    return abs(x - y) <= (APPROX_MARGIN if loose else 0.0) * max(abs(x), abs(y))


def _anchor(q: Quantity) -> float:
    ends = [v for v in (q.low, q.high) if v is not None]
    return sum(ends) / len(ends)


def _kin(a: Claim, key: MeasureKey, b: Claim) -> bool:
    """Whether two figures share a word of what happened besides the counted noun.

    The words next to a figure say which count it is ("homes were damaged",
    "killed 54 people"); names are left out, as every sentence of a story has them.
    """
    noun = _content(key.noun or "")
    return bool((_near(a) & _near(b)) - noun)


_LOWER_WORD_RE = re.compile(r"(?<![\w'’])[a-z]+\b")
#: How many characters either side of a figure say what it counts.
_NEAR = 40


def _near(claim: Claim) -> set[str]:
    sentence = claim.sentence
    at, end = _figure_at(claim)
    if at >= 0:
        sentence = sentence[max(0, at - _NEAR) : end + _NEAR]
    return {w[:5] for w in _LOWER_WORD_RE.findall(sentence) if len(w) > 3 and w not in _STOP}


def _same_article_differs(a: Claim, b: Claim) -> bool:
    """Two figures one article gives that cannot both hold count two things.

    A report does not contradict itself: "10 ships" and "4 ships" from one
    source in one article are two counts (all sanctioned ships, those seen at
    sea), not a conflict; two sources it quotes still may disagree.
    """
    return (
        a.article_id == b.article_id
        and a.source == b.source
        and a.quantity is not None
        and b.quantity is not None
        and not _same_amount(a, b)
    )


def _same_time(a: Claim, b: Claim) -> bool:
    return a.when is None or b.when is None or periods_overlap(a.when, b.when, TIME_SLACK)


def _margin(value: float) -> float:
    """How far a hedge reaches from ``value``: the precision its digits state.

    "about 10,000" is a round number and may be 10 % off; "some $146 billion"
    names its billions, so "$148.9 billion" contradicts it. Within
    :data:`MIN_APPROX_MARGIN` and :data:`APPROX_MARGIN` of the value.
    """
    size = abs(value)
    if size == 0:
        return 0.0
    step = 10.0 ** math.floor(math.log10(size))
    while step > size * 1e-6 and abs(size / step - round(size / step)) > 1e-6:
        step /= 10
    return min(APPROX_MARGIN, max(MIN_APPROX_MARGIN, step / size))


def widened(q: Quantity) -> Quantity:
    """A hedged figure as the range it allows; exact ones as they are."""
    if not q.approximate:
        return q
    low = None if q.low is None else q.low * (1 - _margin(q.low))
    high = None if q.high is None else q.high * (1 + _margin(q.high))
    return Quantity(low, high, True, q.text)


def relation(claims: list[Claim], published: Mapping[str, str] | None = None) -> Relation:
    """Whether the figures of a group agree, conflict, evolve, or come from one outlet.

    With the articles' publication times (``published``, ISO 8601 by article id),
    figures that disagree only across times and move one way as those times pass
    ("77 dead", later "80", later "84") are a count that evolved, not a conflict.
    """
    dated = [(c, widened(q)) for c in claims if (q := _value(c)) is not None]
    clash = [
        (a, b) for i, (a, qa) in enumerate(dated) for b, qb in dated[i + 1 :] if not qa.overlaps(qb)
    ]
    outlets = {c.outlet for c in claims}
    if not clash:
        # bounds that all hold may still have moved: "at least five dead", hours
        # later "at least seven"
        moved = [
            (a, b)
            for i, a in enumerate(claims)
            for b in claims[i + 1 :]
            if not (_unknown(a) or _unknown(b) or _near_values(a, b))
        ]
        if len(outlets) > 1 and moved and published and _evolves(dated, moved, published):
            return "evolving"
        return "unique" if len(outlets) <= 1 else "agree"
    if published and _evolves(dated, clash, published):
        return "evolving"
    return "conflict"


def _evolves(
    dated: list[tuple[Claim, Quantity]],
    pairs: list[tuple[Claim, Claim]],
    published: Mapping[str, str],
) -> bool:
    """Whether figures that differ were given at different times, growing as time passed.

    Two articles dated to one day, without a time of day, are taken to be of
    one moment: their order is not known.
    """
    times = {c.article_id: published.get(c.article_id) for c, _ in dated}
    if any(
        times[a.article_id] is None or times[a.article_id] == times[b.article_id] for a, b in pairs
    ):
        return False
    # in publication order each figure is no lower than any earlier one: tolls
    # and totals grow as reports come in; a figure that falls is a conflict
    known = [(c, q) for c, q in dated if not _unknown(c)]
    ordered = sorted(known, key=lambda cq: str(times[cq[0].article_id]))
    middles = [_anchor(q) for _, q in ordered]
    return middles == sorted(middles)


def _unknown(claim: Claim) -> bool:
    q = claim.quantity
    return q is None or (q.low is None and q.high is None)


def original_claims(claims: list[Claim], syndicated: dict[str, str]) -> list[Claim]:
    """The claims without those of syndicated copies whose original is present."""
    present = {c.article_id for c in claims}
    return [c for c in claims if syndicated.get(c.article_id) not in present]


def _duration(claim: Claim) -> bool:
    return is_time(measure_key(claim.measure).unit)


#: Words that make a duration the time another figure is counted over ("in one week").
_SCOPE_RE = re.compile(
    r"(?i:\b(?:in|over|during|within|across|for)\s+(?:the\s+)?(?:past\s+|last\s+|first\s+|next\s+)?$)"
)


def _scope(claim: Claim) -> bool:
    at, _ = _figure_at(claim)
    return at >= 0 and _SCOPE_RE.search(claim.sentence[:at]) is not None


def _scopes(claims: list[Claim]) -> dict[int, str]:
    """The durations that say over what time another figure of their sentence
    counts ("more than 1,000 killed in one week"), each as the scope it gives:
    not figures to compare alone. A duration that is itself the figure
    ("sentenced to three years") stays."""
    counted = {_where(c) for c in claims if c.quantity and not _duration(c)}
    found = {}
    for c in claims:
        if _where(c) in counted and _duration(c) and _scope(c):
            q = _value(c)
            span = q.low if q is not None and q.low is not None else None
            found[id(c)] = f"per {span:g} s" if span is not None else "per some time"
    return found


def _where(claim: Claim) -> tuple[str, str, int]:
    """A claim's sentence: its article, part and start."""
    return claim.article_id, claim.part, claim.start


def _rates(claims: list[Claim], scopes: dict[int, str]) -> dict[tuple[str, str, int], str]:
    """The scope each sentence's counts are given over, by sentence (:func:`_where`)."""
    return {_where(c): scope for c in claims if (scope := scopes.get(id(c)))}


def _background(claim: Claim, published: Mapping[str, str]) -> bool:
    """A figure dated well before its article appeared is about something earlier.

    "In 1991 the 20-tonne Salyut 7 crashed", "since 1959, when two passengers
    died": background, not this story's figure. A time from long ago that runs
    to now ("since 1959") still starts in the past it speaks of.
    """
    day = published.get(claim.article_id)
    if claim.when is None or day is None:
        return False
    start = period(claim.when)[0]
    return start != ".." and not periods_overlap(start, day[:10], BACKGROUND_DAYS) and start < day


def _salience(claims: list[Claim], ledes: Mapping[str, int]) -> tuple[int, bool]:
    """How many outlets give a group's figure, and whether one gives it in its lede."""
    outlets = len({c.outlet for c in claims})
    in_lede = any(c.part != "body" or c.start < ledes.get(c.article_id, 0) for c in claims)
    return outlets, in_lede


def group_claims(
    claims: list[Claim],
    syndicated: dict[str, str] | None = None,
    *,
    published: Mapping[str, str] | None = None,
    ledes: Mapping[str, int] | None = None,
) -> list[ClaimGroup]:
    """Claims with figures, grouped by what they measure; the weightiest first.

    ``published`` (ISO 8601 by article id) lets running counts read as evolving
    and leaves out figures dated long before their article (background).
    ``ledes`` (by article id, where its lede ends in its text) folds trivia away:
    with it, a group one outlet alone gives outside its lede is ``folded``.
    Groups run conflicts first, then by how many outlets give them, lede figures
    before others.
    """
    groups: list[list[tuple[Claim, MeasureKey]]] = []
    originals = original_claims(claims, syndicated or {})
    scopes = _scopes(originals)
    rates = _rates(originals, scopes)
    published = published or {}
    # A headline's figure ("Seven killed") drops the words that say what it
    # counts: it joins the body's figure it matches, and marks it as a headline
    # figure, but makes no group of its own.
    for claim in sorted(originals, key=lambda c: c.part != "body"):
        if claim.quantity is None or not claim.measure or id(claim) in scopes:
            continue
        if _background(claim, published):
            continue
        key = measure_key(claim.measure)
        if rate := rates.get(_where(claim)):
            # "1,000 killed in one week" is a rate: it compares with rates over as long
            key = replace(key, unit=f"{key.unit or ''} {rate}".strip())
        for group in groups:
            if _joins(claim, key, group):
                group.append((claim, key))
                break
        else:
            if claim.part == "body":
                groups.append([(claim, key)])
    result = []
    for group in groups:
        # figures first; "the number is unknown" after them
        members = sorted((c for c, _ in group), key=_unknown)
        # name the group by its most common measure, the fullest on a tie
        named = Counter(c.measure for c in members)
        measure = max(named, key=lambda m: (named[m], len(m or ""))) or ""
        if measure.startswith("(in "):  # a bare amount: "amount (in dollars)"
            measure = f"amount {measure}"
        outlets, in_lede = _salience(members, ledes or {})
        folded = ledes is not None and outlets <= 1 and not in_lede
        result.append(ClaimGroup(measure, relation(members, published), members, folded))
    order = {"conflict": 0, "evolving": 1, "agree": 2, "unique": 3}

    def weight(g: ClaimGroup) -> tuple[bool, int, int, bool]:
        outlets, in_lede = _salience(g.claims, ledes or {})
        return g.folded, order[g.relation], -outlets, not in_lede

    result.sort(key=weight)
    return result
