"""What the API and the pages show, shaped from the store's objects.

Everything here is pure (objects in, plain data out), so the JSON API and the
HTML pages agree and both can be tested without a server. Article text is
untrusted: nothing here builds markup, it only cuts text into segments that
the templates escape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from newsweave.api import story_summary as summarise_story
from newsweave.models import Article, Claim, Page, Rejection, Story, iso
from newsweave.store.search import MARK_END, MARK_START

#: Claim-group relations, most telling first: a reader looks for disagreement.
RELATION_ORDER = {"conflict": 0, "evolving": 1, "agree": 2, "unique": 3}
#: Distinct outlet colours in the stylesheet (``.o0`` … ``.o7``).
OUTLET_COLOURS = 8


def safe_href(url: str | None) -> str | None:
    """``url`` if it is plain http(s), else ``None``: page URLs are untrusted and a
    ``javascript:`` link would run script however well its text is escaped."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url.strip()


def story_summary(story: Story, articles: dict[str, Article]) -> dict[str, Any]:
    """A story as ``newsweave stories --json`` lists it, with its article count."""
    members = [articles[i] for i in story.article_ids if i in articles]
    return {**summarise_story(story, members), "article_count": len(members)}


def article_summary(article: Article, story_id: str | None) -> dict[str, Any]:
    """An article's metadata for listings: everything but the body."""
    record = article.to_dict()
    del record["body"]
    record["page_id"] = article.page_id
    record["story_id"] = story_id
    return record


def article_detail(article: Article, story_id: str | None) -> dict[str, Any]:
    """An article with its body, the lines extraction dropped and why."""
    record = article.to_dict()
    record["page_id"] = article.page_id
    record["story_id"] = story_id
    record["dropped"] = [{"text": d.text, "reason": d.reason} for d in article.dropped]
    return record


def page_meta(page: Page, rejections: list[Rejection]) -> dict[str, Any]:
    """What is known about a stored page, without its bytes."""
    return {
        "id": page.id,
        "source": page.source,
        "url": page.url,
        "kind": page.kind,
        "encoding": page.encoding,
        "fetched_at": iso(page.fetched_at),
        "size": len(page.raw),
        "rejections": [rejection_dict(r) for r in rejections],
    }


def rejection_dict(rejection: Rejection) -> dict[str, Any]:
    """A rejection without its bytes."""
    return {
        "source": rejection.source,
        "reason": rejection.reason,
        "detail": rejection.detail,
        "page_id": rejection.page_id,
    }


# -- the story page -----------------------------------------------------------


def number(value: float | None) -> str:
    """A figure as people write it: 4,000, 2.5."""
    if value is None:
        return "?"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_range(low: float | None, high: float | None) -> str:
    """A claim's range in words: 4,000; 1,000–3,000; over 1,000; up to 3,000."""
    if low is None and high is None:
        return "no figure"
    if high is None:
        return f"over {number(low)}"
    if low is None:
        return f"up to {number(high)}"
    if low == high:
        return number(low)
    return f"{number(low)}–{number(high)}"


@dataclass(slots=True)
class FigureRow:
    """One figure of a claim group: who gave it and every outlet that carries it."""

    text: str
    low: float | None
    high: float | None
    source: str
    outlets: list[str]
    sentences: list[str]
    articles: list[str] = field(default_factory=list)

    @property
    def range(self) -> str:
        return format_range(self.low, self.high)

    @property
    def words(self) -> str | None:
        """The figure as the article wrote it, when that says more than :attr:`range`."""
        return self.text if self.text and self.text != self.range else None

    @property
    def middle(self) -> float:
        """Where the figure lies, for ordering: the middle of its known bounds."""
        bounds = [v for v in (self.low, self.high) if v is not None]
        return sum(bounds) / len(bounds) if bounds else float("inf")


@dataclass(slots=True)
class GroupView:
    """A claim group ready for the page: its figures condensed, its relation spelled out."""

    measure: str
    relation: str
    rows: list[FigureRow]

    @property
    def outlets(self) -> list[str]:
        return sorted({o for row in self.rows for o in row.outlets})


def group_views(groups: list[dict[str, Any]]) -> list[GroupView]:
    """The report's claim groups, conflicts first, then by how many outlets weigh in.

    Within a group, figures run from the smallest up, so the spread reads at once.

    Claims giving the same figure from the same source are one row listing
    every outlet that carries it, so a wire story reprinted three times reads
    as one voice, not three.
    """
    views = []
    for group in groups:
        rows: dict[tuple[Any, ...], FigureRow] = {}
        for claim in group.get("claims", []):
            source = claim.get("source") or "own reporting"
            key = (claim.get("low"), claim.get("high"), source.casefold())
            row = rows.get(key)
            if row is None:
                row = rows[key] = FigureRow(
                    text=claim.get("text") or "",
                    low=claim.get("low"),
                    high=claim.get("high"),
                    source=source,
                    outlets=[],
                    sentences=[],
                )
            outlet = claim.get("outlet") or "unknown"
            if outlet not in row.outlets:
                row.outlets.append(outlet)
            if claim.get("sentence"):
                row.sentences.append(claim["sentence"])
            if claim.get("article_id") and claim["article_id"] not in row.articles:
                row.articles.append(claim["article_id"])
        ordered = sorted(rows.values(), key=lambda r: r.middle)
        views.append(GroupView(group.get("measure") or "", group.get("relation", ""), ordered))
    views.sort(key=lambda g: (RELATION_ORDER.get(g.relation, 3), -len(g.outlets)))
    return views


def relations_by_sentence(groups: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """The strongest relation of each claimed sentence, by (article id, sentence)."""
    found: dict[tuple[str, str], str] = {}
    for group in groups:
        relation = group.get("relation", "")
        for claim in group.get("claims", []):
            key = (claim.get("article_id") or "", claim.get("sentence") or "")
            if _rank(relation) < _rank(found.get(key)):
                found[key] = relation
    return found


def _rank(relation: str | None) -> int:
    return RELATION_ORDER.get(relation or "", 3)


def outlet_colours(outlets: Iterable[str]) -> dict[str, int]:
    """A colour index per outlet, stable within one page."""
    return {o: i % OUTLET_COLOURS for i, o in enumerate(dict.fromkeys(outlets))}


# -- highlighted text ------------------------------------------------------------


@dataclass(slots=True)
class Segment:
    """A run of article text: plain, or a claim (with its relation) whose figure is emphasised.

    ``parts`` are (text, is_figure) pairs; plain text is one part.
    """

    parts: list[tuple[str, bool]]
    relation: str | None = None
    note: str | None = None

    @property
    def is_claim(self) -> bool:
        return self.note is not None


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    relation: str | None
    notes: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)


def highlight(
    article: Article, claims: list[Claim], relations: dict[tuple[str, str], str]
) -> list[list[Segment]]:
    """The article's paragraphs cut into plain and claimed segments.

    Claim offsets point into ``article.text``; a claim whose offsets do not
    match its sentence is looked up by its sentence instead, and one that
    overlaps an earlier claim only merges with it when both cover the same
    sentence (two figures in one sentence), else it is left unmarked.
    """
    text = article.text
    spans: dict[tuple[int, int], _Span] = {}
    for claim in claims:
        if claim.part != "body":
            continue  # a title's or standfirst's figure: no paragraph holds it
        start, end = claim.start, claim.end
        if not (0 <= start < end <= len(text)) or text[start:end] != claim.sentence:
            start = text.find(claim.sentence) if claim.sentence else -1
            if start < 0:
                continue
            end = start + len(claim.sentence)
        relation = relations.get((claim.article_id, claim.sentence))
        span = spans.setdefault((start, end), _Span(start, end, relation))
        if _rank(relation) < _rank(span.relation):
            span.relation = relation
        span.notes.append(_note(claim, relation))
        if claim.quantity and claim.quantity.text:
            span.figures.append(claim.quantity.text)
    kept: list[_Span] = []
    for span in sorted(spans.values(), key=lambda s: (s.start, -s.end)):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    paragraphs = []
    for offset, paragraph in article.paragraphs():
        stop = offset + len(paragraph)
        paragraphs.append(
            _cut(text, offset, stop, [s for s in kept if s.start < stop and s.end > offset])
        )
    return paragraphs


def _note(claim: Claim, relation: str | None) -> str:
    who = claim.source or "the outlet itself"
    figure = f"{claim.quantity.text}: " if claim.quantity and claim.quantity.text else ""
    measure = f" ({claim.measure})" if claim.measure else ""
    said = f" — {relation}" if relation else ""
    return f"{figure}{who}{measure}{said}"


def _cut(text: str, start: int, stop: int, spans: list[_Span]) -> list[Segment]:
    segments = []
    at = start
    for span in spans:
        lo, hi = max(span.start, start), min(span.end, stop)
        if lo > at:
            segments.append(Segment([(text[at:lo], False)]))
        segments.append(
            Segment(_figures(text[lo:hi], span.figures), span.relation, "; ".join(span.notes))
        )
        at = hi
    if at < stop:
        segments.append(Segment([(text[at:stop], False)]))
    return segments


def _figures(sentence: str, figures: list[str]) -> list[tuple[str, bool]]:
    """``sentence`` with each figure's words marked, first whole occurrence of each."""
    marks: list[tuple[int, int]] = []
    for figure in dict.fromkeys(figures):
        # Whole numbers only: the figure "2" is not the 2 of "2,700".
        found = re.search(rf"(?<![\w.,]){re.escape(figure)}(?![\w]|[.,]\d)", sentence)
        if found and all(found.start() >= e or found.end() <= s for s, e in marks):
            marks.append(found.span())
    parts: list[tuple[str, bool]] = []
    pos = 0
    for s, e in sorted(marks):
        if s > pos:
            parts.append((sentence[pos:s], False))
        parts.append((sentence[s:e], True))
        pos = e
    if pos < len(sentence):
        parts.append((sentence[pos:], False))
    return parts


_MARKED = re.compile(
    re.escape(MARK_START) + r"([^" + re.escape(MARK_START + MARK_END) + r"]*)" + re.escape(MARK_END)
)


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as (text, matched) pairs, from the store's ``[match]`` marks."""
    parts: list[tuple[str, bool]] = []
    pos = 0
    for match in _MARKED.finditer(snippet):
        if match.start() > pos:
            parts.append((snippet[pos : match.start()], False))
        parts.append((match.group(1), True))
        pos = match.end()
    if pos < len(snippet):
        parts.append((snippet[pos:], False))
    return parts
