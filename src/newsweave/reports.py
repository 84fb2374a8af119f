"""Stored story reports: the key each is kept under, and reading one back.

The read path of the ``story`` command, ``GET /api/stories/{id}/report`` and
the story page. It imports only the store and the report's data form
(:mod:`newsweave.story.render`), so a new process that serves a current stored
report starts without spaCy, scikit-learn or datasketch; only a miss (no
stored report, or one under another key) loads :mod:`newsweave.pipeline` to
build it (:func:`newsweave.pipeline.build_story_report`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

from newsweave.models import Story, iso
from newsweave.story import render
from newsweave.story.render import report_from_dict, report_to_dict

if TYPE_CHECKING:
    from newsweave.store import Store
    from newsweave.story.model import StoryReport

logger = logging.getLogger(__name__)


def report_key(story: Story) -> str:
    """What a story's report is built from, as a hash: stored reports are kept under it.

    Everything of the story that :func:`~newsweave.story.build_report` reads
    (its members in order, title, dates and syndication links) and
    :data:`newsweave.story.render.REPORT_VERSION` and
    :func:`~newsweave.story.render.code_fingerprint`, the version of the report
    code. Articles never change once stored (an id is its page's hash) and
    their claims and mentions are written with them, so the same key means the
    same report; a regroup that changes the members, or a new report version,
    changes it.
    """
    basis = {
        "version": render.REPORT_VERSION,
        "code": render.code_fingerprint(),
        "articles": story.article_ids,
        "title": story.title,
        "first_published": iso(story.first_published),
        "last_published": iso(story.last_published),
        "syndicated": sorted(story.syndicated.items()),
    }
    text = json.dumps(basis, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def story_report(store: Store, story: Story) -> StoryReport:
    """``story``'s report: the stored one when it is current, else built now and stored."""
    stored = _stored(store, story)
    if stored is not None:
        try:
            return report_from_dict(stored)
        except (KeyError, TypeError, ValueError):
            # Another shape: saved by code that changed without a REPORT_VERSION bump.
            logger.warning("stored report of story %s is unreadable; building it", story.id)
    return _build(store, story)


def story_report_dict(store: Store, story: Story) -> dict[str, Any]:
    """:func:`story_report` as :func:`~newsweave.story.report_to_dict` gives it.

    A current stored report is returned as stored, without building the
    dataclasses only to take them apart again (what the web app serves).
    """
    stored = _stored(store, story)
    if stored is not None:
        return stored
    return report_to_dict(_build(store, story))


def _stored(store: Store, story: Story) -> dict[str, Any] | None:
    return store.report(story.id, report_key(story))


def _build(store: Store, story: Story) -> StoryReport:
    """Build and store the report: the heavy stages are imported here, on a miss only."""
    from newsweave import pipeline

    return pipeline.build_story_report(store, story)
