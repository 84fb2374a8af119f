"""The exceptions newsweave raises on purpose.

Each carries enough to tell a person what went wrong and where, so the CLI can
print it without a traceback.
"""

from __future__ import annotations


class NewsweaveError(Exception):
    """Base class: every error newsweave raises on purpose is one of these."""


class PageError(NewsweaveError):
    """An input page could not be read or turned into an article.

    ``reason`` is a short code (see :class:`newsweave.models.Rejection`).
    """

    def __init__(self, source: str, reason: str, detail: str) -> None:
        super().__init__(f"{source}: {detail}")
        self.source = source
        self.reason = reason
        self.detail = detail


class StoreError(NewsweaveError):
    """The store could not be opened, migrated, read or written."""


class GroupingConflictError(StoreError):
    """The grouper state changed between reading it and saving what was built on it.

    Another run grouped meanwhile; the update is to be built again on the new state.
    """


class NotFoundError(NewsweaveError):
    """A story, article or page asked for by id does not exist."""
