"""Pages, articles, claims, mentions and rejections as flat rows of plain values, and back.

The SQL store and a batch run's Parquet files hold the same records, so both
write them through these functions and a field added to a dataclass is kept the
same way in each. Dates are ISO 8601 text, which keeps naive and aware values
apart; a page keeps its text only when it is not simply its raw bytes decoded;
offsets are ``start_offset`` and ``end_offset`` and a claim's time ``when_text``,
since ``end`` and ``when`` are SQL keywords. Each medium adds its own columns
(the store's ingestion times, say) and encodes what it cannot hold as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsweave.models import (
    Article,
    Claim,
    DroppedLine,
    Mention,
    Page,
    Quantity,
    Rejection,
    from_iso,
    iso,
    safe_text,
)


def page_row(page: Page) -> dict[str, Any]:
    try:
        plain = page.raw.decode(page.encoding) == page.text
    except (LookupError, UnicodeDecodeError):
        plain = False
    return {
        "id": page.id,
        # No database takes a lone surrogate (a file name that is not UTF-8).
        "source": safe_text(page.source),
        "url": page.url,
        "kind": page.kind,
        "encoding": page.encoding,
        "fetched_at": iso(page.fetched_at),
        "raw": page.raw,
        "text": None if plain else page.text,
    }


def page_from_row(row: Mapping[str, Any]) -> Page:
    raw: bytes = row["raw"]
    return Page(
        id=row["id"],
        source=row["source"],
        raw=raw,
        text=raw.decode(row["encoding"]) if row["text"] is None else row["text"],
        encoding=row["encoding"],
        kind=row["kind"],
        url=row["url"],
        fetched_at=from_iso(row["fetched_at"]),
    )


def article_row(article: Article) -> dict[str, Any]:
    """The article with its paragraphs as a list, dropped lines as dicts, diagnostics a dict."""
    return {
        "id": article.id,
        "page_id": article.page_id,
        "source": safe_text(article.source),
        "url": article.url,
        "title": article.title,
        "body": list(article.body),
        "outlet": article.outlet,
        "republished_by": article.republished_by,
        "published": iso(article.published),
        "published_precision": article.published_precision,
        "byline": article.byline,
        "dateline": article.dateline,
        "language": article.language,
        "summary": article.summary,
        "dropped": [{"text": d.text, "reason": d.reason} for d in article.dropped],
        "diagnostics": article.diagnostics,
        "given": list(article.given) or None,
    }


def article_from_row(row: Mapping[str, Any]) -> Article:
    return Article(
        id=row["id"],
        page_id=row["page_id"],
        source=row["source"],
        title=row["title"],
        body=list(row["body"]),
        outlet=row["outlet"],
        republished_by=row["republished_by"],
        published=from_iso(row["published"]),
        published_precision=row["published_precision"],
        byline=row["byline"],
        dateline=row["dateline"],
        language=row["language"],
        summary=row["summary"],
        url=row["url"],
        dropped=[DroppedLine(d["text"], d["reason"]) for d in row["dropped"]],
        diagnostics=dict(row["diagnostics"]),
        # Absent from rows written before records could state fields.
        given=tuple(row.get("given") or ()),
    )


def claim_row(claim: Claim) -> dict[str, Any]:
    """The claim; its quantity's columns are null exactly when it has none."""
    q = claim.quantity
    return {
        "article_id": claim.article_id,
        "sentence": claim.sentence,
        "start_offset": claim.start,
        "end_offset": claim.end,
        "outlet": claim.outlet,
        "source": claim.source,
        "chain": list(claim.chain),
        "approximate": None if q is None else q.approximate,
        "low": None if q is None else q.low,
        "high": None if q is None else q.high,
        "qty_text": None if q is None else q.text,
        "measure": claim.measure,
        "when_text": claim.when,
        "part": claim.part,
    }


def claim_from_row(row: Mapping[str, Any]) -> Claim:
    quantity = None
    if row["approximate"] is not None:
        quantity = Quantity(row["low"], row["high"], row["approximate"], row["qty_text"] or "")
    return Claim(
        article_id=row["article_id"],
        sentence=row["sentence"],
        start=row["start_offset"],
        end=row["end_offset"],
        outlet=row["outlet"],
        source=row["source"],
        chain=list(row["chain"]),
        quantity=quantity,
        measure=row["measure"],
        when=row["when_text"],
        part=row["part"],
    )


def mention_row(mention: Mention) -> dict[str, Any]:
    return {
        "article_id": mention.article_id,
        "start_offset": mention.start,
        "end_offset": mention.end,
        "label": mention.label,
        "text": mention.text,
    }


def mention_from_row(row: Mapping[str, Any]) -> Mention:
    return Mention(
        row["article_id"], row["start_offset"], row["end_offset"], row["label"], row["text"]
    )


def rejection_row(rejection: Rejection) -> dict[str, Any]:
    return {
        "source": safe_text(rejection.source),
        "reason": rejection.reason,
        "detail": safe_text(rejection.detail),
        "page_id": rejection.page_id,
        "raw": rejection.raw,
    }


def rejection_from_row(row: Mapping[str, Any]) -> Rejection:
    # The store keeps a page-less rejection's page id as "" (it is part of a key).
    return Rejection(
        row["source"], row["reason"], row["detail"], row["page_id"] or None, row["raw"]
    )
