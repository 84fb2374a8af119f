"""Every CLI command, through Typer's CliRunner, on the bundled sample pages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rich.progress import Progress
from typer.testing import CliRunner

import newsweave.pipeline
from newsweave.cli import app
from newsweave.cli.common import REPORT_BAR_FROM, report_bar
from newsweave.models import Story

from .conftest import BACKENDS, database

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "pages"
SEEDS = sorted(SAMPLES.glob("0*_*.txt"))

runner = CliRunner()

LATIN1_PAGE = "\n\n".join(
    [
        "Hochwasser in Passau: Pegel der Donau sinkt langsam",
        "Startseite | Nachrichten | Bayern",
        "Passau (dpa) - Nach dem schweren Hochwasser in Passau sinkt der Pegel der Donau langsam "
        "wieder. Am Montagmorgen lag der Wasserstand nach Angaben der Stadt bei 9,80 Metern, "
        "nachdem er am Sonntagabend mit 10,60 Metern seinen Höchststand erreicht hatte.",
        "Die Feuerwehr war die ganze Nacht über im Einsatz. Mehr als 400 Helfer füllten Sandsäcke "
        "und sicherten die Altstadt, in der zahlreiche Keller überflutet wurden. Der "
        "Oberbürgermeister sprach von einer »außergewöhnlichen Lage« und dankte den Einsatzkräften.",
        "Nach Angaben des Deutschen Wetterdienstes soll es in den kommenden Tagen trockener werden. "
        "Die Behörden warnten dennoch davor, die überfluteten Uferwege zu betreten, da die Strömung "
        "weiterhin stark sei und Treibgut die Brücken gefährde.",
        "Für die betroffenen Geschäfte in der Innenstadt kündigte der Freistaat schnelle Hilfen an. "
        "Die Höhe der Schäden lässt sich nach Einschätzung der Stadtverwaltung noch nicht beziffern.",
        "Mehr zum Thema",
        "Teilen Sie diesen Artikel",
    ]
)


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module", params=BACKENDS)
def sample_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A store holding the bundled sample pages, ingested once per backend."""
    with database(request.param, tmp_path_factory.mktemp("db")) as url:
        result = invoke("ingest", str(SAMPLES), "--db", url)
        assert result.exit_code == 0, result.output
        yield url


def _stories(url: str) -> list[dict]:
    result = invoke("stories", "--json", "--db", url)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _seed_story(url: str) -> dict:
    stories = _stories(url)
    seed_names = {p.name for p in SEEDS}
    (story,) = [s for s in stories if seed_names & {Path(a["source"]).name for a in s["articles"]}]
    return story


def test_sample_pages_make_one_seed_story(sample_db: str) -> None:
    story = _seed_story(sample_db)
    sources = sorted(Path(a["source"]).name for a in story["articles"])
    assert sources == [p.name for p in SEEDS]
    for article in story["articles"]:
        assert set(article) >= {"id", "source", "title", "outlet", "published"}
    assert {"id", "title", "articles"} <= set(story)


def test_other_sample_stories_stay_apart(sample_db: str) -> None:
    stories = _stories(sample_db)
    assert len(stories) > 1
    seed_story = _seed_story(sample_db)
    others = [a for s in stories if s["id"] != seed_story["id"] for a in s["articles"]]
    assert others and all(Path(a["source"]).name not in {p.name for p in SEEDS} for a in others)


def test_ingest_again_stores_nothing_new(sample_db: str) -> None:
    before = json.loads(invoke("stats", "--json", "--db", sample_db).output)
    result = invoke("ingest", str(SAMPLES), "--db", sample_db)
    assert result.exit_code == 0, result.output
    assert "0 new articles" in result.output
    assert "Nothing new" in result.output
    after = json.loads(invoke("stats", "--json", "--db", sample_db).output)
    assert after == before


def test_ingest_bad_inputs_named_kept_and_idempotent(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, pages / seed.name)
    (pages / "empty.txt").write_bytes(b"")
    (pages / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8)
    (pages / "hochwasser.txt").write_bytes(LATIN1_PAGE.encode("latin-1"))
    url = f"sqlite:///{tmp_path / 'n.db'}"

    first = invoke("ingest", str(pages), "--db", url)
    assert first.exit_code == 1, first.output
    assert "4 new articles" in first.output
    assert "empty.txt" in first.output and "empty" in first.output
    assert "photo.jpg" in first.output and "binary" in first.output

    stats = json.loads(invoke("stats", "--json", "--db", url).output)
    assert stats["articles"] == 4
    assert stats["rejected"] == 2

    rejected = json.loads(invoke("rejected", "--json", "--db", url).output)
    assert {(Path(r["source"]).name, r["reason"]) for r in rejected} == {
        ("empty.txt", "empty"),
        ("photo.jpg", "binary"),
    }

    extracted = invoke("extract", str(pages / "hochwasser.txt"), "--jsonl")
    article = json.loads(extracted.output.splitlines()[0])
    assert "Höchststand" in article["body"] and "außergewöhnlichen" in article["body"]
    assert article["language"] == "de"

    second = invoke("ingest", str(pages), "--db", url)
    assert second.exit_code == 1
    assert "0 new articles" in second.output
    assert json.loads(invoke("stats", "--json", "--db", url).output) == stats


def test_extract_jsonl_fields(tmp_path: Path) -> None:
    result = invoke("extract", *map(str, SEEDS), "--jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["source"] for r in records] == [str(p) for p in SEEDS]
    for r in records:
        assert {
            "source",
            "title",
            "outlet",
            "published",
            "byline",
            "dateline",
            "language",
            "summary",
            "body",
        } <= set(r)
        assert r["published"].startswith("2025-02-2")
        assert r["language"] == "en"
        assert "North Korea" in r["title"]


def test_extract_json_and_explain() -> None:
    result = invoke("extract", str(SEEDS[2]), "--json", "--explain")
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.output)
    assert record["dropped"], "the related-articles tail must show up as dropped"
    assert all(d["reason"] for d in record["dropped"])
    human = invoke("extract", str(SEEDS[1]), "--explain")
    assert human.exit_code == 0, human.output
    assert "dropped lines" in human.output


def test_extract_missing_file_is_named() -> None:
    result = invoke("extract", "no/such/page.txt", "--jsonl")
    assert result.exit_code == 1
    assert "no/such/page.txt" in result.output
    assert "Traceback" not in result.output


def test_stories_table(sample_db: str) -> None:
    result = invoke("stories", "--db", sample_db)
    assert result.exit_code == 0, result.output
    assert "stories" in result.output and "North Korea" in result.output


def test_story_json_markdown_and_human(sample_db: str) -> None:
    story_id = _seed_story(sample_db)["id"]
    as_json = invoke("story", story_id, "--json", "--db", sample_db)
    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.output)
    assert report["id"] == story_id
    assert len(report["articles"]) == 3
    assert {"entities", "claim_groups", "timeline", "summary"} <= set(report)
    as_md = invoke("story", story_id, "--markdown", "--db", sample_db)
    assert as_md.exit_code == 0 and as_md.output.lstrip().startswith("#")
    # The seeds give dates without a time: the brief shows the day, not "T00:00:00".
    assert "3 articles from" in as_md.output and "27 Feb 2025" in as_md.output
    assert "T00:00" not in as_md.output.split("## ")[0]
    human = invoke("story", story_id, "--db", sample_db)
    assert human.exit_code == 0 and "North Korea" in human.output


def test_a_bad_setting_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWEAVE_LANGUAGES", "en,xx")
    result = invoke("extract", str(SAMPLES / "000_c5fdda3d84432073.txt"), "--jsonl")
    assert result.exit_code == 2
    assert "NEWSWEAVE_LANGUAGES" in result.output and "Traceback" not in result.output


def test_story_unknown_id(sample_db: str) -> None:
    result = invoke("story", "nope", "--db", sample_db)
    assert result.exit_code == 2
    assert "no story with id 'nope'" in result.output


def test_search(sample_db: str) -> None:
    result = invoke("search", "Kursk", "--json", "--db", sample_db)
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits and all(h["story_id"] == _seed_story(sample_db)["id"] for h in hits)
    assert invoke("search", "Kursk", "--db", sample_db).exit_code == 0
    nothing = invoke("search", "zzzyzzx", "--db", sample_db)
    assert nothing.exit_code == 0 and "No article matches" in nothing.output


def test_stats(sample_db: str) -> None:
    counts = json.loads(invoke("stats", "--json", "--db", sample_db).output)
    assert counts["articles"] == counts["pages"] > 3
    assert counts["rejected"] == 0
    assert counts["stories"] >= 2
    assert "articles" in invoke("stats", "--db", sample_db).output


def test_recluster_is_stable(sample_db: str) -> None:
    before = _stories(sample_db)
    result = invoke("recluster", "--db", sample_db)
    assert result.exit_code == 0, result.output
    assert _stories(sample_db) == before


def test_bad_store_url_is_one_line() -> None:
    result = invoke("stats", "--db", "nosuchdb://x")
    assert result.exit_code == 2
    assert "Error:" in result.output
    assert "Traceback" not in result.output


def test_cluster_stream(tmp_path: Path) -> None:
    records = [
        {
            "id": "a1",
            "title": "Fed's Plosser says weak data caused by weather, taper on track",
            "published": "2014-03-10T16:52:50+00:00",
            "publisher": "Reuters",
        },
        {
            "id": "a2",
            "title": "Plosser: weather to blame for weak data, Fed taper should continue",
            "published": "2014-03-10T16:53:10+00:00",
            "publisher": "MarketWatch",
        },
        {
            "id": "b1",
            "title": "Malaysia Airlines flight MH370 search widens to Andaman Sea",
            "published": "2014-03-10T17:10:00+00:00",
            "outlet": "BBC",
        },
        {
            "id": 7,
            "title": "Search for missing Malaysia Airlines MH370 jet widens, Andaman Sea",
            "text": "Search teams widened the hunt.\nNo debris was found.",
            "published": "2014-03-10T17:11:00Z",
        },
    ]
    lines = [json.dumps(r) for r in records] + ["{not json", json.dumps({"id": "x"})]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = invoke("cluster", str(feed), "--jsonl")
    assert result.exit_code == 1
    placed = [json.loads(line) for line in result.stdout.splitlines()]
    placed = [p for p in placed if "id" in p]  # merge lines say which stories became one
    assert [p["id"] for p in placed] == ["a1", "a2", "b1", "7"]
    story = {p["id"]: p["story"] for p in placed}
    assert story["a1"] == story["a2"] != story["b1"] == story["7"]
    assert f"{feed}:5: invalid JSON" in result.output
    assert f"{feed}:6: 'title' must be a non-empty string" in result.output

    again = invoke("cluster", str(feed), "--tsv")
    assert "--jsonl/--tsv" not in again.output
    assert [line.split("\t") for line in again.stdout.splitlines()] == [
        [p["id"], p["story"]] for p in placed
    ]


def test_cluster_final_applies_merges(tmp_path: Path) -> None:
    records = [
        {"id": "x1", "title": "Iceland volcano erupts near Reykjavik, flights grounded"},
        {"id": "y1", "title": "Iceland evacuates Grindavik as lava flows toward the town"},
        {
            "id": "z1",
            "title": "Iceland volcano erupts: Grindavik evacuated, Reykjavik flights grounded "
            "as lava flows toward town",
        },
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")

    streamed = [json.loads(line) for line in invoke("cluster", str(feed)).stdout.splitlines()]
    assert {"merge": streamed[1]["story"], "into": streamed[0]["story"]} in streamed
    assert streamed[0]["story"] != streamed[1]["story"]  # y1 was placed alone, then merged

    final = invoke("cluster", str(feed), "--final")
    assert final.exit_code == 0, final.output
    placed = [json.loads(line) for line in final.stdout.splitlines()]
    assert [p["id"] for p in placed] == ["x1", "y1", "z1"]
    assert len({p["story"] for p in placed}) == 1


def test_cluster_missing_file() -> None:
    result = invoke("cluster", "no/such.jsonl")
    assert result.exit_code == 2
    assert "no/such.jsonl: cannot read" in result.output


def test_markup_in_page_text_is_printed_literally(tmp_path: Path) -> None:
    page = tmp_path / "markup.txt"
    body = " ".join(
        ["The council [/] voted [bold]again[/bold] on the budget after a long debate."] * 4
    )
    page.write_text(f"Council [red]votes[/] on the budget\n\n{body}\n\n{body}\n", encoding="utf-8")
    result = invoke("extract", str(page))
    assert result.exit_code == 0, result.output
    assert "[bold]again[/bold]" in result.output


def test_internal_error_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import newsweave.cli as cli

    def broken() -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("NEWSWEAVE_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 3
    err = capsys.readouterr().err
    assert "Internal error: RuntimeError: disk on fire" in err
    assert "Traceback" not in err


def test_serve_prints_address_and_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsweave.web

    served = {}

    def serve(db, host, port, settings):  # type: ignore[no-untyped-def]
        served.update(db=db, port=port, db_url=settings.db_url, languages=settings.languages)

    monkeypatch.setattr(newsweave.web, "serve", serve)
    result = invoke("--languages", "de,en", "serve", "--db", "sqlite:///x.db", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    # the uploads it serves are read with the stage settings given before the command
    assert served == {
        "db": "sqlite:///x.db",
        "port": 8123,
        "db_url": "sqlite:///x.db",
        "languages": ("de", "en"),
    }


def test_fetch_ingests_from_a_loopback_server(tmp_path: Path) -> None:
    import http.server
    import threading
    from functools import partial

    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(SEEDS[1], site / "story.txt")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    url = f"sqlite:///{tmp_path / 'f.db'}"
    try:
        refused = invoke("fetch", f"{base}/story.txt", "--db", url)
        assert refused.exit_code == 1 and "forbidden_address" in refused.output
        elsewhere = ("--allow-private-host", "10.0.0.0/8", "--allow-private-host", "intra.example")
        refused = invoke("fetch", f"{base}/story.txt", *elsewhere, "--db", url)
        assert refused.exit_code == 1 and "forbidden_address" in refused.output
        bad = invoke("fetch", f"{base}/story.txt", "--allow-private-host", "http://x/")
        assert bad.exit_code == 2 and "not a host name, address or" in bad.output
        this_one = ("--allow-private-host", "127.0.0.0/8")
        fetched = invoke(
            "fetch", f"{base}/story.txt", f"{base}/missing.txt", *this_one, "--db", url
        )
        assert invoke("fetch", f"{base}/story.txt", "--allow-private", "--db", url).exit_code == 0
    finally:
        server.shutdown()
        server.server_close()
    assert fetched.exit_code == 1, fetched.output
    assert "1 new articles stored" in fetched.output
    assert "missing.txt" in fetched.output
    stories = _stories(url)
    assert [a["title"] for s in stories for a in s["articles"]] == [
        "North Korea appears to have sent more troops to Russia to back its war against Ukraine, Seoul says"
    ]


def test_batch_then_resume(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    out, url = tmp_path / "out", f"sqlite:///{tmp_path / 'b.db'}"
    args = ("batch", str(SAMPLES), "--out", str(out), "--partition-size", "4", "--db", url)
    first = invoke(*args, "--workers", "1")
    assert first.exit_code == 0, first.output
    assert "12 articles, 12 newly stored" in first.output
    again = invoke(*args, "--workers", "1")
    assert again.exit_code == 0, again.output
    assert "already done" in again.output and "0 newly stored" in again.output
    assert any(len(s["articles"]) == 3 for s in _stories(url))


def test_story_is_served_from_the_stored_report(
    sample_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    story_id = _seed_story(sample_db)["id"]
    before = invoke("story", story_id, "--markdown", "--db", sample_db)
    as_json = invoke("story", story_id, "--json", "--db", sample_db)

    def no_building(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report was built again")

    # Ingest built and stored every story's report: reading one builds nothing.
    monkeypatch.setattr(newsweave.pipeline, "build_report", no_building)
    again = invoke("story", story_id, "--markdown", "--db", sample_db)
    assert again.exit_code == 0, again.output
    assert again.output == before.output
    assert invoke("story", story_id, "--json", "--db", sample_db).output == as_json.output
    # A recluster that gives the same stories keeps their reports.
    assert invoke("recluster", "--db", sample_db).exit_code == 0


def test_report_bar_shows_only_for_many_reports() -> None:
    bar = Progress()
    advance = report_bar(bar)
    story = Story("s", "A story with a title far longer than the bar shows", ["a"])
    advance(story, 1, REPORT_BAR_FROM - 1)
    assert bar.tasks == []
    advance(story, 1, REPORT_BAR_FROM)
    advance(story, 2, REPORT_BAR_FROM)
    (task,) = bar.tasks
    assert (task.completed, task.total) == (2, REPORT_BAR_FROM)
    assert task.description == "A story with a title far long..."


def test_grouping_settings_from_a_file_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apart = tmp_path / "apart.json"
    apart.write_text('{"threshold": 1.0, "headline_threshold": 1.0, "merge_similarity": 1.0}')
    pages = [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    url = f"sqlite:///{tmp_path / 'apart.db'}"
    result = invoke("ingest", *pages, "--db", url, "--grouping", str(apart))
    assert result.exit_code == 0, result.output
    stories = _stories(url)
    assert len(stories) == sum(len(s["articles"]) for s in stories) > 3
    # The same from the environment, for a rebuild: every article still alone.
    monkeypatch.setenv("NEWSWEAVE_GROUPING", str(apart))
    assert f"{len(stories)} stories." in invoke("recluster", "--db", url).output
    monkeypatch.delenv("NEWSWEAVE_GROUPING")
    assert f"{len(stories)} stories." not in invoke("recluster", "--db", url).output
    # A file that cannot work is named, with the reason, before anything is read.
    bad = tmp_path / "bad.json"
    for text, reason in [
        ('{"treshold": 0.2}', "no grouping setting treshold"),
        ('{"merge_similarity": 3}', "merge_similarity must be within"),
        ("[1]", "must be a JSON object"),
        ("{", "cannot read the grouping settings"),
    ]:
        bad.write_text(text)
        failed = invoke("ingest", *pages, "--db", url, "--grouping", str(bad))
        assert failed.exit_code == 2 and reason in failed.output, failed.output


def test_stage_settings_before_the_command_take_effect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = SAMPLES / sorted(p.name for p in SAMPLES.glob("*.txt"))[0]
    text = (
        "Bridge stays shut for six weeks\n\nThe harbour authority said on Tuesday that the old "
        "swing bridge over the eastern channel would stay closed to traffic for six more weeks.\n\n"
        "Engineers found cracks in two of the bridge's steel girders during a routine inspection "
        "last month, and the repairs will cost about 4.2 million crowns, they said.\n"
    )
    record = {"text": text, "url": "https://harbour.example/a"}
    records = tmp_path / "pages.jsonl"
    records.write_text(json.dumps(record) + "\n", encoding="utf-8")
    table = tmp_path / "outlets.csv"
    table.write_text("domain,name,country,owner\nharbour.example,The Harbour Gazette,SE,\n")
    shown = invoke("--outlets", str(table), "extract", str(records), "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)[0]["outlet"] == "The Harbour Gazette"
    assert json.loads(invoke("extract", str(records), "--json").output)[0]["outlet"] != (
        "The Harbour Gazette"
    )
    # a setting that cannot work stops the command, whichever way it came
    url = f"sqlite:///{tmp_path / 'news.db'}"
    for args, reason in [
        (["--languages", "en"], "two or more ISO 639-1 codes"),
        (["--parse-cache", "-1"], "parse_cache must be 0 or more"),
        (["--spacy-model", "no_such_model"], "no_such_model"),
    ]:
        failed = invoke(*args, "ingest", str(page), "--db", url)
        assert failed.exit_code == 2 and reason in failed.output, failed.output
    from newsweave.registry import claim_readers

    seen: list[bool] = []
    default = claim_readers.get("default")

    def spy(article, *, settings):  # type: ignore[no-untyped-def]
        seen.append(settings.recognise_all)
        return default(article, settings=settings)

    monkeypatch.setattr(claim_readers, "_registered", {"spy": spy})
    monkeypatch.setenv("NEWSWEAVE_RECOGNISE_ALL", "1")
    monkeypatch.setenv("NEWSWEAVE_CLAIM_READER", "spy")
    assert invoke("--no-recognise-all", "ingest", str(page), "--db", url).exit_code == 0
    assert invoke("recluster", "--db", url).exit_code == 0
    other = tmp_path / "other.txt"
    other.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert invoke("ingest", str(other), "--db", url).exit_code == 0
    # the stage names given before the command choose the stages too
    monkeypatch.delenv("NEWSWEAVE_CLAIM_READER")
    third = tmp_path / "third.txt"
    third.write_text(page.read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
    chosen = invoke("--claim-reader", "spy", "ingest", str(third), "--db", url)
    assert chosen.exit_code == 0, chosen.output
    failed = invoke("--extractor", "nope", "ingest", str(third), "--db", url)
    assert failed.exit_code == 2 and "no newsweave.extractors stage named 'nope'" in failed.output
    assert seen == [False, True, True]
