"""Grouping a stream of plain records, for feeds a user already has.

Each record is a JSON object with ``id``, ``title``, and optionally ``text``,
``published`` (ISO 8601) and ``publisher`` or ``outlet``. The records go
through the same :class:`StoryGrouper` as ingested articles, in the order
given, so a feed can be grouped as it arrives.

A story id given for an earlier record can later be absorbed when a record
shows two stories to be one event: the younger story merges into the older,
whose id lives on. Each :class:`Assignment` lists the merges its record
caused, so a consumer can relabel what it has already seen.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from newsweave.cluster.config import GroupingConfig
from newsweave.cluster.grouper import Embedder, StoryGrouper
from newsweave.models import Article


class RecordError(ValueError):
    """A record that cannot be grouped, with the reason."""


def article_from_record(record: object) -> Article:
    """The :class:`Article` a record stands for; :class:`RecordError` if it cannot."""
    if not isinstance(record, dict):
        raise RecordError("a record must be a JSON object")
    rid, title = record.get("id"), record.get("title")
    if not isinstance(rid, str | int) or isinstance(rid, bool) or str(rid) == "":
        raise RecordError("'id' must be a non-empty string or number")
    if not isinstance(title, str) or not title.strip():
        raise RecordError("'title' must be a non-empty string")
    text = record.get("text") or ""
    outlet = record.get("publisher") or record.get("outlet")
    if not isinstance(text, str) or not isinstance(outlet, str | None):
        raise RecordError("'text', 'publisher' and 'outlet' must be strings")
    published = record.get("published")
    try:
        when = datetime.fromisoformat(published) if published else None
    except (TypeError, ValueError):
        raise RecordError(f"'published' is not an ISO 8601 date: {published!r}") from None
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    return Article(
        id=str(rid),
        page_id=str(rid),
        source=str(record.get("url") or rid),
        title=title.strip(),
        body=paragraphs,
        outlet=outlet,
        published=when,
    )


@dataclass(frozen=True, slots=True)
class Assignment:
    """A record's story, or why it has none (``story`` is then ``None``).

    ``merged`` lists the (absorbed, surviving) story ids of merges this
    record caused: earlier records of an absorbed story now belong to the survivor.
    """

    line: int
    id: str | None
    story: str | None
    error: str | None = None
    merged: tuple[tuple[str, str], ...] = ()


def cluster_lines(
    lines: Iterable[str], config: GroupingConfig | None = None, embedder: Embedder | None = None
) -> Iterator[Assignment]:
    """Group JSON Lines records in order, yielding each one's story as it is placed.

    ``embedder`` adds sentence-embedding similarity to TF-IDF (see
    :mod:`newsweave.cluster.embeddings`).
    """
    grouper = StoryGrouper(config, embedder)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            article = article_from_record(json.loads(line))
        except json.JSONDecodeError as exc:
            yield Assignment(number, None, None, f"invalid JSON: {exc.msg}")
        except RecordError as exc:
            yield Assignment(number, None, None, str(exc))
        else:
            seen = len(grouper.merges)
            story = grouper.add(article)
            yield Assignment(number, article.id, story, merged=tuple(grouper.merges[seen:]))
