"""Reading files into pages: text, HTML, JSON records (JSON Lines, news-please's
JSON), web archives (WARC) and feeds (RSS, Atom), each also gzipped.

A bad input never stops a run: it becomes a :class:`~newsweave.models.Rejection`
that says why, keeps the bytes when they are small enough, and the next input
is read. Everything streams: one file, or one JSON line, in memory at a time,
and gzip is inflated only up to the size limit (a collection's, JSON Lines or
WARC, up to :data:`~newsweave.config.MAX_INFLATE_RATIO` times its size), so a
gzip bomb costs little; runs of blank lines are skipped in C, not line by line.
"""

from __future__ import annotations

import dataclasses
import errno
import gzip
import io
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, cast

from newsweave.config import DEFAULT_MAX_PAGE_BYTES, MAX_INFLATE_RATIO
from newsweave.errors import PageError
from newsweave.ingest.discover import discover
from newsweave.ingest.feeds import looks_like_feed, read_feed
from newsweave.ingest.pages import RAW_KEEP_BYTES, Kind, page_from_bytes, rejection_from
from newsweave.ingest.records import page_from_record, read_json
from newsweave.ingest.warc import read_warc
from newsweave.models import Page, Rejection, safe_text
from newsweave.registry import Reader, readers

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
#: Lines are read in chunks this size, so a run of blank lines is skipped in C.
_CHUNK = 1024 * 1024
#: A run of whitespace, matched in C (a one-class repeat is fast; a repeated
#: group of blank lines is 200 times slower), so a bomb of newlines costs no
#: Python per line.
_SPACE = re.compile(rb"[ \t\r\n\f\v]*")
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

    A reader registered for the file's suffix (:data:`newsweave.registry.readers`)
    reads it instead. ``.txt`` is text, ``.html``/``.htm``/``.xhtml`` HTML, anything
    else is sniffed; ``.gz`` of any of these is inflated first, with ``max_bytes``
    applied to the inflated size (to each record's, in a WARC or JSON Lines
    file, whose whole is capped at ``MAX_INFLATE_RATIO`` times its size). ``.rss``,
    ``.atom`` and ``.xml`` files that open like a feed are read as feeds (see
    :mod:`newsweave.ingest.feeds`); with ``fetch_items``, each item's link is
    fetched from the web, politely and safely (see :mod:`newsweave.fetch`).
    """
    for item in _read_file(Path(path), max_bytes, fetch_items):
        # A name that is not UTF-8 would fail to be stored or printed: keep it escaped.
        source = safe_text(item.source)
        yield item if source is item.source else dataclasses.replace(item, source=source)


def _read_file(path: Path, max_bytes: int, fetch_items: bool) -> Iterator[Page | Rejection]:
    name = path.name.lower()
    if (reader := readers.find(Path(name).suffix)) is not None:
        yield from _plugged(reader, path, max_bytes)
        return
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


def _plugged(reader: Reader, path: Path, max_bytes: int) -> Iterator[Page | Rejection]:
    """What a registered reader gives; its crash is the file's rejection, pages before it kept."""
    try:
        yield from reader(path, max_bytes=max_bytes)
    except Exception as error:  # someone else's code must not sink the run
        detail = f"the {path.suffix.lower()} reader failed: {type(error).__name__}: {error}"
        yield Rejection(str(path), "unreadable", detail)


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
    # typeshed has GzipFile as a BufferedIOBase, no IO[bytes], though it reads as one.
    with cast(IO[bytes], gzip.open(path, "rb")) if compressed else path.open("rb") as stream:
        yield stream, info.st_size


def _read_jsonl(path: Path, compressed: bool, max_bytes: int) -> Iterator[Page | Rejection]:
    """One page or rejection per non-blank line; the file is a collection, so
    only its lines are capped, and, gzipped, what it inflates to
    (:data:`MAX_INFLATE_RATIO`)."""
    lines = None
    try:
        with _open(path, compressed) as (stream, size):
            lines = _jsonl_lines(stream, size, compressed, max_bytes)
            limit, budget = lines.limit, lines.budget
            for lineno, line in lines:
                source = f"{path}:{lineno}"
                if line is None:
                    yield Rejection(source, "too_large", f"line is over {limit} bytes")
                else:
                    yield page_from_record(line, source, max_bytes=max_bytes)
            if lines.over_budget:
                detail = (
                    f"inflates to more than {budget} bytes ({MAX_INFLATE_RATIO} times its "
                    f"size plus one {limit}-byte line); the rest is not read"
                )
                yield Rejection(str(path), "too_large", detail)
    except _READ_ERRORS as error:
        lineno = lines.lineno if lines is not None else 0
        source = f"{path}:{lineno + 1}" if lineno else str(path)
        yield Rejection(source, "unreadable", _describe(error, compressed))


def count_records(path: Path, *, max_bytes: int = DEFAULT_MAX_PAGE_BYTES) -> int:
    """How many records (non-blank lines) the JSON Lines file ``path`` holds, gzipped or not.

    Counted within the caps reading it has, so a gzip bomb costs no more to
    count than to read; a file that cannot be read counts 0.
    """
    compressed = path.name.lower().endswith(".gz")
    count = 0
    try:
        with _open(path, compressed) as (stream, size):
            for _ in _jsonl_lines(stream, size, compressed, max_bytes):
                count += 1
    except _READ_ERRORS:
        pass
    return count


def _jsonl_lines(stream: IO[bytes], size: int, compressed: bool, max_bytes: int) -> _Lines:
    limit = _JSONL_LINE_FACTOR * max_bytes
    # At least one line's worth, so any file of one good record is read.
    budget = limit + MAX_INFLATE_RATIO * size if compressed else None
    return _Lines(stream, limit, budget)


class _Lines:
    """The numbered non-blank lines of a stream, ``None`` for one over ``limit`` bytes.

    Read in chunks: blank lines are skipped a run at a time by a regular
    expression and a line costs one slice, so a file of a billion newlines
    costs its reading alone. With a ``budget``, reading stops (``over_budget``)
    once that many bytes have been read.
    """

    def __init__(self, stream: IO[bytes], limit: int, budget: int | None) -> None:
        self._stream = stream
        self.limit = limit
        self.budget = budget
        self._left = budget
        self.over_budget = False
        self.lineno = 0  # lines consumed so far, blank ones included
        # Deleting a bytearray's head is cheap, so the read part is dropped as we go.
        self._buf = bytearray()
        self._pos = 0
        self._eof = False

    def _fill(self) -> bool:
        """Read one more chunk after the unread part; ``False`` at the end."""
        if self._eof:
            return False
        chunk = self._stream.read(_CHUNK)
        if self._left is not None and chunk:
            self._left -= len(chunk)
            if self._left < 0:
                self.over_budget = True
                chunk = b""
        if not chunk:
            self._eof = True
            return False
        del self._buf[: self._pos]
        self._pos = 0
        self._buf += chunk
        return True

    def __iter__(self) -> Iterator[tuple[int, bytes | None]]:
        buf = self._buf
        spacing = False  # dropping the spaces of a line already longer than the limit
        while True:
            # Skip whole blank lines: up to the last newline before the first non-space.
            match = _SPACE.match(buf, self._pos)
            spaces = match.end() if match else self._pos
            if (last := buf.rfind(b"\n", self._pos, spaces)) >= 0:
                self.lineno += buf.count(b"\n", self._pos, last + 1)
                self._pos = last + 1
                spacing = False
            if spacing and spaces < len(buf):
                spacing = False
                yield self._skip_long()  # what follows the long spaces makes it too long
                continue
            end = buf.find(b"\n", self._pos)
            if end < 0:
                if len(buf) - self._pos > self.limit:
                    if spaces < len(buf):
                        yield self._skip_long()
                        continue
                    # Only spaces so far: a blank line, or a long one; drop them.
                    spacing = True
                    self._pos = len(buf)
                if self._fill():
                    continue
                if self.over_budget or self._pos == len(buf):
                    return  # a line cut off by the budget is not a record
                stop = len(buf)
            elif end - self._pos > self.limit:
                self._pos = end + 1
                self.lineno += 1
                yield self.lineno, None
                continue
            else:
                stop = end + 1
            line = bytes(buf[self._pos : stop])
            self._pos = stop
            self.lineno += 1
            if line.strip():  # the last line may be blank without its newline
                yield self.lineno, line

    def _skip_long(self) -> tuple[int, None]:
        """Drop a line over the limit, unread, through its newline."""
        self.lineno += 1
        lineno = self.lineno
        while (end := self._buf.find(b"\n", self._pos)) < 0:
            self._pos = len(self._buf)
            if not self._fill():
                return lineno, None
        self._pos = end + 1
        return lineno, None


def inflated_size(data: bytes, limit: int) -> int:
    """How many bytes gzip ``data`` inflates to, counted no further than ``limit``.

    For a budget over several files before any is read (an upload). A damaged
    stream counts as what it inflated to, or its own size if more: the reader
    rejects it by name later.
    """
    size = 0
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while size < limit and (chunk := stream.read(min(_CHUNK, limit - size))):
                size += len(chunk)
    except _READ_ERRORS:
        return max(size, len(data))
    return size


def _describe(error: BaseException, compressed: bool) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return f"corrupt gzip data: {error}" if compressed else str(error)
