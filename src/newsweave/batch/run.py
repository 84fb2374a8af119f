"""A whole batch run: plan, per-page stages on Dask, grouping, and the store.

The per-page stages (read, extract, claims) are independent, so they run on
Dask, one task per partition; grouping depends on every article before it in
time, so it runs once, on the driver, streaming the articles back from
Parquet. The run is resumable at each step: the plan is saved first,
partitions with a done marker are skipped, grouping is redone (it is cheap
beside extraction and deterministic), and loading skips pages already stored.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsweave.batch.grouping import group_batch, save_stories
from newsweave.batch.load import add_rejections, load_partition
from newsweave.batch.partition import PartitionResult, finished, run_partition
from newsweave.batch.plan import Partition, Plan, load_or_make_plan
from newsweave.cluster import Embedder
from newsweave.config import Settings
from newsweave.grouping import GroupingSession
from newsweave.store import Store

if TYPE_CHECKING:
    from distributed import Client

#: Dask settings for the workers of the local cluster a run starts. Dask's
#: statistical profiler samples each worker's stack every 10 ms and keeps an hour
#: of profiles for a dashboard these runs do not serve: a worker's memory grew
#: with every partition while it ran (see docs/benchmarks.md). Give the same to
#: a cluster of your own (``distributed.worker.profile.enabled: false``).
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}

#: Called once per finished partition (also for those a previous run finished):
#: (its result, partitions finished, partitions in all).
BatchProgress = Callable[[PartitionResult, int, int], None]


@dataclass(slots=True)
class BatchReport:
    """What a batch run did; counts cover the whole batch, resumed parts included."""

    out_dir: Path
    partitions: int = 0
    #: Partitions processed by this run, and those a previous run had finished.
    done: int = 0
    skipped: int = 0
    pages: int = 0
    #: Distinct articles (the same page in two files is one article).
    articles: int = 0
    claims: int = 0
    rejected: int = 0
    stories: int = 0
    #: Pages newly written to the store (``None`` without ``db``).
    stored: int | None = None
    seconds: float = 0.0


def run_batch(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    partition_size: int = 1000,
    db: str | None = None,
    progress: BatchProgress | None = None,
    reference_time: datetime | None = None,
    processes: bool = True,
    embedder: Embedder | None = None,
    settings: Settings | None = None,
) -> BatchReport:
    """Process every page under ``inputs`` into ``out_dir`` on Dask, group, optionally store.

    ``scheduler`` is the address of a running Dask scheduler
    (``tcp://host:8786``); without one, a local cluster of ``workers``
    processes (default: one per CPU) of one thread each is started on
    127.0.0.1 (``processes=False`` runs them as threads, for tests). Rerun
    with the same arguments to resume after a crash; ``db`` is a store URL
    to load the results into. ``embedder`` adds sentence embeddings to the
    grouping (see :mod:`newsweave.cluster.embeddings`), and to a store's
    later updates when ``db`` is given; give the store the same one after.
    ``settings`` configure the stages (default: from the environment); a bad
    one fails here, once, not on every worker.
    """
    started = time.perf_counter()
    settings = settings or Settings.from_env(db)
    out = Path(out_dir)
    plan, _ = load_or_make_plan(out, inputs, partition_size, reference_time)
    report = BatchReport(out, partitions=len(plan.partitions))
    results: dict[int, PartitionResult] = {}
    todo: list[Partition] = []
    for partition in plan.partitions:
        result = finished(out, partition)
        if result is None:
            todo.append(partition)
        else:
            result.skipped = True
            _finish(result, results, report, progress)
    if todo:
        with _client(scheduler, workers, processes) as client:
            _compute(client, todo, out, plan, reference_time, settings, results, report, progress)
    done = [(p, results[p.index]) for p in plan.partitions]
    report.pages = sum(r.pages for _, r in done)
    report.claims = sum(r.claims for _, r in done)
    report.rejected = len(plan.rejections) + sum(r.rejected for _, r in done)
    grouper, report.articles = group_batch(out, done, config=settings.grouping, embedder=embedder)
    stories = grouper.stories()
    save_stories(out, stories)
    report.stories = len(stories)
    if db is not None:
        with Store.open(db) as store:
            add_rejections(store, plan.rejections)
            report.stored = sum(load_partition(store, out, p) for p in plan.partitions)
            session = GroupingSession(store, settings.grouping, embedder)
            session.adopt(grouper, report.articles)
    report.seconds = time.perf_counter() - started
    return report


def _finish(
    result: PartitionResult,
    results: dict[int, PartitionResult],
    report: BatchReport,
    progress: BatchProgress | None,
) -> None:
    results[result.index] = result
    if result.skipped:
        report.skipped += 1
    else:
        report.done += 1
    if progress is not None:
        progress(result, len(results), report.partitions)


def _compute(
    client: Client,
    todo: list[Partition],
    out: Path,
    plan: Plan,
    reference_time: datetime | None,
    settings: Settings,
    results: dict[int, PartitionResult],
    report: BatchReport,
    progress: BatchProgress | None,
) -> None:
    """Run the partitions on the cluster, reporting each as it finishes."""
    from distributed import as_completed

    futures = client.map(
        run_partition,
        todo,
        out_dir=str(out),
        partition_size=plan.partition_size,
        reference_time=reference_time,
        settings=settings,
        # The output folder is the state: the same partition must run again
        # after a crash, never be served from a cache of an earlier result.
        pure=False,
        key=[f"newsweave-{p.name}-{os.urandom(4).hex()}" for p in todo],
    )
    try:
        for future in as_completed(futures):
            _finish(future.result(), results, report, progress)
    finally:
        client.cancel(futures)


@contextmanager
def _client(scheduler: str | None, workers: int | None, processes: bool) -> Iterator[Client]:
    # Imported here: dask is the optional `batch` extra, and planning needs none of it.
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    # Worker processes talk TCP on loopback only; threads use in-process queues.
    where = {"host": "127.0.0.1"} if processes else {}
    with (
        dask.config.set(WORKER_CONFIG),
        LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            **where,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
