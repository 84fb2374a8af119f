"""Grouping articles into stories: one event as many outlets report it."""

from newsweave.cluster.config import GroupingConfig
from newsweave.cluster.grouper import StoryGrouper, group, story_id_for

__all__ = ["GroupingConfig", "StoryGrouper", "group", "story_id_for"]
