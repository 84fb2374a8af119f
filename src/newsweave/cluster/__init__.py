"""Grouping articles into stories: one event as many outlets report it."""

from newsweave.cluster.config import GroupingConfig
from newsweave.cluster.grouper import Embedder, StateError, StoryGrouper, group, story_id_for
from newsweave.cluster.stream import Assignment, RecordError, article_from_record, cluster_lines

__all__ = [
    "Assignment",
    "Embedder",
    "GroupingConfig",
    "RecordError",
    "StateError",
    "StoryGrouper",
    "article_from_record",
    "cluster_lines",
    "group",
    "story_id_for",
]
