"""Turning a page's raw bytes into text, or saying why that cannot be done.

The order follows what browsers do, with one lesson from news archives added:
a byte-order mark wins; then a charset the caller was told (HTTP headers) or
the page declares in a ``<meta>`` tag; then strict UTF-8; then a guess. Two
departures from a browser, both because mislabelled pages are common:

* bytes that are valid UTF-8 and not plain ASCII are read as UTF-8 even when a
  legacy charset is declared, since legacy text is almost never valid UTF-8 by
  accident, while UTF-8 pages still labelled ``iso-8859-1`` are everywhere;
  so are UTF-8 pages with a few cp1252 bytes pasted in, which are read as
  UTF-8 with each invalid byte read as cp1252 (see :func:`_mixed_utf8`);
* when guessing, Windows-1252 is tried before charset-normalizer, because the
  latter often names an exotic code page (cp1257, mac_iceland) for short French
  or German text, which turns "café" into "cafÈ"-like garbage.
"""

from __future__ import annotations

import codecs
import re
import string

from charset_normalizer import from_bytes

from newsweave.errors import PageError

#: Signatures of formats that are never a text page, checked before decoding.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "ELF executable"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
)

#: UTF-32 marks come first: the UTF-32-LE mark starts with the UTF-16-LE one.
#: The codec named is the one that consumes the mark, so that
#: ``raw.decode(encoding)`` gives the text back.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: C0 controls other than whitespace and ESC (ISO-2022 text uses ESC), and DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
#: More control characters than this share of the input means it is not text.
_MAX_CONTROL_SHARE = 0.05

#: Only the start of a page is searched for a ``<meta>`` charset, as browsers do.
_META_WINDOW = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)

#: Labels read as the encoding browsers actually use for them (WHATWG Encoding):
#: pages labelled Latin-1 or ASCII are written on Windows and hold cp1252 quotes.
_LABEL_ALIASES = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
}
#: Codecs a label must never select: not page encodings at all, or (UTF-16/32,
#: UTF-7) ones a label cannot be trusted for; the BOM and NUL checks find UTF-16.
_REFUSED_CODECS = frozenset(
    {
        "idna",
        "punycode",
        "unicode-escape",
        "raw-unicode-escape",
        "undefined",
        "utf-7",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "utf-32-le",
        "utf-32-be",
    }
)

#: Guesses charset-normalizer makes for garbage more often than for real pages:
#: EBCDIC, and UTF-16/32 without the NUL bytes that Latin-script UTF-16 has.
_IMPLAUSIBLE_GUESSES = frozenset(
    {
        "cp037",
        "cp273",
        "cp424",
        "cp500",
        "cp875",
        "cp1026",
        "cp1140",
        "utf_16",
        "utf_16_be",
        "utf_16_le",
        "utf_32",
        "utf_32_be",
        "utf_32_le",
    }
)

#: In cp1252 text, a Western page has few non-ASCII letters; Cyrillic, Greek,
#: Hebrew or CJK bytes read as cp1252 become words made of them ("Ïðåçèäåíò").
_MAX_NON_ASCII_LETTER_SHARE = 0.3
#: Symbols that sit between letters in real Western text (apostrophes, dashes,
#: the Catalan middle dot, soft hyphen, the acute accent typed as apostrophe).
_IN_WORD_PUNCTUATION = frozenset("’‘–—·\xad´`")
#: Non-ASCII symbols common in Western news text anywhere in a line.
_WESTERN_SYMBOLS = frozenset("‘’‚“”„–—…•€£¥¢©®™°«»§¶×÷¡¿\xa0\xad±²³¹¼½¾µºª‰†‡‹›·´")
#: Above this share of odd symbols among the non-ASCII characters, the cp1252
#: reading is taken to be a Central European page (Polish "Rz¹d", "bud¿et").
_MAX_ODD_SHARE = 0.1
#: The judgement needs a sample, not a whole 20 MB page.
_WESTERN_SAMPLE = 65536
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_LETTERS = string.ascii_letters.encode("ascii")
#: The bytes ``surrogateescape`` could not decode, and their cp1252 readings;
#: the five bytes cp1252 leaves undefined read as Latin-1, as browsers do.
_ESCAPED = re.compile("[\udc80-\udcff]")
#: What a Western page's real UTF-8 holds: Latin letters and symbols, punctuation.
_NOT_WESTERN_UTF8 = re.compile("[^\x00-\x7f\xa0-\u024f\u2010-\u203f\u20ac\u2122]")
_CP1252_OF_ESCAPED = {
    0xDC00 + b: bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0x100)
}


def decode(raw: bytes, *, declared: str | None = None, source: str = "<bytes>") -> tuple[str, str]:
    """Decode a page's bytes into ``(text, encoding)``, newlines normalised to ``\\n``.

    ``declared`` is a charset the caller was told, such as an HTTP header's.
    ``raw.decode(encoding)`` gives ``text`` back, up to newlines, except for
    UTF-8 with cp1252 bytes mixed in (``"utf-8"``, read byte by byte). Raises
    :class:`~newsweave.errors.PageError` with reason ``binary`` when the bytes
    are not text at all, ``undecodable`` when no encoding reads them sensibly.
    """
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise PageError(source, "binary", f"content is a {what}, not a text page")
    text, encoding = _decode_text(raw, declared, source)
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decode_text(raw: bytes, declared: str | None, source: str) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            text = _strict(raw, codec)
            if text is None:
                raise PageError(source, "undecodable", f"not valid {codec} despite its BOM")
            if _control_share(text) > _MAX_CONTROL_SHARE:
                raise PageError(source, "binary", "mostly control characters after the BOM")
            return text, codec

    if b"\x00" in raw:
        return _decode_utf16_without_bom(raw, source)
    controls = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_SHARE * len(raw):
        raise PageError(source, "binary", f"{controls} of {len(raw)} bytes are control bytes")

    utf8 = _strict(raw, "utf-8")
    if utf8 is None:
        # Mostly UTF-8 with a few cp1252 bytes (a quote pasted from Word): each bad
        # byte is read as cp1252, not the whole page, which would garble the rest.
        utf8 = _mixed_utf8(raw)
    # Valid UTF-8 with non-ASCII bytes beats a legacy label (see module docstring);
    # pure ASCII must still honour a label, as ISO-2022-JP is seven-bit.
    if utf8 is None or raw.isascii():
        for label in (declared, _meta_charset(raw)):
            for codec in _codecs_for(label):
                text = _strict(raw, codec)
                if text is not None:
                    return text, codec
    if utf8 is not None:
        return utf8, "utf-8"

    western = _strict(raw, "cp1252")
    if western is not None and _looks_western(western):
        return western, "cp1252"
    return _guess(raw, source)


def _mixed_utf8(raw: bytes) -> str | None:
    """``raw`` read as UTF-8 with each invalid byte read as cp1252, or ``None``.

    Only when the valid multi-byte UTF-8 characters are at least as many as the
    invalid bytes, or are all Latin letters and Western punctuation: legacy text
    (cp1252, Shift_JIS, EUC-KR) forms a valid UTF-8 sequence by accident far less
    often than it breaks one, and when it does the character is rarely Western
    (cp1252 "ß“" is UTF-8 for an N'Ko letter).
    """
    text = raw.decode("utf-8", "surrogateescape")  # a bad byte b becomes U+DC00+b
    # Counted in C: a 20 MB page must not become millions of one-character strings.
    rest = _ESCAPED.sub("", text)
    invalid = len(text) - len(rest)
    valid = len(rest) - len(rest.encode("ascii", "ignore"))
    if not valid or (valid < invalid and _NOT_WESTERN_UTF8.search(rest)):
        return None
    return text.translate(_CP1252_OF_ESCAPED)


def _decode_utf16_without_bom(raw: bytes, source: str) -> tuple[str, str]:
    """Read BOM-less UTF-16 of Latin-script text, whose every other byte is NUL.

    Any other NUL byte means binary data, as it does for grep and git.
    """
    half = len(raw) // 2
    even_nuls = raw[0::2].count(0)
    odd_nuls = raw[1::2].count(0)
    codec = None
    if len(raw) % 2 == 0 and half:
        if odd_nuls >= 0.4 * half and even_nuls <= 0.01 * half:
            codec = "utf-16-le"
        elif even_nuls >= 0.4 * half and odd_nuls <= 0.01 * half:
            codec = "utf-16-be"
    if codec is not None:
        text = _strict(raw, codec)
        if text is not None and _control_share(text) <= _MAX_CONTROL_SHARE:
            return text, codec
    raise PageError(source, "binary", f"contains {even_nuls + odd_nuls} NUL bytes")


def _guess(raw: bytes, source: str) -> tuple[str, str]:
    # Matches come best first; the first plausible one that reads cleanly wins.
    for match in from_bytes(raw):
        if match.encoding in _IMPLAUSIBLE_GUESSES:
            continue
        text = _strict(raw, match.encoding)
        if text is not None and _control_share(text) <= _MAX_CONTROL_SHARE:
            return text, match.encoding
    raise PageError(source, "undecodable", "no encoding reads these bytes as sensible text")


def _strict(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for _ in _CONTROL_CHARS.finditer(text)) / len(text)


def _meta_charset(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw, 0, _META_WINDOW)
    return match.group(1).decode("ascii") if match else None


def _codecs_for(label: str | None) -> list[str]:
    """The codecs to try, in order, for a charset label; none for a useless one."""
    if not label:
        return []
    try:
        info = codecs.lookup(label.strip())
    except LookupError:
        return []
    name = info.name
    if name in _REFUSED_CODECS or not getattr(info, "_is_text_encoding", True):
        return []
    if name in ("ascii", "iso8859-1"):
        # cp1252 leaves five bytes undefined; a page truly in Latin-1 may use them.
        return ["cp1252", "iso8859-1"]
    return [_LABEL_ALIASES.get(name, name)]


def _looks_western(text: str) -> bool:
    """Whether a cp1252 reading of unknown bytes looks like a Western European page.

    Two tells of a wrong reading: words made mostly of non-ASCII letters (other
    scripts' bytes all land on À-ÿ), and symbols wedged between letters.
    """
    text = text[:_WESTERN_SAMPLE]
    # Only the few non-ASCII characters are looked at one by one; the ASCII
    # letters are counted in C, which keeps this cheap on a long page.
    ascii_only = text.encode("ascii", "ignore")
    letters = len(ascii_only) - len(ascii_only.translate(None, _ASCII_LETTERS))
    non_ascii_letters = 0
    non_ascii = 0
    odd = 0
    for match in _NON_ASCII.finditer(text):
        char, i = match.group(), match.start()
        non_ascii += 1
        if char.isalpha():
            non_ascii_letters += 1
        elif (char not in _WESTERN_SYMBOLS and not char.isspace()) or _wedged(text, i):
            odd += 1
    if non_ascii_letters > _MAX_NON_ASCII_LETTER_SHARE * (letters + non_ascii_letters):
        return False
    return odd <= _MAX_ODD_SHARE * non_ascii


def _wedged(text: str, i: int) -> bool:
    """Whether the symbol at ``i`` sits between two letters, as no Western one should."""
    return (
        text[i] not in _IN_WORD_PUNCTUATION
        and 0 < i < len(text) - 1
        and text[i - 1].isalpha()
        and text[i + 1].isalpha()
    )
