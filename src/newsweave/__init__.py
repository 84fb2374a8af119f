"""newsweave: raw news pages from many outlets in, corroborated stories out.

The stages, each a module: :mod:`~newsweave.ingest` (files to pages),
:mod:`~newsweave.extract` (page to article), :mod:`~newsweave.nlp`,
:mod:`~newsweave.cluster` (articles to stories), :mod:`~newsweave.claims`
(who said what), :mod:`~newsweave.story` (the cross-source comparison) and
:mod:`~newsweave.store`. :class:`Newsweave` drives them over a store.
"""

from newsweave.api import Newsweave, extract_paths
from newsweave.config import Settings
from newsweave.errors import NewsweaveError, NotFoundError, PageError, StoreError
from newsweave.models import Article, Claim, Page, Quantity, Rejection, Story
from newsweave.pipeline import IngestReport, Processed, process_page

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Claim",
    "IngestReport",
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
    "extract_paths",
    "process_page",
]
