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

from collections import Counter

from newsweave.claims import MeasureKey, measure_key
from newsweave.claims.lexicon import CASUALTY_EVENTS
from newsweave.claims.timex import periods_overlap
from newsweave.models import Claim, Quantity
from newsweave.story.model import ClaimGroup, Relation

#: Days two claims' times may lie apart and still count the same thing: a
#: running total reported in late December and in January is one measure.
TIME_SLACK = 45
#: How far a hedged figure ("about", "around") may be from its stated value.
APPROX_MARGIN = 0.1


def _compatible(a: MeasureKey, b: MeasureKey) -> bool:
    if (a.additional, a.unit) != (b.additional, b.unit):
        return False
    if a.event and b.event:
        if a.event != b.event:
            return False
        return a.event in CASUALTY_EVENTS or a.noun == b.noun or None in (a.noun, b.noun)
    # one gives no event: the nouns have to say it
    return a.noun is not None and a.noun == b.noun


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


def group_claims(claims: list[Claim], syndicated: dict[str, str] | None = None) -> list[ClaimGroup]:
    """Claims with figures, grouped by what they measure; conflicts first."""
    groups: list[list[tuple[Claim, MeasureKey]]] = []
    for claim in original_claims(claims, syndicated or {}):
        if claim.quantity is None or not claim.measure:
            continue
        key = measure_key(claim.measure)
        for group in groups:
            if all(_compatible(key, k) and _same_time(claim, c) for c, k in group):
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
        measure = max(named, key=lambda m: (named[m], len(m or "")))
        result.append(ClaimGroup(measure or "", relation(members), members))
    order = {"conflict": 0, "agree": 1, "unique": 2}
    result.sort(key=lambda g: (order[g.relation], -len({c.outlet for c in g.claims})))
    return result
