"""Building a :class:`~newsweave.models.Page` from bytes, whatever reader found them.

Files, JSON Lines records, WARC records, feed items and HTTP fetches all end
here, so every page is checked and decoded the same way, and every page that
fails becomes a rejection the same way.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from newsweave.config import DEFAULT_MAX_PAGE_BYTES, RAW_KEEP_BYTES
from newsweave.errors import PageError
from newsweave.ingest.decoding import decode
from newsweave.models import Page, Rejection, content_hash

Kind = Literal["text", "html"]

__all__ = ["RAW_KEEP_BYTES", "keep_raw", "page_from_bytes", "rejection_from", "sniff_kind"]

#: Enough of the page to judge whether it is markup.
_SNIFF_CHARS = 65536
#: An XML declaration, comments and whitespace may come before the first tag.
_PREAMBLE = re.compile(r"\A(?:\s+|<\?xml[^>]*>|<!--.*?-->)*", re.S)
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body)[\s>/]", re.I)
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")
#: Elements whose tags mark a fragment as HTML when they make up most of it.
_HTML_ELEMENTS = frozenset(
    {
        "a",
        "abbr",
        "article",
        "aside",
        "b",
        "blockquote",
        "body",
        "br",
        "div",
        "em",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "i",
        "img",
        "li",
        "link",
        "main",
        "meta",
        "nav",
        "ol",
        "p",
        "script",
        "section",
        "span",
        "strong",
        "style",
        "table",
        "td",
        "th",
        "time",
        "title",
        "tr",
        "ul",
    }
)
#: A fragment is HTML when at least this many known tags make up this share of it.
_MIN_TAGS = 3
_MIN_MARKUP_SHARE = 0.3


def sniff_kind(text: str) -> Kind:
    """``"html"`` when ``text`` opens like an HTML document or is mostly markup."""
    sample = text[:_SNIFF_CHARS]
    start = _PREAMBLE.match(sample)
    if _HTML_START.match(sample, start.end() if start else 0):
        return "html"
    tags = [m for m in _TAG.finditer(sample) if m.group(1).lower() in _HTML_ELEMENTS]
    markup = sum(m.end() - m.start() for m in tags)
    if len(tags) >= _MIN_TAGS and markup >= _MIN_MARKUP_SHARE * len(sample.strip()):
        return "html"
    return "text"


def page_from_bytes(
    raw: bytes,
    source: str,
    *,
    kind: Kind | None = None,
    url: str | None = None,
    fetched_at: datetime | None = None,
    declared_encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
) -> Page:
    """Check and decode one page's bytes; ``kind`` is sniffed when not given.

    Raises :class:`~newsweave.errors.PageError` with reason ``too_large``,
    ``empty``, ``binary`` or ``undecodable``, so callers can record why.
    """
    if len(raw) > max_bytes:
        raise PageError(source, "too_large", f"{len(raw)} bytes, over the {max_bytes}-byte limit")
    if not raw.strip():
        raise PageError(source, "empty", "no content" if not raw else "only whitespace")
    text, encoding = decode(raw, declared=declared_encoding, source=source)
    # Caught after decoding too: a BOM alone, or UTF-16 spaces, is still empty.
    if not text.strip():
        raise PageError(source, "empty", "only whitespace")
    return Page(
        id=content_hash(raw),
        source=source,
        raw=raw,
        text=text,
        encoding=encoding,
        kind=kind or sniff_kind(text),
        url=url,
        fetched_at=fetched_at,
    )


def rejection_from(error: PageError, raw: bytes) -> Rejection:
    """The rejection for bytes :func:`page_from_bytes` refused, keeping them if small."""
    return Rejection(error.source, error.reason, error.detail, content_hash(raw), keep_raw(raw))


def keep_raw(raw: bytes) -> bytes | None:
    """``raw`` when small enough to keep with a rejection, else ``None``."""
    return raw if len(raw) <= RAW_KEEP_BYTES else None
