"""Article extraction: a raw page in, its article (title, body, metadata) out.

Text pages (scraped plain-text dumps) go through a learned line segmenter;
HTML pages through trafilatura. Both end in the same field clean-up, so an
article looks the same whichever form its page came in.
"""

from __future__ import annotations

from datetime import datetime

from newsweave.extract.html import extract_html
from newsweave.extract.text import extract_text
from newsweave.models import Article, Page

__all__ = ["extract"]


def extract(
    page: Page, *, reference_time: datetime | None = None, explain: bool = False
) -> Article:
    """The article ``page`` holds.

    ``reference_time`` resolves relative dates ("2 hours ago"); without it they
    are left out. ``explain`` adds per-line scores to ``Article.diagnostics``.
    Raises :class:`~newsweave.errors.PageError` with reason ``no_article`` when
    the page holds no article.
    """
    if page.kind == "html":
        return extract_html(page, reference_time=reference_time, explain=explain)
    return extract_text(page, reference_time=reference_time, explain=explain)
