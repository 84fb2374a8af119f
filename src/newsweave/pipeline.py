"""The main job: pages in, articles, claims and stories out.

:func:`process_page` is the pure per-page part (extract, then claims) that a
batch worker can run anywhere; :func:`ingest` adds the store at the edges:
it skips pages already stored, writes each page with its result in one
transaction (so a crash loses at most the page in hand and a rerun resumes
without duplicates), then regroups the stories.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsweave.claims import extract_claims
from newsweave.cluster import group
from newsweave.errors import PageError
from newsweave.extract import extract
from newsweave.ingest import discover, read_file
from newsweave.models import Article, Claim, Page, Rejection, Story
from newsweave.store import Store


@dataclass(slots=True)
class Processed:
    """What one page became: its article and that article's claims."""

    article: Article
    claims: list[Claim]


def process_page(page: Page, *, reference_time: datetime | None = None) -> Processed | Rejection:
    """Extract ``page``'s article and claims, or say why it holds none."""
    try:
        article = extract(page, reference_time=reference_time)
    except PageError as exc:
        return Rejection(page.source, exc.reason, exc.detail, page_id=page.id, raw=page.raw)
    return Processed(article, extract_claims(article))


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


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    reference_time: datetime | None = None,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, extract and store every page under ``paths``, then regroup stories.

    Idempotent by content hash: pages already in the store are counted and
    skipped. Bad inputs are stored as rejections with their reason and never
    stop the run.
    """
    report = IngestReport()
    found = list(discover(paths))
    files = [p for p in found if isinstance(p, Path)]
    for item in found:
        if isinstance(item, Rejection):
            _reject(store, report, item)
    read_options = {} if max_bytes is None else {"max_bytes": max_bytes}
    for done, path in enumerate(files, 1):
        for item in read_file(path, **read_options):
            if isinstance(item, Rejection):
                _reject(store, report, item)
            elif store.has_page(item.id):
                # A page kept aside before is still bad: say so again.
                report.rejected.extend(store.rejections(page_id=item.id))
                report.already_stored += 1
            else:
                _store_page(store, report, item, reference_time)
        if progress:
            progress(path, done, len(files))
    if report.added:
        report.stories = len(regroup(store))
    else:
        report.stories = store.stats()["stories"]
    return report


def _store_page(
    store: Store, report: IngestReport, page: Page, reference_time: datetime | None
) -> None:
    result = process_page(page, reference_time=reference_time)
    if isinstance(result, Rejection):
        store.record(page, rejection=result)
        report.rejected.append(result)
    elif store.record(page, result.article, claims=result.claims):
        report.added.append(result.article.id)


def _reject(store: Store, report: IngestReport, rejection: Rejection) -> None:
    store.add_rejection(rejection)
    report.rejected.append(rejection)


def regroup(store: Store, *, since: datetime | None = None) -> list[Story]:
    """Rebuild the stories of the stored articles (those published since ``since``)."""
    articles = list(store.articles(since=since))
    stories = group(articles)
    store.replace_stories(stories, article_ids=None if since is None else [a.id for a in articles])
    return stories
