"""The JSON shapes of the REST API, for validation and the OpenAPI document.

Report models allow extra keys: the report grows with the story module, and
the API passes new fields through rather than dropping them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Open(BaseModel):
    """A shape that keeps keys it does not name."""

    model_config = ConfigDict(extra="allow")


class StoryArticle(BaseModel):
    id: str
    source: str
    title: str
    outlet: str | None
    published: str | None
    syndicated_from: str | None


class StorySummary(BaseModel):
    id: str
    title: str
    first_published: str | None
    last_published: str | None
    outlets: list[str]
    article_count: int
    articles: list[StoryArticle]


class StoryList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[StorySummary]


class ReportArticle(Open):
    id: str
    source: str
    title: str
    outlet: str | None
    republished_by: str | None
    published: str | None
    byline: str | None
    url: str | None
    #: Days since the story's previous report, on a follow-up after a quiet spell.
    follow_up_days: int | None = None


class ReportEntity(Open):
    name: str
    aliases: list[str]
    label: str


class ReportClaim(Open):
    outlet: str | None
    source: str | None
    text: str | None
    low: float | None
    high: float | None
    sentence: str
    article_id: str


class ClaimGroup(Open):
    measure: str
    relation: str
    claims: list[ReportClaim]


class TimelineEvent(Open):
    date: str
    text: str
    outlets: list[str]


class Cited(Open):
    text: str
    outlets: list[str]


class Report(Open):
    id: str
    title: str
    first_published: str | None
    last_published: str | None
    articles: list[ReportArticle]
    entities: list[ReportEntity]
    claim_groups: list[ClaimGroup]
    unique_details: dict[str, list[str]]
    timeline: list[TimelineEvent]
    summary: list[Cited]


class StoredClaim(BaseModel):
    """A claim as stored: with its character offsets into the article's text."""

    article_id: str
    sentence: str
    start: int
    end: int
    outlet: str | None
    source: str | None
    chain: list[str]
    measure: str | None
    when: str | None
    text: str | None
    low: float | None
    high: float | None
    approximate: bool | None


class StoryClaims(BaseModel):
    story_id: str
    claim_groups: list[ClaimGroup]
    claims: list[StoredClaim]


class ArticleSummary(BaseModel):
    id: str
    page_id: str
    story_id: str | None
    source: str
    url: str | None
    title: str
    outlet: str | None
    republished_by: str | None
    published: str | None
    byline: str | None
    dateline: str | None
    language: str | None
    summary: str | None
    # The fields its input record stated rather than extraction found.
    given: list[str] = []


class ArticleList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ArticleSummary]


class Dropped(BaseModel):
    text: str
    reason: str


class ArticleDetail(ArticleSummary):
    body: str
    dropped: list[Dropped]


class RejectionOut(BaseModel):
    source: str
    reason: str
    detail: str
    page_id: str | None


class PageMeta(BaseModel):
    id: str
    source: str
    url: str | None
    kind: str
    encoding: str
    fetched_at: str | None
    size: int
    rejections: list[RejectionOut]


class EntityOut(BaseModel):
    name: str
    aliases: list[str]
    label: str
    stories: list[str]


class EntityList(BaseModel):
    story_id: str | None
    items: list[EntityOut]


class SearchHitOut(BaseModel):
    article_id: str
    title: str
    outlet: str | None
    published: str | None
    snippet: str
    score: float
    story_id: str | None


class SearchResult(BaseModel):
    query: str
    articles: list[SearchHitOut]
    stories: list[StorySummary]


class IngestResult(BaseModel):
    added: list[str]
    already_stored: int
    rejected: list[RejectionOut]
    stories: int
    ok: bool


class Problem(BaseModel):
    """Every API error: a status code and this body."""

    detail: str
