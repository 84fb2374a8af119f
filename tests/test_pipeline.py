"""The main job through the Python API: ingest, resume after a crash, report."""

from __future__ import annotations

from pathlib import Path

import pytest

import newsweave.pipeline
from newsweave import Newsweave, NewsweaveError, NotFoundError, extract_paths
from newsweave.models import Rejection

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "pages"


@pytest.fixture
def nw(store_url: str):
    with Newsweave(store_url) as instance:
        yield instance


def test_ingest_counts_and_idempotence(nw: Newsweave) -> None:
    first = nw.ingest([SAMPLES])
    assert first.ok and len(first.added) >= 10
    second = nw.ingest([SAMPLES])
    assert second.added == [] and second.already_stored == len(first.added)
    assert nw.stats()["articles"] == len(first.added)


def test_crash_mid_run_resumes_without_duplicates(
    nw: Newsweave, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = newsweave.pipeline.process_page
    calls = {"n": 0}

    def crash_on_fifth(page, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt  # as if the process were killed here
        return real(page, **kwargs)

    monkeypatch.setattr(newsweave.pipeline, "process_page", crash_on_fifth)
    with pytest.raises(KeyboardInterrupt):
        nw.ingest([SAMPLES])
    assert nw.stats()["articles"] == 4
    monkeypatch.setattr(newsweave.pipeline, "process_page", real)

    resumed = nw.ingest([SAMPLES])
    with Newsweave(f"sqlite:///{tmp_path / 'clean.db'}") as clean:
        clean.ingest([SAMPLES])
        assert nw.stats() == clean.stats()
        assert [s.article_ids for s in nw.stories()] == [s.article_ids for s in clean.stories()]
    assert resumed.already_stored == 4


def test_stored_claims_have_no_duplicate_rows(nw: Newsweave) -> None:
    nw.ingest([SAMPLES])
    nw.ingest([SAMPLES])
    nw.recluster()
    ids = [a.id for a in nw.articles()]
    claims = nw.store.claims(ids)
    rows = [(c.article_id, c.start, c.quantity, c.measure, c.source, c.when) for c in claims]
    assert claims and len(rows) == len(set(rows))


def test_report_and_lookups(nw: Newsweave) -> None:
    nw.ingest([SAMPLES])
    biggest = max(nw.stories(), key=lambda s: len(s.article_ids))
    assert len(biggest.article_ids) == 3
    report = nw.report(biggest.id)
    assert report.id == biggest.id and len(report.articles) == 3
    assert nw.article(biggest.article_ids[0]).title
    with pytest.raises(NotFoundError):
        nw.story("missing")
    with pytest.raises(NotFoundError):
        nw.article("missing")
    assert nw.search("Europa")


def test_extract_paths_without_store(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    items = list(extract_paths([SAMPLES / "000_c5fdda3d84432073.txt", tmp_path / "empty.txt"]))
    assert items[0].title == "North Korea Deploys More Troops to Russia, Reports Say"
    assert isinstance(items[1], Rejection) and items[1].reason == "empty"


def test_extract_paths_runs_no_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    # `newsweave extract` prints articles only; spaCy's claims stage costs many times more.
    def no_claims(article):
        raise AssertionError("claims were extracted")

    monkeypatch.setattr(newsweave.pipeline, "extract_claims", no_claims)
    monkeypatch.setenv("NEWSWEAVE_DEBUG", "1")
    (article,) = extract_paths([SAMPLES / "004_bc8cf2809f61b329.txt"])
    assert article.outlet == "The Hill"


def test_a_setting_that_cannot_work_stops_the_run(
    nw: Newsweave, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kept as every page's rejection, a missing model would leave pages that a rerun
    # skips as already stored once the setting is fixed.
    def no_model(article):
        raise NewsweaveError("spaCy model 'nope' is not installed")

    monkeypatch.setattr(newsweave.pipeline, "extract_claims", no_model)
    monkeypatch.delenv("NEWSWEAVE_DEBUG", raising=False)
    with pytest.raises(NewsweaveError, match="not installed"):
        nw.ingest([SAMPLES / "000_c5fdda3d84432073.txt"])
    assert nw.stats()["pages"] == 0


def test_a_crash_on_one_page_is_kept_as_its_rejection(
    nw: Newsweave, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = newsweave.pipeline.extract

    def fails_on_tempo(page, **kwargs):
        if page.source.endswith("000_c5fdda3d84432073.txt"):
            raise ValueError("second must be in 0..59")
        return real(page, **kwargs)

    monkeypatch.setattr(newsweave.pipeline, "extract", fails_on_tempo)
    monkeypatch.delenv("NEWSWEAVE_DEBUG", raising=False)
    report = nw.ingest([SAMPLES])
    (rejected,) = report.rejected
    assert rejected.reason == "processing_error"
    assert "ValueError: second must be in 0..59" in rejected.detail
    assert len(report.added) == nw.stats()["articles"] >= 10
