"""Fetching pages over HTTP, politely and safely, as pages or rejections.

Polite: robots.txt is read once per site (RFC 9309: missing means allowed,
unreachable means disallowed) and its Crawl-delay honoured; requests to one
host are spaced by ``1 / rate_per_host`` seconds; every hop of a redirect is
checked again.

Safe: only http and https; the host is resolved here and the connection made
to the very address that was checked, through an httpcore network backend, so
a DNS answer that changes between check and connect (DNS rebinding) gains
nothing. TLS still verifies the certificate against the host name, which is
also sent as SNI and in the Host header. Private, loopback, link-local,
multicast, reserved and unspecified addresses are refused unless
``allow_private``, or unless the host, or a network it is in, is one of
``private_hosts``. Environment proxies are ignored, since they would connect
on our behalf to addresses we never see. Bodies are capped at ``max_bytes``
while they stream, after inflating.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from protego import Protego

from newsweave import __version__
from newsweave.config import DEFAULT_MAX_PAGE_BYTES
from newsweave.errors import PageError
from newsweave.fetch.addresses import Allowance, ip_literal, resolve
from newsweave.ingest.feeds import looks_like_feed, read_feed
from newsweave.ingest.http import (
    HTML_TYPES,
    SUPPORTED_ENCODINGS,
    UNKNOWN_TYPES,
    EncodingError,
    Inflater,
    TooLargeError,
    parse_content_type,
)
from newsweave.ingest.pages import Kind, page_from_bytes, rejection_from
from newsweave.models import Page, Rejection

DEFAULT_USER_AGENT = f"newsweave/{__version__} (+https://example.invalid)"
#: The token robots.txt rules are matched against.
ROBOTS_AGENT = "newsweave"
MAX_REDIRECTS = 5
#: RFC 9309 asks crawlers to read at least 500 KiB of robots.txt; the rest is ignored.
_ROBOTS_MAX_BYTES = 500 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: Media types fetched as pages besides HTML: text and XML (feeds among them).
_XML_TYPES = frozenset({"application/xml", "application/rss+xml", "application/atom+xml"})


class FetchError(Exception):
    """Why a URL gave no page; ``reason`` is the rejection's code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses that pass the check, and to exactly the one checked."""

    def __init__(self, allowance: Allowance) -> None:
        self._allowance = allowance
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        address = _checked_address(host, port, self._allowance)
        return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise FetchError("forbidden_address", "Unix sockets are never fetched from")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _checked_address(host: str, port: int, allowance: Allowance) -> str:
    """The address to connect to for ``host``; raises :class:`FetchError` if none may be."""
    if (literal := ip_literal(host)) is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = resolve(host, port)
        except OSError as error:
            raise FetchError("fetch_failed", f"cannot resolve {host}: {error}") from None
        if not addresses:
            raise FetchError("fetch_failed", f"{host} has no address")
    # One bad answer refuses the host: a name that mixes public and private
    # addresses is more likely a trick than a mistake.
    refused = [a for a in addresses if not allowance.permits(host, a)]
    if refused:
        raise FetchError("forbidden_address", f"{host} is at non-public address {refused[0]}")
    return addresses[0]


class _Robots:
    """One site's robots.txt rules, or a blanket answer when it has none or is unreachable."""

    def __init__(self, rules: Protego | None, allow_all: bool, why: str = "") -> None:
        self.rules = rules
        self.allow_all = allow_all
        self.why = why

    def allows(self, url: str) -> bool:
        if self.rules is not None:
            return bool(self.rules.can_fetch(url, ROBOTS_AGENT))
        return self.allow_all

    def delay(self) -> float:
        found = self.rules.crawl_delay(ROBOTS_AGENT) if self.rules is not None else None
        return float(found or 0.0)


class Fetcher:
    """Fetches URLs one at a time, keeping robots.txt and per-host timing between them.

    Use as a context manager, or call :meth:`close`. :meth:`get` never raises
    for a bad URL or server: it returns a :class:`~newsweave.models.Rejection`
    with reason ``fetch_failed``, ``forbidden_address``, ``robots_disallowed``,
    ``http_error``, ``too_large``, or a page-level one (``binary``, ``empty``,
    ``undecodable``).
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        private_hosts: Iterable[str] = (),
        rate_per_host: float = 1.0,
        timeout: float = 10.0,
        max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if rate_per_host <= 0:
            raise ValueError("rate_per_host must be positive")
        self.allowance = Allowance(allow_all=allow_private, hosts=private_hosts)
        self.max_bytes = max_bytes
        self._interval = 1.0 / rate_per_host
        self._timeout = timeout
        self._next_request: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}
        transport = httpx.HTTPTransport(trust_env=False)
        # httpx takes no network backend, so its pool is rebuilt with ours.
        transport._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_GuardedBackend(self.allowance),
        )
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": user_agent, "Accept-Encoding": ", ".join(SUPPORTED_ENCODINGS)},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections kept open."""
        self._client.close()

    def get(self, url: str) -> Page | Rejection:
        """The page at ``url``, after redirects, or a rejection that says why not."""
        try:
            return self._get(url)
        except FetchError as error:
            return Rejection(url, error.reason, error.detail)
        except PageError as error:
            return Rejection(url, error.reason, error.detail)

    def _get(self, url: str) -> Page | Rejection:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._check_url(current)
            robots = self._robots_for(current)
            if not robots.allows(current):
                why = f" ({robots.why})" if robots.why else ""
                raise FetchError("robots_disallowed", f"robots.txt disallows {current}{why}")
            with self._open(current, robots.delay()) as response:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    current = urljoin(str(response.url), location)
                    continue
                if not 200 <= response.status_code < 300:
                    detail = f"HTTP {response.status_code} {response.reason_phrase} from {current}"
                    raise FetchError("http_error", detail.replace("  ", " "))
                return self._page(url, response)
        raise FetchError("http_error", f"more than {MAX_REDIRECTS} redirects from {url}")

    def _check_url(self, url: str) -> None:
        """Refuse what no connection is needed to refuse: the scheme, a literal address."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            raise FetchError("forbidden_address", f"only http and https are fetched, not {url}")
        if not parts.hostname:
            raise FetchError("fetch_failed", f"no host in {url}")
        literal = ip_literal(parts.hostname)
        if literal is not None and not self.allowance.permits(parts.hostname, literal):
            raise FetchError("forbidden_address", f"{url} is at non-public address {literal}")

    def _open(self, url: str, delay: float = 0.0) -> _Streamed:
        """A streamed GET of ``url`` after waiting its host's turn; errors as FetchError."""
        self._wait_turn(urlsplit(url).netloc.lower(), delay)
        try:
            return _Streamed(self._client, url, self._timeout)
        except httpx.TimeoutException:
            raise FetchError("fetch_failed", f"timed out fetching {url}") from None
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise FetchError("fetch_failed", f"{url}: {error}") from None

    def _wait_turn(self, host: str, delay: float) -> None:
        now = time.monotonic()
        turn = self._next_request.get(host, now)
        if turn > now:
            time.sleep(turn - now)
        self._next_request[host] = max(now, turn) + max(self._interval, delay)

    def _robots_for(self, url: str) -> _Robots:
        parts = urlsplit(url)
        site = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        if site not in self._robots:
            self._robots[site] = self._fetch_robots(site)
        return self._robots[site]

    def _fetch_robots(self, site: str) -> _Robots:
        current = f"{site}/robots.txt"
        try:
            for _ in range(MAX_REDIRECTS + 1):
                self._check_url(current)
                with self._open(current) as response:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        current = urljoin(str(response.url), location)
                        continue
                    if 400 <= response.status_code < 500:
                        return _Robots(None, allow_all=True)
                    if response.status_code >= 300:
                        why = f"robots.txt gave HTTP {response.status_code}"
                        return _Robots(None, allow_all=False, why=why)
                    body = response.read_capped(_ROBOTS_MAX_BYTES, truncate=True)
                    return _Robots(Protego.parse(body.decode("utf-8", "replace")), allow_all=True)
            return _Robots(None, allow_all=True)  # RFC 9309: too many redirects, as 404
        except FetchError as error:
            if error.reason == "forbidden_address":
                raise
            return _Robots(None, allow_all=False, why=f"robots.txt unreachable: {error.detail}")

    def _page(self, url: str, response: _Streamed) -> Page | Rejection:
        media, charset = parse_content_type(response.headers.get("content-type"))
        textual = media.startswith("text/") or media.endswith("+xml") or media in _XML_TYPES
        if not (textual or media in HTML_TYPES or media in UNKNOWN_TYPES):
            raise FetchError("binary", f"{response.url} is {media}, not a page")
        raw = response.read_capped(self.max_bytes)
        kind: Kind | None = (
            "html" if media in HTML_TYPES else "text" if media == "text/plain" else None
        )
        try:
            return page_from_bytes(
                raw,
                url,
                kind=kind,
                url=str(response.url),
                fetched_at=response.fetched_at,
                declared_encoding=charset,
                max_bytes=self.max_bytes,
            )
        except PageError as error:
            return rejection_from(error, raw)


class _Streamed:
    """One streamed response, its body read under a size cap and a deadline."""

    def __init__(self, client: httpx.Client, url: str, timeout: float) -> None:
        self._deadline = time.monotonic() + timeout
        self._url = url
        self._response = client.send(client.build_request("GET", url), stream=True)
        self.fetched_at = datetime.now(UTC)

    def __enter__(self) -> _Streamed:
        return self

    def __exit__(self, *exc: object) -> None:
        self._response.close()

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def reason_phrase(self) -> str:
        return self._response.reason_phrase

    @property
    def headers(self) -> httpx.Headers:
        return self._response.headers

    @property
    def url(self) -> httpx.URL:
        return self._response.url

    def read_capped(self, limit: int, *, truncate: bool = False) -> bytes:
        """The inflated body, at most ``limit`` bytes: cut there if ``truncate``, else refused."""
        declared = self.headers.get("content-length", "")
        encoded = self.headers.get("content-encoding", "").strip().lower() not in ("", "identity")
        if not truncate and not encoded and declared.isdigit() and int(declared) > limit:
            raise FetchError("too_large", f"{declared} bytes, over the {limit}-byte limit")
        try:
            inflater = Inflater(self.headers.get("content-encoding"), limit)
        except EncodingError as error:
            raise FetchError("fetch_failed", str(error)) from None
        body = bytearray()
        try:
            # Unchunked: each piece as it arrives, so the deadline is checked often.
            for chunk in self._response.iter_raw():
                if time.monotonic() > self._deadline:
                    raise FetchError("fetch_failed", f"timed out reading {self._url}")
                body += inflater.feed(chunk)
            inflater.finish()
        except TooLargeError:
            if truncate:
                return bytes(body)
            raise FetchError("too_large", f"body is over the {limit}-byte limit") from None
        except EncodingError as error:
            raise FetchError("fetch_failed", str(error)) from None
        except httpx.TimeoutException:
            raise FetchError("fetch_failed", f"timed out reading {self._url}") from None
        except httpx.HTTPError as error:
            raise FetchError("fetch_failed", f"{self._url}: {error}") from None
        return bytes(body)


def fetch(
    urls: Iterable[str],
    *,
    allow_private: bool = False,
    private_hosts: Iterable[str] = (),
    rate_per_host: float = 1.0,
    timeout: float = 10.0,
    max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
    user_agent: str = DEFAULT_USER_AGENT,
) -> Iterator[Page | Rejection]:
    """Each URL's page, or a rejection saying why not, in order (see :class:`Fetcher`)."""
    with Fetcher(
        allow_private=allow_private,
        private_hosts=private_hosts,
        rate_per_host=rate_per_host,
        timeout=timeout,
        max_bytes=max_bytes,
        user_agent=user_agent,
    ) as fetcher:
        for url in urls:
            yield fetcher.get(url)


def fetch_pages(
    urls: Iterable[str], *, fetch_items: bool = False, **options: Any
) -> Iterator[Page | Rejection]:
    """What ``newsweave fetch`` ingests: each URL's page, or, for a URL that
    serves a feed, its items (fetched too with ``fetch_items``).

    ``options`` are :class:`Fetcher`'s; one fetcher serves the feeds and their
    items, so robots.txt and the per-host rate hold across both.
    """
    with Fetcher(**options) as fetcher:
        for url in urls:
            result = fetcher.get(url)
            if isinstance(result, Page) and looks_like_feed(result.raw):
                fetch_one = fetcher.get if fetch_items else None
                yield from read_feed(result.raw, url, max_bytes=fetcher.max_bytes, fetch=fetch_one)
            else:
                yield result
