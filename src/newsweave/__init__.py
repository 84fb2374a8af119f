"""newsweave: raw news pages from many outlets in, corroborated stories out.

The stages, each a module: :mod:`~newsweave.ingest` (files to pages),
:mod:`~newsweave.extract` (page to article), :mod:`~newsweave.nlp`,
:mod:`~newsweave.cluster` (articles to stories), :mod:`~newsweave.claims`
(who said what), :mod:`~newsweave.story` (the cross-source comparison) and
:mod:`~newsweave.store`. :class:`Newsweave` drives them over a store.

Names are imported on first use, so that importing one stage (on a batch
worker, say) does not load every other stage's models and libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsweave._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "Newsweave": "newsweave.api",
    "extract_paths": "newsweave.api",
    "Settings": "newsweave.config",
    "NewsweaveError": "newsweave.errors",
    "NotFoundError": "newsweave.errors",
    "PageError": "newsweave.errors",
    "StoreError": "newsweave.errors",
    "Article": "newsweave.models",
    "Claim": "newsweave.models",
    "Mention": "newsweave.models",
    "Page": "newsweave.models",
    "Quantity": "newsweave.models",
    "Rejection": "newsweave.models",
    "Story": "newsweave.models",
    "IngestReport": "newsweave.pipeline",
    "Processed": "newsweave.pipeline",
    "extract_page": "newsweave.pipeline",
    "process_page": "newsweave.pipeline",
}

# Written out, not derived from _EXPORTS: type checkers and linters read it statically.
__all__ = [
    "Article",
    "Claim",
    "IngestReport",
    "Mention",
    "Newsweave",
    "NewsweaveError",
    "NotFoundError",
    "Page",
    "PageError",
    "Processed",
    "Quantity",
    "Rejection",
    "Settings",
    "StoreError",
    "Story",
    "__version__",
    "extract_page",
    "extract_paths",
    "process_page",
]


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:
    from newsweave.api import Newsweave, extract_paths
    from newsweave.config import Settings
    from newsweave.errors import NewsweaveError, NotFoundError, PageError, StoreError
    from newsweave.models import Article, Claim, Mention, Page, Quantity, Rejection, Story
    from newsweave.pipeline import IngestReport, Processed, extract_page, process_page
