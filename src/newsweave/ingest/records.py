"""JSON records: a page, or an article with what its producer already knows about it.

Two forms are read, told apart by their keys (any news-please key makes a
record news-please's):

newsweave's own, one a line in ``.jsonl`` (or alone, or in a list, in ``.json``):
    ``url``; the page as ``html`` or ``text`` (a scraped dump), or the
    article's clean ``body`` (one paragraph a line); ``fetched_at``; and what
    is known: ``title``, ``published`` (ISO 8601 date or date and time),
    ``outlet``, ``authors`` (a list or one string), ``language``, ``summary``
    (or ``description``).

news-please's, the JSON its crawler writes (one record a ``.json`` file):
    ``title`` (else ``title_rss``, ``title_page``), ``maintext`` (or
    ``text``) as the body, ``date_publish``, ``date_download``, ``authors``,
    ``source_domain`` as the outlet, ``url``, ``language``, ``description``
    as the summary; the other keys (``image_url``...) stay in the stored record.

What a record states is a :class:`~newsweave.models.Given`: it wins over
extraction and the article marks it as given. A record that states anything
is stored whole as its page's ``raw``, so its identity is the record's and
nothing it says is lost; a record with only ``url``, ``html``/``text`` and
``fetched_at`` is its page's bytes, as it always was. A record with a title
but no text is a title-only article; news-please writes records of pages it
could read nothing from, and those are kept too (their URL and date place
them). A record that cannot be read is a ``bad_record`` rejection naming its
``file:line`` and what is wrong, with its bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from newsweave.config import DEFAULT_MAX_PAGE_BYTES
from newsweave.errors import PageError
from newsweave.ingest.decoding import decode
from newsweave.ingest.pages import Kind, keep_raw, page_from_bytes, rejection_from
from newsweave.models import Given, Page, Rejection, content_hash

#: Keys only news-please writes.
NEWS_PLEASE_KEYS = frozenset(
    {
        "maintext",
        "date_publish",
        "date_download",
        "date_modify",
        "source_domain",
        "title_page",
        "title_rss",
        "localpath",
    }
)
_DATE_ONLY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _RecordError(ValueError):
    """What is wrong with a record, in words."""


@dataclass(slots=True)
class _Fields:
    url: str | None
    fetched_at: datetime | None
    kind: Kind
    #: The page (html or text) to extract, or with ``given.body`` the body itself.
    content: str
    given: Given
    #: The record's key for ``content``, to name in an error.
    key: str = "text"


def read_json(
    raw: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_PAGE_BYTES
) -> Iterator[Page | Rejection]:
    """The records of a ``.json`` file: one object, or a list of them sourced ``source:N``."""
    data = _parse(raw, source)
    if isinstance(data, Rejection):
        yield data
    elif isinstance(data, list):
        if not data:
            yield Rejection(source, "empty", "an empty JSON list", raw=keep_raw(raw))
        for number, item in enumerate(data, 1):
            item_raw = json.dumps(item, ensure_ascii=False).encode("utf-8", "surrogatepass")
            yield page_from_object(item, item_raw, f"{source}:{number}", max_bytes=max_bytes)
    else:
        yield page_from_object(data, raw, source, max_bytes=max_bytes)


def page_from_record(
    raw: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_PAGE_BYTES
) -> Page | Rejection:
    """One record's page from its JSON bytes (a JSON Lines line), or why it has none."""
    data = _parse(raw, source)
    if isinstance(data, Rejection):
        return data
    return page_from_object(data, raw, source, max_bytes=max_bytes)


def _parse(raw: bytes, source: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError as error:
        detail = f"not valid JSON: {error}"
    except RecursionError:
        detail = "not valid JSON: nested too deeply"
    return Rejection(source, "bad_record", detail, raw=keep_raw(raw))


def page_from_object(
    record: Any, raw: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_PAGE_BYTES
) -> Page | Rejection:
    """The page of one parsed record whose bytes are ``raw``, or why it has none."""

    def bad(detail: str) -> Rejection:
        return Rejection(source, "bad_record", detail, raw=keep_raw(raw))

    if not isinstance(record, dict):
        return bad(f"a JSON {type(record).__name__}, not an object")
    try:
        if NEWS_PLEASE_KEYS.isdisjoint(record):
            fields = _newsweave_fields(record)
        else:
            fields = _news_please_fields(record)
    except _RecordError as error:
        return bad(str(error))
    try:
        body = fields.content.encode("utf-8")
    except UnicodeEncodeError:
        return bad(f"{fields.key} holds unpaired surrogates")
    given = fields.given
    if not given.fields:
        # Nothing stated: the page is the record's html or text, as it always was.
        try:
            return page_from_bytes(
                body,
                source,
                kind=fields.kind,
                url=fields.url,
                fetched_at=fields.fetched_at,
                declared_encoding="utf-8",
                max_bytes=max_bytes,
            )
        except PageError as error:
            return rejection_from(error, body)
    if len(body) > max_bytes:
        detail = f"its page is {len(body)} bytes, over the {max_bytes}-byte limit"
        return Rejection(source, "too_large", detail, raw=keep_raw(raw))
    text = ""
    if body.strip():
        try:
            text, _ = decode(body, declared="utf-8", source=source)
        except PageError as error:
            return Rejection(source, error.reason, error.detail, raw=keep_raw(raw))
    record_raw = raw.strip()
    return Page(
        id=content_hash(record_raw),
        source=source,
        raw=record_raw,
        text=text,
        encoding="utf-8",
        kind=fields.kind,
        url=fields.url,
        fetched_at=fields.fetched_at,
        given=given,
    )


def _newsweave_fields(record: dict[str, Any]) -> _Fields:
    title = _text(record, "title")
    kind: Kind = "text"
    key = "body"
    body = _string(record, "body")
    content = body
    if body is None:
        for kind in ("html", "text"):
            if (content := _string(record, kind)) is not None:
                key = kind
                break
        else:
            if title is None:
                raise _RecordError("has no html, text, body or title")
    published, precision = _date(record, "published")
    given_body = body is not None
    if not given_body and title is not None and not (content or "").strip():
        given_body = True  # a title and an empty page: a title-only article
    return _Fields(
        url=_string(record, "url"),
        fetched_at=_date(record, "fetched_at")[0],
        kind="text" if given_body else kind,
        content=content or "",
        given=Given(
            title=title,
            published=published,
            published_precision=precision,
            outlet=_text(record, "outlet"),
            byline=_authors(record, "authors"),
            language=_text(record, "language"),
            summary=_text(record, "summary", "description"),
            body=given_body,
        ),
        key=key,
    )


def _news_please_fields(record: dict[str, Any]) -> _Fields:
    key = "maintext" if record.get("maintext") is not None else "text"
    body = _string(record, key)
    url = _string(record, "url")
    title = _text(record, "title", "title_rss", "title_page")
    if url is None and title is None and not (body or "").strip():
        raise _RecordError("news-please record with no url, title or text")
    # news-please writes a day without a time as its midnight.
    published, precision = _date(record, "date_publish", midnight_is_day=True)
    return _Fields(
        url=url,
        fetched_at=_date(record, "date_download")[0],
        kind="text",
        content=body or "",
        given=Given(
            title=title,
            published=published,
            published_precision=precision,
            outlet=_text(record, "source_domain"),
            byline=_authors(record, "authors"),
            language=_text(record, "language"),
            summary=_text(record, "description"),
            body=True,
        ),
        key=key,
    )


def _string(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _RecordError(f"{key} is not a string")
    return value


def _text(record: dict[str, Any], *keys: str) -> str | None:
    """The first of ``keys`` that holds more than whitespace, stripped and checked."""
    for key in keys:
        value = _string(record, key)
        if value is not None and value.strip():
            _encodable(value, key)
            return value.strip()
    return None


def _encodable(value: str, key: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _RecordError(f"{key} holds unpaired surrogates") from None


def _authors(record: dict[str, Any], key: str) -> str | None:
    """A list of names, or one string of them, as one byline: "A, B"."""
    value = record.get(key)
    if value is None or isinstance(value, str):
        return _text(record, key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _RecordError(f"{key} is neither a string nor a list of strings")
    names = [v.strip() for v in value if v.strip()]
    for name in names:
        _encodable(name, key)
    return ", ".join(names) or None


def _date(
    record: dict[str, Any], key: str, *, midnight_is_day: bool = False
) -> tuple[datetime | None, Literal["day", "time"] | None]:
    """An ISO 8601 date (precision ``day``) or date and time (``time``)."""
    value = _string(record, key)
    if value is None or not value.strip():
        return None, None
    value = value.strip()
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise _RecordError(f"{key} is not an ISO 8601 date: {value!r}") from None
    midnight = (when.hour, when.minute, when.second, when.microsecond) == (0, 0, 0, 0)
    day = _DATE_ONLY_RE.fullmatch(value) is not None or (midnight_is_day and midnight)
    return when, "day" if day else "time"
