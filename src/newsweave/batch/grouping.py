"""Grouping a batch's articles into stories, streamed from Parquet in publication order.

Every partition wrote its articles as sorted runs of small row groups; a
k-way merge of all runs gives every article once, in the order
:func:`newsweave.cluster.group` and the store use (publication date, undated
last, then id), while holding one row group per run. The
:class:`~newsweave.cluster.StoryGrouper` keeps only live stories in its
index, so memory grows with the stories (their member ids), not the text.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq

from newsweave.batch import records
from newsweave.batch.partition import PartitionResult, part_path
from newsweave.batch.plan import Partition
from newsweave.cluster import Embedder, GroupingConfig, StoryGrouper
from newsweave.models import Article, Story, sort_time

STORIES_FILE = "stories.parquet"


#: What an article keeps of its page beside the article, with the empty values
#: it gets when read without them: the dropped lines and the diagnostics.
_PAGE_LEFTOVERS = {"dropped": "[]", "diagnostics": "{}"}
_WITHOUT_LEFTOVERS = [n for n in records.ARTICLES.names if n not in _PAGE_LEFTOVERS]


def _run(
    path: Path, first: int, end: int, leftovers: bool
) -> Iterator[tuple[datetime, str, Article]]:
    """One sorted run's articles with their sort key, one row group read at a time."""
    columns = None if leftovers else _WITHOUT_LEFTOVERS
    with pq.ParquetFile(path) as parquet:
        for group in range(first, end):
            for row in parquet.read_row_group(group, columns=columns).to_pylist():
                article = records.article_from_row(row if leftovers else row | _PAGE_LEFTOVERS)
                yield sort_time(article.published), article.id, article


def articles_in_order(
    out_dir: Path,
    done: Sequence[tuple[Partition, PartitionResult]],
    *,
    leftovers: bool = True,
) -> Iterator[Article]:
    """Every article of the finished partitions once, in publication order.

    The same page in two input files gives the same article twice; the copies
    sort next to each other and only the first is yielded, as a store keeps
    only the first. With ``leftovers=False`` the articles come without their
    dropped lines and diagnostics, which grouping does not read: the merge
    holds a decoded row group of every run at once, and reading less of each
    makes it lighter and faster.
    """
    runs = [
        _run(part_path(out_dir, "articles", partition), first, end, leftovers)
        for partition, result in done
        for first, end in result.runs
    ]
    last: str | None = None
    for _, article_id, article in heapq.merge(*runs, key=lambda item: item[:2]):
        if article_id != last:
            yield article
        last = article_id


def group_batch(
    out_dir: Path,
    done: Sequence[tuple[Partition, PartitionResult]],
    config: GroupingConfig | None = None,
    embedder: Embedder | None = None,
) -> tuple[StoryGrouper, int]:
    """Group every article of the batch; the grouper and how many articles it saw.

    ``embedder`` adds sentence-embedding similarity to TF-IDF (see
    :mod:`newsweave.cluster.embeddings`); it runs here, on the driver.
    """
    grouper = StoryGrouper(config, embedder)
    count = 0
    for article in articles_in_order(out_dir, done, leftovers=False):
        grouper.add(article)
        count += 1
    return grouper, count


def save_stories(out_dir: Path, stories: list[Story]) -> None:
    """Write ``stories.parquet`` atomically."""
    path = out_dir / STORIES_FILE
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(records.table(map(records.story_row, stories), records.STORIES), tmp)
    tmp.replace(path)


def load_stories(out_dir: Path) -> list[Story]:
    """The stories a finished batch wrote."""
    return [records.story_from_row(r) for r in pq.read_table(out_dir / STORIES_FILE).to_pylist()]
