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

import re
from collections import Counter

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newsweave.claims import MeasureKey, measure_key
from newsweave.claims.lexicon import CASUALTY_EVENTS
from newsweave.claims.timex import periods_overlap
from newsweave.claims.units import is_time
from newsweave.models import Claim, Quantity
from newsweave.story.model import ClaimGroup, Relation

#: Days two claims' times may lie apart and still count the same thing: a
#: running total reported in late December and in January is one measure.
TIME_SLACK = 45
#: How far a hedged figure ("about", "around") may be from its stated value.
APPROX_MARGIN = 0.1
_WORD_RE = re.compile(r"[^\W\d_]+")
#: Words that say nothing about what a figure measures (the summary's TF-IDF uses the same list).
_STOP = ENGLISH_STOP_WORDS | {"said", "says", "according", "year", "years"}


def _compatible(a: MeasureKey, b: MeasureKey) -> bool:
    if (a.additional, a.unit) != (b.additional, b.unit):
        return False
    if a.event and b.event:
        if a.event != b.event:
            return False
        return a.event in CASUALTY_EVENTS or a.noun == b.noun or None in (a.noun, b.noun)
    # one gives no event: the nouns have to say it
    return a.noun is not None and a.noun == b.noun


def _bare_amount(key: MeasureKey) -> bool:
    """A figure with a unit and nothing else ("$449,000", "3 percent")."""
    return key.unit is not None and key.noun is None and key.event is None


def _content(sentence: str) -> set[str]:
    return {w[:5] for w in _WORD_RE.findall(sentence.lower()) if len(w) > 3 and w not in _STOP}


def _same_amount(a: Claim, b: Claim) -> bool:
    """Two bare amounts that can be one figure: values that agree within hedging."""
    if a.quantity is None or b.quantity is None:
        return False
    return widened(a.quantity).overlaps(widened(b.quantity))


def _same_sentence(a: Claim, b: Claim) -> bool:
    """Two figures one source gives in one sentence measure two things.

    "3.8 percent, compared to the national average of 3 percent": a source does
    not contradict itself within a sentence. Figures of different sources in one
    sentence ("Zelenskyy put it at 4,000; U.S. estimates were 1,200") still compare.
    """
    return (
        a.article_id == b.article_id
        and a.start == b.start
        and a.source == b.source
        and a.quantity != b.quantity
    )


def _joins(claim: Claim, key: MeasureKey, group: list[tuple[Claim, MeasureKey]]) -> bool:
    """Whether ``claim`` measures what every claim of ``group`` measures.

    Nothing in a bare amount ("$449,000") says what it measures, so bare amounts
    of one unit are taken for one figure only when their values agree within
    hedging and the claim's sentence shares a content word with a member's
    sentence; two different bare amounts stay apart, so a disagreement between
    them is not reported as a conflict.
    """
    if any(_same_sentence(claim, c) or not _same_time(claim, c) for c, _ in group):
        return False
    if _bare_amount(key) and all(_bare_amount(k) for _, k in group):
        same_unit = all((k.unit, k.additional) == (key.unit, key.additional) for _, k in group)
        words = _content(claim.sentence)
        return (
            same_unit
            and all(_same_amount(claim, c) for c, _ in group)
            and any(words & _content(c.sentence) for c, _ in group)
        )
    return all(_compatible(key, k) for _, k in group)


def _same_time(a: Claim, b: Claim) -> bool:
    return a.when is None or b.when is None or periods_overlap(a.when, b.when, TIME_SLACK)


def widened(q: Quantity) -> Quantity:
    """A hedged figure as the range it allows; exact ones as they are."""
    if not q.approximate:
        return q
    low = None if q.low is None else q.low * (1 - APPROX_MARGIN)
    high = None if q.high is None else q.high * (1 + APPROX_MARGIN)
    return Quantity(low, high, True, q.text)


def relation(claims: list[Claim]) -> Relation:
    """Whether the figures of a group agree, conflict, or come from one outlet."""
    ranges = [widened(c.quantity) for c in claims if c.quantity is not None]
    agree = all(a.overlaps(b) for i, a in enumerate(ranges) for b in ranges[i + 1 :])
    outlets = {c.outlet for c in claims}
    if not agree:
        return "conflict"
    return "unique" if len(outlets) <= 1 else "agree"


def _unknown(claim: Claim) -> bool:
    q = claim.quantity
    return q is None or (q.low is None and q.high is None)


def original_claims(claims: list[Claim], syndicated: dict[str, str]) -> list[Claim]:
    """The claims without those of syndicated copies whose original is present."""
    present = {c.article_id for c in claims}
    return [c for c in claims if syndicated.get(c.article_id) not in present]


def _duration(claim: Claim) -> bool:
    return is_time(measure_key(claim.measure).unit)


def _scopes(claims: list[Claim]) -> set[int]:
    """The durations that say over what time another figure of their sentence
    counts ("more than 1,000 killed in one week"): not figures to compare alone."""
    counted = {(c.article_id, c.start) for c in claims if c.quantity and not _duration(c)}
    return {id(c) for c in claims if (c.article_id, c.start) in counted and _duration(c)}


def group_claims(claims: list[Claim], syndicated: dict[str, str] | None = None) -> list[ClaimGroup]:
    """Claims with figures, grouped by what they measure; conflicts first."""
    groups: list[list[tuple[Claim, MeasureKey]]] = []
    originals = original_claims(claims, syndicated or {})
    scopes = _scopes(originals)
    for claim in originals:
        if claim.quantity is None or not claim.measure or id(claim) in scopes:
            continue
        key = measure_key(claim.measure)
        for group in groups:
            if _joins(claim, key, group):
                group.append((claim, key))
                break
        else:
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
        result.append(ClaimGroup(measure, relation(members), members))
    order = {"conflict": 0, "agree": 1, "unique": 2}
    result.sort(key=lambda g: (order[g.relation], -len({c.outlet for c in g.claims})))
    return result
