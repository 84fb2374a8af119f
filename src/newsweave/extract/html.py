"""Extraction from HTML pages with trafilatura, then the shared field clean-up.

trafilatura finds the main text and reads the metadata (title, author,
og:site_name, date via htmldate). Its paragraphs are kept as body paragraphs;
bylines printed inside the text are lifted into the byline, and the dateline
and outlet are settled the same way as for text pages.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TypedDict, cast

import trafilatura
from trafilatura.settings import Document

from newsweave.errors import PageError
from newsweave.extract.assemble import Evidence, build_article
from newsweave.extract.dates import Precision, find_date
from newsweave.extract.features import is_relative_time_line, normalise
from newsweave.extract.fields import Byline, author_byline, parse_byline
from newsweave.extract.outlets import from_url, readable, same_outlet
from newsweave.models import Article, DroppedLine, Page


class _Options(TypedDict):
    favor_precision: bool
    favor_recall: bool
    include_comments: bool
    include_tables: bool


#: Measured on the development set (docs/benchmarks.md): favor_precision beats the
#: default and favor_recall there; comments are never article text.
TRAFILATURA_OPTIONS: _Options = {
    "favor_precision": True,
    "favor_recall": False,
    "include_comments": False,
    "include_tables": True,
}
#: Machine-readable publication times that carry a time of day.
_PUBLISHED_META_RE = re.compile(
    r"(?:article:published_time|datePublished|pubdate|publish[_-]?date)[\"']?\s*"
    r"(?:content|:)\s*=?\s*[\"'](?P<value>\d{4}-\d{2}-\d{2}T[^\"']+)[\"']",
    re.IGNORECASE,
)


#: Below this many words, trafilatura's own extraction is checked against its
#: fallbacks (readability, jusText), which it otherwise skips (``fast``): the
#: comparison is a third of its time, and on the dev pages it changed one page's
#: text, whose own extraction had found 22 words of 592.
FALLBACK_BELOW_WORDS = 100


def _trafilatura(page: Page) -> Document | None:
    # A Document unless as_dict is set, which the return type does not tell.
    def run(fast: bool) -> Document | None:
        return cast(
            "Document | None",
            trafilatura.bare_extraction(
                page.text, url=page.url, with_metadata=True, fast=fast, **TRAFILATURA_OPTIONS
            ),
        )

    doc = run(fast=True)
    if doc is None or len((doc.text or "").split()) < FALLBACK_BELOW_WORDS:
        doc = run(fast=False)
    return doc


def extract_html(page: Page, *, reference_time: datetime | None, explain: bool) -> Article:
    """The Article in an HTML page; raises ``PageError(no_article)`` when there is none."""
    del reference_time  # htmldate reads absolute dates only; nothing relative to resolve
    doc = _trafilatura(page)
    if doc is None or not doc.text or not doc.text.strip():
        raise PageError(page.source, "no_article", "trafilatura found no main text")

    title = _without_site((doc.title or "").strip(), [doc.sitename, doc.hostname, page.url])
    byline = author_byline(doc.author) if doc.author else None
    paragraphs = [p.strip() for p in doc.text.split("\n") if p.strip()]
    body: list[str] = []
    dropped: list[DroppedLine] = []
    for i, paragraph in enumerate(paragraphs):
        if title and normalise(paragraph) == normalise(title):
            dropped.append(DroppedLine(paragraph, "title"))
            continue
        if i < 3 and len(paragraph.split()) <= 14:
            found = parse_byline(paragraph)
            if found is not None:
                byline = _merge(byline, found)
                dropped.append(DroppedLine(paragraph, "byline"))
                continue
        if i < 3 and is_relative_time_line(paragraph):
            dropped.append(DroppedLine(paragraph, "relative_time"))
            continue
        body.append(paragraph)

    published, precision = _published(page.text, doc.date)
    summary = (doc.description or "").strip() or None
    if summary and (not body or _same_start(summary, body[0]) or len(summary.split()) < 8):
        summary = None
    site = readable(doc.sitename) if doc.sitename else from_url(page.url)
    evidence = Evidence(
        title=title or (body[0] if body else ""),
        body=body,
        byline=byline,
        site=site,
        published=published,
        precision=precision,
        summary=summary,
        dropped=dropped,
        diagnostics={
            "method": "trafilatura",
            "options": dict(TRAFILATURA_OPTIONS),
            "paragraphs": len(paragraphs),
            "body_paragraphs": len(body),
            "dropped_lines": len(dropped),
            **(
                {
                    "metadata": {
                        k: getattr(doc, k)
                        for k in ("author", "date", "sitename", "hostname", "description")
                    }
                }
                if explain
                else {}
            ),
        },
    )
    return build_article(page, evidence)


def _without_site(title: str, names: list[str | None]) -> str:
    """``title`` without the site's name printed before or after it.

    "Best tech gadgets of 2019 | ZDNet", "... – TechCrunch": the site is a field
    of its own. Only a part that names the site goes, and only when what is left
    is a headline of a few words ("Opinion | ..." keeps its section).
    """
    sites = [readable(n) if "/" not in n else from_url(n) for n in names if n]
    cuts = list(_TITLE_PARTS_RE.finditer(title))
    if not cuts:
        return title
    first, last = cuts[0], cuts[-1]
    for part, rest in (
        (title[last.end() :], title[: last.start()]),
        (title[: first.start()], title[first.end() :]),
    ):
        if len(rest.split()) >= MIN_TITLE_WORDS and any(same_outlet(part, s) for s in sites):
            return rest
    return title


_TITLE_PARTS_RE = re.compile(r"\s+[|–—·»-]\s+")
#: The fewest words a headline keeps once the site's name is cut from it.
MIN_TITLE_WORDS = 3


def _merge(first: Byline | None, second: Byline) -> Byline:
    if first is None:
        return second
    return Byline(first.names or second.names, second.organisation or first.organisation)


def _published(html: str, day: str | None) -> tuple[datetime | None, Precision | None]:
    """htmldate's day, refined to a time of day when the page's metadata gives one."""
    match = _PUBLISHED_META_RE.search(html)
    timed = find_date(match.group("value")) if match else None
    if timed is not None and (day is None or timed[0].date().isoformat() == day):
        return timed
    if day:
        found = find_date(day)
        if found is not None:
            return found[0], "day"
    return None, None


def _same_start(summary: str, paragraph: str) -> bool:
    a, b = normalise(summary), normalise(paragraph)
    head = min(len(a), len(b), 80)
    return a[:head] == b[:head]
