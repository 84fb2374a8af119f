"""Bulk loading a finished batch into a store, idempotently.

One transaction per partition: the partition's pages not yet stored go in
with their articles, claims and rejections, all or nothing, so a crash
mid-load leaves whole partitions and a rerun stores nothing twice (a page
already stored is skipped with everything that hangs off it, as
:meth:`Store.record <newsweave.store.Store.record>` does). On PostgreSQL the
rows go in through ``COPY`` (psycopg 3's ``cursor.copy``) on the
transaction's own connection; elsewhere through one ``executemany`` per
table. Rows are built by the store's own row functions, so the stored form
is exactly what :meth:`Store.record` writes.

The :class:`~newsweave.store.Store` has no bulk method yet, so this module
uses its write transaction and row helpers; see ``docs/scale-out.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from newsweave.batch import records
from newsweave.batch.partition import read_table
from newsweave.batch.plan import Partition
from newsweave.cluster import StoryGrouper
from newsweave.cluster.grouper import STATE_VERSION
from newsweave.models import Rejection
from newsweave.pipeline import update_stories
from newsweave.store import Store, schema
from newsweave.store.store import (
    _article_row,
    _claim_row,
    _page_row,
    _rejection_row,
)


def load_partition(store: Store, out_dir: Path, partition: Partition) -> int:
    """Store one finished partition's new pages and what they became; how many were new."""
    pages = [records.page_from_row(r) for r in read_table(out_dir, "pages", partition).to_pylist()]
    rejections = read_table(out_dir, "rejections", partition).to_pylist()
    read = {p.id for p in pages}
    now = datetime.now(UTC)
    with store._write() as conn:
        query = sa.select(schema.pages.c.id).where(store._among(schema.pages.c.id, list(read)))
        stored = set(conn.execute(query).scalars()) if read else set()
        new: dict[str, Any] = {}
        for page in pages:
            if page.id not in stored and page.id not in new:
                new[page.id] = _page_row(page, now)
        # The same page twice in one partition: only its first copy's rows go in,
        # as a second ingest of the same bytes adds nothing.
        every = read_table(out_dir, "articles", partition).to_pylist()
        articles = _first(every, lambda r: r["id"] if r["page_id"] in new else None)
        claims = _first_copy(
            read_table(out_dir, "claims", partition).to_pylist(),
            {r["id"] for r in articles},
            Counter(r["id"] for r in every),
        )
        kept = _first(rejections, lambda r: r["page_id"] if r["page_id"] in new else None)
        _bulk_insert(conn, store, schema.pages, list(new.values()))
        _bulk_insert(
            conn,
            store,
            schema.articles,
            [_article_row(records.article_from_row(r), now) for r in articles],
        )
        _bulk_insert(
            conn, store, schema.claims, [_claim_row(records.claim_from_row(r)) for r in claims]
        )
        _bulk_insert(
            conn,
            store,
            schema.rejected,
            [_rejection_row(records.rejection_from_row(r), now) for r in kept],
        )
    # What the readers refused never became a page (its page_id, if any, is only
    # the hash of its bytes); a rerun may see it again, and the store keeps each once.
    add_rejections(
        store, [records.rejection_from_row(r) for r in rejections if r["page_id"] not in read]
    )
    return len(new)


def _first(rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], object]) -> list:
    """The rows whose key is not ``None``, the first of each key only."""
    seen: set[object] = set()
    kept = []
    for row in rows:
        k = key(row)
        if k is not None and k not in seen:
            seen.add(k)
            kept.append(row)
    return kept


def _first_copy(
    claims: list[dict[str, Any]], articles: set[str], copies: Counter[str]
) -> list[dict[str, Any]]:
    """The claims of ``articles``, of each article's first copy only.

    A page read twice gives the same claims twice, so an article that appears
    ``k`` times has ``k`` equal lists of claims, one after another: the first
    ``1/k`` of its rows are one copy's.
    """
    total = Counter(row["article_id"] for row in claims)
    taken: Counter[str] = Counter()
    kept = []
    for row in claims:
        article = row["article_id"]
        if article in articles and taken[article] < total[article] // copies[article]:
            taken[article] += 1
            kept.append(row)
    return kept


def add_rejections(store: Store, rejections: Iterable[Rejection]) -> None:
    """Keep rejections that have no page, each once, in one transaction."""
    now = datetime.now(UTC)
    rows = [_rejection_row(r, now) for r in rejections]
    if rows:
        with store._write() as conn:
            conn.execute(store._insert(schema.rejected).on_conflict_do_nothing(), rows)


def store_stories(store: Store, grouper: StoryGrouper, articles: int) -> None:
    """Write the batch's stories, or bring the store's stories up to date.

    When the store holds exactly the batch's articles and no grouping yet,
    the batch grouper's stories and state are saved as they are (what
    :func:`newsweave.pipeline.regroup` would write, without reading every
    article back). Otherwise (a store with other articles too, or stories
    already written by an earlier run) :func:`newsweave.pipeline.update_stories`
    adds what is ungrouped, or regroups when it must.
    """
    if store.grouper_state() is None and store.stats()["articles"] == articles:
        store.save_grouping(grouper.stories(), grouper.state(), STATE_VERSION, article_ids=None)
    else:
        update_stories(store)


def _bulk_insert(
    conn: sa.Connection, store: Store, table: sa.Table, rows: Sequence[dict[str, Any]]
) -> None:
    if not rows:
        return
    if store.dialect == "postgresql":
        _copy(conn, table, rows)
    else:
        conn.execute(table.insert(), list(rows))


def _copy(conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """``COPY table (columns) FROM STDIN`` on the transaction's psycopg 3 connection."""
    columns = list(rows[0])
    # COPY's text format takes JSON as text; psycopg has no dumper for a bare dict.
    json_columns = {c for c in columns if isinstance(table.c[c].type, sa.JSON)}
    names = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row[c]) if c in json_columns and row[c] is not None else row[c]
                    for c in columns
                ]
            )
