"""Batch runs: many pages at once, the per-page stages on Dask, results in Parquet.

:func:`run_batch` plans the inputs into partitions, processes each on a Dask
worker into Parquet files, groups the articles into stories streaming them
back in publication order, and loads everything into a store if asked. A run
killed midway and started again with the same arguments resumes where it
stopped and ends with the same output. Needs the ``batch`` extra (Dask and
PyArrow); see ``docs/scale-out.md`` for a cluster of many machines.
"""

from newsweave.batch.grouping import articles_in_order, load_stories
from newsweave.batch.partition import PartitionResult
from newsweave.batch.plan import Partition, Plan, PlanMismatchError, make_plan
from newsweave.batch.run import BatchProgress, BatchReport, run_batch

__all__ = [
    "BatchProgress",
    "BatchReport",
    "Partition",
    "PartitionResult",
    "Plan",
    "PlanMismatchError",
    "articles_in_order",
    "load_stories",
    "make_plan",
    "run_batch",
]
