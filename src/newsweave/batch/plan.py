"""Cutting the inputs into partitions, once, and keeping the cut in ``plan.json``.

Files are taken in the order ``ingest`` reads them (the inputs as given,
folders walked by name, depth first: a fixed order, so that the first of two
identical pages is the same one either way) and packed, in that order, into
partitions of up to ``partition_size`` pages. A file is never split: a page
file counts as one page, a JSON Lines file as its non-blank lines, and a web
archive (WARC), whose records cannot be counted without reading it all, as a
full partition of its own. A file bigger than a partition is a partition by itself; the
worker still writes its output in sorted runs of ``partition_size`` pages, so
its memory stays bounded (see :mod:`newsweave.batch.partition`).

The plan is written before any work starts and read back on a restart, so a
resumed run processes exactly the same partitions even if files were added
to the input folders meanwhile.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from newsweave.errors import NewsweaveError
from newsweave.ingest import count_records, discover
from newsweave.models import Rejection

PLAN_FILE = "plan.json"
PLAN_VERSION = 1


class PlanMismatchError(NewsweaveError):
    """The output folder holds a plan for other inputs or settings."""


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work: files read and processed together, in this order."""

    index: int
    files: list[str]
    #: Pages the planner expects (estimated for WARC files).
    pages: int

    @property
    def name(self) -> str:
        """The stem of this partition's output files: ``part-00042``."""
        return f"part-{self.index:05d}"


@dataclass(slots=True)
class Plan:
    """The partitions of one batch run, and what they were made from."""

    inputs: list[str]
    partition_size: int
    reference_time: str | None
    partitions: list[Partition]
    #: Inputs that could not even be listed (missing paths, empty globs).
    rejections: list[Rejection] = field(default_factory=list)
    version: int = PLAN_VERSION

    def save(self, out_dir: Path) -> None:
        """Write ``plan.json`` atomically."""
        data = asdict(self)
        data["rejections"] = [
            {"source": r.source, "reason": r.reason, "detail": r.detail} for r in self.rejections
        ]
        write_atomic(out_dir / PLAN_FILE, json.dumps(data, indent=1).encode())

    @classmethod
    def load(cls, out_dir: Path) -> Plan | None:
        """The plan saved in ``out_dir``, or ``None`` when there is none."""
        try:
            data = json.loads((out_dir / PLAN_FILE).read_bytes())
        except FileNotFoundError:
            return None
        if data.get("version") != PLAN_VERSION:
            raise PlanMismatchError(f"{out_dir / PLAN_FILE} was written by another version")
        return cls(
            inputs=data["inputs"],
            partition_size=data["partition_size"],
            reference_time=data["reference_time"],
            partitions=[Partition(**p) for p in data["partitions"]],
            rejections=[Rejection(**r) for r in data["rejections"]],
        )


def make_plan(
    inputs: Sequence[str | Path], partition_size: int, reference_time: datetime | None = None
) -> Plan:
    """Discover the files under ``inputs`` and pack them into partitions."""
    if partition_size < 1:
        raise ValueError("partition_size must be at least 1")
    files: list[Path] = []
    rejections: list[Rejection] = []
    for item in discover(inputs):
        if isinstance(item, Path):
            files.append(item)
        else:
            rejections.append(item)
    partitions: list[Partition] = []
    current: list[str] = []
    count = 0
    for path in files:
        pages = _estimate(path, partition_size)
        if current and count + pages > partition_size:
            partitions.append(Partition(len(partitions), current, count))
            current, count = [], 0
        current.append(str(path))
        count += pages
    if current:
        partitions.append(Partition(len(partitions), current, count))
    return Plan(
        inputs=[str(i) for i in inputs],
        partition_size=partition_size,
        reference_time=None if reference_time is None else reference_time.isoformat(),
        partitions=partitions,
        rejections=rejections,
    )


def load_or_make_plan(
    out_dir: Path,
    inputs: Sequence[str | Path],
    partition_size: int,
    reference_time: datetime | None = None,
) -> tuple[Plan, bool]:
    """The saved plan when it was made from the same arguments, else a new one saved.

    Returns the plan and whether it was resumed. Refuses (:class:`PlanMismatchError`)
    an output folder planned for other inputs, rather than mixing two runs.
    """
    saved = Plan.load(out_dir)
    wanted = ([str(i) for i in inputs], partition_size, reference_time)
    if saved is not None:
        when = None if wanted[2] is None else wanted[2].isoformat()
        if (saved.inputs, saved.partition_size, saved.reference_time) != (*wanted[:2], when):
            raise PlanMismatchError(
                f"{out_dir} holds a batch of other inputs or settings; use another --out folder"
            )
        return saved, True
    plan = make_plan(inputs, partition_size, reference_time)
    out_dir.mkdir(parents=True, exist_ok=True)
    plan.save(out_dir)
    return plan, False


def _estimate(path: Path, partition_size: int) -> int:
    """Pages in ``path``: exact for page and JSON Lines files, a guess for WARC."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".warc"):
        return partition_size
    if not name.endswith(".jsonl"):
        return 1
    return max(count_records(path), 1)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary name, so readers never see half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
