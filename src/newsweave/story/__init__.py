"""The cross-source story report: agreements, conflicting figures, timeline, summary."""

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
