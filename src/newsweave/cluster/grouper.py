"""Online grouping of articles into stories.

Each article is compared with the live stories that share one of its rare
terms or names (found through an inverted index, so the cost of an article
does not grow with the number of stories), scored by TF-IDF similarity to the
story's centroid (optionally also to its closest recent member), by overlap of
names, by the story's size and by closeness in time; it joins the best story
whose score reaches the threshold, else opens a new one. Document frequencies
are counted as articles arrive, so nothing is fitted in advance and the
weights follow the news of the day.
Syndicated copies join their original's story directly.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
from collections import Counter, deque
from collections.abc import Iterable
from datetime import datetime, timedelta

from newsweave.cluster.config import GroupingConfig
from newsweave.cluster.dedup import CopyFinder
from newsweave.cluster.text import Features, NameLexicon, features
from newsweave.models import Article, Story, sort_time

_HEX_ID = re.compile(r"[0-9a-f]{12,}")
# Names and terms share one frequency table and one index; a prefix keeps the
# name "apple" apart from the word "apple".
_NAME = "@"
# Comparing with each recent member costs more than with the centroid, so it
# is done for the few best stories by centroid score only.
_MEMBER_CANDIDATES = 4
# Cached story norms are recomputed when the article count grows by this
# share, as the IDF weights they depend on shift.
_NORM_REFRESH = 0.1


def story_id_for(article_id: str) -> str:
    """The id of a story opened by ``article_id``: stable across runs."""
    if _HEX_ID.fullmatch(article_id):
        return "s" + article_id[:12]
    return "s" + hashlib.sha256(article_id.encode()).hexdigest()[:12]


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


class _LiveStory:
    """A story's members and, while it is live, what new articles are compared with."""

    __slots__ = (
        "centroid",
        "end",
        "id",
        "indexed",
        "keys",
        "live",
        "members",
        "norm_at",
        "norm_size",
        "norms",
        "recent",
        "seq",
        "size",
        "start",
        "syndicated",
    )

    def __init__(self, story_id: str, seq: int, recent: int) -> None:
        self.id = story_id
        self.seq = seq
        # (sort key, article id, published, title)
        self.members: list[tuple[datetime, str, datetime | None, str]] = []
        self.start: datetime | None = None
        self.end: datetime | None = None
        # Sum of members' unit vectors over terms and prefixed names.
        self.centroid: Counter[str] = Counter()
        self.recent: deque[tuple[dict[str, float], float]] = deque(maxlen=recent)
        self.keys: set[str] = set()
        self.indexed: list[str] = []
        self.syndicated: dict[str, str] = {}
        # Members other than copies: the evidence the centroid is built from.
        self.size = 0
        self.live = True
        self.norms = (0.0, 0.0)
        self.norm_at = 0
        self.norm_size = 0


class StoryGrouper:
    """Groups articles into stories one at a time, as they arrive."""

    def __init__(self, config: GroupingConfig | None = None) -> None:
        self.config = config or GroupingConfig()
        self._lexicon = NameLexicon()
        self._df: Counter[str] = Counter()
        self._n = 0
        self._stories: dict[str, _LiveStory] = {}
        self._story_of: dict[str, str] = {}
        self._postings: dict[str, dict[str, None]] = {}
        self._copies = CopyFinder(self.config)
        self._clock: datetime | None = None
        self._dormant: list[tuple[datetime, int, str]] = []

    def add(self, article: Article) -> str:
        """Put ``article`` into the best matching live story or a new one; its story id.

        Adding an article id a second time changes nothing.
        """
        if (known := self._story_of.get(article.id)) is not None:
            return known
        start, end = _interval(article)
        self._advance(start)
        feats = features(article, self.config, self._lexicon)
        original = self._copies.find_and_add(article.id, article.text)
        if original is not None:
            story = self._stories[self._story_of[original]]
            story.syndicated[article.id] = original
            # A copy adds no evidence: counting it would make its words look
            # common and pull the centroid towards one wording.
            self._attach(story, article, start, end, None)
            return story.id
        cfg = self.config
        vector = self._vector(feats)
        self._n += 1
        self._df.update(vector.keys())
        bar = cfg.threshold if article.body else cfg.headline_threshold
        story = self._best(vector, start, end, bar)
        if story is None:
            story = self._open(article.id)
        self._attach(story, article, start, end, vector)
        return story.id

    def stories(self) -> list[Story]:
        """Every story so far, live or dormant, in the order they were opened."""
        return [_as_story(s) for s in self._stories.values()]

    # -- scoring ------------------------------------------------------------

    @staticmethod
    def _vector(feats: Features) -> dict[str, float]:
        vector = dict(feats.terms)
        vector.update((_NAME + name, weight) for name, weight in feats.names.items())
        return vector

    def _idf(self, key: str) -> float:
        return math.log((self._n + 1) / (self._df[key] + 1)) + 1.0

    def _best(
        self,
        vector: dict[str, float],
        start: datetime | None,
        end: datetime | None,
        threshold: float,
    ) -> _LiveStory | None:
        """The story the article should join, or ``None`` when none scores enough."""
        cfg = self.config
        idf = {k: self._idf(k) for k in vector}
        terms = {k: v * idf[k] for k, v in vector.items() if not k.startswith(_NAME)}
        names = {k: v * idf[k] for k, v in vector.items() if k.startswith(_NAME)}
        term_norm = math.sqrt(sum(v * v for v in terms.values()))
        name_norm = math.sqrt(sum(v * v for v in names.values()))

        def combine(text: float, name: float) -> float:
            # An article with no names (a Title Case headline of common words)
            # is judged on its text alone rather than penalised for it.
            if not names:
                return text
            return (1 - cfg.entity_weight) * text + cfg.entity_weight * name

        scored: list[tuple[float, float, float, _LiveStory]] = []
        for story in self._candidates(vector):
            term_sn, name_sn = self._story_norms(story)
            text = _cosine(terms, idf, story.centroid, term_norm, term_sn)
            name = _cosine(names, idf, story.centroid, name_norm, name_sn)
            decay = 0.5 ** (_gap_hours(start, end, story) / cfg.half_life_hours)
            decay *= 1.0 + cfg.size_prior * math.log(story.size)
            scored.append((combine(text, name) * decay, text, name, decay, story))
        scored.sort(key=lambda s: (-s[0], s[4].seq))

        best: tuple[float, _LiveStory] | None = None
        for rank, (score, text, name, decay, story) in enumerate(scored):
            if rank < _MEMBER_CANDIDATES and cfg.member_weight > 0:
                member = max(
                    (_cosine(terms, idf, m, term_norm, norm) for m, norm in story.recent),
                    default=0.0,
                )
                text = (1 - cfg.member_weight) * text + cfg.member_weight * member
                score = combine(text, name) * decay
            if best is None or (score, -story.seq) > (best[0], -best[1].seq):
                best = (score, story)
        return best[1] if best is not None and best[0] >= threshold else None

    def _candidates(self, vector: dict[str, float]) -> list[_LiveStory]:
        """Live stories sharing one of the article's rarest keys, best overlap first.

        Only keys with short postings are looked up, so the cost stays bounded
        however many stories are live; a key found in many stories says
        little about which one an article belongs to anyway.
        """
        cfg = self.config
        # A key seen in this article only (frequency 1) cannot lead to a story.
        by_rarity = sorted((k for k in vector if self._df[k] > 1), key=lambda k: (self._df[k], k))
        query = [k for k in by_rarity if len(self._postings.get(k, ())) <= cfg.max_postings]
        overlap: dict[str, float] = {}
        for key in query[: cfg.query_terms]:
            weight = self._idf(key)
            for story_id in self._postings.get(key, ()):
                overlap[story_id] = overlap.get(story_id, 0.0) + weight
        ranked = sorted(overlap, key=lambda s: (-overlap[s], self._stories[s].seq))
        return [self._stories[s] for s in ranked[: cfg.max_candidates]]

    def _story_norms(self, story: _LiveStory) -> tuple[float, float]:
        """IDF-weighted norms of a story's term and name centroids, cached."""
        size = len(story.members)
        if story.norm_size != size or self._n > story.norm_at * (1 + _NORM_REFRESH):
            term = name = 0.0
            for key, value in story.centroid.items():
                weighted = value * self._idf(key)
                if key.startswith(_NAME):
                    name += weighted * weighted
                else:
                    term += weighted * weighted
            story.norms = (math.sqrt(term), math.sqrt(name))
            story.norm_at = self._n
            story.norm_size = size
        return story.norms

    # -- state --------------------------------------------------------------

    def _open(self, article_id: str) -> _LiveStory:
        story_id = story_id_for(article_id)
        salt = 0
        while story_id in self._stories:
            salt += 1
            story_id = story_id_for(f"{article_id}#{salt}")
        story = _LiveStory(story_id, len(self._stories), self.config.recent_members)
        self._stories[story_id] = story
        return story

    def _attach(
        self,
        story: _LiveStory,
        article: Article,
        start: datetime | None,
        end: datetime | None,
        vector: dict[str, float] | None,
    ) -> None:
        story.members.append((sort_time(start), article.id, article.published, article.title))
        self._story_of[article.id] = story.id
        if start is not None and end is not None:
            untimed = story.end is None
            story.start = start if story.start is None else min(story.start, start)
            story.end = end if story.end is None else max(story.end, end)
            if untimed:
                heapq.heappush(self._dormant, (story.end, story.seq, story.id))
        if vector is None:
            return
        story.indexed.append(article.id)
        story.size += 1
        unit = _unit(vector)
        story.centroid.update(unit)
        terms = {k: v for k, v in vector.items() if not k.startswith(_NAME)}
        norm = math.sqrt(sum((v * self._idf(k)) ** 2 for k, v in terms.items()))
        if norm:
            story.recent.append((terms, norm))
        for key in vector:
            if key not in story.keys:
                story.keys.add(key)
                self._postings.setdefault(key, {})[story.id] = None

    def _advance(self, start: datetime | None) -> None:
        """Move the clock to ``start`` and retire stories dormant for too long."""
        if start is None or (self._clock is not None and start <= self._clock):
            return
        self._clock = start
        horizon = start - timedelta(hours=self.config.dormant_hours)
        while self._dormant and self._dormant[0][0] < horizon:
            _, seq, story_id = heapq.heappop(self._dormant)
            story = self._stories[story_id]
            assert story.end is not None
            if story.end >= horizon:
                heapq.heappush(self._dormant, (story.end, seq, story_id))
            elif story.live:
                self._retire(story)

    def _retire(self, story: _LiveStory) -> None:
        story.live = False
        for key in story.keys:
            postings = self._postings[key]
            del postings[story.id]
            if not postings:
                del self._postings[key]
        for article_id in story.indexed:
            self._copies.remove(article_id)
        story.keys = set()
        story.indexed = []
        story.centroid = Counter()
        story.recent.clear()


def _cosine(
    query: dict[str, float],
    idf: dict[str, float],
    other: dict[str, float],
    query_norm: float,
    other_norm: float,
) -> float:
    """Cosine of ``query`` (already IDF-weighted) with ``other`` (raw, weighted here)."""
    if not query_norm or not other_norm:
        return 0.0
    dot = 0.0
    for key, value in query.items():
        if (o := other.get(key)) is not None:
            dot += value * o * idf[key]
    return dot / (query_norm * other_norm)


def _interval(article: Article) -> tuple[datetime | None, datetime | None]:
    """When the article came out, as a UTC span: a whole day for date-only times."""
    if article.published is None:
        return None, None
    start = sort_time(article.published)
    if article.published_precision == "day":
        return start, start + timedelta(days=1)
    return start, start


def _gap_hours(start: datetime | None, end: datetime | None, story: _LiveStory) -> float:
    """Hours between the article's span and the story's; 0 when either is unknown."""
    if start is None or end is None or story.start is None or story.end is None:
        return 0.0
    gap = max(start - story.end, story.start - end, timedelta(0))
    return gap.total_seconds() / 3600.0


def _as_story(story: _LiveStory) -> Story:
    members = sorted(story.members, key=lambda m: (m[0], m[1]))
    dated = [m for m in members if m[2] is not None]
    return Story(
        id=story.id,
        title=members[0][3],
        article_ids=[m[1] for m in members],
        first_published=dated[0][2] if dated else None,
        last_published=dated[-1][2] if dated else None,
        syndicated=dict(story.syndicated),
    )


def group(articles: Iterable[Article], config: GroupingConfig | None = None) -> list[Story]:
    """Stories of ``articles``, added in publication order (undated last, then by id)."""
    grouper = StoryGrouper(config)
    for article in sorted(articles, key=lambda a: (sort_time(a.published), a.id)):
        grouper.add(article)
    return grouper.stories()
