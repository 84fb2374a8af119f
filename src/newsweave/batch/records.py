"""Pages, articles, claims, mentions, rejections and stories as Arrow tables, and back, losslessly.

A batch run's output is its Parquet files, so each row keeps everything needed
to rebuild the dataclass exactly. The rows are the store's
(:mod:`newsweave.store.rows`: raw bytes, ISO 8601 dates, the same column
names); what Parquet adds is the Arrow schemas, an article's dropped lines and
diagnostics as JSON text, and the stories.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from newsweave.models import Article, Story, from_iso, iso
from newsweave.store import rows as flat

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
        ("given", _STRS),
    ]
)

CLAIMS = pa.schema(
    [
        ("article_id", _STR),
        ("sentence", _STR),
        ("start_offset", pa.int64()),
        ("end_offset", pa.int64()),
        ("outlet", _STR),
        ("source", _STR),
        ("chain", _STRS),
        # Null exactly when the claim has no quantity.
        ("approximate", pa.bool_()),
        ("low", pa.float64()),
        ("high", pa.float64()),
        ("qty_text", _STR),
        ("measure", _STR),
        ("when_text", _STR),
        ("part", _STR),
    ]
)

MENTIONS = pa.schema(
    [
        ("article_id", _STR),
        ("start_offset", pa.int64()),
        ("end_offset", pa.int64()),
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


def article_row(article: Article) -> dict[str, Any]:
    """The article's row, its dropped lines and diagnostics as JSON text."""
    row = flat.article_row(article)
    row["dropped"] = json.dumps(row["dropped"])
    row["diagnostics"] = json.dumps(row["diagnostics"])
    return row


def article_from_row(row: dict[str, Any]) -> Article:
    return flat.article_from_row(
        row | {"dropped": json.loads(row["dropped"]), "diagnostics": json.loads(row["diagnostics"])}
    )


def story_row(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "article_ids": list(story.article_ids),
        "first_published": iso(story.first_published),
        "last_published": iso(story.last_published),
        "syndicated": [[copy, original] for copy, original in story.syndicated.items()],
    }


def story_from_row(row: dict[str, Any]) -> Story:
    return Story(
        id=row["id"],
        title=row["title"],
        article_ids=list(row["article_ids"]),
        first_published=from_iso(row["first_published"]),
        last_published=from_iso(row["last_published"]),
        syndicated={copy: original for copy, original in row["syndicated"]},
    )


def table(rows: Iterable[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Rows (dicts keyed by the schema's names) as a table of ``schema``."""
    return pa.Table.from_pylist(list(rows), schema=schema)


def rows(batches: Iterable[pa.RecordBatch]) -> Iterator[dict[str, Any]]:
    """The rows of record batches as dicts, one batch converted at a time."""
    for batch in batches:
        yield from batch.to_pylist()
