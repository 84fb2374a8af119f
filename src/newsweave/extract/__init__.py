"""Article extraction: a raw page in, its article (title, body, metadata) out.

Text pages (scraped plain-text dumps) go through a learned line segmenter;
HTML pages through trafilatura. Both end in the same field clean-up, so an
article looks the same whichever form its page came in; what a record states
about its article replaces what they find (:mod:`newsweave.extract.given`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from newsweave.extract.assemble import language_sample
from newsweave.extract.given import extract_given
from newsweave.extract.html import extract_html
from newsweave.extract.text import extract_text
from newsweave.models import Article, Page
from newsweave.nlp.language import detect_language

__all__ = ["extract"]


def extract(
    page: Page,
    *,
    reference_time: datetime | None = None,
    explain: bool = False,
    languages: Iterable[str] | None = None,
) -> Article:
    """The article ``page`` holds.

    ``reference_time`` resolves relative dates ("2 hours ago"); without it they
    are left out. ``explain`` adds per-line scores to ``Article.diagnostics``.
    ``languages`` are the ISO 639-1 codes the article's language is named
    among when the page does not state it (``None``: any lingua knows).
    Raises :class:`~newsweave.errors.PageError` with reason ``no_article`` when
    the page holds no article. A page read from a record that states its
    title, date, outlet... (``page.given``) gets those in place of what
    extraction finds, marked in ``Article.given`` (see :mod:`newsweave.extract.given`).
    """
    if page.given is not None:
        article = extract_given(
            page, page.given, _extract_page, reference_time=reference_time, explain=explain
        )
    else:
        article = _extract_page(page, reference_time=reference_time, explain=explain)
    if article.language is None:
        # A title-only article's title and standfirst are all there is to go by.
        sample = language_sample(article.body) if article.body else _heading(article)
        article.language = detect_language(sample, languages)
    return article


def _heading(article: Article) -> str:
    return " ".join(filter(None, [article.title, article.summary]))


def _extract_page(page: Page, *, reference_time: datetime | None, explain: bool) -> Article:
    if page.kind == "html":
        return extract_html(page, reference_time=reference_time, explain=explain)
    return extract_text(page, reference_time=reference_time, explain=explain)
