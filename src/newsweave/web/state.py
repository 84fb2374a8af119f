"""What every request shares: the store, the write token, the templates, cached reports."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader

from newsweave.api import Newsweave
from newsweave.reports import report_key
from newsweave.story.render import display_date
from newsweave.web import views

#: Reports kept in memory, on top of those stored; most pages of a story read it twice or more.
REPORT_CACHE_SIZE = 64


class ReportCache:
    """Story reports as dicts, keyed by the story and its report key.

    The store keeps every story's report (:meth:`Newsweave.report_dict`, built
    when the story changes); this keeps the last few read as parsed JSON, so
    the story page, its claims and the entity list share one read. The key is
    the stored report's (:func:`~newsweave.reports.report_key`): a regroup that
    changes the members, or a new report version, changes it.
    """

    def __init__(self, size: int = REPORT_CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        # One lock per report being read: readers of a report not yet built
        # wait for the one building it instead of each building it too.
        self._building: dict[tuple[str, str], threading.Lock] = {}

    def get(self, nw: Newsweave, story_id: str) -> dict[str, Any]:
        """The report of ``story_id``; :class:`~newsweave.errors.NotFoundError` if none."""
        story = nw.story(story_id)
        key = (story.id, report_key(story))
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if key in self._items:  # built by the reader this one waited for
                    return self._items[key]
            try:
                # The story as keyed, not read again: a regroup meanwhile must not slip in.
                report = nw.report_dict(story)
            except BaseException:
                with self._lock:
                    self._building.pop(key, None)
                raise
            with self._lock:
                self._items[key] = report
                self._building.pop(key, None)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return report


@dataclass
class WebState:
    """One app's store and settings; ``token`` is ``None`` when writes are off."""

    nw: Newsweave
    token: str | None
    templates: Jinja2Templates
    #: What the files of one upload may hold, gzip inflated, all together.
    max_inflated_bytes: int
    reports: ReportCache = field(default_factory=ReportCache)
    # One ingest at a time: each continues the one saved grouper state.
    write_lock: threading.Lock = field(default_factory=threading.Lock)


async def get_state(request: Request) -> WebState:
    """The app's shared state, as a FastAPI dependency.

    Async, so that FastAPI runs it on the event loop: as a plain function it
    took a thread-pool hop of its own on every request (12-15 ms under load).
    """
    return request.app.state.web


def make_templates() -> Jinja2Templates:
    """The page templates, autoescaped whatever their file name: article text is untrusted."""
    env = Environment(
        loader=PackageLoader("newsweave.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(safe_href=views.safe_href, snippet_parts=views.snippet_parts)
    env.filters["day"] = display_date
    return Jinja2Templates(env=env)
