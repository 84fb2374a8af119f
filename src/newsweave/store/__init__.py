"""Storage for newsweave: SQLite by default, PostgreSQL by URL.

>>> with open_store("sqlite:///news.db") as store:  # doctest: +SKIP
...     store.record(page, article)
"""

from __future__ import annotations

from newsweave.config import default_db_url
from newsweave.store.search import SearchHit
from newsweave.store.store import Store

__all__ = ["SearchHit", "Store", "open_store"]


def open_store(url: str | None = None) -> Store:
    """Open (creating and migrating) the store at ``url``, else the configured default."""
    return Store.open(url or default_db_url())
