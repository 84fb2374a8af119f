"""The per-page stages of one partition, run on a Dask worker: read, process, write.

Each partition becomes five Parquet files, ``pages/``, ``articles/``,
``claims/``, ``mentions/`` and ``rejections/part-NNNNN.parquet``, written under temporary
names and renamed into place, then a marker ``done/part-NNNNN.json`` with the
counts, written last. A partition is finished exactly when its marker
exists: a worker killed half-way leaves temporary files and no marker, and
the partition is done again from scratch on the next run.

Articles are written sorted by publication date (undated last, then id), in
*runs* of at most ``partition_size`` pages, each run a sequence of small row
groups; the marker lists each run's row groups. Grouping then merges the runs
of every partition in publication order, reading one small row group per run
at a time (:mod:`newsweave.batch.grouping`).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import psutil
import pyarrow as pa
import pyarrow.parquet as pq

from newsweave.batch import records
from newsweave.batch.plan import Partition, write_atomic
from newsweave.config import Settings
from newsweave.ingest import read_file
from newsweave.models import Article, Page, Rejection, sort_time
from newsweave.pipeline import process_page
from newsweave.store import rows as flat

KINDS = {
    "pages": records.PAGES,
    "articles": records.ARTICLES,
    "claims": records.CLAIMS,
    "mentions": records.MENTIONS,
    "rejections": records.REJECTIONS,
}
#: Articles per row group: small, so that merging many runs holds little.
ARTICLE_GROUP_ROWS = 64
_COMPRESSION = "zstd"


@dataclass(slots=True)
class PartitionResult:
    """What one partition held; also the content of its done marker."""

    index: int
    pages: int = 0
    articles: int = 0
    claims: int = 0
    rejected: int = 0
    #: Each run of sorted articles as [first row group, end row group).
    runs: list[list[int]] = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False
    #: Resident memory of the process that ran it, right after (MiB; 0 when skipped).
    rss_mb: float = 0.0


def marker_path(out_dir: Path, partition: Partition) -> Path:
    return out_dir / "done" / f"{partition.name}.json"


def part_path(out_dir: Path, kind: str, partition: Partition) -> Path:
    return out_dir / kind / f"{partition.name}.parquet"


def finished(out_dir: Path, partition: Partition) -> PartitionResult | None:
    """The result of ``partition`` if a run already finished it, else ``None``.

    A partition an older version finished, without a kind of file this one
    writes, is not finished: it is done again.
    """
    try:
        data = json.loads(marker_path(out_dir, partition).read_bytes())
    except FileNotFoundError:
        return None
    if not all(part_path(out_dir, kind, partition).is_file() for kind in KINDS):
        return None
    return PartitionResult(**data)


def run_partition(
    partition: Partition,
    out_dir: str,
    partition_size: int,
    reference_time: datetime | None = None,
    settings: Settings | None = None,
) -> PartitionResult:
    """Read, process and write one partition; skip it when its marker exists.

    ``settings`` are the run's (default: from the worker's environment).

    Safe to run twice at once (a retried task): each attempt writes its own
    temporary files and the renames put identical content in place.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    done = finished(out, partition)
    if done is not None:
        done.skipped = True
        return done
    result = PartitionResult(partition.index)
    tag = uuid.uuid4().hex[:12]
    temps = {kind: out / kind / f".{partition.name}.{tag}.tmp" for kind in KINDS}
    writers: dict[str, pq.ParquetWriter] = {}
    try:
        for kind, schema in KINDS.items():
            temps[kind].parent.mkdir(parents=True, exist_ok=True)
            writers[kind] = pq.ParquetWriter(temps[kind], schema, compression=_COMPRESSION)
        chosen = settings or Settings()
        buffer = _Buffer()
        for path in partition.files:
            for item in read_file(Path(path), max_bytes=chosen.max_page_bytes):
                buffer.add(item, reference_time, chosen)
                if buffer.pages >= partition_size:
                    buffer.flush(writers, result)
        buffer.flush(writers, result)
        for writer in writers.values():
            writer.close()
        writers.clear()
        for kind, tmp in temps.items():
            tmp.replace(part_path(out, kind, partition))
    finally:
        for writer in writers.values():
            writer.close()
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
    result.seconds = time.perf_counter() - started
    result.rss_mb = _release_memory()
    marker = marker_path(out, partition)
    marker.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(marker, json.dumps(asdict(result)).encode())
    return result


@dataclass(slots=True)
class _Buffer:
    """The rows of one run: up to ``partition_size`` pages held before writing."""

    pages: int = 0
    rows: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in KINDS})
    articles: list[Article] = field(default_factory=list)

    def add(
        self, item: Page | Rejection, reference_time: datetime | None, settings: Settings
    ) -> None:
        if isinstance(item, Rejection):
            self.rows["rejections"].append(flat.rejection_row(item))
            return
        self.pages += 1
        self.rows["pages"].append(flat.page_row(item))
        result = process_page(item, reference_time=reference_time, settings=settings)
        if isinstance(result, Rejection):
            self.rows["rejections"].append(flat.rejection_row(result))
            return
        self.articles.append(result.article)
        self.rows["claims"].extend(flat.claim_row(c) for c in result.claims)
        self.rows["mentions"].extend(flat.mention_row(m) for m in result.mentions)

    def flush(self, writers: dict[str, pq.ParquetWriter], result: PartitionResult) -> None:
        self.articles.sort(key=lambda a: (sort_time(a.published), a.id))
        self.rows["articles"] = [records.article_row(a) for a in self.articles]
        result.pages += self.pages
        result.articles += len(self.articles)
        result.claims += len(self.rows["claims"])
        result.rejected += len(self.rows["rejections"])
        for kind, rows in self.rows.items():
            if not rows:
                continue
            table = records.table(rows, KINDS[kind])
            if kind == "articles":
                start = result.runs[-1][1] if result.runs else 0
                groups = -(-len(rows) // ARTICLE_GROUP_ROWS)
                writers[kind].write_table(table, row_group_size=ARTICLE_GROUP_ROWS)
                result.runs.append([start, start + groups])
            else:
                writers[kind].write_table(table)
        self.pages = 0
        self.rows = {k: [] for k in KINDS}
        self.articles = []


def _release_memory() -> float:
    """Give freed heap back to the system; the process's resident memory in MiB.

    glibc keeps what a partition freed in its arenas, so a worker's resident
    memory crept up from one partition to the next (Dask's documentation
    advises the same trim for long-lived workers).
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim this way
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return psutil.Process().memory_info().rss / 2**20


def read_table(out_dir: Path, kind: str, partition: Partition) -> pa.Table:
    """One finished partition's table of ``kind`` (a key of :data:`KINDS`)."""
    return pq.read_table(part_path(out_dir, kind, partition), schema=KINDS[kind])
