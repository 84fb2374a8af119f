"""The prose parts of a report: summary, timeline and each outlet's own details.

All three compare sentences across outlets in one TF-IDF space. The summary is
extractive: sentences ranked by centrality (PageRank over the similarity graph)
and picked by maximal marginal relevance so that it does not repeat itself.
A sentence is credited to every outlet that carries it or a near-paraphrase.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import numpy as np

from newsweave.claims.timex import find_times, period, periods_overlap
from newsweave.models import Article
from newsweave.story.model import Cited, TimelineEvent
from newsweave.story.sentences import Sentence

#: Cosine similarity above which two sentences say the same thing.
PARAPHRASE = 0.35
#: Above this, two sentences with dates of about the same precision are one step of the story.
TOPICAL = 0.08
#: Below this, no other outlet's sentence is close enough to share a detail.
UNSHARED = 0.15
#: Above this, a sentence repeats one already in the summary.
REDUNDANT = 0.3
#: How much MMR weighs centrality against novelty.
MMR_LAMBDA = 0.7
#: Sentences shorter than this (in words) are too thin to summarise or list.
MIN_WORDS = 6
#: Longer than this, a "sentence" is usually text run together (a link's
#: pop-up glued into the sentence around it), and hard to read alone anyway.
MAX_WORDS = 50
#: How much each further outlet carrying a sentence adds to its centrality.
CORROBORATION = 0.5
_LINK_RE = re.compile(r"https?://|pic\.twitter\.com|www\.", re.IGNORECASE)


def _outlets(i: int, sentences: list[Sentence], sim: np.ndarray, cutoff: float) -> list[str]:
    """The outlets carrying sentence ``i`` or one within ``cutoff`` of it, own first."""
    found = [sentences[i].outlet]
    for j in np.argsort(-sim[i]):
        if sim[i, j] < cutoff:
            break
        if sentences[j].outlet not in found:
            found.append(sentences[j].outlet)
    return found


def _outlet_counts(sentences: list[Sentence], sim: np.ndarray, cutoff: float) -> np.ndarray:
    """For each sentence, how many outlets carry it or one within ``cutoff`` of it."""
    names = sorted({s.outlet for s in sentences})
    owner = np.zeros((len(sentences), len(names)), dtype=bool)
    owner[np.arange(len(sentences)), [names.index(s.outlet) for s in sentences]] = True
    close = (sim >= cutoff) | np.eye(len(sentences), dtype=bool)
    return ((close.astype(np.int32) @ owner) > 0).sum(axis=1)


def _centrality(sim: np.ndarray, damping: float = 0.85, rounds: int = 50) -> np.ndarray:
    """PageRank scores of the sentence similarity graph."""
    n = len(sim)
    weights = sim - np.diag(np.diag(sim))
    totals = weights.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1
    step = weights / totals
    score = np.full(n, 1 / n)
    for _ in range(rounds):
        score = (1 - damping) / n + damping * step.T @ score
    return score


def well_formed(text: str) -> bool:
    """A statement that reads alone: neither thin nor run-on, closed, quotes balanced, no link.

    Headlines of linked stories, questions to the reader, embedded posts'
    links and fragments cut inside a quotation ("South Dakota's “Meth.") are
    not what a summary or a list of details should quote.
    """
    words = text.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return False
    if not text[0].isupper() and text[0] not in "“\"'‘":
        return False
    if text.rstrip("”\"’')")[-1:] not in (".", "!") or _LINK_RE.search(text):
        return False
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def summarize(sentences: list[Sentence], sim: np.ndarray, size: int = 5) -> list[Cited]:
    """``size`` central, mutually distinct sentences, each with its outlets.

    Centrality is raised for each further outlet that carries the sentence (or a
    paraphrase): a summary of many sources should lead with what they share.
    """
    candidates = [i for i, s in enumerate(sentences) if well_formed(s.text)]
    if not candidates:
        return []
    carried = _outlet_counts(sentences, sim, PARAPHRASE)
    score = _centrality(sim) * (1 + CORROBORATION * (carried - 1))
    chosen: list[int] = []
    while len(chosen) < size:
        # A near-paraphrase of a chosen sentence adds nothing: its outlets are cited already.
        left = [i for i in candidates if all(sim[i, j] < REDUNDANT for j in chosen)]
        if not left:
            break
        best = max(
            left,
            key=lambda i: (
                MMR_LAMBDA * score[i]
                - (1 - MMR_LAMBDA) * max((sim[i, j] for j in chosen), default=0) * score.max()
            ),
        )
        chosen.append(best)
    return [Cited(sentences[i].text, _outlets(i, sentences, sim, PARAPHRASE)) for i in chosen]


def unique_details(
    sentences: list[Sentence], sim: np.ndarray, figures: set[tuple[str, int]]
) -> dict[str, list[str]]:
    """Per outlet, the sentences without figures that no other outlet comes close to.

    ``figures`` holds ``(article_id, start)`` of sentences with figure claims,
    which the claim groups already compare.
    """
    details: dict[str, list[str]] = defaultdict(list)
    for i, s in enumerate(sentences):
        if not well_formed(s.text) or any(
            a == s.article_id and s.start <= start < s.end for a, start in figures
        ):
            continue
        others = [j for j, t in enumerate(sentences) if t.outlet != s.outlet]
        if not others:
            continue
        if max(sim[i, j] for j in others) < UNSHARED:
            details[s.outlet].append(s.text)
    return dict(details)


def _span_days(value: str) -> int:
    lo, hi = period(value)
    if ".." in (lo, hi):
        return 1 << 30
    return (date.fromisoformat(hi) - date.fromisoformat(lo)).days


def _joined(a: str, b: str) -> str:
    """One date for two reports of an event: the more precise where one holds the
    other ("the first week of February" in "earlier this month"), else both."""
    if a == b:
        return a
    (a_lo, a_hi), (b_lo, b_hi) = period(a), period(b)
    nested = (a_lo <= b_lo and b_hi <= a_hi) or (b_lo <= a_lo and a_hi <= b_hi)
    # "Wednesday" and "Wednesday/Thursday" stay two days: outlets dated it apart
    if nested and max(_span_days(a), _span_days(b)) > 1:
        return min((a, b), key=_span_days)
    lo, hi = min(a_lo, b_lo), max(a_hi, b_hi)
    return f"{lo}/{hi}"


def _level(value: str) -> int | None:
    """How coarse a date is: 0 a day or two, 1 a week, 2 a month, 3 a season; open: None."""
    days = _span_days(value)
    for level, most in enumerate((2, 7, 31, 92)):
        if days < most:
            return level
    return None


def _same_event(va: str, vb: str, similarity: float) -> bool:
    """Whether two dated sentences report one event, or one step of the story.

    Paraphrases merge when their dates can be the same, a day apart at most
    (outlets in different time zones date one statement differently). Sentences
    on the same topic merge when their dates overlap and are about as precise
    (a day and a week, a month and a season): the timeline gives the story's
    steps, each with every outlet that reports it, not each outlet's wording.
    """
    if not periods_overlap(va, vb, 1):
        return False
    if similarity >= PARAPHRASE:
        return True
    la, lb = _level(va), _level(vb)
    if similarity < TOPICAL or la is None or lb is None or abs(la - lb) > 1:
        return False
    # the joined date must stay as precise as the coarser of the two, or merges chain
    both = _level(_joined(va, vb))
    return both is not None and both <= max(la, lb)


def timeline(
    sentences: list[Sentence], sim: np.ndarray, articles: dict[str, Article]
) -> list[TimelineEvent]:
    """Dated events, oldest first, with their outlets (see :func:`_same_event`)."""
    events: list[tuple[str, list[int]]] = []
    for i, s in enumerate(sentences):
        for t in find_times(s.text, articles[s.article_id].published):
            events.append((t.value, [i]))
    merged = True
    while merged:
        merged = False
        for x in range(len(events)):
            for y in range(x + 1, len(events)):
                (va, ia), (vb, ib) = events[x], events[y]
                if set(ia) & set(ib) and va != vb:
                    continue  # two dates in one sentence are two events
                close = max(sim[i, j] for i in ia for j in ib)
                if _same_event(va, vb, close):
                    events[x] = (_joined(va, vb), list(dict.fromkeys(ia + ib)))
                    del events[y]
                    merged = True
                    break
            if merged:
                break
    result = []
    for value, members in events:
        # the sentence most like the others stands for them all
        head = max(members, key=lambda i: sum(sim[i, j] for j in members))
        outlets = list(dict.fromkeys(sentences[i].outlet for i in members))
        result.append(TimelineEvent(value, sentences[head].text, outlets))
    result.sort(key=lambda e: (period(e.date)[0].replace("..", ""), period(e.date)[1]))
    return result
