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
from newsweave.cluster import GroupingConfig, StoryGrouper
from newsweave.models import Article, Story, sort_time

STORIES_FILE = "stories.parquet"


def _run(path: Path, first: int, end: int) -> Iterator[tuple[datetime, str, Article]]:
    """One sorted run's articles with their sort key, one row group read at a time."""
    with pq.ParquetFile(path) as parquet:
        for group in range(first, end):
            for row in parquet.read_row_group(group).to_pylist():
                article = records.article_from_row(row)
                yield sort_time(article.published), article.id, article


def articles_in_order(
    out_dir: Path, done: Sequence[tuple[Partition, PartitionResult]]
) -> Iterator[Article]:
    """Every article of the finished partitions once, in publication order.

    The same page in two input files gives the same article twice; the copies
    sort next to each other and only the first is yielded, as a store keeps
    only the first.
    """
    runs = [
        _run(part_path(out_dir, "articles", partition), first, end)
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
) -> tuple[StoryGrouper, int]:
    """Group every article of the batch; the grouper and how many articles it saw."""
    grouper = StoryGrouper(config)
    count = 0
    for article in articles_in_order(out_dir, done):
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
