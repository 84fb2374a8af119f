"""Online grouping of articles into stories.

Each article is compared with the live stories that share one of its rare
terms or names (found through an inverted index, so the cost of an article
does not grow with the number of stories), scored by TF-IDF similarity to the
story's centroid (optionally also to its closest recent member), by overlap of
names, by the story's size and by closeness in time; it joins the best story
whose score reaches the threshold, else opens a new one. Document frequencies
are counted as articles arrive, so nothing is fitted in advance and the
weights follow the news of the day.

An event reported in varied words can open two stories before either has seen
enough wordings to match the other's. When an article matches two live
stories and their centroids have become alike, the younger is merged into
the older, which keeps its id (see :attr:`StoryGrouper.merges`).
Syndicated copies join their original's story directly.

The live part of a grouper (counts, the live stories' centroids, the copy
index, the clock) can be saved with :meth:`StoryGrouper.state` and restored
with :meth:`StoryGrouper.from_state`, so a store can add new articles to the
stories it has without regrouping everything.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import json
import math
import re
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from newsweave.cluster.config import GroupingConfig
from newsweave.cluster.dedup import CopyFinder
from newsweave.cluster.text import Features, NameLexicon, features
from newsweave.models import Article, Story, from_iso, iso, sort_time

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
# Stories an article also matches that are checked for a merge: the runners-up
# to its best story.
_MERGE_CANDIDATES = 2
#: Version of the saved-state format; a state of another version is refused.
STATE_VERSION = 2
_APART_MIN = 1024


class StateError(ValueError):
    """A saved grouper state that cannot be used (other version, config or corrupt)."""


def story_id_for(article_id: str) -> str:
    """The id of a story opened by ``article_id``: stable across runs."""
    if _HEX_ID.fullmatch(article_id):
        return "s" + article_id[:12]
    return "s" + hashlib.sha256(article_id.encode()).hexdigest()[:12]


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


#: Text to a sentence embedding (any scale: it is normalised here).
Embedder = Callable[[str], "np.ndarray"]

#: A member: (sort key, article id, published, title).
Member = tuple[datetime, str, datetime | None, str]


class _LiveStory:
    """A story's members and, while it is live, what new articles are compared with."""

    __slots__ = (
        "centroid",
        "compact",
        "embedding",
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
        self.members: list[Member] = []
        self.start: datetime | None = None
        self.end: datetime | None = None
        # Sum of members' unit vectors over terms and prefixed names.
        self.centroid: Counter[str] = Counter()
        # Sum of members' unit sentence embeddings, when an embedder is used.
        self.embedding: np.ndarray | None = None
        self.recent: deque[tuple[dict[str, float], float]] = deque(maxlen=recent)
        self.keys: set[str] = set()
        self.indexed: list[str] = []
        self.syndicated: dict[str, str] = {}
        # Members other than copies: the evidence the centroid is built from.
        self.size = 0
        self.live = True
        # Quiet for ``compact_hours``: centroid cut to its heaviest keys.
        self.compact = False
        self.norms = (0.0, 0.0)
        self.norm_at = 0
        self.norm_size = 0


class StoryGrouper:
    """Groups articles into stories one at a time, as they arrive."""

    def __init__(
        self, config: GroupingConfig | None = None, embedder: Embedder | None = None
    ) -> None:
        """``embedder``, when given, adds sentence-embedding similarity to the
        text score with weight ``config.embedding_weight``."""
        self.config = config or GroupingConfig()
        self._embedder = embedder
        self._lexicon = NameLexicon()
        self._df: Counter[str] = Counter()
        self._n = 0
        self._seq = 0
        self._stories: dict[str, _LiveStory] = {}
        self._story_of: dict[str, str] = {}
        self._postings: dict[str, dict[str, None]] = {}
        self._copies = CopyFinder(self.config)
        self._clock: datetime | None = None
        self._dormant: list[tuple[datetime, int, str]] = []
        self._quiet: list[tuple[datetime, int, str]] = []
        # Articles whose bodies the copy finder holds, by publication time.
        self._sketched: list[tuple[datetime, str]] = []
        # Pairs of stories last compared for a merge, with their sizes then.
        self._apart: dict[tuple[str, str], tuple[int, int]] = {}
        self._apart_kept = (
            _APART_MIN  # pairs of merged or dormant stories are dropped past twice this
        )
        self._touched: set[str] = set()
        #: Every merge so far, in order: (absorbed story id, surviving story id).
        #: An id :meth:`add` returned earlier may since have been absorbed.
        self.merges: list[tuple[str, str]] = []

    def add(self, article: Article) -> str:
        """Put ``article`` into the best matching live story or a new one; its story id.

        The id is the article's story at this moment: a later merge may absorb
        it into an older story (recorded in :attr:`merges`). Adding an article
        id a second time changes nothing.
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
        embedding = None
        if self._embedder is not None:
            embedding = np.asarray(self._embedder(embedding_text(article, cfg)), dtype=np.float64)
        best, runners = self._best(vector, embedding, start, end, bar)
        story = self._open(article.id) if best is None else best
        self._attach(story, article, start, end, vector)
        if embedding is not None:
            story.embedding = embedding if story.embedding is None else story.embedding + embedding
        for other in runners:
            if other.live and self._merge_due(story, other) and self._alike(story, other):
                story = self._merge(story, other)
        return story.id

    def _merge_due(self, a: _LiveStory, b: _LiveStory) -> bool:
        """Whether two stories need comparing for a merge (again).

        A pair found apart is compared again only once one of them has grown
        by a tenth: comparing two long-running stories costs as much as their
        vocabularies, and an article that reaches both comes with every report.
        """
        pair = (a.id, b.id) if a.seq < b.seq else (b.id, a.id)
        sizes = (a.size, b.size) if a.seq < b.seq else (b.size, a.size)
        seen = self._apart.get(pair)
        if seen is not None and all(
            now <= then * (1 + _NORM_REFRESH) for now, then in zip(sizes, seen, strict=True)
        ):
            return False
        self._apart[pair] = sizes
        if len(self._apart) > 2 * self._apart_kept:
            self._apart = {p: n for p, n in self._apart.items() if self._both_live(p)}
            self._apart_kept = max(len(self._apart), _APART_MIN)
        return True

    def _both_live(self, pair: tuple[str, str]) -> bool:
        return all((s := self._stories.get(i)) is not None and s.live for i in pair)

    @property
    def horizon(self) -> datetime | None:
        """The oldest publication time a live story can still be joined at (UTC).

        Stories last reported before it have left the index, so an article
        published earlier can no longer reach the stories it belongs with.
        """
        if self._clock is None:
            return None
        return self._clock - timedelta(hours=self.config.dormant_hours)

    def stories(self) -> list[Story]:
        """Every story so far, live or dormant, in the order they were opened."""
        return [_as_story(s) for s in self._stories.values()]

    def touched(self) -> list[Story]:
        """The stories that gained members or absorbed others since this grouper was made.

        With :meth:`from_state`, these are what a store has to rewrite; the
        stories absorbed meanwhile are in :attr:`merges`.
        """
        return [_as_story(s) for s in self._stories.values() if s.id in self._touched]

    # -- scoring ------------------------------------------------------------

    @staticmethod
    def _vector(feats: Features) -> dict[str, float]:
        vector = dict(feats.terms)
        vector.update((_NAME + name, weight) for name, weight in feats.names.items())
        return vector

    def _idf(self, key: str) -> float:
        return math.log((self._n + 1) / (self._df[key] + 1)) + 1.0

    def _combine(self, text: float, name: float, has_names: bool) -> float:
        # An article with no names (a Title Case headline of common words)
        # is judged on its text alone rather than penalised for it.
        if not has_names:
            return text
        weight = self.config.entity_weight
        return (1 - weight) * text + weight * name

    def _best(
        self,
        vector: dict[str, float],
        embedding: np.ndarray | None,
        start: datetime | None,
        end: datetime | None,
        threshold: float,
    ) -> tuple[_LiveStory | None, list[_LiveStory]]:
        """The story the article should join (``None`` when none scores enough).

        Also the next best stories that reach the threshold too: candidates
        for a merge once the article has joined.
        """
        cfg = self.config
        idf = {k: self._idf(k) for k in vector}
        terms = {k: v * idf[k] for k, v in vector.items() if not k.startswith(_NAME)}
        names = {k: v * idf[k] for k, v in vector.items() if k.startswith(_NAME)}
        term_norm = math.sqrt(sum(v * v for v in terms.values()))
        name_norm = math.sqrt(sum(v * v for v in names.values()))

        scored: list[tuple[float, float, float, float, _LiveStory]] = []
        for story in self._candidates(vector):
            term_sn, name_sn = self._story_norms(story)
            text = self._with_meaning(
                _cosine(terms, idf, story.centroid, term_norm, term_sn),
                embedding,
                story.embedding,
            )
            name = _cosine(names, idf, story.centroid, name_norm, name_sn)
            decay = self._decay(_gap_hours(start, end, story))
            decay *= 1.0 + cfg.size_prior * math.log(story.size)
            scored.append(
                (self._combine(text, name, bool(names)) * decay, text, name, decay, story)
            )
        scored.sort(key=lambda s: (-s[0], s[4].seq))

        final: list[tuple[float, _LiveStory]] = []
        for rank, (score, text, name, decay, story) in enumerate(scored):
            if rank < _MEMBER_CANDIDATES and cfg.member_weight > 0:
                member = max(
                    (_cosine(terms, idf, m, term_norm, norm) for m, norm in story.recent),
                    default=0.0,
                )
                text = (1 - cfg.member_weight) * text + cfg.member_weight * member
                score = self._combine(text, name, bool(names)) * decay
            final.append((score, story))
        final.sort(key=lambda s: (-s[0], s[1].seq))
        matched = [story for score, story in final if score >= threshold]
        if not matched:
            return None, []
        return matched[0], matched[1 : 1 + _MERGE_CANDIDATES]

    def _decay(self, gap_hours: float) -> float:
        """The share of a score kept after ``gap_hours``: a power law, halved at the half-life."""
        power, half_life = self.config.time_power, self.config.half_life_hours
        return (1.0 + (2.0 ** (1.0 / power) - 1.0) * gap_hours / half_life) ** -power

    def _with_meaning(self, text: float, one: np.ndarray | None, other: np.ndarray | None) -> float:
        """Text similarity mixed with the embeddings' cosine, when both are there."""
        if one is None or other is None:
            return text
        norms = float(np.linalg.norm(one) * np.linalg.norm(other))
        meaning = float(one @ other) / norms if norms else 0.0
        weight = self.config.embedding_weight
        return (1 - weight) * text + weight * meaning

    def _alike(self, a: _LiveStory, b: _LiveStory) -> bool:
        """Whether two stories' centroids are close enough, in words and time, to be one event."""
        cfg = self.config
        if cfg.merge_similarity >= 1.0:
            return False
        small, large = (a, b) if len(a.centroid) <= len(b.centroid) else (b, a)
        term = name = 0.0
        for key, value in small.centroid.items():
            if (other := large.centroid.get(key)) is not None:
                weighted = value * other * self._idf(key) ** 2
                if key.startswith(_NAME):
                    name += weighted
                else:
                    term += weighted
        a_term, a_name = self._story_norms(a)
        b_term, b_name = self._story_norms(b)
        text = self._with_meaning(
            term / (a_term * b_term) if a_term and b_term else 0.0, a.embedding, b.embedding
        )
        names = name / (a_name * b_name) if a_name and b_name else 0.0
        # Decayed by the gap in time, as an article's score is: alike words
        # days apart are a new event of the same kind, not the same one.
        decay = self._decay(_gap_hours(a.start, a.end, b))
        similarity = self._combine(text, names, bool(a_name and b_name)) * decay
        return similarity >= cfg.merge_similarity

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
        size = story.size
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
        story = _LiveStory(story_id, self._seq, self.config.recent_members)
        self._seq += 1
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
        self._touched.add(story.id)
        if start is not None and end is not None:
            untimed = story.end is None
            story.start = start if story.start is None else min(story.start, start)
            story.end = end if story.end is None else max(story.end, end)
            if untimed:
                heapq.heappush(self._dormant, (story.end, story.seq, story.id))
                heapq.heappush(self._quiet, (story.end, story.seq, story.id))
        if vector is None:
            return
        self._wake(story)
        story.indexed.append(article.id)
        if start is not None:
            heapq.heappush(self._sketched, (start, article.id))
        story.size += 1
        unit = _unit(vector)
        self._grow_centroid(story, unit)
        terms = {k: v for k, v in vector.items() if not k.startswith(_NAME)}
        norm = math.sqrt(sum((v * self._idf(k)) ** 2 for k, v in terms.items()))
        if norm:
            story.recent.append((terms, norm))
        self._index(story, vector)

    def _grow_centroid(self, story: _LiveStory, unit: dict[str, float]) -> None:
        """Add a member's unit vector to the centroid, updating cached norms in step.

        Only the changed keys are visited: recomputing the norms over the
        whole centroid would cost as much as the story has distinct words.
        """
        fresh = story.norm_size == story.size - 1
        term, name = story.norms[0] ** 2, story.norms[1] ** 2
        centroid = story.centroid
        for key, value in unit.items():
            old = centroid.get(key, 0.0)
            # typeshed's Counter holds ints only; this one sums float weights
            centroid[key] = old + value  # type: ignore[assignment]
            if fresh:
                change = (value * value + 2 * old * value) * self._idf(key) ** 2
                if key.startswith(_NAME):
                    name += change
                else:
                    term += change
        if fresh:
            story.norms = (math.sqrt(term), math.sqrt(name))
            story.norm_size = story.size

    def _index(self, story: _LiveStory, keys: Iterable[str]) -> None:
        for key in keys:
            if key not in story.keys:
                story.keys.add(key)
                self._postings.setdefault(key, {})[story.id] = None

    def _unindex(self, story: _LiveStory) -> None:
        for key in story.keys:
            postings = self._postings[key]
            del postings[story.id]
            if not postings:
                del self._postings[key]
        story.keys = set()

    def _merge(self, a: _LiveStory, b: _LiveStory) -> _LiveStory:
        """Merge two live stories into the older (its id survives); the survivor."""
        keep, gone = (a, b) if a.seq < b.seq else (b, a)
        self._unindex(gone)
        del self._stories[gone.id]
        self._touched.discard(gone.id)
        self._touched.add(keep.id)
        self.merges.append((gone.id, keep.id))
        keep.members.extend(gone.members)
        for _, article_id, _, _ in gone.members:
            self._story_of[article_id] = keep.id
        if gone.start is not None and gone.end is not None:
            untimed = keep.end is None
            keep.start = gone.start if keep.start is None else min(keep.start, gone.start)
            keep.end = gone.end if keep.end is None else max(keep.end, gone.end)
            if untimed:
                heapq.heappush(self._dormant, (keep.end, keep.seq, keep.id))
        if not gone.compact:
            self._wake(keep)
        keep.centroid.update(gone.centroid)
        if gone.embedding is not None:
            keep.embedding = (
                gone.embedding if keep.embedding is None else keep.embedding + gone.embedding
            )
        keep.recent.extend(gone.recent)
        keep.indexed.extend(gone.indexed)
        keep.syndicated.update(gone.syndicated)
        keep.size += gone.size
        keep.norm_size = -1
        self._index(keep, gone.centroid)
        return keep

    def _advance(self, start: datetime | None) -> None:
        """Move the clock to ``start`` and retire stories dormant for too long."""
        if start is None or (self._clock is not None and start <= self._clock):
            return
        self._clock = start
        quiet = start - timedelta(hours=self.config.compact_hours)
        # A copy of a report comes out within days of it: older bodies are
        # forgotten, or a story reported for months would keep every sketch.
        while self._sketched and self._sketched[0][0] < quiet:
            self._copies.remove(heapq.heappop(self._sketched)[1])
        for story in self._due(self._quiet, quiet):
            if story.live and not story.compact:
                self._compact(story)
        for story in self._due(self._dormant, start - timedelta(hours=self.config.dormant_hours)):
            if story.live:
                self._retire(story)

    def _due(self, heap: list[tuple[datetime, int, str]], horizon: datetime) -> list[_LiveStory]:
        """The stories of ``heap`` last reported before ``horizon``, taken off it.

        An entry is pushed once, when a story first gets a date; a story
        reported since then is pushed back with its new end instead.
        """
        due = []
        while heap and heap[0][0] < horizon:
            _, seq, story_id = heapq.heappop(heap)
            story = self._stories.get(story_id)
            if story is None:
                continue  # merged away; the survivor has its own entry
            assert story.end is not None
            if story.end >= horizon:
                heapq.heappush(heap, (story.end, seq, story_id))
            else:
                due.append(story)
        return due

    def _compact(self, story: _LiveStory) -> None:
        """Cut a quiet story down to what a follow-up is matched by.

        Its ``compact_keys`` heaviest terms and names stay in the centroid and
        the index, so that a report weeks later can still join it; the rest of
        the centroid and the recent members go (the copy sketches went as
        they aged), so that a long dormancy window costs a bounded amount per
        story, not a growing one.
        """
        keep = self.config.compact_keys
        if len(story.centroid) > keep:
            weight = {k: v * self._idf(k) for k, v in story.centroid.items()}
            kept = sorted(weight, key=lambda k: (-weight[k], k))[:keep]
            story.centroid = Counter({k: story.centroid[k] for k in kept})
            self._unindex(story)
            self._index(story, story.centroid)
            story.norm_size = -1  # the norms are recomputed over the kept keys
        story.recent.clear()
        story.compact = True

    def _wake(self, story: _LiveStory) -> None:
        """A compacted story that gains evidence is quiet no more: it compacts again later."""
        if story.compact:
            story.compact = False
            if story.end is not None:
                heapq.heappush(self._quiet, (story.end, story.seq, story.id))

    def _retire(self, story: _LiveStory) -> None:
        story.live = False
        self._unindex(story)
        for article_id in story.indexed:
            self._copies.remove(article_id)
        story.indexed = []
        story.centroid = Counter()
        story.embedding = None
        story.recent.clear()

    # -- saving and restoring -------------------------------------------------

    def state(self) -> bytes:
        """The live part of this grouper, as compressed JSON (no code, unlike pickle).

        Dormant stories are left out: no article can join them any more. What
        is kept is exact (floats round-trip through JSON), so a restored
        grouper places the next articles exactly as this one would.
        """
        live = [s for s in self._stories.values() if s.live]
        data = {
            "version": STATE_VERSION,
            "config": asdict(self.config),
            "embedded": _embedder_name(self._embedder),
            "n": self._n,
            "seq": self._seq,
            "clock": iso(self._clock),
            "df": self._df,
            "lexicon": self._lexicon.counts(),
            "stories": [_story_state(s) for s in live],
            "copies": self._copies.state(),
            "apart": [
                [*pair, *sizes] for pair, sizes in self._apart.items() if self._both_live(pair)
            ],
        }
        return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 6)

    @classmethod
    def from_state(
        cls, blob: bytes, config: GroupingConfig | None = None, embedder: Embedder | None = None
    ) -> StoryGrouper:
        """A grouper that continues from :meth:`state`; :class:`StateError` if it cannot.

        The state must come from a grouper with the same ``config``, and with
        the same embedder (by its ``name`` attribute) or none: one saved under
        other settings would place new articles by mixed rules.
        """
        try:
            data = json.loads(zlib.decompress(blob))
        except (zlib.error, ValueError) as exc:
            raise StateError(f"unreadable grouper state: {exc}") from None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise StateError("grouper state of another version")
        grouper = cls(config, embedder)
        if data.get("config") != asdict(grouper.config) or data.get("embedded") != _embedder_name(
            embedder
        ):
            raise StateError("grouper state saved under other settings")
        try:
            grouper._restore(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise StateError(f"unusable grouper state: {exc}") from None
        return grouper

    def _restore(self, data: dict[str, Any]) -> None:
        self._n = data["n"]
        self._seq = data["seq"]
        self._clock = from_iso(data["clock"])
        self._df = Counter(data["df"])
        self._lexicon.restore(data["lexicon"])
        for saved in data["stories"]:
            story = _restore_story(saved, self.config.recent_members)
            self._stories[story.id] = story
            for member in story.members:
                self._story_of[member[1]] = story.id
            self._index(story, story.centroid)
            if story.end is not None:
                heapq.heappush(self._dormant, (story.end, story.seq, story.id))
                if not story.compact:
                    heapq.heappush(self._quiet, (story.end, story.seq, story.id))
            indexed = set(story.indexed)
            for when, article_id, published, _ in story.members:
                if article_id in indexed and published is not None:
                    heapq.heappush(self._sketched, (when, article_id))
        self._copies.restore(data["copies"])
        self._apart = {(a, b): (x, y) for a, b, x, y in data["apart"]}


def embedding_text(article: Article, config: GroupingConfig) -> str:
    """What the grouper gives its embedder: the title and the lead's first words."""
    lead = " ".join(" ".join(article.body).split()[: config.lead_words])
    return f"{article.title}. {lead}" if lead else article.title


def _embedder_name(embedder: Embedder | None) -> str | None:
    """What a saved state records of the embedder: its ``name`` when it has one.

    A state built with one model's vectors cannot be continued with another's.
    """
    if embedder is None:
        return None
    return str(getattr(embedder, "name", "embedder"))


def _story_state(story: _LiveStory) -> dict[str, Any]:
    return {
        "id": story.id,
        "seq": story.seq,
        # The sort key is recomputed from the publication date on restore.
        "members": [[aid, iso(published), title] for _, aid, published, title in story.members],
        "start": iso(story.start),
        "end": iso(story.end),
        "centroid": story.centroid,
        "embedding": None
        if story.embedding is None
        else base64.b64encode(story.embedding.astype("<f8").tobytes()).decode("ascii"),
        "recent": [[terms, norm] for terms, norm in story.recent],
        "indexed": story.indexed,
        "syndicated": story.syndicated,
        "size": story.size,
        "norms": story.norms,
        "norm_at": story.norm_at,
        "norm_size": story.norm_size,
        "compact": story.compact,
    }


def _restore_story(saved: dict[str, Any], recent: int) -> _LiveStory:
    story = _LiveStory(saved["id"], saved["seq"], recent)
    for aid, published, title in saved["members"]:
        when = from_iso(published)
        story.members.append((sort_time(when), aid, when, title))
    story.start = from_iso(saved["start"])
    story.end = from_iso(saved["end"])
    story.centroid = Counter(saved["centroid"])
    if saved["embedding"] is not None:
        story.embedding = np.frombuffer(base64.b64decode(saved["embedding"]), dtype="<f8").copy()
    story.recent.extend((terms, norm) for terms, norm in saved["recent"])
    story.indexed = list(saved["indexed"])
    story.syndicated = dict(saved["syndicated"])
    story.size = saved["size"]
    story.norms = tuple(saved["norms"])
    story.norm_at = saved["norm_at"]
    story.norm_size = saved["norm_size"]
    story.compact = saved["compact"]
    return story


def _cosine(
    query: dict[str, float],
    idf: dict[str, float],
    other: Mapping[str, float],
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
        # The first report with a title: a page whose title was lost says nothing.
        title=next((m[3] for m in members if m[3]), members[0][3]),
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
