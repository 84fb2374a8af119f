"""The main job: pages in, articles, claims and stories out.

:func:`process_page` is the pure per-page part (extract, then claims) that a
batch worker can run anywhere, :func:`extract_page` the extraction alone;
:func:`ingest` adds the store at the edges: it skips pages already stored,
writes each page with its result in one transaction (so a crash loses at most
the page in hand and a rerun resumes without duplicates), then adds the
articles in no story yet to the stories
(:meth:`newsweave.grouping.GroupingSession.update`).

Stories are kept up to date incrementally: the story grouper's live state is
saved in the store with the memberships it describes, and the next ingest
restores it and adds only the articles in no story yet, in publication order,
rewriting only the stories they join or merge. Given the same articles in the
same order, that gives the same stories as grouping them all at once.
Every function that groups takes the ``embedder`` to add to TF-IDF (see
:mod:`newsweave.cluster.embeddings`); a state saved under another embedder,
or none, is not continued but rebuilt, so give a store the same one each run.
Articles that arrive late but within ``dormant_hours`` of the newest one
grouped are added after it, where the time decay still weighs their real
date; one older than that (its stories have left the live index) makes the
ingest rebuild everything in publication order instead, as :func:`regroup`
(``newsweave recluster``) does, so backfilled archives are grouped as if they
had come on time.

Story reports are built when a story changes, not when one is read: after an
ingest (or a regroup) the stories whose members changed get their report
rebuilt and stored (:func:`refresh_reports`), each under a key that says what it
was built from (:func:`~newsweave.reports.report_key`). Reading one
(:func:`~newsweave.reports.story_report`, kept in :mod:`newsweave.reports` so
that a read does not import the stages above) is then a lookup; a report whose
key is not the story's current one is never served but built again and stored
(:func:`build_story_report`), as is a missing one (a store from before reports
were kept, or a run stopped half-way through its reports).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from newsweave.claims.parse import set_cache_size
from newsweave.cluster import Embedder
from newsweave.config import Settings
from newsweave.errors import NewsweaveError, PageError, StoreError
from newsweave.extract.outlets import use_outlets
from newsweave.grouping import GroupingSession
from newsweave.ingest import discover, read_file
from newsweave.models import Article, Claim, Mention, Page, Rejection, Story
from newsweave.registry import claim_readers, extractors
from newsweave.reports import report_key
from newsweave.reports import story_report as story_report  # re-exported: the read path
from newsweave.reports import story_report_dict as story_report_dict
from newsweave.store import Store
from newsweave.story import StoryReport, build_report
from newsweave.story.render import report_to_dict

logger = logging.getLogger(__name__)
_T = TypeVar("_T")


@dataclass(slots=True)
class Processed:
    """What one page became: its article, that article's claims and the names it mentions."""

    article: Article
    claims: list[Claim]
    mentions: list[Mention]


def extract_page(
    page: Page, *, reference_time: datetime | None = None, settings: Settings | None = None
) -> Article | Rejection:
    """``page``'s article, or why it holds none: extraction alone, with no claims.

    What ``newsweave extract`` needs; the claims stage (spaCy) costs many times
    the extraction.
    """
    chosen = settings or Settings()
    return _guarded(page, lambda: _extracted(page, reference_time, chosen))


def process_page(
    page: Page, *, reference_time: datetime | None = None, settings: Settings | None = None
) -> Processed | Rejection:
    """Extract ``page``'s article and claims, or say why it holds none.

    ``settings`` (default: :class:`Settings` from the environment) choose the
    stages (:mod:`newsweave.registry`) and give them what they are configured
    with: the languages, the spaCy model, the parse cache, the outlet table. A
    model that cannot load stops the run (:class:`~newsweave.errors.NewsweaveError`)
    rather than reject every page.
    """
    chosen = settings or Settings()

    def run() -> Processed:
        article = _extracted(page, reference_time, chosen)
        claims, mentions = claim_readers.get(chosen.claim_reader)(article, settings=chosen)
        return Processed(article, claims, mentions)

    return _guarded(page, run)


def _extracted(page: Page, reference_time: datetime | None, settings: Settings) -> Article:
    # The outlet table and the parse cache serve every page of a process:
    # they are set here from the settings, the stages never read them elsewhere.
    use_outlets(settings.outlets)
    set_cache_size(settings.parse_cache)
    stage = extractors.get(settings.extractor)
    return stage(page, reference_time=reference_time, settings=settings)


def _guarded(page: Page, run: Callable[[], _T]) -> _T | Rejection:
    """``run()``, or the page's rejection when it fails.

    A crash inside a stage (a bug, not bad input) is also returned as a
    rejection, ``processing_error``, so the page and the reason are kept and the
    rest of the run goes on; ``NEWSWEAVE_DEBUG=1`` lets it raise instead. The
    rejection names the page by id and keeps no bytes: the page, stored with
    it, holds them (a 15 MB page was kept twice). A
    setting that cannot work stops the run: kept as every page's rejection, it
    would be skipped as already stored once the setting is fixed.
    """
    try:
        return run()
    except PageError as exc:
        return Rejection(page.source, exc.reason, exc.detail, page_id=page.id)
    except NewsweaveError:
        raise  # the run's, not the page's (a missing model, a bad setting): stop, store nothing
    except Exception as exc:  # a bug on one page must not sink the run
        if os.environ.get("NEWSWEAVE_DEBUG"):
            raise
        logger.debug("processing %s failed", page.source, exc_info=True)
        detail = f"internal error while processing: {type(exc).__name__}: {exc}"
        return Rejection(page.source, "processing_error", detail, page_id=page.id)


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did, for people (the CLI) and programs (tests, API)."""

    added: list[str] = field(default_factory=list)
    already_stored: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    stories: int = 0

    @property
    def ok(self) -> bool:
        """True when every input became an article (or already was one)."""
        return not self.rejected


#: Called once per input file, after it is done: (path, files done, files in all).
Progress = Callable[[Path | None, int, int], None]

#: Called before each story report is built and after it is stored:
#: (the story, reports done, reports to build in all).
ReportProgress = Callable[[Story, int, int], None]


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    reference_time: datetime | None = None,
    progress: Progress | None = None,
    reports: bool = True,
    report_progress: ReportProgress | None = None,
    embedder: Embedder | None = None,
    settings: Settings | None = None,
) -> IngestReport:
    """Read, extract and store every page under ``paths``, then regroup stories.

    Idempotent by content hash: pages already in the store are counted and
    skipped. Bad inputs are stored as rejections with their reason and never
    stop the run. Then the reports of the stories that changed are rebuilt and
    stored (unless ``reports`` is false), calling ``report_progress`` after each.
    ``settings`` (default: from the environment) configure the stages, the
    page size limit and the grouping.
    """
    chosen = settings or Settings()
    report = IngestReport()
    found = list(discover(paths))
    files = [p for p in found if isinstance(p, Path)]
    for item in found:
        if isinstance(item, Rejection):
            _reject(store, report, item)
    for done, path in enumerate(files, 1):
        pages = read_file(path, max_bytes=chosen.max_page_bytes)
        _consume(store, report, pages, reference_time, chosen)
        if progress:
            progress(path, done, len(files))
    return _finish(
        store,
        report,
        reports=reports,
        report_progress=report_progress,
        embedder=embedder,
        settings=chosen,
    )


def ingest_pages(
    store: Store,
    items: Iterable[Page | Rejection],
    *,
    reference_time: datetime | None = None,
    reports: bool = True,
    report_progress: ReportProgress | None = None,
    embedder: Embedder | None = None,
    settings: Settings | None = None,
) -> IngestReport:
    """Like :func:`ingest`, for pages that come from elsewhere (fetched, uploaded)."""
    chosen = settings or Settings()
    report = IngestReport()
    _consume(store, report, items, reference_time, chosen)
    return _finish(
        store,
        report,
        reports=reports,
        report_progress=report_progress,
        embedder=embedder,
        settings=chosen,
    )


def _consume(
    store: Store,
    report: IngestReport,
    items: Iterable[Page | Rejection],
    reference_time: datetime | None,
    settings: Settings,
) -> None:
    for item in items:
        if isinstance(item, Rejection):
            _reject(store, report, item)
        elif store.has_page(item.id):
            # A page kept aside before is still bad: say so again.
            report.rejected.extend(store.rejections(page_id=item.id))
            report.already_stored += 1
        else:
            _store_page(store, report, item, reference_time, settings)


def _finish(
    store: Store,
    report: IngestReport,
    *,
    reports: bool = True,
    report_progress: ReportProgress | None = None,
    embedder: Embedder | None = None,
    settings: Settings,
) -> IngestReport:
    # Not only this run's articles: those a crashed run stored but never grouped too.
    touched = GroupingSession(store, settings.grouping, embedder).update()
    if reports and touched:
        refresh_reports(store, [s.id for s in touched], progress=report_progress)
    report.stories = store.stats()["stories"]
    return report


def _store_page(
    store: Store,
    report: IngestReport,
    page: Page,
    reference_time: datetime | None,
    settings: Settings,
) -> None:
    result = process_page(page, reference_time=reference_time, settings=settings)
    if isinstance(result, Rejection):
        stored = store.record(page, rejection=result)
        report.rejected.append(result)
    else:
        stored = store.record(page, result.article, claims=result.claims, mentions=result.mentions)
        if stored:
            report.added.append(result.article.id)
    if not stored:
        # Another run stored it since has_page said no: still one page handled.
        report.already_stored += 1


def _reject(store: Store, report: IngestReport, rejection: Rejection) -> None:
    store.add_rejection(rejection)
    report.rejected.append(rejection)


# -- story reports ---------------------------------------------------------------


def build_story_report(store: Store, story: Story) -> StoryReport:
    """Build ``story``'s report from its stored articles, claims and mentions, and store it.

    The report is stored under the key of the story as given, which is what it
    was built from; if the story changed meanwhile, the next read sees another
    key and builds again. A failure to store (a locked or read-only database)
    is logged, not raised: the report is still right, only not kept.
    """
    ids = story.article_ids
    report = build_report(
        story, list(store.articles(ids=ids)), store.claims(ids), mentions=store.mentions(ids)
    )
    try:
        store.save_report(story.id, report_key(story), report_to_dict(report))
    except StoreError as exc:
        logger.warning("report of story %s built but not stored: %s", story.id, exc)
    return report


#: Up to this many stories are read one by one; more, and all are read at once.
_FEW_STORIES = 50


def refresh_reports(
    store: Store,
    story_ids: Iterable[str] | None = None,
    *,
    progress: ReportProgress | None = None,
) -> int:
    """Rebuild and store the reports of these stories (all if ``None``) that are not current.

    A story whose stored report has its current key is left alone, so calling
    this after a regroup rebuilds only the stories whose members changed, and
    calling it again rebuilds nothing. Stories no longer stored are skipped.
    Each report is stored in its own transaction as soon as it is built: a run
    stopped half-way keeps the reports done, and the rest are built on their
    first read or by a refresh that takes them in (``newsweave recluster``
    takes in every story). A report that fails to build (a bug) is
    logged and left out, as a page that fails is kept aside: the stories are
    stored already, and reading that report raises the error
    (``NEWSWEAVE_DEBUG=1`` raises it here). Returns how many were built.
    """
    wanted = None if story_ids is None else list(dict.fromkeys(story_ids))
    if wanted is None or len(wanted) > _FEW_STORIES:
        chosen = None if wanted is None else set(wanted)
        stories = [s for s in store.stories() if chosen is None or s.id in chosen]
    else:
        stories = [s for sid in wanted if (s := store.story(sid)) is not None]
    keys = store.report_keys(None if story_ids is None else [s.id for s in stories])
    stale = [s for s in stories if keys.get(s.id) != report_key(s)]
    built = 0
    for done, story in enumerate(stale, 1):
        if progress:
            progress(story, done - 1, len(stale))  # a big story takes seconds: say which
        try:
            build_story_report(store, story)
            built += 1
        except Exception:  # a bug in the report code must not sink the ingest
            if os.environ.get("NEWSWEAVE_DEBUG"):
                raise
            # Nothing is stored: reading the report builds it, and says why it fails.
            logger.warning("report of story %s failed; left to its first read", story.id)
            logger.debug("report of story %s failed", story.id, exc_info=True)
        if progress:
            progress(story, done, len(stale))
    return built
