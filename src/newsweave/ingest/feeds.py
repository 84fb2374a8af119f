"""Reading RSS and Atom feeds into pages, one per item.

An item is not a web page, so each becomes a small HTML document that carries
what the feed says in the places extraction already reads::

    <title>item title</title>
    <link rel="canonical" href="item link">
    <meta property="article:published_time" content="published, UTC, ISO 8601">
    <meta name="author" content="item author">
    ... <article><h1>item title</h1> item content </article>

Every value is HTML-escaped; the content is the item's ``content`` (the longest
one) or else its ``summary``, as HTML after feedparser's sanitising, or escaped
into paragraphs when the feed says it is plain text. The published time is the
item's ``published`` date, else its ``updated`` one. With ``fetch`` given, each
item's link is fetched instead and the wrapped item is the fallback.
"""

from __future__ import annotations

import calendar
import html
import io
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser

from newsweave.config import DEFAULT_MAX_PAGE_BYTES
from newsweave.errors import PageError
from newsweave.ingest.pages import page_from_bytes, rejection_from
from newsweave.models import Page, Rejection

#: Fetches one URL: what :class:`newsweave.fetch.Fetcher` does.
FetchOne = Callable[[str], Page | Rejection]

#: A feed's root element, after any BOM, XML declaration, comments, processing
#: instructions and doctype.
_FEED_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:rss|feed|rdf:RDF)[\s>]",
    re.S | re.I,
)
_SNIFF_BYTES = 4096
_TEXT_TYPES = frozenset({"text/plain", "text"})


def looks_like_feed(raw: bytes) -> bool:
    """Whether ``raw`` opens like an RSS, Atom or RSS 1.0 (RDF) document."""
    return _FEED_START.match(raw[:_SNIFF_BYTES]) is not None


def read_feed(
    raw: bytes,
    source: str,
    *,
    max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
    fetch: FetchOne | None = None,
) -> Iterator[Page | Rejection]:
    """One page per feed item, sourced ``source:N`` for the N-th item.

    A feed that does not parse and has no items is one ``unreadable``
    rejection; an item with nothing to show is ``empty``. With ``fetch``, an
    item's link is fetched: the fetched page on success; on failure the fetch's
    rejection, then the wrapped item if it has content.
    """
    # A stream, not bytes or str, so that feedparser never takes it for a URL to open.
    parsed = feedparser.parse(io.BytesIO(raw))
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f"not a readable feed: {problem}" if problem else "feed has no items"
        yield Rejection(source, "unreadable" if problem else "empty", detail)
        return
    for number, entry in enumerate(parsed.entries, 1):
        item_source = f"{source}:{number}"
        link = entry.get("link") or None
        if fetch is not None and link:
            fetched = fetch(link)
            if isinstance(fetched, Page):
                yield fetched
                continue
            yield Rejection(item_source, fetched.reason, f"{link}: {fetched.detail}")
        yield _item_page(entry, item_source, link, max_bytes)


def _item_page(entry: Any, source: str, link: str | None, max_bytes: int) -> Page | Rejection:
    body = _content(entry)
    if body is None:
        return Rejection(source, "empty", "item has no content or summary")
    raw = _document(entry, link, body).encode("utf-8")
    try:
        return page_from_bytes(
            raw, source, kind="html", url=link, declared_encoding="utf-8", max_bytes=max_bytes
        )
    except PageError as error:
        return rejection_from(error, raw)


def _content(entry: Any) -> str | None:
    """The item's body as HTML: its longest content, else its summary."""
    candidates = [c for c in entry.get("content", []) if c.get("value", "").strip()]
    if candidates:
        best = max(candidates, key=lambda c: len(c["value"]))
        value, kind = best["value"], best.get("type", "text/html")
    elif entry.get("summary", "").strip():
        detail = entry.get("summary_detail") or {}
        value, kind = entry["summary"], detail.get("type", "text/html")
    else:
        return None
    if kind in _TEXT_TYPES:
        paragraphs = [p.strip() for p in value.split("\n\n") if p.strip()]
        return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return value


def _document(entry: Any, link: str | None, body: str) -> str:
    title = html.escape(entry.get("title", "").strip())
    head = [f"<title>{title}</title>"]
    if link:
        head.append(f'<link rel="canonical" href="{html.escape(link)}">')
    if published := _published(entry):
        # Property before content: the order extraction's pattern expects.
        head.append(f'<meta property="article:published_time" content="{published}">')
    if author := entry.get("author", "").strip():
        head.append(f'<meta name="author" content="{html.escape(author)}">')
    heading = f"<h1>{title}</h1>" if title else ""
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n'
        + "\n".join(head)
        + f"\n</head><body><article>{heading}\n{body}\n</article></body></html>\n"
    )


def _published(entry: Any) -> str | None:
    """The item's date in ISO 8601 UTC; feedparser gives it as a UTC struct_time."""
    for key in ("published_parsed", "updated_parsed"):
        if value := entry.get(key):
            return datetime.fromtimestamp(calendar.timegm(value), UTC).isoformat()
    return None
