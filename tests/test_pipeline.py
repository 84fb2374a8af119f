"""The main job through the Python API: ingest, resume after a crash, report."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import newsweave.pipeline
from newsweave import Newsweave, NewsweaveError, NotFoundError, extract_paths
from newsweave.config import Settings
from newsweave.ingest import read_file
from newsweave.models import Article, Rejection, Story
from newsweave.pipeline import Processed, process_page, report_key
from newsweave.registry import claim_readers, extractors
from newsweave.story import StoryReport, build_report, render, report_to_dict
from newsweave.story.render import report_from_dict
from tests.conftest import install_plugin

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
    def no_claims(article, *, settings):  # type: ignore[no-untyped-def]
        raise AssertionError("claims were extracted")

    monkeypatch.setattr(claim_readers, "_registered", {"none": no_claims})
    monkeypatch.setenv("NEWSWEAVE_DEBUG", "1")
    settings = Settings(claim_reader="none")
    (article,) = extract_paths([SAMPLES / "004_bc8cf2809f61b329.txt"], settings=settings)
    assert article.outlet == "The Hill"
    with pytest.raises(AssertionError, match="claims were extracted"):
        process_page(next(read_file(SAMPLES / "004_bc8cf2809f61b329.txt")), settings=settings)


def test_stages_are_chosen_by_name_from_code_or_installed_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def headline_only(page, *, reference_time, settings):  # type: ignore[no-untyped-def]
        first = page.text.strip().splitlines()[0]
        return Article(id=page.id, page_id=page.id, source=page.source, title=first, body=[first])

    def nothing(article, *, settings):  # type: ignore[no-untyped-def]
        return [], []

    monkeypatch.setattr(extractors, "_registered", {"headline": headline_only})
    monkeypatch.setattr(claim_readers, "_registered", {"nothing": nothing})
    page = next(read_file(SAMPLES / "004_bc8cf2809f61b329.txt"))
    done = process_page(page, settings=Settings(extractor="headline", claim_reader="nothing"))
    assert isinstance(done, Processed)
    assert done.article.body == [done.article.title] and done.claims == done.mentions == []
    # a package's entry point names a stage the same way
    install_plugin(
        tmp_path,
        monkeypatch,
        "nw_stages",
        "def nothing(article, *, settings):\n    return [], []\n",
        "[newsweave.claim_readers]\nplugged = nw_stages:nothing\n"
        "[newsweave.extractors]\nbroken = nw_stages:missing\n",
    )
    assert "plugged" in claim_readers.names()
    done = process_page(page, settings=Settings(claim_reader="plugged"))
    assert isinstance(done, Processed) and done.claims == [] and done.article.body
    # a name that chooses nothing, or a plugin that does not load, stops the run
    with pytest.raises(NewsweaveError, match=r"no newsweave\.extractors stage named 'nope'"):
        Settings(extractor="nope")
    with pytest.raises(NewsweaveError, match=r"'broken' .* does not load"):
        Settings(extractor="broken")


def test_a_setting_that_cannot_work_stops_the_run(nw: Newsweave) -> None:
    # Kept as every page's rejection, a missing model would leave pages that a rerun
    # skips as already stored once the setting is fixed. The settings given are
    # the ones used, not the environment's defaults.
    settings = replace(nw.settings, spacy_model="no_such_model_xx")
    with Newsweave(settings=settings) as broken:
        with pytest.raises(NewsweaveError, match="'no_such_model_xx' is not installed"):
            broken.ingest([SAMPLES / "000_c5fdda3d84432073.txt"])
        assert broken.stats()["pages"] == 0


def test_a_crash_on_one_page_is_kept_as_its_rejection(
    nw: Newsweave, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = extractors.get("default")

    def fails_on_tempo(page, **kwargs):  # type: ignore[no-untyped-def]
        if page.source.endswith("000_c5fdda3d84432073.txt"):
            raise ValueError("second must be in 0..59")
        return real(page, **kwargs)

    # the built-in stage replaced under its own name, as a user's registration may
    monkeypatch.setattr(extractors, "_registered", {"default": fails_on_tempo})
    monkeypatch.delenv("NEWSWEAVE_DEBUG", raising=False)
    report = nw.ingest([SAMPLES])
    (rejected,) = report.rejected
    assert rejected.reason == "processing_error"
    assert "ValueError: second must be in 0..59" in rejected.detail
    assert len(report.added) == nw.stats()["articles"] >= 10


# -- stored story reports ------------------------------------------------------------


def _seed_story(nw: Newsweave) -> Story:
    """The story of the three seed pages (examples/pages/0*_*.txt)."""
    seeds = {p.name for p in SAMPLES.glob("0*_*.txt")}
    (story,) = [
        s for s in nw.stories() if seeds & {Path(a.source).name for a in nw.articles(s.article_ids)}
    ]
    return story


def _fresh(nw: Newsweave, story: Story) -> StoryReport:
    """The story's report built now, bypassing the store."""
    ids = story.article_ids
    return build_report(
        story, nw.articles(ids), nw.store.claims(ids), mentions=nw.store.mentions(ids)
    )


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the id of every story whose report is built from here on."""
    built: list[str] = []
    real = newsweave.pipeline.build_report

    def counting(story: Story, *args: Any, **kwargs: Any) -> StoryReport:
        built.append(story.id)
        return real(story, *args, **kwargs)

    monkeypatch.setattr(newsweave.pipeline, "build_report", counting)
    return built


def test_report_round_trips_through_its_dict(nw: Newsweave) -> None:
    nw.ingest([SAMPLES])
    report = _fresh(nw, _seed_story(nw))
    assert report.claim_groups
    assert report_from_dict(report_to_dict(report)) == report
    assert report_from_dict(json.loads(json.dumps(report_to_dict(report)))) == report
    # What the seeds may not hold: a folded group, an evolving one, a claim with no figure.
    first, *rest = report.claim_groups
    claim = replace(first.claims[0], quantity=None, when="2025-02-27", chain=["A", "B", "C"])
    varied = replace(
        report,
        claim_groups=[
            replace(first, relation="evolving", folded=True, claims=[claim, *first.claims]),
            *rest,
        ],
    )
    assert report_from_dict(json.loads(json.dumps(report_to_dict(varied)))) == varied


def test_ingest_stores_reports_and_reads_use_them(
    nw: Newsweave, monkeypatch: pytest.MonkeyPatch
) -> None:
    nw.ingest([SAMPLES])
    stories = nw.stories()
    assert nw.store.report_keys() == {s.id: report_key(s) for s in stories}
    seed = _seed_story(nw)
    expected = _fresh(nw, seed)
    built = _count_builds(monkeypatch)
    assert nw.report(seed.id) == expected
    assert nw.report_dict(seed.id) == report_to_dict(expected)
    assert built == []  # served as stored
    # An ingest that changes nothing, and a recluster that gives the same stories, build none.
    nw.ingest([SAMPLES])
    nw.recluster()
    assert built == []


def test_regroup_that_changes_members_changes_the_report(
    nw: Newsweave, monkeypatch: pytest.MonkeyPatch
) -> None:
    nw.ingest([SAMPLES])
    seed = _seed_story(nw)
    assert len(nw.report(seed.id).articles) == 3
    built = _count_builds(monkeypatch)

    # A regroup that takes one article out of the story (written as any regroup is).
    kept, moved = seed.article_ids[:2], seed.article_ids[2]
    smaller = replace(seed, article_ids=kept, syndicated={})
    nw.store.replace_stories([smaller, Story("split", "Split", [moved])], article_ids=[moved])
    report = nw.report(seed.id)
    assert [a.id for a in report.articles] == kept  # never the stored three-article report
    assert report == _fresh(nw, nw.story(seed.id))
    assert built == [seed.id]
    assert nw.report(seed.id) == report and built == [seed.id]  # the rebuilt one was stored

    # The recluster puts it back, and rebuilds just the stories whose members changed.
    built.clear()
    nw.recluster()
    assert sorted(built) == [seed.id]
    assert len(nw.report(seed.id).articles) == 3
    assert nw.store.report_keys() == {s.id: report_key(s) for s in nw.stories()}


def test_new_report_code_gives_new_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    story = Story(id="s", title="t", article_ids=["a", "b"])
    old_key = report_key(story)
    assert len(render.code_fingerprint()) == 64
    monkeypatch.setattr(render, "code_fingerprint", lambda: "0" * 64)
    assert report_key(story) != old_key


def test_report_version_bump_rebuilds(nw: Newsweave, monkeypatch: pytest.MonkeyPatch) -> None:
    nw.ingest([SAMPLES])
    seed = _seed_story(nw)
    old_key = report_key(seed)
    built = _count_builds(monkeypatch)
    monkeypatch.setattr(render, "REPORT_VERSION", render.REPORT_VERSION + 1)
    assert report_key(seed) != old_key
    nw.report(seed.id)
    assert built == [seed.id]
    assert nw.store.report_keys()[seed.id] == report_key(seed)
    # The refresh after a recluster rebuilds the rest, and then nothing.
    nw.recluster()
    assert sorted(built) == sorted(s.id for s in nw.stories())
    nw.recluster()
    assert len(built) == len(nw.stories())


def test_crash_mid_report_rebuild_loses_nothing(
    nw: Newsweave, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = newsweave.pipeline.build_report
    calls = {"n": 0}

    def crash_on_third(story: Story, *args: Any, **kwargs: Any) -> StoryReport:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # as if the process were killed here
        return real(story, *args, **kwargs)

    monkeypatch.setattr(newsweave.pipeline, "build_report", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        nw.ingest([SAMPLES])
    monkeypatch.setattr(newsweave.pipeline, "build_report", real)
    with Newsweave(f"sqlite:///{tmp_path / 'clean.db'}") as clean:
        clean.ingest([SAMPLES])
        # Every article and story is there; two reports were stored whole, the rest not at all.
        assert nw.stats() == clean.stats()
        assert [s.article_ids for s in nw.stories()] == [s.article_ids for s in clean.stories()]
        stored = nw.store.report_keys()
        assert len(stored) == 2
        for story in nw.stories():
            if story.id in stored:
                assert nw.store.report(story.id, report_key(story)) == clean.report_dict(story.id)
        # A rerun has nothing new; reading each report builds the missing ones, same as clean.
        assert nw.ingest([SAMPLES]).added == []
        for story in nw.stories():
            assert nw.report(story.id) == clean.report(story.id)
        assert nw.store.report_keys() == clean.store.report_keys()


def test_a_crash_in_the_report_code_does_not_sink_the_ingest(
    nw: Newsweave, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> StoryReport:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(newsweave.pipeline, "build_report", broken)
    report = nw.ingest([SAMPLES])
    assert report.ok and report.stories == len(nw.stories())
    assert nw.store.report_keys() == {}
    # The error surfaces where the report is asked for.
    with pytest.raises(ZeroDivisionError):
        nw.report(nw.stories()[0].id)


def test_the_grouping_settings_hold_for_ingest_and_recluster(tmp_path: Path) -> None:
    from newsweave.cluster import GroupingConfig
    from newsweave.config import Settings

    # Nothing is similar enough to join: every article its own story.
    apart = GroupingConfig(threshold=1.0, headline_threshold=1.0, merge_similarity=1.0)
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'apart.db'}", grouping=apart)
    pages = sorted(p for p in SAMPLES.glob("*.txt"))
    with Newsweave(settings=settings) as nw:
        nw.ingest(pages[:1])
        nw.ingest(pages[1:])  # continues the state saved under the same settings
        articles = nw.stats()["articles"]
        assert nw.stats()["stories"] == articles > 3
        assert len(nw.recluster()) == articles
    with Newsweave(f"sqlite:///{tmp_path / 'default.db'}") as nw:
        nw.ingest(pages)
        assert nw.stats()["stories"] < articles  # the seed story's three outlets join


def test_find_articles_and_entities_are_the_apis(nw: Newsweave) -> None:
    from datetime import datetime

    nw.ingest([SAMPLES])
    everything = nw.articles()
    total, page = nw.find_articles(limit=3, offset=2)
    assert total == len(everything) and [a.id for a in page] == [a.id for a in everything[2:5]]
    total, seeds = nw.find_articles(since=datetime(2025, 1, 1), entity="kursk")
    assert total == 3 and {a.outlet for a in seeds} == {"Tempo", "Associated Press", "The Hill"}
    assert nw.find_articles(outlet="the hill", language="EN", until=datetime(2019, 12, 31))[0] == 1
    assert nw.find_articles(entity="Kurs")[0] == 0  # whole words only
    seed = nw.story_of(seeds[0].id)
    assert seed is not None
    names = {e["name"] for e in nw.entities(seed)}
    assert {"Kursk", "Kim Jong Un"} <= names
    overall = nw.entities()
    assert all(e["stories"] for e in overall) and len(overall) >= len(names)


def test_search_all_ranks_stories_by_title_then_by_their_articles(nw: Newsweave) -> None:
    nw.ingest([SAMPLES])
    found = nw.search_all("Kursk")
    assert found.query == "Kursk" and found.hits
    assert all(found.story_of[h.article_id] in {s.id for s in found.stories} for h in found.hits)
    seed = nw.story_of(found.hits[0].article_id)
    titled = [s.id for s in nw.stories() if "kursk" in s.title.casefold()]
    assert [s.id for s in found.stories][: len(titled) + 1] == list(dict.fromkeys([*titled, seed]))
    # a story whose title holds every word comes first, whatever its articles' rank
    last = nw.stories()[-1]
    words = " ".join(last.title.split()[:2])
    assert nw.search_all(words).stories[0].id == last.id
    assert nw.search_all("   ").hits == [] and nw.search_all("   ").stories == []
