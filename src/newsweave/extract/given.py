"""Articles of records that state what they are: what is given wins, and says so.

A JSON record may carry the title, date, outlet, authors, language and
standfirst its producer knows (a :class:`~newsweave.models.Given`). Each one
given replaces what extraction finds, and :attr:`Article.given` lists it, so
that a reader (and the benchmark) can tell a stated field from a found one.

A record whose body is given (news-please's ``maintext``, a ``body`` key) is
not extracted: its lines are the paragraphs, only a leading dateline (and a
repeat of the title) is split off, and a short or empty body is still an
article. A record whose page is extracted but holds no article still is one
when the record gives its title: a title-only article, with the reason kept in
its diagnostics.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from newsweave.errors import PageError
from newsweave.extract.assemble import Evidence, build_article
from newsweave.extract.features import normalise
from newsweave.extract.outlets import from_url, known_name, registered_domain, same_outlet
from newsweave.models import Article, DroppedLine, Given, Page

#: Extraction proper: a page in, its article out (``newsweave.extract.extract``'s paths).
ExtractPage = Callable[..., Article]


def extract_given(
    page: Page,
    given: Given,
    extract_page: ExtractPage,
    *,
    reference_time: datetime | None,
    explain: bool,
) -> Article:
    """``page``'s article with the fields ``given`` states in place of those found."""
    if given.body:
        return overlay(_given_body(page, given), given)
    try:
        article = extract_page(page, reference_time=reference_time, explain=explain)
    except PageError as error:
        if error.reason != "no_article" or given.title is None:
            raise
        article = _given_body(page, given, paragraphs=[], no_body=error.detail)
    return overlay(article, given)


def _given_body(
    page: Page, given: Given, *, paragraphs: list[str] | None = None, no_body: str | None = None
) -> Article:
    """The article whose body is the page's lines as they are (or ``paragraphs``)."""
    body = [line.strip() for line in page.text.split("\n") if line.strip()]
    if paragraphs is not None:
        body = paragraphs
    diagnostics: dict[str, object] = {"method": "given", "body_paragraphs": len(body)}
    if no_body is not None:
        diagnostics["no_article"] = no_body
    found = Evidence(
        title=given.title or "",
        body=body,
        site=None if given.outlet else from_url(page.url),
        diagnostics=diagnostics,
    )
    return build_article(page, found, require_body=False, language=given.language)


def overlay(article: Article, given: Given) -> Article:
    """``article`` with each field ``given`` states in place of the one found, marked given."""
    if given.title is not None:
        if article.body and normalise(article.body[0]) == normalise(given.title):
            article.dropped.append(DroppedLine(article.body.pop(0), "title"))
        article.title = given.title
    if given.published is not None:
        article.published = given.published
        article.published_precision = given.published_precision
    if given.outlet is not None:
        # A bare domain ("www.thetimes.co.uk", news-please's) is named as the table names
        # it, by the article's address when that is on the domain (its section may have a
        # name of its own: "bbc.com/news").
        on_domain = article.url and registered_domain(article.url) == registered_domain(
            given.outlet
        )
        outlet = (
            (known_name(article.url) if on_domain else None)
            or known_name(given.outlet)
            or given.outlet
        )
        if same_outlet(article.republished_by, outlet):
            article.republished_by = None
        article.outlet = outlet
    if given.byline is not None:
        article.byline = given.byline
    if given.language is not None:
        article.language = given.language
    if given.summary is not None:
        article.summary = given.summary
    article.given = given.fields
    return article
