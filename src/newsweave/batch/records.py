"""Pages, articles, claims, mentions and rejections as Arrow tables, and back, losslessly.

A batch run's output is its Parquet files, so each row keeps everything needed
to rebuild the dataclass exactly: the page's raw bytes (its text only when it
is not simply ``raw`` decoded, as in the store), dates as ISO 8601 text (which
keeps naive and aware values apart), an article's paragraphs as a list, and
its dropped lines and diagnostics as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Any

import pyarrow as pa

from newsweave.models import (
    Article,
    Claim,
    DroppedLine,
    Mention,
    Page,
    Quantity,
    Rejection,
    Story,
)

_STR = pa.string()
_STRS = pa.list_(pa.string())

PAGES = pa.schema(
    [
        ("id", _STR),
        ("source", _STR),
        ("url", _STR),
        ("kind", _STR),
        ("encoding", _STR),
        ("fetched_at", _STR),
        ("raw", pa.binary()),
        # Null when the text is exactly raw.decode(encoding), which is nearly always.
        ("text", _STR),
    ]
)

ARTICLES = pa.schema(
    [
        ("id", _STR),
        ("page_id", _STR),
        ("source", _STR),
        ("url", _STR),
        ("title", _STR),
        ("body", _STRS),
        ("outlet", _STR),
        ("republished_by", _STR),
        ("published", _STR),
        ("published_precision", _STR),
        ("byline", _STR),
        ("dateline", _STR),
        ("language", _STR),
        ("summary", _STR),
        ("dropped", _STR),
        ("diagnostics", _STR),
    ]
)

CLAIMS = pa.schema(
    [
        ("article_id", _STR),
        ("sentence", _STR),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("outlet", _STR),
        ("source", _STR),
        ("chain", _STRS),
        # Null exactly when the claim has no quantity.
        ("approximate", pa.bool_()),
        ("low", pa.float64()),
        ("high", pa.float64()),
        ("qty_text", _STR),
        ("measure", _STR),
        ("when", _STR),
    ]
)

#: Named after :class:`~newsweave.models.Mention`'s fields, so a row is its ``asdict``.
MENTIONS = pa.schema(
    [
        ("article_id", _STR),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("label", _STR),
        ("text", _STR),
    ]
)

REJECTIONS = pa.schema(
    [
        ("source", _STR),
        ("reason", _STR),
        ("detail", _STR),
        ("page_id", _STR),
        ("raw", pa.binary()),
    ]
)

STORIES = pa.schema(
    [
        ("id", _STR),
        ("title", _STR),
        ("article_ids", _STRS),
        ("first_published", _STR),
        ("last_published", _STR),
        # Pairs (copy, original), as Parquet has no plain string map that round-trips order.
        ("syndicated", pa.list_(pa.list_(pa.string(), 2))),
    ]
)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def page_row(page: Page) -> dict[str, Any]:
    try:
        plain = page.raw.decode(page.encoding) == page.text
    except (LookupError, UnicodeDecodeError):
        plain = False
    return {
        "id": page.id,
        "source": page.source,
        "url": page.url,
        "kind": page.kind,
        "encoding": page.encoding,
        "fetched_at": _iso(page.fetched_at),
        "raw": page.raw,
        "text": None if plain else page.text,
    }


def page_from_row(row: dict[str, Any]) -> Page:
    raw: bytes = row["raw"]
    return Page(
        id=row["id"],
        source=row["source"],
        raw=raw,
        text=raw.decode(row["encoding"]) if row["text"] is None else row["text"],
        encoding=row["encoding"],
        kind=row["kind"],
        url=row["url"],
        fetched_at=_date(row["fetched_at"]),
    )


def article_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "page_id": article.page_id,
        "source": article.source,
        "url": article.url,
        "title": article.title,
        "body": list(article.body),
        "outlet": article.outlet,
        "republished_by": article.republished_by,
        "published": _iso(article.published),
        "published_precision": article.published_precision,
        "byline": article.byline,
        "dateline": article.dateline,
        "language": article.language,
        "summary": article.summary,
        "dropped": json.dumps([{"text": d.text, "reason": d.reason} for d in article.dropped]),
        "diagnostics": json.dumps(article.diagnostics),
    }


def article_from_row(row: dict[str, Any]) -> Article:
    return Article(
        id=row["id"],
        page_id=row["page_id"],
        source=row["source"],
        title=row["title"],
        body=list(row["body"]),
        outlet=row["outlet"],
        republished_by=row["republished_by"],
        published=_date(row["published"]),
        published_precision=row["published_precision"],
        byline=row["byline"],
        dateline=row["dateline"],
        language=row["language"],
        summary=row["summary"],
        url=row["url"],
        dropped=[DroppedLine(d["text"], d["reason"]) for d in json.loads(row["dropped"])],
        diagnostics=json.loads(row["diagnostics"]),
    )


def claim_row(claim: Claim) -> dict[str, Any]:
    q = claim.quantity
    return {
        "article_id": claim.article_id,
        "sentence": claim.sentence,
        "start": claim.start,
        "end": claim.end,
        "outlet": claim.outlet,
        "source": claim.source,
        "chain": list(claim.chain),
        "approximate": None if q is None else q.approximate,
        "low": None if q is None else q.low,
        "high": None if q is None else q.high,
        "qty_text": None if q is None else q.text,
        "measure": claim.measure,
        "when": claim.when,
    }


def claim_from_row(row: dict[str, Any]) -> Claim:
    quantity = None
    if row["approximate"] is not None:
        quantity = Quantity(row["low"], row["high"], row["approximate"], row["qty_text"] or "")
    return Claim(
        article_id=row["article_id"],
        sentence=row["sentence"],
        start=row["start"],
        end=row["end"],
        outlet=row["outlet"],
        source=row["source"],
        chain=list(row["chain"]),
        quantity=quantity,
        measure=row["measure"],
        when=row["when"],
    )


def mention_row(mention: Mention) -> dict[str, Any]:
    return asdict(mention)


def mention_from_row(row: dict[str, Any]) -> Mention:
    return Mention(**row)


def rejection_row(rejection: Rejection) -> dict[str, Any]:
    return {
        "source": rejection.source,
        "reason": rejection.reason,
        "detail": rejection.detail,
        "page_id": rejection.page_id,
        "raw": rejection.raw,
    }


def rejection_from_row(row: dict[str, Any]) -> Rejection:
    return Rejection(row["source"], row["reason"], row["detail"], row["page_id"], row["raw"])


def story_row(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "article_ids": list(story.article_ids),
        "first_published": _iso(story.first_published),
        "last_published": _iso(story.last_published),
        "syndicated": [[copy, original] for copy, original in story.syndicated.items()],
    }


def story_from_row(row: dict[str, Any]) -> Story:
    return Story(
        id=row["id"],
        title=row["title"],
        article_ids=list(row["article_ids"]),
        first_published=_date(row["first_published"]),
        last_published=_date(row["last_published"]),
        syndicated={copy: original for copy, original in row["syndicated"]},
    )


def table(rows: Iterable[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Rows (dicts keyed by the schema's names) as a table of ``schema``."""
    return pa.Table.from_pylist(list(rows), schema=schema)


def rows(batches: Iterable[pa.RecordBatch]) -> Iterator[dict[str, Any]]:
    """The rows of record batches as dicts, one batch converted at a time."""
    for batch in batches:
        yield from batch.to_pylist()
