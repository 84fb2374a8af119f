"""The cross-source story report: agreements, conflicting figures, timeline, summary.

Names are imported on first use (as in :mod:`newsweave`): rendering a stored
report needs :mod:`~newsweave.story.render`, not the spaCy-backed code that
:func:`build_report` runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsweave._lazy import lazy_exports

_EXPORTS = {
    "ArticleRef": "newsweave.story.model",
    "Cited": "newsweave.story.model",
    "ClaimGroup": "newsweave.story.model",
    "Entity": "newsweave.story.model",
    "StoryReport": "newsweave.story.model",
    "TimelineEvent": "newsweave.story.model",
    "build_report": "newsweave.story.report",
    "report_to_dict": "newsweave.story.render",
    "report_to_markdown": "newsweave.story.render",
}

# Written out, not derived from _EXPORTS: type checkers and linters read it statically.
__all__ = [
    "ArticleRef",
    "Cited",
    "ClaimGroup",
    "Entity",
    "StoryReport",
    "TimelineEvent",
    "build_report",
    "report_to_dict",
    "report_to_markdown",
]


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:
    from newsweave.story.model import (
        ArticleRef,
        Cited,
        ClaimGroup,
        Entity,
        StoryReport,
        TimelineEvent,
    )
    from newsweave.story.render import report_to_dict, report_to_markdown
    from newsweave.story.report import build_report
