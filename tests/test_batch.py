"""Batch runs on Dask: same results as a plain ingest, resumable, lossless Parquet.

Most runs use a local cluster of threads (``processes=False``) to stay fast;
one compares one worker process with two.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newsweave.batch import PlanMismatchError, articles_in_order, load_stories, records, run_batch
from newsweave.batch.partition import finished
from newsweave.batch.plan import Plan
from newsweave.errors import NewsweaveError
from newsweave.ingest import read_paths
from newsweave.models import Page
from newsweave.pipeline import ingest
from newsweave.store import Store
from newsweave.store import rows as flat
from tests.conftest import database

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "pages"
KINDS = ("pages", "articles", "claims", "mentions", "rejections")

pytest.importorskip("distributed")


def batch(inputs: list[Path], out: Path, **options: object):
    options = {"workers": 1, "processes": False, "partition_size": 3, **options}
    return run_batch(inputs, out, **options)


def snapshot(out: Path) -> dict[str, object]:
    """Everything a batch wrote, in a form that compares equal when the output is the same."""
    plan = Plan.load(out)
    assert plan is not None
    tables = {
        kind: [pq.read_table(out / kind / f"{p.name}.parquet").to_pylist() for p in plan.partitions]
        for kind in KINDS
    }
    done = [(p, finished(out, p)) for p in plan.partitions]
    return {
        **tables,
        "order": [a.id for a in articles_in_order(out, done)],
        "stories": load_stories(out),
    }


def store_snapshot(url: str) -> dict[str, object]:
    with Store.open(url) as store:
        articles = list(store.articles())
        return {
            "stats": store.stats(),
            "articles": articles,
            "pages": [store.page(a.page_id) for a in articles],
            "claims": store.claims([a.id for a in articles]),
            "mentions": store.mentions([a.id for a in articles]),
            "stories": sorted((s.id, s.title, tuple(s.article_ids)) for s in store.stories()),
            "rejections": sorted((r.source, r.reason, r.page_id) for r in store.rejections()),
        }


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The sample pages ingested the plain way into a fresh SQLite store."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'store.db'}"
    with Store.open(url) as store:
        ingest(store, [SAMPLES])
    return store_snapshot(url)


@pytest.fixture(scope="module")
def sample_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted batch over the sample pages, without a store."""
    out = tmp_path_factory.mktemp("batch") / "out"
    report = batch([SAMPLES], out)
    assert report.done == report.partitions > 1
    plan = Plan.load(out)
    assert plan is not None
    assert all(finished(out, p).rss_mb > 0 for p in plan.partitions)  # type: ignore[union-attr]
    return out


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_batch_gives_what_ingest_gives(
    backend: str, tmp_path: Path, reference: dict[str, object], sample_batch: Path
) -> None:
    with database(backend, tmp_path) as url:
        report = batch([SAMPLES], tmp_path / "out", db=url)
        got = store_snapshot(url)
        assert got == reference
        assert report.articles == report.stored == got["stats"]["articles"] == 12
        assert report.stories == got["stats"]["stories"]
        assert report.rejected == 0
        # A rerun finds every partition done and every page stored.
        again = batch([SAMPLES], tmp_path / "out", db=url)
        assert (again.done, again.skipped, again.stored) == (0, report.partitions, 0)
        assert store_snapshot(url) == reference
    assert snapshot(tmp_path / "out") == snapshot(sample_batch)


def test_grouping_reads_articles_without_their_page_leftovers(sample_batch: Path) -> None:
    plan = Plan.load(sample_batch)
    assert plan is not None
    done = [(p, finished(sample_batch, p)) for p in plan.partitions]
    whole = list(articles_in_order(sample_batch, done))
    light = list(articles_in_order(sample_batch, done, leftovers=False))
    assert any(a.dropped for a in whole) and any(a.diagnostics for a in whole)
    assert all(not a.dropped and not a.diagnostics for a in light)
    assert light == [replace(a, dropped=[], diagnostics={}) for a in whole]


def test_parquet_rows_rebuild_pages_articles_claims_and_mentions(
    sample_batch: Path, reference: dict[str, object]
) -> None:
    plan = Plan.load(sample_batch)
    assert plan is not None
    pages = {
        row["id"]: flat.page_from_row(row)
        for p in plan.partitions
        for row in pq.read_table(sample_batch / "pages" / f"{p.name}.parquet").to_pylist()
    }
    read = [p for p in read_paths([SAMPLES]) if isinstance(p, Page)]
    assert pages == {p.id: p for p in read}
    articles = [
        records.article_from_row(row)
        for p in plan.partitions
        for row in pq.read_table(sample_batch / "articles" / f"{p.name}.parquet").to_pylist()
    ]
    assert sorted(articles, key=lambda a: a.id) == sorted(reference["articles"], key=lambda a: a.id)
    claims = [
        flat.claim_from_row(row)
        for p in plan.partitions
        for row in pq.read_table(sample_batch / "claims" / f"{p.name}.parquet").to_pylist()
    ]
    key = lambda c: (c.article_id, c.start)  # noqa: E731
    assert sorted(claims, key=key) == sorted(reference["claims"], key=key)
    mentions = [
        flat.mention_from_row(row)
        for p in plan.partitions
        for row in pq.read_table(sample_batch / "mentions" / f"{p.name}.parquet").to_pylist()
    ]
    stored = reference["mentions"]
    assert sorted(mentions, key=key) == sorted((m for ms in stored.values() for m in ms), key=key)
    assert len(stored) == 12
    # Stories are the store's, in publication order of the stored articles.
    assert [a.id for a in reference["articles"]] == snapshot(sample_batch)["order"]


def test_a_crashed_run_resumes_to_the_same_output(tmp_path: Path, sample_batch: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"

    def crash(result: object, done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch([SAMPLES], tmp_path / "out", db=url, progress=crash)
    plan = Plan.load(tmp_path / "out")
    assert plan is not None
    left = [p for p in plan.partitions if finished(tmp_path / "out", p) is None]
    assert left, "the crash came before every partition was done"
    # Lose one finished partition's marker too: it is redone, not half-trusted.
    first_done = next(p for p in plan.partitions if p not in left)
    (tmp_path / "out" / "done" / f"{first_done.name}.json").unlink()
    report = batch([SAMPLES], tmp_path / "out", db=url)
    assert report.done == len(left) + 1
    assert snapshot(tmp_path / "out") == snapshot(sample_batch)
    with Store.open(url) as store:
        assert store.stats()["pages"] == 12
    assert not list((tmp_path / "out").glob("*/.*.tmp"))


def test_a_partition_missing_a_kind_of_file_is_done_again(
    tmp_path: Path, sample_batch: Path
) -> None:
    out = tmp_path / "out"
    batch([SAMPLES], out)
    plan = Plan.load(out)
    assert plan is not None
    # what an older version, which wrote no mentions, leaves behind
    (out / "mentions" / f"{plan.partitions[0].name}.parquet").unlink()
    assert finished(out, plan.partitions[0]) is None
    report = batch([SAMPLES], out)
    assert (report.done, report.skipped) == (1, len(plan.partitions) - 1)
    assert snapshot(out) == snapshot(sample_batch)


@pytest.mark.slow
def test_a_killed_run_resumes_to_the_same_output(tmp_path: Path, sample_batch: Path) -> None:
    out = tmp_path / "out"
    code = (
        "import sys; from newsweave.batch import run_batch; "
        "run_batch([sys.argv[1]], sys.argv[2], workers=1, processes=False, partition_size=3)"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(SAMPLES), str(out)])
    try:
        deadline = time.monotonic() + 60
        while not list(out.glob("done/*.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    plan = Plan.load(out)
    assert plan is not None
    assert any(finished(out, p) is None for p in plan.partitions), "killed too late"
    report = batch([SAMPLES], out)
    assert report.skipped >= 1
    assert snapshot(out) == snapshot(sample_batch)


@pytest.mark.slow
def test_one_worker_process_or_two_give_the_same_output(tmp_path: Path, sample_batch: Path) -> None:
    report = batch([SAMPLES], tmp_path / "out", workers=2, processes=True)
    assert report.done == report.partitions
    assert snapshot(tmp_path / "out") == snapshot(sample_batch)


def test_bad_inputs_become_rejection_rows(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    good = (SAMPLES / "rt-bolivia-protests.txt").read_bytes()
    # The same page three times, twice in one partition: stored once, as ingest does.
    for name in ("a-good.txt", "a-good-copy.txt", "e-good-again.txt"):
        (inputs / name).write_bytes(good)
    (inputs / "b-binary.html").write_bytes(bytes(range(256)) * 8)
    (inputs / "c-empty.txt").write_bytes(b"")
    (inputs / "d-lines.jsonl").write_text('{"text": 3}\nnot json\n')
    url = f"sqlite:///{tmp_path / 'store.db'}"
    report = batch([inputs, tmp_path / "missing.txt"], tmp_path / "out", db=url)
    rows = [
        row
        for part in sorted((tmp_path / "out" / "rejections").glob("*.parquet"))
        for row in pq.read_table(part).to_pylist()
    ]
    reasons = sorted((Path(r["source"]).name, r["reason"]) for r in rows)
    assert reasons == [
        ("b-binary.html", "binary"),
        ("c-empty.txt", "empty"),
        ("d-lines.jsonl:1", "bad_record"),
        ("d-lines.jsonl:2", "bad_record"),
    ]
    assert report.rejected == 5  # and the missing path, kept in the plan
    assert report.articles == 1
    with Store.open(url) as store:
        stored = sorted((r.source, r.reason, r.page_id, r.raw) for r in store.rejections())
    plain = f"sqlite:///{tmp_path / 'plain.db'}"
    with Store.open(plain) as store:
        ingest(store, [inputs, tmp_path / "missing.txt"])
        assert stored == sorted((r.source, r.reason, r.page_id, r.raw) for r in store.rejections())
    assert store_snapshot(url) == store_snapshot(plain)
    assert len(stored) == 5
    batch([inputs, tmp_path / "missing.txt"], tmp_path / "out", db=url)
    with Store.open(url) as store:
        assert len(store.rejections()) == 5
        assert store.stats()["pages"] == 1


def test_an_output_folder_refuses_other_inputs(tmp_path: Path, sample_batch: Path) -> None:
    with pytest.raises(PlanMismatchError):
        batch([SAMPLES / "more-pages.jsonl"], sample_batch)


def test_a_bad_setting_stops_the_batch_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSWEAVE_LANGUAGES", "en,xx")
    with pytest.raises(NewsweaveError, match="lingua knows no xx"):
        run_batch([SAMPLES], tmp_path / "out", workers=1, processes=False)
    assert not (tmp_path / "out").exists()
