"""Fetch: pages from the web, politely (robots.txt, per-host rate) and safely
(public addresses only, checked at connect time), as pages or rejections.

:func:`fetch` yields one result per URL; :func:`fetch_pages` also expands feeds
into their items, for ``newsweave fetch``; :class:`Fetcher` keeps the state
(robots.txt, per-host timing, connections) for callers that fetch as they go.
"""

from newsweave.fetch.addresses import is_public_address
from newsweave.fetch.client import DEFAULT_USER_AGENT, Fetcher, fetch, fetch_pages

__all__ = ["DEFAULT_USER_AGENT", "Fetcher", "fetch", "fetch_pages", "is_public_address"]
