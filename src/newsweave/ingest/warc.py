"""Reading web archives (WARC 1.0/1.1, plain or gzipped) into pages.

Every ``response`` record holding an HTTP 200 HTML page becomes a page; the
rest (requests, revisits, metadata, other statuses, images) is skipped and
counted in :class:`WarcStats`. Common Crawl News, like most crawlers, writes one
gzip member per record; a page's source is ``path#offset``, the byte offset of
its record (of its gzip member, for ``.warc.gz``), as in Common Crawl's index,
so a page can be found again and a run resumed exactly. In the rare archive
gzipped as one stream, the offset reads ``member+n``: ``n`` bytes into the
member's inflated data.

The reader is our own rather than warcio's or FastWARC's: both, tried on
truncated files, return short or empty records without an error and stop at
the first corrupt record, and FastWARC 2.0's record offsets drift. Here a
truncated or corrupt record is a rejection naming its offset, and reading goes
on at the next record that parses. Memory is bounded by one record's headers
and ``max_bytes`` of its payload; the rest of a record is skipped unread.
"""

from __future__ import annotations

import logging
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Protocol

from newsweave.config import DEFAULT_MAX_PAGE_BYTES, MAX_INFLATE_RATIO
from newsweave.errors import PageError
from newsweave.ingest.http import (
    HTML_TYPES,
    UNKNOWN_TYPES,
    EncodingError,
    Inflater,
    TooLargeError,
    parse_content_type,
)
from newsweave.ingest.pages import keep_raw, page_from_bytes, rejection_from
from newsweave.models import Page, Rejection

log = logging.getLogger(__name__)

_CHUNK = 64 * 1024
#: A record's WARC or HTTP header block larger than this is taken as corruption.
_MAX_HEADER_BYTES = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/"
#: What starts a WARC record, looked for anywhere after damage: a cut record
#: runs into the next one mid-line.
_RECORD_START = b"WARC/1."
#: How far back into the last record's block the next record's header is looked
#: for, when a Content-Length a little too long made the block swallow its start.
_OVERRUN_WINDOW = 4096
#: A run of whitespace, skipped in C between records (see :class:`_Reader`).
_SPACE = re.compile(rb"[ \t\r\n\f\v]*")


@dataclass(slots=True)
class WarcStats:
    """What an archive held: records read, pages made, records skipped (by why), damage."""

    records: int = 0
    pages: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    damaged: int = 0


class _DamageError(Exception):
    """The archive is truncated or corrupt here."""


class _BombError(Exception):
    """The archive inflates to more than its budget: reading it stops."""


@dataclass(slots=True)
class _Budget:
    """Inflated bytes a gzipped archive may still yield, across resynchronisations."""

    left: int


class _MalformedError(ValueError):
    """A header block that does not end, or is too long."""


class _Source(Protocol):
    def read_some(self) -> bytes:
        """The next bytes of the (inflated) stream; ``b""`` at its end."""
        ...

    def offset(self, pos: int) -> int:
        """Where in the file the stream position ``pos`` is read from."""
        ...

    def label(self, pos: int) -> str:
        """How a page's source names the stream position ``pos``."""
        ...


class _PlainSource:
    def __init__(self, file: IO[bytes], start: int, budget: _Budget) -> None:
        del budget  # a plain archive inflates nothing
        file.seek(start)
        self._file = file
        self._start = start

    def read_some(self) -> bytes:
        return self._file.read(_CHUNK)

    def offset(self, pos: int) -> int:
        return self._start + pos

    def label(self, pos: int) -> str:
        return str(self._start + pos)


class _GzipSource:
    """Inflates a multi-member gzip file, remembering where each member starts."""

    def __init__(self, file: IO[bytes], start: int, budget: _Budget) -> None:
        file.seek(start)
        self._file = file
        self._budget = budget
        self._pending = b""  # compressed bytes read but not yet inflated
        self._pending_at = start  # their offset in the file
        self._inflate: zlib._Decompress | None = None
        self._out = 0  # inflated bytes handed out so far
        self._members: list[tuple[int, int]] = []  # (stream position, file offset)

    def read_some(self) -> bytes:
        while True:
            if not self._pending:
                self._pending = self._file.read(_CHUNK)
                if not self._pending:
                    if self._inflate is not None:
                        raise _DamageError("gzip member ends early")
                    return b""
            if self._inflate is None:
                self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
                self._members.append((self._out, self._pending_at))
                # Positions before the last few members are never asked about again.
                del self._members[:-64]
            try:
                out = self._inflate.decompress(self._pending, _CHUNK)
            except zlib.error as error:
                raise _DamageError(f"corrupt gzip data: {error}") from None
            rest = self._inflate.unused_data if self._inflate.eof else self._inflate.unconsumed_tail
            self._pending_at += len(self._pending) - len(rest)
            self._pending = rest
            if self._inflate.eof:
                self._inflate = None
            self._out += len(out)
            self._budget.left -= len(out)
            if self._budget.left < 0:
                raise _BombError
            if out:
                return out

    def member(self, pos: int) -> tuple[int, int]:
        """The stream position and file offset of the gzip member holding ``pos``."""
        start, offset = self._members[0] if self._members else (0, self._pending_at)
        for member_start, member_offset in self._members:
            if member_start > pos:
                break
            start, offset = member_start, member_offset
        return start, offset

    def offset(self, pos: int) -> int:
        return self.member(pos)[1]

    def label(self, pos: int) -> str:
        start, offset = self.member(pos)
        return str(offset) if pos == start else f"{offset}+{pos - start}"


class _Reader:
    """Lines and byte counts over a source, tracking the stream position."""

    def __init__(self, source: _Source) -> None:
        self._source = source
        self._buf = bytearray()
        self.pos = 0
        #: Where the record being read starts, for naming it when it is damaged.
        self.record_start = 0
        #: Where the block of the record just read starts, until the next
        #: record's header is read: a header that does not parse there may
        #: have been swallowed in part by that block.
        self.last_block: int | None = None

    def _fill(self) -> bool:
        data = self._source.read_some()
        self._buf += data
        return bool(data)

    def _take(self, n: int) -> bytes:
        data = bytes(self._buf[:n])
        del self._buf[:n]
        self.pos += len(data)
        return data

    def readline(self, limit: int) -> bytes:
        """One line with its ``\\n``; at most ``limit`` bytes; ``b""`` at the end."""
        while (end := self._buf.find(b"\n", 0, limit)) < 0 and len(self._buf) < limit:
            if not self._fill():
                return self._take(len(self._buf))
        return self._take(end + 1 if end >= 0 else limit)

    def read(self, n: int) -> bytes:
        """``n`` bytes, fewer only at the end."""
        while len(self._buf) < n and self._fill():
            pass
        return self._take(n)

    def skip_spaces(self) -> None:
        """Drop the whitespace between records a buffer at a time (an archive of
        blank lines costs its reading); the next record starts after it."""
        while True:
            match = _SPACE.match(self._buf)
            end = match.end() if match else 0
            del self._buf[:end]
            self.pos += end
            self.record_start = self.pos  # damage met filling is named from here
            if self._buf or not self._fill():
                return


class _Block:
    """A record's content block: exactly ``length`` bytes, or damage if fewer."""

    def __init__(self, reader: _Reader, length: int) -> None:
        self._reader = reader
        self.left = length

    def _got(self, data: bytes, wanted: int) -> bytes:
        self.left -= len(data)
        if len(data) < wanted:
            raise _DamageError(f"record cut short: {self.left} bytes missing")
        return data

    def readline(self) -> bytes:
        line = self._reader.readline(min(self.left, _MAX_HEADER_BYTES))
        if not line.endswith(b"\n") and len(line) < min(self.left, _MAX_HEADER_BYTES):
            return self._got(line, self.left)
        self.left -= len(line)
        return line

    def read(self, n: int) -> bytes:
        n = min(n, self.left)
        return self._got(self._reader.read(n), n)

    def skip(self) -> None:
        while self.left:
            self.read(_CHUNK)


@dataclass(slots=True)
class _Record:
    source: str
    headers: dict[str, str]
    block: _Block


def read_warc(
    path: Path, *, max_bytes: int = DEFAULT_MAX_PAGE_BYTES, stats: WarcStats | None = None
) -> Iterator[Page | Rejection]:
    """The HTML pages in one WARC file, plain or gzipped (told by its first bytes).

    A damaged record is one ``unreadable`` rejection; reading resumes at the
    next record that parses. ``stats``, when given, is filled in as records go.
    """
    stats = stats if stats is not None else WarcStats()
    try:
        with Path(path).open("rb") as file:
            yield from _read(path, file, max_bytes, stats)
    except OSError as error:
        yield Rejection(str(path), "unreadable", error.strerror or str(error))


def _read(
    path: Path, file: IO[bytes], max_bytes: int, stats: WarcStats
) -> Iterator[Page | Rejection]:
    compressed = file.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC
    # Counted across resynchronisations: a bomb of many members is still one file.
    allowed = max_bytes + MAX_INFLATE_RATIO * os.fstat(file.fileno()).st_size
    budget = _Budget(allowed)
    start: int | None = 0
    reporting = True
    records, damaged = stats.records, stats.damaged
    while start is not None:
        source: _Source = (_GzipSource if compressed else _PlainSource)(file, start, budget)
        reader = _Reader(source)
        try:
            for record in _records(path, reader, source):
                reporting = True  # a good record ends the damaged stretch
                stats.records += 1
                if (item := _page(record, max_bytes, stats)) is not None:
                    yield item
            start = None
        except _BombError:
            detail = (
                f"inflates to more than {allowed} bytes ({MAX_INFLATE_RATIO} times its size "
                f"plus the {max_bytes}-byte limit); the rest is not read"
            )
            yield Rejection(str(path), "too_large", detail)
            return
        except _DamageError as error:
            at = reader.record_start
            if (resumed := _overrun(file, reader, source, at)) is not None:
                # The last record's Content-Length was a little too long: its
                # block took the start of this header. Read on from the header.
                stats.damaged += 1
                log.warning(
                    "%s: the WARC record before offset %d runs into it (Content-Length "
                    "too long); read on there",
                    path,
                    resumed,
                )
                start = resumed
                continue
            # Only the first failure of a damaged stretch is reported: the false
            # starts met while looking for the next record are not news.
            if reporting:
                stats.damaged += 1
                detail = f"damaged WARC record: {error}"
                yield Rejection(f"{path}#{source.label(at)}", "unreadable", detail)
                reporting = False
            start = _find(file, _GZIP_MAGIC if compressed else _RECORD_START, at, source)
    if stats.records == records and stats.damaged == damaged:
        # Nothing at all is news: a cut download or a wrong file, not an archive.
        yield Rejection(str(path), "empty", "no WARC records")


def _overrun(file: IO[bytes], reader: _Reader, source: _Source, at: int) -> int | None:
    """Where the header that the last record's block swallowed in part starts, if it did.

    Only when the damage is in the header right after a block read whole, and
    that header's start (``WARC/1.`` at a line start, for a plain archive; the
    gzip member, for one gzipped per record) lies just inside that block.
    """
    block = reader.last_block
    if block is None:
        return None
    if isinstance(source, _GzipSource):
        member, offset = source.member(at)
        return offset if block < member < at else None
    lo = max(block, at - _OVERRUN_WINDOW)
    needle = b"\n" + _RECORD_START
    file.seek(source.offset(lo))
    window = file.read(at - lo + len(needle))
    # A match starting at i puts the header at lo + i + 1, which must be before ``at``.
    found = window.rfind(needle, 0, at - lo - 2 + len(needle))
    return None if found < 0 else source.offset(lo + found + 1)


def _find(file: IO[bytes], needle: bytes, pos: int, source: _Source) -> int | None:
    """The file offset of the next ``needle`` after where stream position ``pos`` lies."""
    at = source.offset(pos) + 1
    file.seek(at)
    tail = b""
    while chunk := file.read(_CHUNK):
        window = tail + chunk
        found = window.find(needle)
        if found >= 0:
            return at - len(tail) + found
        tail = window[-(len(needle) - 1) :]
        at += len(chunk)
    return None


def _records(path: Path, reader: _Reader, source: _Source) -> Iterator[_Record]:
    """Each record's header and block, its block fully consumed when the next is read."""
    while True:
        reader.skip_spaces()
        line = reader.readline(_MAX_HEADER_BYTES)
        # Records end with two blank lines, but not every writer counts them right.
        while line and not line.strip():
            reader.record_start = reader.pos
            line = reader.readline(_MAX_HEADER_BYTES)
        if not line:
            return
        if not line.startswith(_WARC_MAGIC):
            raise _DamageError(f"expected a WARC header, found {line[:40]!r}")
        try:
            headers = _headers(reader)
        except _MalformedError as error:
            raise _DamageError(str(error)) from None
        try:
            length = int(headers["content-length"])
        except (KeyError, ValueError):
            raise _DamageError("no valid Content-Length") from None
        if length < 0:
            raise _DamageError("negative Content-Length")
        block = _Block(reader, length)
        reader.last_block = None
        yield _Record(f"{path}#{source.label(reader.record_start)}", headers, block)
        block.skip()
        reader.last_block = reader.pos - length


def _headers(reader: _Reader | _Block) -> dict[str, str]:
    """Header lines up to a blank one, names lowercased; the first of a repeated name wins.

    In a WARC header a line that is not ``name: value`` means two records ran
    together (one was cut short), so it is damage; HTTP headers from the wild
    are read leniently, skipping such lines.
    """
    strict = isinstance(reader, _Reader)
    headers: dict[str, str] = {}
    size = 0
    while True:
        line = reader.readline(_CHUNK) if isinstance(reader, _Reader) else reader.readline()
        size += len(line)
        if not line.endswith(b"\n") or size > _MAX_HEADER_BYTES:
            raise _MalformedError("header block cut short or too long")
        if not line.strip():
            return headers
        name, colon, value = line.decode("latin-1").partition(":")
        if colon and name.strip() and not name[0].isspace():
            headers.setdefault(name.strip().lower(), value.strip())
        elif strict and not line[:1].isspace():  # a space starts a folded continuation
            raise _MalformedError(f"not a header line: {line[:40]!r}")


def _skip(record: _Record, stats: WarcStats, why: str) -> None:
    stats.skipped[why] += 1
    log.debug("%s: skipped (%s)", record.source, why)


def _page(record: _Record, max_bytes: int, stats: WarcStats) -> Page | Rejection | None:
    """The page in one record, a rejection, or ``None`` for a record that holds no page."""
    kind = record.headers.get("warc-type", "").lower()
    if kind != "response":
        _skip(record, stats, kind or "untyped")
        return None
    if not record.headers.get("content-type", "").lower().startswith("application/http"):
        _skip(record, stats, "not_http")
        return None
    block = record.block
    parts = block.readline().split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        return Rejection(record.source, "unreadable", "payload is not an HTTP response")
    try:
        http = _headers(block)
    except _MalformedError as error:
        return Rejection(record.source, "unreadable", f"HTTP {error}")
    if (status := int(parts[1])) != 200:
        _skip(record, stats, f"http_{status}")
        return None
    media, charset = parse_content_type(http.get("content-type"))
    if media not in HTML_TYPES and media not in UNKNOWN_TYPES:
        _skip(record, stats, "not_html")
        return None
    if block.left > max_bytes:
        detail = f"{block.left} bytes, over the {max_bytes}-byte limit"
        return Rejection(record.source, "too_large", detail)
    wire = block.read(block.left)
    try:
        body = _decode_body(wire, http, max_bytes)
    except TooLargeError as error:
        return Rejection(record.source, "too_large", str(error))
    except EncodingError as error:
        return Rejection(record.source, "unreadable", str(error), raw=keep_raw(wire))
    try:
        page = page_from_bytes(
            body,
            record.source,
            kind="html" if media in HTML_TYPES else None,
            url=record.headers.get("warc-target-uri") or None,
            fetched_at=_warc_date(record.headers.get("warc-date")),
            declared_encoding=charset,
            max_bytes=max_bytes,
        )
    except PageError as error:
        if media in UNKNOWN_TYPES:
            # An unlabelled payload that is not text was never a page.
            _skip(record, stats, "not_html")
            return None
        return rejection_from(error, body)
    if page.kind != "html":
        _skip(record, stats, "not_html")
        return None
    stats.pages += 1
    return page


def _decode_body(wire: bytes, http: dict[str, str], max_bytes: int) -> bytes:
    """The payload as the page was sent: de-chunked, then inflated.

    Common Crawl stores payloads already decoded and renames the headers that
    said otherwise (``X-Crawler-Content-Encoding``); other crawlers store the
    bytes off the wire, with their headers.
    """
    if "chunked" in http.get("transfer-encoding", "").lower():
        wire = _dechunk(wire)
    inflater = Inflater(http.get("content-encoding"), max_bytes)
    body = inflater.feed(wire)
    inflater.finish()
    return body


def _dechunk(data: bytes) -> bytes:
    """Chunked transfer coding undone; data that is not chunked after all is kept as is."""
    out = bytearray()
    pos = 0
    while True:
        end = data.find(b"\r\n", pos)
        try:
            size = int(data[pos:end].split(b";", 1)[0], 16) if end >= 0 else -1
        except ValueError:
            size = -1
        if size < 0 or end + 2 + size > len(data):
            # Some archives keep the header but store the body de-chunked.
            return data if pos == 0 else bytes(out)
        if size == 0:
            return bytes(out)
        out += data[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        log.debug("unreadable WARC-Date %r", value)
        return None
