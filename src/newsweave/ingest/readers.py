"""Reading files into pages: text, HTML, JSON records (JSON Lines, news-please's
JSON), web archives (WARC) and feeds (RSS, Atom), each also gzipped.

A bad input never stops a run: it becomes a :class:`~newsweave.models.Rejection`
that says why, keeps the bytes when they are small enough, and the next input
is read. Everything streams: one file, or one JSON line, in memory at a time,
and gzip is inflated only up to the size limit, so a gzip bomb costs nothing.
"""

from __future__ import annotations

import errno
import gzip
import stat
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from newsweave.config import DEFAULT_MAX_PAGE_BYTES
from newsweave.errors import PageError
from newsweave.ingest.discover import discover
from newsweave.ingest.feeds import looks_like_feed, read_feed
from newsweave.ingest.pages import RAW_KEEP_BYTES, Kind, page_from_bytes, rejection_from
from newsweave.ingest.records import page_from_record, read_json
from newsweave.ingest.warc import read_warc
from newsweave.models import Page, Rejection

_KIND_BY_SUFFIX: dict[str, Kind] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
#: Files that may hold a feed; one that does not is read as a page.
_FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
#: A JSON Lines record escapes its page (quotes, newlines, non-ASCII), so a
#: line may be longer than the page it holds; longer than this, it is refused.
_JSONL_LINE_FACTOR = 2
#: What can go wrong reading a file: the OS, or a truncated or corrupt gzip.
_READ_ERRORS = (OSError, EOFError, zlib.error)


def read_paths(
    paths: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
    fetch_items: bool = False,
) -> Iterator[Page | Rejection]:
    """Every page under ``paths`` (see :func:`discover`), or why each could not be read."""
    for found in discover(paths):
        if isinstance(found, Rejection):
            yield found
        else:
            yield from read_file(found, max_bytes=max_bytes, fetch_items=fetch_items)


def read_file(
    path: Path, *, max_bytes: int = DEFAULT_MAX_PAGE_BYTES, fetch_items: bool = False
) -> Iterator[Page | Rejection]:
    """The pages in one file: one for a page file, one per line for ``.jsonl``,
    one per record for ``.json`` (an object, or a list of them; see
    :mod:`newsweave.ingest.records`), one per HTML response for ``.warc``, one
    per item for a feed.

    ``.txt`` is text, ``.html``/``.htm``/``.xhtml`` HTML, anything else is
    sniffed; ``.gz`` of any of these is inflated first, with ``max_bytes``
    applied to the inflated size (to each record's, in a WARC). ``.rss``,
    ``.atom`` and ``.xml`` files that open like a feed are read as feeds (see
    :mod:`newsweave.ingest.feeds`); with ``fetch_items``, each item's link is
    fetched from the web, politely and safely (see :mod:`newsweave.fetch`).
    """
    path = Path(path)
    name = path.name.lower()
    compressed = name.endswith(".gz")
    suffix = Path(name.removesuffix(".gz")).suffix
    if suffix == ".jsonl":
        yield from _read_jsonl(path, compressed, max_bytes)
        return
    if suffix == ".warc":
        # The reader tells gzip by its bytes and caps each record, not the file.
        yield from read_warc(path, max_bytes=max_bytes)
        return
    # Read past max_bytes up to RAW_KEEP_BYTES so a too-large page can be kept.
    limit = max(max_bytes, RAW_KEEP_BYTES)
    try:
        with _open(path, compressed) as (stream, size):
            # The size on disk only bounds a plain file; gzip is capped as it inflates.
            raw = None if not compressed and size > limit else stream.read(limit + 1)
    except _READ_ERRORS as error:
        yield Rejection(str(path), "unreadable", _describe(error, compressed))
        return
    if raw is None or len(raw) > limit:
        amount = f"{size} bytes" if raw is None else f"more than {limit} bytes"
        what = f"inflates to {amount}" if compressed else amount
        yield Rejection(str(path), "too_large", f"{what}, over the {max_bytes}-byte limit")
        return
    if suffix == ".json":
        yield from read_json(raw, str(path), max_bytes=max_bytes)
        return
    if suffix in _FEED_SUFFIXES and looks_like_feed(raw):
        yield from _read_feed(raw, str(path), max_bytes, fetch_items)
        return
    try:
        yield page_from_bytes(raw, str(path), kind=_KIND_BY_SUFFIX.get(suffix), max_bytes=max_bytes)
    except PageError as error:
        yield rejection_from(error, raw)


def _read_feed(
    raw: bytes, source: str, max_bytes: int, fetch_items: bool
) -> Iterator[Page | Rejection]:
    if not fetch_items:
        yield from read_feed(raw, source, max_bytes=max_bytes)
        return
    # Imported here: the fetcher builds on this package, and most runs never fetch.
    from newsweave.fetch import Fetcher

    with Fetcher(max_bytes=max_bytes) as fetcher:
        yield from read_feed(raw, source, max_bytes=max_bytes, fetch=fetcher.get)


@contextmanager
def _open(path: Path, compressed: bool) -> Iterator[tuple[IO[bytes], int]]:
    """A regular file opened for reading, and its size on disk."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        # Opening a FIFO or device would block or never end.
        raise OSError(errno.EINVAL, "not a regular file")
    with gzip.open(path, "rb") if compressed else path.open("rb") as stream:
        yield stream, info.st_size


def _read_jsonl(path: Path, compressed: bool, max_bytes: int) -> Iterator[Page | Rejection]:
    """One page or rejection per non-blank line; the file is a collection, so
    only its lines are capped, not its size."""
    lineno = 0
    try:
        with _open(path, compressed) as (stream, _):
            limit = _JSONL_LINE_FACTOR * max_bytes
            for lineno, line in _lines(stream, limit):
                source = f"{path}:{lineno}"
                if line is None:
                    yield Rejection(source, "too_large", f"line is over {limit} bytes")
                elif line.strip():
                    yield page_from_record(line, source, max_bytes=max_bytes)
    except _READ_ERRORS as error:
        source = f"{path}:{lineno + 1}" if lineno else str(path)
        yield Rejection(source, "unreadable", _describe(error, compressed))


def _lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Numbered lines, ``None`` for one over ``limit`` bytes, which is skipped unread."""
    lineno = 0
    while line := stream.readline(limit + 1):
        lineno += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(limit)) and not rest.endswith(b"\n"):
                pass
            yield lineno, None
        else:
            yield lineno, line


def _describe(error: BaseException, compressed: bool) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return f"corrupt gzip data: {error}" if compressed else str(error)
