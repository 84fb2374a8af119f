"""Plain dataclasses passed between the pipeline's stages.

Every stage is a function from one of these to another, so each can be tested,
swapped or run on another machine (a Dask worker, say) without the others.
Dates are :class:`datetime.datetime` values: aware when the page gives a time
zone, naive when it gives a local time only, ``None`` when it does not say;
nothing here guesses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal


def content_hash(data: bytes) -> str:
    """The identity of a page: SHA-256 of its raw bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def safe_text(text: str) -> str:
    """``text`` as valid Unicode, with what is not shown as backslash escapes.

    A file name that is not UTF-8 reaches Python with its odd bytes as lone
    surrogates (``caf\\udce9``), which no database, JSON or terminal accepts;
    here they become ``caf\\xe9``, the bytes still readable from the name.
    Any other lone surrogate (from a JSON ``"\\ud800"``) becomes ``\\ud800``.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


#: The article fields an input record may state (see :class:`Given`), in the
#: order :attr:`Article.given` lists them.
GIVEN_FIELDS = ("title", "published", "outlet", "byline", "language", "summary", "body")


@dataclass(frozen=True, slots=True)
class Given:
    """What an input record states about its article, which extraction does not second-guess.

    A JSON Lines record or a news-please record may carry the title, date,
    outlet, authors, language and standfirst its producer already knows; each
    one given replaces what extraction would find, and the article lists it in
    :attr:`Article.given`. With ``body``, the page's text is the article's body
    itself (one paragraph a line, as news-please's ``maintext``), kept as it is
    rather than extracted, and may be empty: a title-only article.
    """

    title: str | None = None
    published: datetime | None = None
    published_precision: Literal["day", "time"] | None = None
    outlet: str | None = None
    byline: str | None = None
    language: str | None = None
    summary: str | None = None
    body: bool = False

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the fields given, in :data:`GIVEN_FIELDS` order."""
        return tuple(name for name in GIVEN_FIELDS if getattr(self, name) not in (None, False))


@dataclass(frozen=True, slots=True)
class Page:
    """One raw input page, exactly as it arrived, with where and how it was read.

    ``id`` is the content hash of ``raw``: the same bytes ingested twice are the
    same page. ``text`` is ``raw`` decoded with ``encoding``, except for a
    record that states metadata (``given``): then ``raw`` is the whole record,
    so that nothing it says is lost, and ``text`` is the page or body it holds.
    """

    id: str
    source: str
    raw: bytes
    text: str
    encoding: str
    kind: Literal["text", "html"]
    url: str | None = None
    fetched_at: datetime | None = None
    given: Given | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not become an article, kept with the reason why.

    ``reason`` is a short machine-readable code (``empty``, ``binary``,
    ``too_large``, ``unreadable``, ``undecodable``, ``bad_record``,
    ``no_article``); ``detail`` says it in words for a person.
    """

    source: str
    reason: str
    detail: str
    page_id: str | None = None
    raw: bytes | None = None


@dataclass(frozen=True, slots=True)
class DroppedLine:
    """A line of the page that extraction left out of the body, and why."""

    text: str
    reason: str


def json_number(value: float | None) -> float | int | None:
    """A bound as JSON shows it: a whole number without its ".0"."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


#: What joins an article's paragraphs into its text (:attr:`Article.text`).
PARAGRAPH_GAP = "\n\n"


def with_offsets(body: Sequence[str]) -> Iterator[tuple[int, str]]:
    """Each paragraph with where it starts once they are joined by :data:`PARAGRAPH_GAP`."""
    start = 0
    for paragraph in body:
        yield start, paragraph
        start += len(paragraph) + len(PARAGRAPH_GAP)


@dataclass(slots=True)
class Article:
    """The article one page holds: its metadata and clean body.

    ``outlet`` is who wrote it (Associated Press); ``republished_by`` is the
    site the page came from when that differs (a newspaper carrying AP copy).
    ``body`` is a list of paragraphs. ``published_precision`` is ``"day"`` when
    the page gives a date but no time of day. ``given`` names the fields the
    input record stated (see :class:`Given`) rather than extraction found;
    empty for a page read as it is.
    """

    id: str
    page_id: str
    source: str
    title: str
    body: list[str]
    outlet: str | None = None
    republished_by: str | None = None
    published: datetime | None = None
    published_precision: Literal["day", "time"] | None = None
    byline: str | None = None
    dateline: str | None = None
    language: str | None = None
    summary: str | None = None
    url: str | None = None
    dropped: list[DroppedLine] = field(default_factory=list)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    given: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by blank lines."""
        return PARAGRAPH_GAP.join(self.body)

    def paragraphs(self) -> Iterator[tuple[int, str]]:
        """Each paragraph of the body with where it starts in :attr:`text`,
        the offsets claims, mentions and sentences are given in."""
        return with_offsets(self.body)

    @property
    def published_iso(self) -> str | None:
        """The publication date in ISO 8601, date-only when the time is unknown."""
        if self.published is None:
            return None
        if self.published_precision == "day":
            return self.published.date().isoformat()
        return self.published.isoformat()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: dates as ISO 8601, body as one string."""
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "outlet": self.outlet,
            "republished_by": self.republished_by,
            "published": self.published_iso,
            "byline": self.byline,
            "dateline": self.dateline,
            "language": self.language,
            "summary": self.summary,
            "body": self.text,
            "given": list(self.given),
        }


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure as a range: ``low``/``high`` are ``None`` where unbounded.

    "about 10,000-12,000" is ``(10000, 12000, approximate=True)``; "more than
    1,000" is ``(1000, None)``; "up to 3,000" is ``(None, 3000)``.
    """

    low: float | None
    high: float | None
    approximate: bool = False
    text: str = ""

    def overlaps(self, other: Quantity) -> bool:
        """Whether two figures can both be true: their ranges intersect."""
        lo = max(_lo(self.low), _lo(other.low))
        hi = min(_hi(self.high), _hi(other.high))
        return lo <= hi


def _lo(v: float | None) -> float:
    return float("-inf") if v is None else v


def _hi(v: float | None) -> float:
    return float("inf") if v is None else v


@dataclass(slots=True)
class Claim:
    """One attributed statement from an article, with its figure if it has one.

    ``source`` is who the article says said it (``None`` when the outlet says it
    in its own voice); ``chain`` is the attribution from the outlet outwards
    (outlet, source, the source's source). ``part`` says where the sentence
    is: ``"body"``, ``"title"`` or ``"summary"`` (the standfirst);
    ``start``/``end`` are character offsets of ``sentence`` in the article's
    ``text``, or in its title or summary.
    """

    article_id: str
    sentence: str
    start: int
    end: int
    outlet: str | None = None
    source: str | None = None
    chain: list[str] = field(default_factory=list)
    quantity: Quantity | None = None
    measure: str | None = None
    when: str | None = None
    part: str = "body"

    def to_dict(self) -> dict[str, Any]:
        """The claim as JSON-ready data, its figure's fields flat (the one shape of a
        claim: the API's, the CLI's and a stored report's)."""
        q = self.quantity
        return {
            "outlet": self.outlet,
            "source": self.source,
            "chain": list(self.chain),
            "text": q.text if q else None,
            "low": json_number(q.low) if q else None,
            "high": json_number(q.high) if q else None,
            "approximate": q.approximate if q else None,
            "measure": self.measure,
            "when": self.when,
            "sentence": self.sentence,
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "part": self.part,
        }


@dataclass(frozen=True, slots=True)
class Mention:
    """A name the entity recogniser found in an article.

    ``label`` is the recogniser's (``PERSON``, ``ORG``, ``GPE``, ...);
    ``start``/``end`` are character offsets of ``text`` in the article's ``text``.
    """

    article_id: str
    start: int
    end: int
    label: str
    text: str


@dataclass(slots=True)
class Story:
    """Reports of one event: article ids in publication order.

    ``syndicated`` maps an article id to the id of the article it copies, so
    that fifty sites carrying one wire report count as one source.
    """

    id: str
    title: str
    article_ids: list[str]
    first_published: datetime | None = None
    last_published: datetime | None = None
    syndicated: dict[str, str] = field(default_factory=dict)


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601 for a date or datetime, ``None`` for ``None``."""
    return None if value is None else value.isoformat()


def from_iso(value: str | None) -> datetime | None:
    """The datetime :func:`iso` wrote (naive or aware, as it was)."""
    return None if value is None else datetime.fromisoformat(value)


def sort_time(value: datetime | None) -> datetime:
    """A key that orders aware, naive (taken as UTC) and missing dates (last)."""
    if value is None:
        return datetime.max.replace(tzinfo=UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
