"""The clean-up both extraction paths share: dateline, outlet, language, the Article.

Each path finds the title, body paragraphs and whatever evidence its input gives
about authorship; this module turns that evidence into one consistent Article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsweave.errors import PageError
from newsweave.extract.dates import Precision
from newsweave.extract.fields import Byline, split_dateline
from newsweave.extract.outlets import (
    agency,
    known_name,
    known_outlet_name,
    plausible_outlet,
    same_outlet,
)
from newsweave.extract.patterns import (
    CAPTION_PARAGRAPH_RE,
    FURNITURE_LABEL_WORDS,
    FURNITURE_PARAGRAPH_RE,
)
from newsweave.models import Article, DroppedLine, Page

#: A page whose longest body paragraph is shorter than this holds no article.
MIN_PARAGRAPH_WORDS = 12
#: Nor does one whose body, all told, is shorter than this.
MIN_BODY_WORDS = 40
#: lingua's time grows with the text's length. On the development pages' 432 prose
#: paragraphs, their first 200 characters name the whole body's language as often as
#: their first 300 (425 times each; 150 characters: 424).
LANGUAGE_SAMPLE_CHARS = 200


@dataclass(slots=True)
class Evidence:
    """What a path found on its page, before the shared clean-up."""

    title: str
    body: list[str]
    byline: Byline | None = None
    #: An outlet credited near the headline ("The Hill27-02-2025").
    credited: str | None = None
    #: The site the page was read from (og:site_name, the URL's host).
    site: str | None = None
    published: datetime | None = None
    precision: Precision | None = None
    summary: str | None = None
    dropped: list[DroppedLine] = field(default_factory=list)
    diagnostics: dict[str, Any] = field(default_factory=dict)


def too_short(counts: list[int]) -> bool:
    """Whether paragraphs of these word counts are too few to be an article."""
    return not counts or max(counts) < MIN_PARAGRAPH_WORDS or sum(counts) < MIN_BODY_WORDS


def check_body(page: Page, body: list[str]) -> None:
    """Raise ``PageError(no_article)`` unless ``body`` looks like an article."""
    counts = [len(p.split()) for p in body]
    if too_short(counts):
        raise PageError(
            page.source,
            "no_article",
            f"no article body found (longest paragraph {max(counts, default=0)} words, "
            f"{sum(counts)} words in all)",
        )


def language_sample(body: list[str]) -> str:
    """The start of the first paragraph long enough to be prose, else of the whole body.

    A body's opening lines are often short (a subhead, a name) and short text
    misleads a language detector.
    """
    for paragraph in body:
        if len(paragraph) >= LANGUAGE_SAMPLE_CHARS:
            return paragraph[:LANGUAGE_SAMPLE_CHARS]
    return "\n\n".join(body)[:LANGUAGE_SAMPLE_CHARS]


def _without_furniture(body: list[str], dropped: list[DroppedLine]) -> list[str]:
    """``body`` without its furniture paragraphs, which go to ``dropped``."""
    kept = []
    for paragraph in body:
        if CAPTION_PARAGRAPH_RE.match(paragraph):
            dropped.append(DroppedLine(paragraph, "caption"))
        elif len(paragraph.split()) <= FURNITURE_LABEL_WORDS and FURNITURE_PARAGRAPH_RE.match(
            paragraph
        ):
            dropped.append(DroppedLine(paragraph, "furniture"))
        else:
            kept.append(paragraph)
    return kept


def _candidate(name: str | None, url: str | None) -> str | None:
    """``name`` as an outlet found on a page at ``url``, or ``None`` when it is none.

    A byline, section or navigation label is none; where the table knows the
    page's domain, its name wins over a name it does not know (a guessed word).
    """
    if not plausible_outlet(name):
        return None
    canonical = known_name(url)
    if canonical is None or agency(name) or known_outlet_name(name):  # type: ignore[arg-type]
        return name
    return canonical


def build_article(
    page: Page, found: Evidence, *, require_body: bool = True, language: str | None = None
) -> Article:
    """The Article for ``page`` from what a path found, with dateline and outlet settled.

    ``require_body=False`` keeps a short or empty body (one a record gives);
    ``language`` is the one the page states, if any (:func:`newsweave.extract.extract`
    names the rest).
    """
    body = _without_furniture(found.body, found.dropped)
    dateline = None
    dateline_outlet = None
    if body:
        split = split_dateline(body[0])
        if split is not None:
            dateline, dateline_outlet = split.place, split.outlet
            if split.rest:
                body[0] = split.rest
            else:
                found.dropped.append(DroppedLine(body.pop(0), "dateline"))
    if require_body:
        check_body(page, body)

    organisation = _candidate(found.byline.organisation if found.byline else None, page.url)
    credited = _candidate(found.credited, page.url)
    # The table's name for the page's domain wins over a site name the page gives.
    site = known_name(page.url) or (found.site if plausible_outlet(found.site) else None)
    wire = (organisation if organisation and agency(organisation) else None) or dateline_outlet
    outlet = wire or organisation or credited or site
    republished_by = site if site and not same_outlet(site, outlet) else None
    if republished_by is None and credited and not same_outlet(credited, outlet):
        republished_by = credited

    return Article(
        id=page.id,
        page_id=page.id,
        source=page.source,
        title=found.title,
        body=body,
        outlet=outlet,
        republished_by=republished_by,
        published=found.published,
        published_precision=found.precision if found.published else None,
        byline=found.byline.names if found.byline else None,
        dateline=dateline,
        language=language,
        summary=found.summary,
        url=page.url,
        dropped=found.dropped,
        diagnostics=found.diagnostics,
    )
