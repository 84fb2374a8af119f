"""Fetching: politeness and address safety, against a server on 127.0.0.1 only."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import newsweave.fetch.addresses as addresses
import newsweave.fetch.client as client
from newsweave.fetch import Fetcher, fetch, fetch_pages, is_public_address
from newsweave.fetch.addresses import is_public_address as real_is_public
from newsweave.models import Page, Rejection

PAGE = "<html><body><p>Le café a fermé ses portes mardi.</p></body></html>"
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>{base}/page</link><description>Summary one.</description></item>
<item><title>Two</title><link>{base}/missing</link><description>Summary two.</description></item>
</channel></rss>"""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", *headers: tuple[str, str]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if not any(name == "Content-Length" for name, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.server.log.append((self.path, self.headers.get("Host", "")))
        base = f"http://127.0.0.1:{self.server.server_port}"
        html = ("Content-Type", "text/html; charset=iso-8859-1")
        routes = {
            "/robots.txt": lambda: self._send(200, b"User-agent: *\nDisallow: /private\n"),
            "/page": lambda: self._send(200, PAGE.encode("latin-1"), html),
            "/private/page": lambda: self._send(200, PAGE.encode("latin-1"), html),
            "/big": lambda: self._send(200, b"<p>x</p>" * 1000, html),
            "/bomb": lambda: self._send(
                200, gzip.compress(b" " * 5_000_000), html, ("Content-Encoding", "gzip")
            ),
            "/png": lambda: self._send(200, b"\x89PNG\r\n\x1a\n", ("Content-Type", "image/png")),
            "/error": lambda: self._send(500, b"oops"),
            "/to-private": lambda: self._send(302, b"", ("Location", "/private/page")),
            "/to-metadata": lambda: self._send(
                302, b"", ("Location", "http://169.254.169.254/latest/meta-data")
            ),
            "/to-file": lambda: self._send(302, b"", ("Location", "file:///etc/passwd")),
            "/to-page": lambda: self._send(301, b"", ("Location", f"{base}/page")),
            "/loop": lambda: self._send(302, b"", ("Location", "/loop")),
            "/feed.xml": lambda: self._send(
                200, FEED.format(base=base).encode(), ("Content-Type", "application/rss+xml")
            ),
        }
        if self.path == "/slow":
            time.sleep(1.0)
            self._send(200, PAGE.encode(), html)
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(10):
                self.wfile.write(b"<p>x</p>")
                self.wfile.flush()
                time.sleep(0.1)
        else:
            routes.get(self.path, lambda: self._send(404, b"not here"))()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    log: list[tuple[str, str]]


@pytest.fixture
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.log = []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _base(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_port}"


def _fetch(server: _Server, path: str, **options: float) -> Page | Rejection:
    options = {"rate_per_host": 1000.0, "timeout": 5.0, **options}
    with Fetcher(allow_private=True, **options) as fetcher:  # type: ignore[arg-type]
        return fetcher.get(_base(server) + path)


def _reason(result: Page | Rejection) -> str:
    return "page" if isinstance(result, Page) else result.reason


def test_page_with_header_charset_and_final_url(server: _Server) -> None:
    page = _fetch(server, "/to-page")
    assert isinstance(page, Page)
    assert (page.source, page.url) == (_base(server) + "/to-page", _base(server) + "/page")
    assert (page.kind, page.encoding, page.text) == ("html", "cp1252", PAGE)
    assert page.fetched_at is not None
    assert page.fetched_at.tzinfo is not None
    assert [p for p, _ in server.log] == ["/robots.txt", "/to-page", "/page"]


@pytest.mark.parametrize(
    ("path", "reason", "words"),
    [
        ("/private/page", "robots_disallowed", "robots.txt"),
        ("/to-private", "robots_disallowed", "/private/page"),
        ("/to-file", "forbidden_address", "file:"),
        ("/loop", "http_error", "redirects"),
        ("/error", "http_error", "500"),
        ("/nowhere", "http_error", "404"),
        ("/png", "binary", "image/png"),
    ],
)
def test_refusals_and_errors(server: _Server, path: str, reason: str, words: str) -> None:
    result = _fetch(server, path)
    assert isinstance(result, Rejection)
    assert (result.source, result.reason) == (_base(server) + path, reason)
    assert words in result.detail
    assert "/private/page" not in [p for p, _ in server.log]


def test_robots_txt_is_read_once_per_site(server: _Server) -> None:
    urls = [_base(server) + p for p in ("/page", "/private/page", "/page")]
    results = list(fetch(urls, allow_private=True, rate_per_host=1000.0))
    assert [_reason(r) for r in results] == ["page", "robots_disallowed", "page"]
    assert [p for p, _ in server.log] == ["/robots.txt", "/page", "/page"]


def test_slow_server_times_out(server: _Server) -> None:
    start = time.monotonic()
    result = _fetch(server, "/slow", timeout=0.3)
    assert isinstance(result, Rejection)
    assert (result.reason, "timed out" in result.detail) == ("fetch_failed", True)
    assert time.monotonic() - start < 0.9


def test_dripping_body_hits_the_overall_deadline(server: _Server) -> None:
    result = _fetch(server, "/drip", timeout=0.35)
    assert isinstance(result, Rejection)
    assert result.reason == "fetch_failed"


@pytest.mark.parametrize("path", ["/big", "/bomb"])
def test_oversized_body_is_too_large(server: _Server, path: str) -> None:
    result = _fetch(server, path, max_bytes=1000)
    assert isinstance(result, Rejection)
    assert result.reason == "too_large"


def test_rate_limit_spaces_requests_to_one_host(server: _Server) -> None:
    start = time.monotonic()
    results = list(fetch([_base(server) + "/page"] * 2, allow_private=True, rate_per_host=5.0))
    assert [_reason(r) for r in results] == ["page", "page"]
    # robots.txt and two pages: at least two gaps of 0.2 s; only a lower bound is safe.
    assert time.monotonic() - start >= 0.2


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "[::1]",
        "169.254.169.254",
        "10.0.0.1",
        "[::ffff:127.0.0.1]",
        "0.0.0.0",
        "localhost",
    ],
)
def test_private_addresses_are_refused_before_any_connection(
    server: _Server, host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Names are resolved without touching the network: localhost is loopback.
    monkeypatch.setattr(client, "resolve", lambda name, port: ["127.0.0.1"])
    port = server.server_port
    (result,) = fetch([f"http://{host}:{port}/page"])
    assert isinstance(result, Rejection)
    assert result.reason == "forbidden_address"
    assert server.log == []


def test_a_name_with_any_private_answer_is_refused(
    server: _Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "resolve", lambda name, port: ["93.184.216.34", "127.0.0.1"])
    (result,) = fetch([f"http://news.test:{server.server_port}/page"])
    assert isinstance(result, Rejection)
    assert (result.reason, "127.0.0.1" in result.detail) == ("forbidden_address", True)
    assert server.log == []


def test_connects_to_the_resolved_address_with_the_original_host(
    server: _Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "resolve", lambda name, port: ["127.0.0.1"])
    page = _fetch_url(f"http://news.test:{server.server_port}/page")
    assert isinstance(page, Page)
    assert page.url == f"http://news.test:{server.server_port}/page"
    assert server.log[-1] == ("/page", f"news.test:{server.server_port}")


@pytest.mark.parametrize(
    ("hosts", "fetched"),
    [
        (["news.test"], True),
        (["NEWS.test."], True),
        (["127.0.0.1"], True),
        (["127.0.0.0/8"], True),
        (["10.0.0.0/8", "other.test"], False),
        (["::1"], False),
        ([], False),
    ],
)
def test_private_hosts_named_one_by_one(
    server: _Server, monkeypatch: pytest.MonkeyPatch, hosts: list[str], fetched: bool
) -> None:
    monkeypatch.setattr(client, "resolve", lambda name, port: ["127.0.0.1"])
    urls = [f"http://news.test:{server.server_port}/page"]
    (result,) = fetch(urls, private_hosts=hosts, rate_per_host=1000.0)
    assert isinstance(result, Page) is fetched, result
    if not fetched:
        assert isinstance(result, Rejection) and result.reason == "forbidden_address"


def test_a_private_host_entry_that_is_no_host_is_refused() -> None:
    with pytest.raises(ValueError, match="not a host name, address or network: 'a b'"):
        Fetcher(private_hosts=["a b"])


def _fetch_url(url: str) -> Page | Rejection:
    with Fetcher(allow_private=True, rate_per_host=1000.0) as fetcher:
        return fetcher.get(url)


def test_redirect_to_a_private_address_is_refused(
    server: _Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test server stands in for a public site; its redirect points inside.
    monkeypatch.setattr(addresses, "is_public_address", lambda ip: str(ip) == "127.0.0.1")
    (result,) = fetch([_base(server) + "/to-metadata"], rate_per_host=1000.0)
    assert isinstance(result, Rejection)
    assert result.reason == "forbidden_address"
    assert "169.254.169.254" in result.detail
    assert [p for p, _ in server.log] == ["/robots.txt", "/to-metadata"]


def test_fetch_pages_expands_feeds(server: _Server) -> None:
    url = _base(server) + "/feed.xml"
    wrapped = list(fetch_pages([url], allow_private=True, rate_per_host=1000.0))
    assert [(r.source, r.url) for r in wrapped if isinstance(r, Page)] == [
        (f"{url}:1", _base(server) + "/page"),
        (f"{url}:2", _base(server) + "/missing"),
    ]
    fetched = list(fetch_pages([url], fetch_items=True, allow_private=True, rate_per_host=1000.0))
    # The first item is fetched; the second's link fails, so its summary stands in.
    assert [(type(r).__name__, _reason(r)) for r in fetched] == [
        ("Page", "page"),
        ("Rejection", "http_error"),
        ("Page", "page"),
    ]
    assert fetched[0].text == PAGE
    assert fetched[1].source == f"{url}:2"
    assert "Summary two." in fetched[2].text


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:93.184.216.34", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("100.64.0.1", False),
        ("224.0.0.1", False),
        ("ff02::1", False),
        ("0.0.0.0", False),
        ("::", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::1", False),
        ("not an address", False),
    ],
)
def test_is_public_address(ip: str, public: bool) -> None:
    assert is_public_address(ip) is public
    assert real_is_public is is_public_address
