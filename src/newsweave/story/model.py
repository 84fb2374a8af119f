"""The story report: what the outlets agree on, where figures differ, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from newsweave.models import Claim

Relation = Literal["agree", "conflict", "evolving", "unique"]


@dataclass(slots=True)
class ArticleRef:
    """One article of the story, as the report lists it.

    ``follow_up_days`` is set on a report that came after the story had gone
    quiet (:data:`~newsweave.story.report.FOLLOW_UP_DAYS` or more since the
    previous one): the whole days since then, so that a reader sees that
    it joined the story as a follow-up, not with the first wave of coverage.
    """

    id: str
    source: str
    title: str
    outlet: str | None
    republished_by: str | None
    published: str | None
    byline: str | None
    url: str | None
    follow_up_days: int | None = None


@dataclass(slots=True)
class Entity:
    """A person, organisation or place, with every spelling the articles use."""

    name: str
    aliases: list[str]
    label: str
    mentions: int


@dataclass(slots=True)
class ClaimGroup:
    """Claims that measure the same thing, and whether their figures agree.

    ``folded`` marks trivia: a figure one outlet gives outside its lede, which a
    reader sees only on asking (see :func:`~newsweave.story.groups.group_claims`).
    """

    measure: str
    relation: Relation
    claims: list[Claim]
    folded: bool = False


@dataclass(slots=True)
class TimelineEvent:
    """A dated event; ``date`` uses the format of :mod:`newsweave.claims.timex`."""

    date: str
    text: str
    outlets: list[str]


@dataclass(slots=True)
class Cited:
    """A sentence of the story with the outlets whose articles carry it."""

    text: str
    outlets: list[str]


@dataclass(slots=True)
class StoryReport:
    """Everything :func:`~newsweave.story.build_report` finds about one story."""

    id: str
    title: str
    first_published: str | None
    last_published: str | None
    articles: list[ArticleRef]
    entities: list[Entity] = field(default_factory=list)
    claim_groups: list[ClaimGroup] = field(default_factory=list)
    unique_details: dict[str, list[str]] = field(default_factory=dict)
    timeline: list[TimelineEvent] = field(default_factory=list)
    summary: list[Cited] = field(default_factory=list)
