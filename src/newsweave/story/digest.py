"""The prose parts of a report: summary, timeline and each outlet's own details.

All three compare sentences across outlets in one TF-IDF space. The summary is
extractive: sentences ranked by centrality (PageRank over the similarity graph)
and picked by maximal marginal relevance so that it does not repeat itself.
A sentence is credited to every outlet that carries it or a near-paraphrase.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from newsweave.claims.timex import find_times, period
from newsweave.models import Article
from newsweave.story.model import Cited, TimelineEvent
from newsweave.story.sentences import Sentence

#: Cosine similarity above which two sentences say the same thing.
PARAPHRASE = 0.35
#: Below this, no other outlet's sentence is close enough to share a detail.
UNSHARED = 0.15
#: How much MMR weighs centrality against novelty.
MMR_LAMBDA = 0.7
#: Sentences shorter than this (in words) are too thin to summarise or list.
MIN_WORDS = 6


def _outlets(i: int, sentences: list[Sentence], sim: np.ndarray, cutoff: float) -> list[str]:
    """The outlets carrying sentence ``i`` or one within ``cutoff`` of it, own first."""
    found = [sentences[i].outlet]
    for j in np.argsort(-sim[i]):
        if sim[i, j] < cutoff:
            break
        if sentences[j].outlet not in found:
            found.append(sentences[j].outlet)
    return found


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


def summarize(sentences: list[Sentence], sim: np.ndarray, size: int = 5) -> list[Cited]:
    """``size`` central, mutually distinct sentences, each with its outlets."""
    candidates = [i for i, s in enumerate(sentences) if len(s.text.split()) >= MIN_WORDS]
    if not candidates:
        return []
    score = _centrality(sim)
    chosen: list[int] = []
    while len(chosen) < min(size, len(candidates)):
        best = max(
            (i for i in candidates if i not in chosen),
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
        if len(s.text.split()) < MIN_WORDS or any(
            a == s.article_id and s.start <= start < s.end for a, start in figures
        ):
            continue
        others = [j for j, t in enumerate(sentences) if t.outlet != s.outlet]
        if not others:
            continue
        if max(sim[i, j] for j in others) < UNSHARED:
            details[s.outlet].append(s.text)
    return dict(details)


def timeline(
    sentences: list[Sentence], sim: np.ndarray, articles: dict[str, Article]
) -> list[TimelineEvent]:
    """Dated events, oldest first; one date's paraphrases merged, with their outlets."""
    dated: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sentences):
        for t in find_times(s.text, articles[s.article_id].published):
            if i not in dated[t.value]:
                dated[t.value].append(i)
    events = []
    for value, members in dated.items():
        clusters: list[list[int]] = []
        for i in members:
            for cluster in clusters:
                if max(sim[i, j] for j in cluster) >= PARAPHRASE:
                    cluster.append(i)
                    break
            else:
                clusters.append([i])
        for cluster in clusters:
            # the sentence most like the others stands for them all
            head = max(cluster, key=lambda i: sum(sim[i, j] for j in cluster))
            outlets = list(dict.fromkeys(sentences[i].outlet for i in cluster))
            events.append(TimelineEvent(value, sentences[head].text, outlets))
    events.sort(key=lambda e: (period(e.date)[0].replace("..", ""), period(e.date)[1]))
    return events
