"""HTTP message details shared by the WARC reader and the fetcher.

Both meet the same HTTP responses, one archived and one live, so both read the
``Content-Type`` and undo ``Content-Encoding`` the same way, with the size cap
applied to the inflated bytes as they come, so a compression bomb costs nothing.
"""

from __future__ import annotations

import zlib
from email.message import Message

#: Media types that hold an HTML page.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Media types that say nothing about the content, so it is sniffed instead.
UNKNOWN_TYPES = frozenset(
    {"", "application/octet-stream", "binary/octet-stream", "unknown/unknown"}
)
#: The encodings :class:`Inflater` undoes; what a fetch offers in Accept-Encoding.
SUPPORTED_ENCODINGS = ("gzip", "deflate")
_IDENTITY = frozenset({"", "identity"})
_ALIASES = {"x-gzip": "gzip"}


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """``(media type, charset)`` of a Content-Type header, lowercased; ``("", None)`` if absent."""
    if not value:
        return "", None
    message = Message()
    message["content-type"] = value
    charset = message.get_param("charset")
    # get_param gives a tuple for RFC 2231 values; a page's charset is never one.
    charset = charset.strip() or None if isinstance(charset, str) else None
    media = message.get_content_type() if "/" in value.split(";", 1)[0] else ""
    return media.lower(), charset


class EncodingError(ValueError):
    """A Content-Encoding that is unsupported, or data that does not inflate."""


class TooLargeError(ValueError):
    """The inflated body is over the size limit."""


class Inflater:
    """Undoes a Content-Encoding chunk by chunk, never producing more than ``limit`` bytes.

    Raises :class:`TooLargeError` as soon as the output would pass ``limit``, and
    :class:`EncodingError` for an unknown encoding or corrupt data.
    """

    def __init__(self, encoding: str | None, limit: int) -> None:
        codings = [c.strip().lower() for c in (encoding or "").split(",")]
        codings = [_ALIASES.get(c, c) for c in codings if c not in _IDENTITY]
        if len(codings) > 1 or any(c not in SUPPORTED_ENCODINGS for c in codings):
            raise EncodingError(f"unsupported content-encoding {encoding!r}")
        self._coding = codings[0] if codings else None
        self._limit = limit
        self._size = 0
        # Deflate's decompressor is made on the first chunk, which says which kind.
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16) if self._coding == "gzip" else None

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes for one more chunk of the body."""
        if self._coding == "deflate" and self._inflate is None and data:
            # "deflate" is meant to be zlib-wrapped, but some servers send raw
            # deflate; a zlib header is a checksummed pair of bytes.
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        if self._inflate is None:
            return self._count(data)
        try:
            # max_length keeps one small chunk of a bomb from inflating without bound.
            out = self._inflate.decompress(data, self._limit - self._size + 1)
        except zlib.error as error:
            raise EncodingError(f"corrupt {self._coding} data: {error}") from None
        self._count(out)
        if self._inflate.unconsumed_tail:
            raise TooLargeError(f"inflates to more than {self._limit} bytes")
        return out

    def finish(self) -> None:
        """Check that a compressed body was complete: a cut one would be a partial page."""
        if self._inflate is not None and not self._inflate.eof:
            raise EncodingError(f"{self._coding} data ends early")

    def _count(self, data: bytes) -> bytes:
        self._size += len(data)
        if self._size > self._limit:
            raise TooLargeError(f"more than {self._limit} bytes")
        return data
