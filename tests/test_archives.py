"""Web archives (WARC) and feeds (RSS, Atom) read into pages, damage and all."""

from __future__ import annotations

import gzip
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsweave.extract import extract
from newsweave.ingest import WarcStats, read_file, read_paths, read_warc
from newsweave.models import Page, Rejection

UTF8_HTML = "<html><head><title>Zürich</title></head><body><p>Zürich café</p></body></html>"
LATIN1_HTML = "<html><body><p>Le café de la gare a fermé.</p></body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _http(status: str, body: bytes, *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in headers)
    return f"HTTP/1.1 {status}\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


def _record(kind: str, uri: str, block: bytes, *, date: str = "2024-05-01T12:00:00Z") -> bytes:
    content_type = {
        "response": "application/http; msgtype=response",
        "request": "application/http; msgtype=request",
        "revisit": "application/http; msgtype=response",
    }.get(kind, "application/warc-fields")
    head = (
        f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash((kind, uri, date))):032x}>\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def _records() -> list[bytes]:
    return [
        _record("warcinfo", "", b"software: newsweave-tests\r\n"),
        _record(
            "response",
            "https://news.test/a",
            _http("200 OK", UTF8_HTML.encode(), "Content-Type: text/html; charset=utf-8"),
            date="2024-05-01T12:00:00.123Z",
        ),
        _record("request", "https://news.test/a", b"GET /a HTTP/1.1\r\nHost: news.test\r\n\r\n"),
        _record(
            "response",
            "https://news.test/b",
            _http(
                "200 OK",
                LATIN1_HTML.encode("latin-1"),
                "Content-Type: text/html; charset=ISO-8859-1",
            ),
            date="2024-05-02T08:30:00Z",
        ),
        _record("response", "https://news.test/gone", _http("404 Not Found", b"<html>gone</html>")),
        _record(
            "response",
            "https://news.test/logo.png",
            _http("200 OK", PNG, "Content-Type: image/png"),
        ),
        _record("revisit", "https://news.test/a", _http("200 OK", b"", "Content-Type: text/html")),
        _record("metadata", "https://news.test/a", b"via: https://news.test/\r\n"),
    ]


def _offsets(chunks: list[bytes]) -> list[int]:
    offsets, at = [], 0
    for chunk in chunks:
        offsets.append(at)
        at += len(chunk)
    return offsets


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _summary(results: list[Page | Rejection]) -> list[tuple[str, str]]:
    return [(r.source, "page" if isinstance(r, Page) else r.reason) for r in results]


# --- WARC -----------------------------------------------------------------------------


@pytest.mark.parametrize("compressed", [False, True], ids=["warc", "warc.gz"])
def test_warc_html_responses_become_pages(tmp_path: Path, compressed: bool) -> None:
    # One gzip member per record, as Common Crawl writes them.
    chunks = [gzip.compress(r) for r in _records()] if compressed else _records()
    path = _write(tmp_path / ("crawl.warc.gz" if compressed else "crawl.warc"), b"".join(chunks))
    offsets = _offsets(chunks)
    stats = WarcStats()
    results = list(read_warc(path, stats=stats))

    assert _summary(results) == [(f"{path}#{offsets[1]}", "page"), (f"{path}#{offsets[3]}", "page")]
    first, second = results
    assert isinstance(first, Page)
    assert isinstance(second, Page)
    assert (first.url, first.kind, first.encoding) == ("https://news.test/a", "html", "utf-8")
    assert first.text == UTF8_HTML
    assert first.fetched_at == datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)
    # The header's charset is honoured (Latin-1 read as browsers do, as cp1252).
    assert (second.url, second.encoding) == ("https://news.test/b", "cp1252")
    assert second.text == LATIN1_HTML
    assert second.fetched_at == datetime(2024, 5, 2, 8, 30, tzinfo=UTC)
    assert (stats.records, stats.pages, stats.damaged) == (8, 2, 0)
    assert stats.skipped == {
        "warcinfo": 1,
        "request": 1,
        "http_404": 1,
        "not_html": 1,
        "revisit": 1,
        "metadata": 1,
    }
    # read_file and read_paths route .warc and .warc.gz here.
    assert _summary(list(read_file(path))) == _summary(results)
    assert _summary(list(read_paths([tmp_path]))) == _summary(results)


def test_truncated_warc_keeps_pages_before_the_damage(tmp_path: Path) -> None:
    records = _records()[:4]
    data = b"".join(records)
    path = _write(tmp_path / "cut.warc", data[:-40])
    results = list(read_file(path))
    assert _summary(results) == [
        (f"{path}#{_offsets(records)[1]}", "page"),
        (f"{path}#{_offsets(records)[3]}", "unreadable"),
    ]
    assert "cut short" in results[-1].detail


def test_truncated_warc_gz_keeps_pages_before_the_damage(tmp_path: Path) -> None:
    chunks = [gzip.compress(r) for r in _records()[:4]]
    path = _write(tmp_path / "cut.warc.gz", b"".join(chunks)[:-30])
    results = list(read_file(path))
    assert _summary(results) == [
        (f"{path}#{_offsets(chunks)[1]}", "page"),
        (f"{path}#{_offsets(chunks)[3]}", "unreadable"),
    ]


def test_corrupt_record_is_one_rejection_and_reading_goes_on(tmp_path: Path) -> None:
    records = _records()
    # Record 3 cut inside its header runs into record 4, then garbage follows.
    chunks = [*records[:3], records[3][:60], b"garbage\r\n" * 3, *records[4:], records[1]]
    path = _write(tmp_path / "bad.warc", b"".join(chunks))
    stats = WarcStats()
    results = list(read_warc(path, stats=stats))
    offsets = _offsets(chunks)
    assert _summary(results) == [
        (f"{path}#{offsets[1]}", "page"),
        (f"{path}#{offsets[3]}", "unreadable"),
        (f"{path}#{offsets[-1]}", "page"),
    ]
    assert stats.damaged == 1


def test_corrupt_gzip_member_is_skipped(tmp_path: Path) -> None:
    chunks = [gzip.compress(r) for r in _records()]
    chunks[1] = chunks[1][:20] + b"\xff" * 40 + chunks[1][60:]
    path = _write(tmp_path / "bad.warc.gz", b"".join(chunks))
    results = list(read_file(path))
    offsets = _offsets(chunks)
    assert _summary(results) == [
        (f"{path}#{offsets[1]}", "unreadable"),
        (f"{path}#{offsets[3]}", "page"),
    ]


def test_warc_gzipped_as_one_stream_names_records_inside_the_member(tmp_path: Path) -> None:
    records = _records()
    path = _write(tmp_path / "whole.warc.gz", gzip.compress(b"".join(records)))
    offsets = _offsets(records)
    assert _summary(list(read_file(path))) == [
        (f"{path}#0+{offsets[1]}", "page"),
        (f"{path}#0+{offsets[3]}", "page"),
    ]


def test_warc_record_over_the_limit_is_too_large(tmp_path: Path) -> None:
    big = "<html><body>" + "<p>news</p>" * 200 + "</body></html>"
    records = [
        _record(
            "response",
            "https://news.test/big",
            _http("200 OK", big.encode(), "Content-Type: text/html"),
        ),
        _records()[1],
    ]
    path = _write(tmp_path / "big.warc", b"".join(records))
    results = list(read_file(path, max_bytes=1000))
    assert [r.reason if isinstance(r, Rejection) else r.url for r in results] == [
        "too_large",
        "https://news.test/a",
    ]


def test_warc_payload_chunked_and_gzipped_is_decoded(tmp_path: Path) -> None:
    body = gzip.compress(UTF8_HTML.encode())
    chunked = b"".join(
        f"{len(body[i : i + 50]):x}\r\n".encode() + body[i : i + 50] + b"\r\n"
        for i in range(0, len(body), 50)
    )
    payload = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Encoding: gzip\r\n\r\n" + chunked + b"0\r\n\r\n"
    )
    path = _write(tmp_path / "raw.warc", _record("response", "https://news.test/z", payload))
    (page,) = read_file(path)
    assert isinstance(page, Page)
    assert page.text == UTF8_HTML


def test_warc_unlabelled_payload_is_sniffed(tmp_path: Path) -> None:
    records = [
        _record("response", "https://news.test/u", _http("200 OK", UTF8_HTML.encode())),
        _record("response", "https://news.test/p", _http("200 OK", PNG)),
        _record("response", "https://news.test/t", _http("200 OK", b"just some words")),
    ]
    path = _write(tmp_path / "sniff.warc", b"".join(records))
    stats = WarcStats()
    assert [r.url for r in read_warc(path, stats=stats) if isinstance(r, Page)] == [
        "https://news.test/u"
    ]
    assert stats.skipped == {"not_html": 2}


# --- feeds ----------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>News Test</title><link>https://news.test/</link>
<item>
  <title>Floods &amp; storms: &lt;10,000&gt; displaced</title>
  <link>https://news.test/floods?a=1&amp;b=2</link>
  <author>reporter@news.test (Ana Lima)</author>
  <pubDate>Tue, 04 Mar 2025 09:15:00 +0100</pubDate>
  <description>Short summary.</description>
  <content:encoded><![CDATA[<p>About 10,000 people were displaced by floods, officials said on Tuesday. The river rose
  three metres overnight and the army was sent to help, the regional governor told reporters.</p>
  <p>Rescue teams worked through the night; schools in the valley stay closed until Friday.</p>]]></content:encoded>
</item>
<item>
  <title>Second</title>
  <link>https://news.test/second</link>
  <description>&lt;p&gt;Only a summary here.&lt;/p&gt;</description>
</item>
<item><title>Empty</title><link>https://news.test/empty</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Test</title><id>urn:test</id><updated>2025-03-05T10:00:00Z</updated>
  <entry>
    <title type="text">Plain &lt;text&gt; entry</title>
    <link href="https://atom.test/one"/>
    <id>urn:one</id>
    <updated>2025-03-05T10:00:00Z</updated>
    <content type="text">First paragraph &amp; more.

Second paragraph.</content>
  </entry>
  <entry>
    <title>HTML entry</title>
    <link href="https://atom.test/two"/>
    <id>urn:two</id>
    <published>2025-03-04T23:30:00-05:00</published>
    <updated>2025-03-06T00:00:00Z</updated>
    <content type="html">&lt;p&gt;Body &lt;b&gt;bold&lt;/b&gt;&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</content>
  </entry>
</feed>
"""


def test_rss_items_become_pages(tmp_path: Path) -> None:
    path = _write(tmp_path / "news.rss", RSS.encode())
    results = list(read_file(path))
    assert _summary(results) == [
        (f"{path}:1", "page"),
        (f"{path}:2", "page"),
        (f"{path}:3", "empty"),
    ]
    first, second = results[0], results[1]
    assert isinstance(first, Page)
    assert isinstance(second, Page)
    assert (first.kind, first.url, first.fetched_at) == (
        "html",
        "https://news.test/floods?a=1&b=2",
        None,
    )
    # Text from the feed is escaped into the document; the link is attribute-escaped.
    assert "<title>Floods &amp; storms: &lt;10,000&gt; displaced</title>" in first.text
    assert '<link rel="canonical" href="https://news.test/floods?a=1&amp;b=2">' in first.text
    assert (
        '<meta property="article:published_time" content="2025-03-04T08:15:00+00:00">' in first.text
    )
    assert "About 10,000 people were displaced" in first.text
    assert "<p>Only a summary here.</p>" in second.text
    assert "article:published_time" not in second.text


def test_rss_item_page_extracts_its_date_and_title(tmp_path: Path) -> None:
    path = _write(tmp_path / "news.rss", RSS.encode())
    page = next(iter(read_file(path)))
    assert isinstance(page, Page)
    article = extract(page)
    assert article.title == "Floods & storms: <10,000> displaced"
    assert article.published == datetime(2025, 3, 4, 8, 15, tzinfo=UTC)
    assert article.url == "https://news.test/floods?a=1&b=2"


def test_atom_entries_become_pages(tmp_path: Path) -> None:
    path = _write(tmp_path / "feed.atom", ATOM.encode())
    first, second = read_file(path)
    assert isinstance(first, Page)
    assert isinstance(second, Page)
    assert first.url == "https://atom.test/one"
    assert "<title>Plain &lt;text&gt; entry</title>" in first.text
    assert "<p>First paragraph &amp; more.</p><p>Second paragraph.</p>" in first.text
    # Only updated: that is the date used.
    assert 'content="2025-03-05T10:00:00+00:00"' in first.text
    # Published wins over updated; feedparser's sanitising drops the script.
    assert 'content="2025-03-05T04:30:00+00:00"' in second.text
    assert "<p>Body <b>bold</b></p>" in second.text
    assert "alert" not in second.text


def test_xml_that_is_not_a_feed_is_a_page(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "page.xml", b'<?xml version="1.0"?>\n<html><body><p>x</p></body></html>'
    )
    (page,) = read_file(path)
    assert isinstance(page, Page)
    assert page.kind == "html"


def test_broken_feed_is_unreadable(tmp_path: Path) -> None:
    path = _write(tmp_path / "broken.rss", b"<rss><channel><item><title>x</ti")
    (result,) = read_file(path)
    assert isinstance(result, Rejection)
    assert result.reason in ("unreadable", "empty")


def test_warc_memory_is_bounded_by_one_record(tmp_path: Path) -> None:
    image = _http("200 OK", PNG + b"\x00" * 8_000_000, "Content-Type: image/png")
    records = [_record("response", "https://news.test/huge.png", image), _records()[1]]
    path = _write(tmp_path / "huge.warc.gz", b"".join(gzip.compress(r) for r in records))
    tracemalloc.start()
    try:
        results = list(read_file(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [r.url for r in results if isinstance(r, Page)] == ["https://news.test/a"]
    assert peak < 2_000_000
