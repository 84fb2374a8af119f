"""Bulk loading a finished batch into a store, idempotently.

One transaction per partition (:meth:`Store.record_many
<newsweave.store.Store.record_many>`): the partition's pages not yet stored go
in with their articles, claims, mentions and rejections, all or nothing, so a crash
mid-load leaves whole partitions and a rerun stores nothing twice. On
PostgreSQL the store writes them through ``COPY``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from newsweave.batch import records
from newsweave.batch.partition import read_table
from newsweave.batch.plan import Partition
from newsweave.models import Rejection
from newsweave.store import Store
from newsweave.store import rows as flat


def load_partition(store: Store, out_dir: Path, partition: Partition) -> int:
    """Store one finished partition's new pages and what they became; how many were new."""
    pages = [flat.page_from_row(r) for r in read_table(out_dir, "pages", partition).to_pylist()]
    rejections = read_table(out_dir, "rejections", partition).to_pylist()
    read = {p.id for p in pages}
    # The same page twice in one partition gives its rows twice: the first copy's
    # go in, as a second ingest of the same bytes adds nothing.
    every = read_table(out_dir, "articles", partition).to_pylist()
    articles = {r["page_id"]: r for r in _first(every, lambda r: r["id"])}
    ids = {r["id"] for r in articles.values()}
    copies = Counter(r["id"] for r in every)
    claims, mentions = (
        _by_article(read_table(out_dir, kind, partition).to_pylist(), ids, copies, convert)
        for kind, convert in (
            ("claims", flat.claim_from_row),
            ("mentions", flat.mention_from_row),
        )
    )
    refused = {
        r["page_id"]: r
        for r in _first(rejections, lambda r: r["page_id"] if r["page_id"] in read else None)
    }
    items = []
    for page in pages:
        article = articles.get(page.id)
        rejection = refused.get(page.id)
        items.append(
            (
                page,
                None if article is None else records.article_from_row(article),
                None if rejection is None else flat.rejection_from_row(rejection),
                [] if article is None else claims.get(article["id"], []),
                [] if article is None else mentions.get(article["id"], []),
            )
        )
    new = store.record_many(items)
    # What the readers refused never became a page (its page_id, if any, is only
    # the hash of its bytes); a rerun may see it again, and the store keeps each once.
    add_rejections(
        store, [flat.rejection_from_row(r) for r in rejections if r["page_id"] not in read]
    )
    return new


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


def _by_article(
    rows: list[dict[str, Any]],
    articles: set[str],
    copies: Counter[str],
    convert: Callable[[dict[str, Any]], Any],
) -> dict[str, list[Any]]:
    """The claims (or mentions) rows of ``articles``, converted, of each article's first copy.

    A page read twice gives the same rows twice, so an article that appears
    ``k`` times has ``k`` equal lists of rows, one after another: the first
    ``1/k`` of its rows are one copy's.
    """
    total = Counter(row["article_id"] for row in rows)
    taken: Counter[str] = Counter()
    kept: dict[str, list[Any]] = {}
    for row in rows:
        article = row["article_id"]
        if article in articles and taken[article] < total[article] // copies[article]:
            taken[article] += 1
            kept.setdefault(article, []).append(convert(row))
    return kept


def add_rejections(store: Store, rejections: Iterable[Rejection]) -> None:
    """Keep rejections that have no page, each once, in one transaction."""
    store.add_rejections(rejections)
