"""Ingest: discovery, readers, decoding and every rejection reason, on real files."""

from __future__ import annotations

import gzip
import json
import os
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.errors import PageError
from newsweave.ingest import (
    RAW_KEEP_BYTES,
    decode,
    discover,
    page_from_bytes,
    read_file,
    read_paths,
    sniff_kind,
)
from newsweave.models import Page, Rejection, content_hash
from tests.conftest import install_plugin

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# Latin-1 has no € and no curly quotes, so these are written without them.
FRENCH = (
    "À Zürich, le café où se retrouvent les élus a fermé ses portes mardi. "
    "Une décision jugée « naïve » par le maire, qui s'est dit très déçu. "
    "L'été dernier déjà, les clients s'étaient plaints du bruit et de la fumée ; "
    "le propriétaire, âgé de soixante-dix ans, a préféré céder son fonds de commerce. "
)
GERMAN = (
    "Die Bürger in Zürich müssen für das neue Gebäude mehr zahlen, sagte der Präsident "
    "am Dienstag. Die Straßenbahn fährt künftig öfter, die Gebühren für Anwohner "
    "steigen um fünf Prozent. Über die Größe des Grundstücks wird weiter gestritten. "
)
SPANISH = (
    "¿Qué pasó en la montaña? Según el informe, el niño español comió jamón y "
    "caminó durante seis días. ¡Qué sorpresa para su familia! La policía confirmó "
    "que la búsqueda terminó el miércoles por la mañana, después de una llamada anónima. "
)
PORTUGUESE = (
    "A região do Nordeste recebeu ações de emergência após as inundações. São Paulo "
    "não sofreu danos, informou o governo à população. O ministro da Saúde disse que "
    "as vacinações continuarão até o próximo mês, e pediu calma às famílias atingidas. "
)
# cp1252 adds curly quotes, dashes and the euro sign to Latin-1's letters.
FRENCH_1252 = (
    "« C’est une “catastrophe” », dit l’élu – la facture atteint 12 000 € — et ‘rien’ n’y fait. "
)
GERMAN_1252 = "„Das ist ärgerlich“, sagte die Präsidentin – der Umbau kostet 3 Mio. €. "
SPANISH_1252 = "“La situación es grave”, afirmó el ministro – el déficit alcanza 400 € por niño. "
PORTUGUESE_1252 = "“Não há dinheiro”, disse o secretário — a conta chega a 5 € por família. "

LENGTHS = (50, 200, 1000, 5000)


def _sized(text: str, length: int) -> str:
    return (text * (length // len(text) + 1))[:length]


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _one(path: Path, **options: int) -> Page | Rejection:
    results = list(read_file(path, **options))
    assert len(results) == 1
    return results[0]


def _rejected(path: Path, reason: str, **options: int) -> Rejection:
    result = _one(path, **options)
    assert isinstance(result, Rejection), result
    assert result.reason == reason, result
    assert result.source == str(path)
    return result


# --- decoding -------------------------------------------------------------------------


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize(
    "text", [FRENCH, GERMAN, SPANISH, PORTUGUESE], ids=["fr", "de", "es", "pt"]
)
@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_western_legacy_text_decodes_as_cp1252(text: str, length: int, encoding: str) -> None:
    sample = _sized(text, length)
    decoded, name = decode(sample.encode(encoding))
    assert decoded == sample
    assert name == ("utf-8" if sample.isascii() else "cp1252")


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize(
    "text",
    [FRENCH_1252, GERMAN_1252, SPANISH_1252, PORTUGUESE_1252],
    ids=["fr", "de", "es", "pt"],
)
def test_cp1252_quotes_and_euro_decode(text: str, length: int) -> None:
    sample = _sized(text, length)
    assert decode(sample.encode("cp1252")) == (sample, "cp1252")


def test_short_western_words_decode() -> None:
    for sample in ("café", "Zürich", "naïve", "€ 5", "“quoted” – ‘single’"):
        assert decode(sample.encode("cp1252"))[0] == sample


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-32", "utf-32")],
)
def test_unicode_encodings(encoding: str, name: str) -> None:
    text = FRENCH + FRENCH_1252 + "Москва 東京"
    decoded, found = decode(text.encode(encoding))
    assert (decoded, found) == (text, name)


def test_utf16_without_bom_is_read_not_called_binary() -> None:
    text = "Breaking news: the café reopened on Monday.\n"
    assert decode(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert decode(text.encode("utf-16-be")) == (text, "utf-16-be")


def test_cyrillic_windows_1251_goes_to_charset_normalizer() -> None:
    text = (
        "Президент России заявил в четверг, что правительство рассмотрит новые меры "
        "поддержки экономики. По словам министра финансов, дефицит бюджета сократится. "
    ) * 3
    assert decode(text.encode("cp1251")) == (text, "cp1251")


def test_shift_jis_goes_to_charset_normalizer() -> None:
    text = "東京都は木曜日、新しい経済対策を発表した。政府はこの計画について詳しく説明した。" * 3
    decoded, name = decode(text.encode("shift_jis"))
    assert decoded == text
    assert name in {"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"}


def test_polish_windows_1250_is_not_taken_for_cp1252() -> None:
    text = (
        "Rząd przyjął we wtorek projekt ustawy budżetowej. Minister powiedział, "
        "że wzrost gospodarczy będzie wyższy, niż zakładano."
    )
    decoded, name = decode(text.encode("cp1250"))
    assert decoded == text
    assert name in {"cp1250", "iso8859_2"}


def test_meta_charset_and_http_equiv_are_honoured() -> None:
    body = "<p>Президент России заявил в четверг</p>"
    head = '<!DOCTYPE html><html><head><meta charset="windows-1251"></head>'
    assert decode((head + body).encode("cp1251"))[0] == head + body
    head = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
    assert decode((head + body).encode("koi8-r")) == (head + body, "koi8-r")


def test_declared_charset_is_used() -> None:
    text = "Президент"
    assert decode(text.encode("koi8-r"), declared="KOI8-R") == (text, "koi8-r")
    # A page labelled Latin-1 is read as cp1252, as browsers do, for its curly quotes.
    assert decode("“café”".encode("cp1252"), declared="iso-8859-1") == ("“café”", "cp1252")
    # A label that cannot be a page encoding is ignored.
    assert decode("café".encode("cp1252"), declared="rot13") == ("café", "cp1252")


def test_valid_utf8_beats_a_legacy_label() -> None:
    html = '<meta charset="iso-8859-1"><p>Zürich – café</p>'
    assert decode(html.encode("utf-8")) == (html, "utf-8")


def test_seven_bit_label_is_honoured_over_utf8() -> None:
    text = "東京の天気"
    assert decode(text.encode("iso2022_jp"), declared="iso-2022-jp") == (text, "iso2022_jp")


def test_newlines_are_normalised_and_raw_round_trips() -> None:
    raw = "Zürich\r\ncafé\rnaïve\n".encode("cp1252")
    text, encoding = decode(raw)
    assert text == "Zürich\ncafé\nnaïve\n"
    assert raw.decode(encoding) == "Zürich\r\ncafé\rnaïve\n"


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n" + b"IHDR" * 10,
        b"\xff\xd8\xff\xe0JFIF",
        b"GIF89a....",
        b"%PDF-1.7\n",
        b"PK\x03\x04rest",
        b"text with a \x00 NUL byte",
        bytes(range(1, 9)) * 20,
    ],
)
def test_decode_refuses_binary(raw: bytes) -> None:
    with pytest.raises(PageError) as caught:
        decode(raw, source="x")
    assert caught.value.reason == "binary"
    assert caught.value.source == "x"


#: Every high byte, twice: cp1252 leaves five undefined, and no guess reads it.
UNDECODABLE = bytes(range(0x80, 0x100)) * 2


def test_decode_refuses_undecodable() -> None:
    with pytest.raises(PageError) as caught:
        decode(UNDECODABLE)
    assert caught.value.reason == "undecodable"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_decode_raises_only_page_error(raw: bytes) -> None:
    try:
        text, encoding = decode(raw)
    except PageError as error:
        assert error.reason in {"binary", "undecodable"}
    else:
        try:
            expected = raw.decode(encoding)
        except UnicodeDecodeError:
            # UTF-8 with cp1252 bytes mixed in: each invalid byte read as cp1252.
            assert encoding == "utf-8"
            expected = "".join(
                bytes([ord(c) - 0xDC00]).decode("cp1252", "ignore") or chr(ord(c) - 0xDC00)
                if "\udc80" <= c <= "\udcff"
                else c
                for c in raw.decode("utf-8", "surrogateescape")
            )
        assert expected.replace("\r\n", "\n").replace("\r", "\n") == text


# --- kinds and page_from_bytes --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("<!DOCTYPE html><html><body><p>Hi</p></body></html>", "html"),
        ("\n  <html lang='en'><p>Hi</p></html>", "html"),
        ('<?xml version="1.0"?>\n<!-- saved --><html xmlns="x"></html>', "html"),
        ("<body><p>Story</p></body>", "html"),
        ("<div><p>One</p><p>Two</p><span>x</span></div>", "html"),
        ("Plain story text.\nSecond line.", "text"),
        ("Use <b> for bold, the guide says, at length: " + "words " * 50, "text"),
    ],
)
def test_sniff_kind(text: str, kind: str) -> None:
    assert sniff_kind(text) == kind


def test_page_from_bytes() -> None:
    raw = "\ufeffLe café\r\n".encode()
    when = datetime(2025, 2, 27, 18, 38, tzinfo=UTC)
    page = page_from_bytes(raw, "feed", url="https://x.test/a", fetched_at=when)
    assert page == Page(
        id=content_hash(raw),
        source="feed",
        raw=raw,
        text="Le café\n",
        encoding="utf-8-sig",
        kind="text",
        url="https://x.test/a",
        fetched_at=when,
    )
    assert page_from_bytes(b"<p>x</p>", "s", kind="html").kind == "html"


@pytest.mark.parametrize(
    ("raw", "reason", "options"),
    [
        (b"", "empty", {}),
        (b" \n\t\r\n", "empty", {}),
        ("  ".encode("utf-16"), "empty", {}),
        (b"x" * 11, "too_large", {"max_bytes": 10}),
        (b"\x89PNG\r\n\x1a\nxxxx", "binary", {}),
    ],
)
def test_page_from_bytes_raises(raw: bytes, reason: str, options: dict[str, int]) -> None:
    with pytest.raises(PageError) as caught:
        page_from_bytes(raw, "src", **options)
    assert (caught.value.source, caught.value.reason) == ("src", reason)


# --- read_file: every reason, on disk -------------------------------------------------


def test_txt_and_html_files(tmp_path: Path) -> None:
    text_page = _one(_write(tmp_path / "a.txt", b"<html>quoted</html>"))
    assert isinstance(text_page, Page)
    assert text_page.kind == "text"  # the extension wins over the content
    assert (text_page.url, text_page.fetched_at) == (None, None)
    for name in ("b.html", "c.HTM", "d.xhtml"):
        page = _one(_write(tmp_path / name, b"Just words"))
        assert isinstance(page, Page)
        assert page.kind == "html"
        assert page.source == str(tmp_path / name)


def test_sniffed_kinds_without_extension(tmp_path: Path) -> None:
    html = _one(_write(tmp_path / "page", b"\xef\xbb\xbf  <!doctype html><title>t</title>"))
    text = _one(_write(tmp_path / "story.dat", "Zürich, 3 mars – le café.".encode("cp1252")))
    assert isinstance(html, Page)
    assert isinstance(text, Page)
    assert html.kind == "html"
    assert (text.kind, text.text, text.encoding) == ("text", "Zürich, 3 mars – le café.", "cp1252")


def test_cp1252_file_keeps_raw_exactly(tmp_path: Path) -> None:
    raw = (FRENCH_1252 + "\r\n").encode("cp1252")
    page = _one(_write(tmp_path / "fr.txt", raw))
    assert isinstance(page, Page)
    assert page.raw == raw
    assert page.id == content_hash(raw)
    assert page.text == FRENCH_1252 + "\n"


def test_gzip_of_txt_and_html(tmp_path: Path) -> None:
    raw = GERMAN.encode("cp1252")
    text = _one(_write(tmp_path / "de.txt.gz", gzip.compress(raw)))
    html = _one(_write(tmp_path / "de.html.gz", gzip.compress(b"<p>" + raw + b"</p>")))
    sniffed = _one(_write(tmp_path / "de.gz", gzip.compress(b"<!DOCTYPE html><p>x</p>")))
    assert isinstance(text, Page)
    assert isinstance(html, Page)
    assert isinstance(sniffed, Page)
    assert (text.kind, text.raw, text.text) == ("text", raw, GERMAN)
    assert (html.kind, html.text) == ("html", f"<p>{GERMAN}</p>")
    assert sniffed.kind == "html"


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    assert _rejected(_write(tmp_path / "empty.txt", b""), "empty").raw == b""
    rejection = _rejected(_write(tmp_path / "blank.html", b"  \r\n\t\n"), "empty")
    assert rejection.raw == b"  \r\n\t\n"
    assert rejection.page_id == content_hash(b"  \r\n\t\n")


def test_png_named_txt_is_binary(tmp_path: Path) -> None:
    raw = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100)
    rejection = _rejected(_write(tmp_path / "photo.txt", raw), "binary")
    assert rejection.raw == raw
    assert "PNG" in rejection.detail


def test_random_binary_without_extension(tmp_path: Path) -> None:
    raw = os.urandom(4096)
    assert _rejected(_write(tmp_path / "blob", raw), "binary").raw == raw


def test_too_large_keeps_small_raw_only(tmp_path: Path) -> None:
    small = _rejected(_write(tmp_path / "a.txt", b"x" * 100), "too_large", max_bytes=10)
    assert small.raw == b"x" * 100
    assert "10-byte limit" in small.detail
    big = tmp_path / "b.txt"
    _write(big, b"y" * (RAW_KEEP_BYTES + 1))
    assert _rejected(big, "too_large", max_bytes=10).raw is None


def test_gzip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    chunk = b"<p>" + b"A" * (1 << 20)
    with gzip.open(bomb, "wb", compresslevel=1) as out:
        for _ in range(64):
            out.write(chunk)
    assert bomb.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        rejection = _rejected(bomb, "too_large", max_bytes=100_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "inflates" in rejection.detail
    assert rejection.raw is None
    assert peak < 8 * RAW_KEEP_BYTES


def test_corrupt_gzip_is_unreadable(tmp_path: Path) -> None:
    _rejected(_write(tmp_path / "bad.txt.gz", b"\x1f\x8b\x08\x00garbage"), "unreadable")
    truncated = gzip.compress(FRENCH.encode() * 50)[:200]
    _rejected(_write(tmp_path / "cut.txt.gz", truncated), "unreadable")


def test_undecodable_file(tmp_path: Path) -> None:
    assert _rejected(_write(tmp_path / "odd.txt", UNDECODABLE), "undecodable").raw == UNDECODABLE


def test_unreadable_paths(tmp_path: Path) -> None:
    assert "not a regular file" in _rejected(tmp_path, "unreadable").detail
    _rejected(tmp_path / "missing.txt", "unreadable")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    _rejected(fifo, "unreadable")  # refused, not waited on


def test_permission_denied_is_unreadable(tmp_path: Path) -> None:
    locked = _write(tmp_path / "locked.txt", b"secret")
    closed = tmp_path / "closed"
    _write(closed / "inside.txt", b"text")
    locked.chmod(0)
    closed.chmod(0)
    try:
        try:
            locked.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("this user reads files whatever their mode (root)")
        assert "Permission denied" in _rejected(locked, "unreadable").detail
        results = list(read_paths([tmp_path]))
        assert [(r.source, r.reason) for r in results if isinstance(r, Rejection)] == [
            (str(closed), "unreadable"),
            (str(locked), "unreadable"),
        ]
    finally:
        locked.chmod(0o644)
        closed.chmod(0o755)


# --- JSON Lines -----------------------------------------------------------------------


def _jsonl_lines() -> list[str]:
    good_html = {
        "url": "https://news.test/a",
        "html": "<html><body><p>Zürich</p></body></html>",
        "fetched_at": "2025-02-27T18:38:00Z",
    }
    good_text = {"url": "https://news.test/b", "text": "Plain text\r\nstory"}
    return [
        json.dumps(good_html),
        "",
        json.dumps(good_text, ensure_ascii=False),
        "{not json",
        json.dumps({"url": "https://news.test/c"}),
        json.dumps({"html": 5}),
        json.dumps({"url": 7, "text": "x"}),
        json.dumps({"text": "x", "fetched_at": "yesterday"}),
        json.dumps({"text": "x", "fetched_at": 1700000000}),
        json.dumps(["a", "list"]),
        json.dumps({"text": "   "}),
        json.dumps({"text": "last", "fetched_at": "2025-03-01"}),
    ]


def _check_jsonl(path: Path) -> None:
    results = list(read_file(path))
    source = str(path)
    summary = [(r.source, "page" if isinstance(r, Page) else r.reason) for r in results]
    assert summary == [
        (f"{source}:1", "page"),
        (f"{source}:3", "page"),
        (f"{source}:4", "bad_record"),
        (f"{source}:5", "bad_record"),
        (f"{source}:6", "bad_record"),
        (f"{source}:7", "bad_record"),
        (f"{source}:8", "bad_record"),
        (f"{source}:9", "bad_record"),
        (f"{source}:10", "bad_record"),
        (f"{source}:11", "empty"),
        (f"{source}:12", "page"),
    ]
    first, second, last = results[0], results[1], results[-1]
    assert isinstance(first, Page)
    assert isinstance(second, Page)
    assert isinstance(last, Page)
    assert (first.kind, first.url, first.text) == (
        "html",
        "https://news.test/a",
        "<html><body><p>Zürich</p></body></html>",
    )
    assert first.fetched_at == datetime(2025, 2, 27, 18, 38, tzinfo=UTC)
    assert first.raw == "<html><body><p>Zürich</p></body></html>".encode()
    assert (second.kind, second.text, second.fetched_at) == ("text", "Plain text\nstory", None)
    assert last.fetched_at == datetime(2025, 3, 1)
    bad = results[2]
    assert isinstance(bad, Rejection)
    assert bad.raw == b"{not json\n"
    assert "yesterday" in results[6].detail


def test_jsonl(tmp_path: Path) -> None:
    path = _write(tmp_path / "pages.jsonl", ("\n".join(_jsonl_lines()) + "\n").encode())
    _check_jsonl(path)


def test_jsonl_gz(tmp_path: Path) -> None:
    data = "\n".join(_jsonl_lines()).encode()
    _check_jsonl(_write(tmp_path / "pages.JSONL.gz", gzip.compress(data)))


def test_jsonl_deeply_nested_line_is_a_bad_record(tmp_path: Path) -> None:
    path = _write(tmp_path / "deep.jsonl", b"[" * 100_000 + b'\n{"text": "ok"}\n')
    results = list(read_file(path))
    assert isinstance(results[0], Rejection)
    assert results[0].reason == "bad_record"
    assert isinstance(results[1], Page)


def test_jsonl_overlong_line_is_skipped(tmp_path: Path) -> None:
    lines = [json.dumps({"text": "a" * 500}), json.dumps({"text": "after"})]
    path = _write(tmp_path / "long.jsonl", "\n".join(lines).encode())
    results = list(read_file(path, max_bytes=100))
    assert [r.reason for r in results if isinstance(r, Rejection)] == ["too_large"]
    assert isinstance(results[1], Page)
    assert results[1].text == "after"


# --- discovery ------------------------------------------------------------------------


def _tree(root: Path) -> None:
    for name in (
        "b.txt",
        "a/z.html",
        "a/b/c.txt",
        "a/.hidden.txt",
        ".git/config",
        "c.jsonl",
        "a/.cache/x.txt",
    ):
        _write(root / name, b"text")


def test_discover_walks_sorted_and_skips_hidden(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = list(discover([tmp_path]))
    assert found == [
        tmp_path / "a/b/c.txt",
        tmp_path / "a/z.html",
        tmp_path / "b.txt",
        tmp_path / "c.jsonl",
    ]


def test_discover_files_globs_and_duplicates(tmp_path: Path) -> None:
    _tree(tmp_path)
    hidden = tmp_path / "a/.hidden.txt"
    found = list(discover([hidden, str(tmp_path / "**" / "*.txt"), tmp_path / "b.txt"]))
    assert found == [hidden, tmp_path / "a/b/c.txt", tmp_path / "b.txt"]


def test_discover_rejects_missing_and_empty_globs(tmp_path: Path) -> None:
    missing, pattern = str(tmp_path / "nope.txt"), str(tmp_path / "*.xml")
    found = [r for r in discover([missing, pattern]) if isinstance(r, Rejection)]
    assert [(r.source, r.reason) for r in found] == [
        (missing, "unreadable"),
        (pattern, "unreadable"),
    ]
    assert "No such file" in found[0].detail
    assert "match" in found[1].detail


def test_discover_survives_symlink_loops_and_broken_links(tmp_path: Path) -> None:
    _write(tmp_path / "d/page.txt", b"text")
    (tmp_path / "d/loop").symlink_to(tmp_path / "d")
    (tmp_path / "d/broken.txt").symlink_to(tmp_path / "gone")
    found = list(discover([tmp_path]))
    assert found[-1] == tmp_path / "d/page.txt"
    assert [r.detail for r in found if isinstance(r, Rejection)] == ["broken symbolic link"]


def test_discover_is_lazy(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = discover([tmp_path, tmp_path / "missing"])
    assert next(found) == tmp_path / "a/b/c.txt"


def test_read_paths_carries_on_after_bad_inputs(tmp_path: Path) -> None:
    _write(tmp_path / "1.txt", b"")
    _write(tmp_path / "2.bin", os.urandom(1024))
    _write(tmp_path / "3.txt", "Zürich".encode("cp1252"))
    results = list(read_paths([tmp_path, tmp_path / "missing"]))
    assert [r.reason if isinstance(r, Rejection) else r.text for r in results] == [
        "empty",
        "binary",
        "Zürich",
        "unreadable",
    ]


def test_seed_pages_are_utf8_text() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"no seed pages at {SEEDS}")
    files = sorted(SEEDS.glob("*.txt"))
    assert files
    pages = list(read_paths(files))
    assert len(pages) == len(files)
    for page, path in zip(pages, files, strict=True):
        assert isinstance(page, Page), page
        assert (page.source, page.kind, page.encoding) == (str(path), "text", "utf-8")
        assert page.text == path.read_text(encoding="utf-8")


def test_a_reader_registered_for_a_suffix_reads_those_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv

    from newsweave.ingest.pages import page_from_bytes
    from newsweave.registry import readers

    def read_csv(path: Path, *, max_bytes: int):  # type: ignore[no-untyped-def]
        with path.open(newline="", encoding="utf-8") as stream:
            for n, row in enumerate(csv.DictReader(stream), 1):
                if row["text"] == "crash":
                    raise ValueError("row 3 is broken")
                yield page_from_bytes(
                    row["text"].encode(), f"{path}:{n}", kind="text", max_bytes=max_bytes
                )

    monkeypatch.setattr(readers, "_registered", {".csv": read_csv})
    (tmp_path / "a.csv").write_text("text\nFirst story body.\nSecond story body.\ncrash\nlost\n")
    (tmp_path / "b.txt").write_text("A text page.")
    found = list(read_paths([tmp_path]))
    pages = [p for p in found if isinstance(p, Page)]
    assert [p.text for p in pages] == ["First story body.", "Second story body.", "A text page."]
    (rejected,) = [r for r in found if isinstance(r, Rejection)]
    assert rejected.reason == "unreadable"
    assert "the .csv reader failed: ValueError: row 3 is broken" in rejected.detail
    # an installed package's entry point names a reader the same way
    monkeypatch.setattr(readers, "_registered", {})
    install_plugin(
        tmp_path / "plugin",
        monkeypatch,
        "nw_reader",
        "from newsweave.ingest.pages import page_from_bytes\n"
        "def read(path, *, max_bytes):\n"
        "    yield page_from_bytes(b'From a plugin.', str(path), kind='text')\n",
        "[newsweave.readers]\n.story = nw_reader:read\n",
    )
    (tmp_path / "c.story").write_text("ignored")
    (page,) = read_file(tmp_path / "c.story")
    assert isinstance(page, Page) and page.text == "From a plugin."
