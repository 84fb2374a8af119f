"""Hostile and careless input on the ingest side (issue 21): folder shapes, file
names, gzip bombs, damaged archives, mixed encodings, names printed to a terminal.

Each case must end the run cleanly, keep the good pages beside the bad input,
and cost a bounded amount; no test needs the network.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave.batch.plan import make_plan
from newsweave.cli import app
from newsweave.config import MAX_INFLATE_RATIO
from newsweave.ingest import (
    RAW_KEEP_BYTES,
    count_records,
    decode,
    discover,
    read_file,
    read_paths,
    read_warc,
)
from newsweave.models import Page, Rejection
from newsweave.pipeline import extract_page, ingest
from newsweave.store import Store

SEEDS = sorted((Path(__file__).resolve().parents[2] / "shared" / "seeds").glob("*.txt"))
runner = CliRunner()


def _pages(items: list[Page | Rejection]) -> list[Page]:
    return [i for i in items if isinstance(i, Page)]


def _rejections(items: list[Page | Rejection]) -> list[Rejection]:
    return [i for i in items if isinstance(i, Rejection)]


# -- 1. symbolic link loops --------------------------------------------------------


@pytest.fixture
def looped(tmp_path: Path) -> Path:
    """A folder holding a good page and a loop of symbolic links, a -> b -> a."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a").symlink_to("b")
    (folder / "b").symlink_to("a")
    shutil.copy(SEEDS[0], folder / "z-good.txt")
    return folder


def test_a_symlink_loop_is_rejected_by_name_and_its_neighbours_read(looped: Path) -> None:
    found = list(discover([looped]))
    assert [p.name for p in found if isinstance(p, Path)] == ["z-good.txt"]
    loops = {Path(r.source).name: r.detail for r in _rejections(found)}
    assert loops == {"a": "symbolic link loop", "b": "symbolic link loop"}
    # The loop given on its own, and through a glob, is the same rejection.
    assert list(discover([looped / "a"])) == [
        Rejection(str(looped / "a"), "unreadable", "symbolic link loop")
    ]
    assert len(_pages(list(read_paths([f"{looped}/*"])))) == 1
    # batch plans with the same walk.
    plan = make_plan([looped], partition_size=10)
    assert [Path(f).name for p in plan.partitions for f in p.files] == ["z-good.txt"]
    assert {Path(r.source).name for r in plan.rejections} == {"a", "b"}


def test_ingest_stores_the_pages_beside_a_symlink_loop(looped: Path, store_url: str) -> None:
    with Store.open(store_url) as store:
        report = ingest(store, [looped], reports=False)
        assert len(report.added) == 1
        assert {(Path(r.source).name, r.reason) for r in report.rejected} == {
            ("a", "unreadable"),
            ("b", "unreadable"),
        }
        assert store.stats()["rejected"] == 2


# -- 2. file names that are not UTF-8 ------------------------------------------


@pytest.fixture
def latin1_named(tmp_path: Path) -> Path:
    """A folder with a page whose name is Latin-1 bytes, then a page and an empty file."""
    folder = tmp_path / "in"
    folder.mkdir()
    try:
        name = os.fsencode(folder) + b"/caf\xe9.txt"
        with open(name, "wb") as file:  # noqa: PTH123 (a bytes path)
            file.write(SEEDS[0].read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    shutil.copy(SEEDS[1], folder / "d-next.txt")
    (folder / "e-empty.txt").write_bytes(b"")
    return folder


def test_a_name_that_is_not_utf8_is_kept_escaped_and_the_next_files_read(
    latin1_named: Path,
) -> None:
    items = list(read_paths([latin1_named]))
    sources = [Path(i.source).name for i in items]
    assert sources == ["caf\\xe9.txt", "d-next.txt", "e-empty.txt"]
    for item in items:
        item.source.encode("utf-8")  # valid text: storable, printable


def test_ingest_stores_a_page_named_in_latin1(latin1_named: Path, store_url: str) -> None:
    with Store.open(store_url) as store:
        report = ingest(store, [latin1_named], reports=False)
        assert len(report.added) == 2
        assert [Path(r.source).name for r in report.rejected] == ["e-empty.txt"]
        names = {Path(a.source).name for a in store.articles()}
        assert names == {"caf\\xe9.txt", "d-next.txt"}
        assert store.stats()["stories"] >= 1  # grouped too, not left half-done
        # The store itself refuses no name, whoever built the rejection.
        store.add_rejection(Rejection("in/caf\udce9.bin", "binary", "odd \ud800 detail"))
        kept = store.rejections()[-1]
        assert (kept.source, kept.detail) == ("in/caf\\xe9.bin", "odd \\ud800 detail")


# -- 3. gzip bombs -----------------------------------------------------------------


def _newline_bomb(megabytes: int) -> bytes:
    """``megabytes`` MiB of newlines, gzipped (one member repeated: cheap to build)."""
    return gzip.compress(b"\n" * (1 << 20)) * megabytes


def _record(text: str) -> bytes:
    return json.dumps({"url": "https://example.com/a", "text": text}).encode() + b"\n"


def test_a_jsonl_gzip_bomb_is_cut_at_its_inflate_budget_in_bounded_memory(
    tmp_path: Path,
) -> None:
    bomb = tmp_path / "bomb.jsonl.gz"
    good = gzip.compress(_record(SEEDS[0].read_text(encoding="utf-8")))
    tail = gzip.compress(_record("never read"))
    bomb.write_bytes(good + _newline_bomb(200) + tail)  # 200 MiB of blank lines
    assert bomb.stat().st_size < 400_000
    tracemalloc.start()
    try:
        items = list(read_file(bomb))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(_pages(items)) == 1  # the good record before the bomb is kept
    [rejection] = _rejections(items)
    assert rejection.source == str(bomb) and rejection.reason == "too_large"
    assert "inflates to more than" in rejection.detail
    assert f"{MAX_INFLATE_RATIO} times its size" in rejection.detail
    # Streamed: a few chunks and one page in memory, never the inflated file.
    assert peak < 16 * 1024 * 1024
    # batch plans by counting records, within the same budget.
    assert count_records(bomb) == 1
    assert [p.pages for p in make_plan([bomb], partition_size=10).partitions] == [1]


def test_blank_lines_under_the_budget_are_skipped_in_bulk_and_counted(tmp_path: Path) -> None:
    # 2 MiB of newlines then a record: the record keeps its true line number.
    stream = tmp_path / "blanks.jsonl.gz"
    stream.write_bytes(_newline_bomb(2) + gzip.compress(b"  \r\n\t\n" + _record("x" * 50)))
    [item] = list(read_file(stream))
    assert item.source == f"{stream}:{2 * (1 << 20) + 3}"
    plain = tmp_path / "blanks.jsonl"
    plain.write_bytes(b"\n" * 3_000_000 + _record("y" * 50) + b"   ")
    [item] = list(read_file(plain))
    assert item.source == f"{plain}:3000001"


def test_a_warc_gzip_bomb_is_rejected_not_read_to_its_end(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.warc.gz"
    bomb.write_bytes(_warc_gz(_response("http://a.example/1")) + _newline_bomb(200))
    items = list(read_warc(bomb))
    assert len(_pages(items)) == 1
    [rejection] = _rejections(items)
    assert (rejection.source, rejection.reason) == (str(bomb), "too_large")
    assert "inflates to more than" in rejection.detail


# -- 4. a page rejected at extraction keeps its bytes once -------------------------


def test_a_page_rejected_at_extraction_keeps_its_bytes_once(tmp_path: Path, store_url: str) -> None:
    page = tmp_path / "nav.html"
    page.write_bytes(b"<html><body><nav>Home News</nav>" + b" " * 50_000 + b"</body></html>")
    with Store.open(store_url) as store:
        report = ingest(store, [page], reports=False)
        [rejection] = report.rejected
        assert rejection.reason == "no_article" and rejection.raw is None
        [kept] = store.rejections()
        assert kept.page_id is not None and kept.raw is None
        assert store.page(kept.page_id).raw == page.read_bytes()  # in the page, once
        # A rejection with no page keeps its bytes up to RAW_KEEP_BYTES, as documented.
        small = Rejection("in/small.bin", "binary", "b", raw=b"\x00" * 10)
        big = Rejection("in/big.bin", "binary", "b", raw=b"\x00" * (RAW_KEEP_BYTES + 1))
        store.add_rejections([small, big])
        raws = {r.source: r.raw for r in store.rejections()}
        assert raws["in/small.bin"] == small.raw and raws["in/big.bin"] is None


def test_extraction_rejections_carry_no_copy_of_the_page() -> None:
    page = Page("p" * 64, "in/nav.html", b"<nav>x</nav>", "<nav>x</nav>", "utf-8", "html")
    result = extract_page(page)
    assert isinstance(result, Rejection) and result.page_id == page.id and result.raw is None


# -- 5. WARC: empty files, Content-Length overruns ---------------------------------


def _response(uri: str, *, extra: int = 0) -> bytes:
    """A response record; its Content-Length overruns the block by ``extra`` bytes."""
    body = f"<html><body><p>The page at {uri}.</p></body></html>".encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http) + extra}\r\n\r\n"
    )
    return head.encode() + http + b"\r\n\r\n"


def _warc_gz(*records: bytes) -> bytes:
    return b"".join(gzip.compress(r) for r in records)


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n  \n", gzip.compress(b"")])
def test_an_empty_warc_is_reported_by_name(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.warc"
    path.write_bytes(content)
    assert list(read_file(path)) == [Rejection(str(path), "empty", "no WARC records")]


@pytest.mark.parametrize("overrun", [5, 10, 40])
@pytest.mark.parametrize("compressed", [False, True])
def test_a_content_length_overrun_does_not_lose_the_next_record(
    tmp_path: Path, overrun: int, compressed: bool
) -> None:
    records = [
        _response("http://a.example/1", extra=overrun),
        _response("http://a.example/2"),
        _response("http://a.example/3"),
    ]
    path = tmp_path / ("a.warc.gz" if compressed else "a.warc")
    path.write_bytes(_warc_gz(*records) if compressed else b"".join(records))
    items = list(read_warc(path))
    assert not _rejections(items)
    assert [p.url for p in _pages(items)] == [f"http://a.example/{n}" for n in (1, 2, 3)]


def test_a_damaged_record_is_still_rejected_by_offset(tmp_path: Path) -> None:
    first, second = _response("http://a.example/1"), _response("http://a.example/2")
    path = tmp_path / "cut.warc"
    # No header inside the block's end to go back to: the damage is rejected by offset.
    path.write_bytes(first + b"garbage line\r\n" + second)
    items = list(read_warc(path))
    assert [p.url for p in _pages(items)] == ["http://a.example/1", "http://a.example/2"]
    rejected = [(r.source, r.reason) for r in _rejections(items)]
    assert rejected == [(f"{path}#{len(first)}", "unreadable")]


# -- 6. UTF-8 mixed with cp1252 ------------------------------------------------------


def test_utf8_with_cp1252_bytes_is_decoded_per_byte_not_whole() -> None:
    raw = "Le café était très calme. ".encode() * 3 + b"Il a dit \x93non\x94 \x96 voil\xe0."
    text, encoding = decode(raw)
    assert text == "Le café était très calme. " * 3 + "Il a dit “non” – voilà."
    assert encoding == "utf-8"
    # Few UTF-8 characters among many cp1252 bytes: still decoded byte by byte.
    mostly = "Déjà ".encode() + "« C’est très “grave” », dit l’élu – 12 €. ".encode("cp1252") * 5
    assert decode(mostly)[0] == "Déjà " + "« C’est très “grave” », dit l’élu – 12 €. " * 5
    # Plain cp1252 and other legacy text read as before.
    german = "„Das ist ärgerlich“, sagte die Präsidentin – Fuß“."
    assert decode(german.encode("cp1252")) == (german, "cp1252")
    assert decode("Привет, мир. Это новости дня.".encode("cp1251"))[1] == "cp1251"
    assert decode("日本語のニュース記事です。".encode("shift_jis"))[1] == "cp932"


def test_a_mixed_page_is_stored_and_read_back_as_decoded(tmp_path: Path, store_url: str) -> None:
    raw = "Le café était très calme. ".encode() * 3 + b"Il a dit \x93non\x94."
    [page] = list(read_file(_write(tmp_path / "mixed.txt", raw)))
    with Store.open(store_url) as store:
        store.record(page, rejection=Rejection(page.source, "no_article", "test"))
        assert store.page(page.id).text == page.text
    assert "“non”" in page.text and "café" in page.text


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- 7. names printed by the CLI -----------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="these names are not allowed there")
def test_the_cli_prints_control_characters_and_markup_in_names_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\n\x1b[31mred\x07.txt").write_bytes(b"")
    (folder / "[bold]x[red]y.txt").write_bytes(b"")
    result = runner.invoke(app, ["extract", str(folder)])
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "evil\\n\\x1b[31mred\\x07.txt" in result.output
    assert "[bold]x[red]y.txt" in result.output
    url = f"sqlite:///{tmp_path / 'n.db'}"
    runner.invoke(app, ["ingest", str(folder), "--db", url])
    listed = runner.invoke(app, ["rejected", "--db", url])
    assert "\x1b" not in listed.output and "\\x1b" in listed.output


# -- runs racing each other ------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "pages"


def test_a_page_another_run_stored_meanwhile_is_counted_as_already_stored(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = SAMPLES / "nj-com-meth-campaign.txt"
    with Store.open(store_url) as store:
        assert len(ingest(store, [page], reports=False).added) == 1
        # The other run writes between this run's check and its own write.
        monkeypatch.setattr(store, "has_page", lambda page_id: False)
        report = ingest(store, [page], reports=False)
    assert (report.added, report.already_stored) == ([], 1)


def test_a_grouping_another_run_saved_meanwhile_is_not_overwritten(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(store_url) as store, Store.open(store_url) as other:
        # Pages of one week, so that each update continues the saved state.
        ingest(store, [SAMPLES / "nj-com-meth-campaign.txt"], reports=False)
        read_state = store.grouper_state
        raced: list[bool] = []

        def state_then_race() -> tuple[int, bytes] | None:
            saved = read_state()
            if not raced:
                # Another run groups (this run's new article too) before this one saves.
                raced.append(True)
                ingest(other, [SAMPLES / "rt-bolivia-protests.txt"], reports=False)
            return saved

        monkeypatch.setattr(store, "grouper_state", state_then_race)
        ingest(store, [SAMPLES / "venturebeat-wework-inquiry.txt"], reports=False)
        assert raced
        saved = other.grouper_state()
        assert saved is not None
        # The state saved has seen every article (dormant stories leave it, so count them).
        assert json.loads(zlib.decompress(saved[1]))["n"] == 3
        grouped = sorted(a for s in other.stories() for a in s.article_ids)
        assert grouped == sorted(a.id for a in other.articles())
