"""Named, swappable stages: the file readers, the extractor and the claim reader a run uses.

In the style of spaCy's registry, a stage is a callable registered under a
name, in code (``extractors.register("mine", my_extract)``) or by an installed
package through an entry point::

    [project.entry-points."newsweave.extractors"]
    mine = "my_package.module:my_extract"

and chosen by name: ``Settings(extractor="mine")``, ``NEWSWEAVE_EXTRACTOR=mine``
or ``newsweave --extractor mine ingest ...`` (``claim_readers``, group
``newsweave.claim_readers``: ``claim_reader``, ``NEWSWEAVE_CLAIM_READER``,
``--claim-reader``). The built-in stages are named ``default``. ``readers``
(group ``newsweave.readers``) are named by the file suffix they read (``.csv``)
and chosen by it, over the built-in readers. A name
registered in code is known to this process only; batch workers on other
machines find entry points, not in-code registrations. Sentence encoders for
grouping have their own registry, :func:`newsweave.cluster.embeddings.register_backend`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from newsweave.errors import NewsweaveError

if TYPE_CHECKING:
    from newsweave.config import Settings
    from newsweave.models import Article, Claim, Mention, Page, Rejection


class Reader(Protocol):
    """Reads the pages one file holds, and why any could not be read, as the
    built-in readers do (:func:`newsweave.ingest.read_file`); ``max_bytes`` caps a page."""

    def __call__(self, path: Path, *, max_bytes: int) -> Iterable[Page | Rejection]: ...


class Extractor(Protocol):
    """Turns one page into its article, or raises :class:`~newsweave.errors.PageError`
    (kept as the page's rejection) when the page holds none."""

    def __call__(
        self, page: Page, *, reference_time: datetime | None, settings: Settings
    ) -> Article: ...


class ClaimReader(Protocol):
    """Reads an article's claims and the names it mentions, offsets into ``article.text``."""

    def __call__(
        self, article: Article, *, settings: Settings
    ) -> tuple[list[Claim], list[Mention]]: ...


_Stage = TypeVar("_Stage", bound=Callable[..., object])


class Registry(Generic[_Stage]):
    """Stages of one kind by name: built in, registered in code, or entry points of ``group``."""

    def __init__(self, group: str, builtin: dict[str, _Stage]) -> None:
        self.group = group
        self._builtin = dict(builtin)
        self._registered: dict[str, _Stage] = {}
        self._plugins: dict[str, EntryPoint] = {}
        self._scanned: tuple[str, ...] | None = None

    def register(self, name: str, stage: _Stage) -> None:
        """Make ``name`` choose ``stage`` (replacing what it named before, built-ins included)."""
        self._registered[name] = stage

    def unregister(self, name: str) -> None:
        """Forget a stage :meth:`register` added; built-ins and entry points stay."""
        self._registered.pop(name, None)

    def get(self, name: str) -> _Stage:
        """The stage ``name`` chooses; a :class:`~newsweave.errors.NewsweaveError`
        naming the known ones when it chooses none, or its entry point does not load."""
        if (stage := self.find(name)) is None:
            raise NewsweaveError(
                f"no {self.group} stage named {name!r}; known: {', '.join(self.names())}"
            )
        return stage

    def find(self, name: str) -> _Stage | None:
        """The stage ``name`` chooses, or ``None`` (a plugin that does not load still raises)."""
        if (stage := self._registered.get(name) or self._builtin.get(name)) is not None:
            return stage
        if (plugin := self._entry_points().get(name)) is None:
            return None
        try:
            stage = plugin.load()
        except Exception as error:  # a broken plugin is the run's setting, not a page's fault
            raise NewsweaveError(
                f"the {self.group} stage {name!r} ({plugin.value}) does not load: "
                f"{type(error).__name__}: {error}"
            ) from None
        self._registered[name] = stage
        return stage

    def names(self) -> list[str]:
        """Every name :meth:`get` knows."""
        return sorted({*self._builtin, *self._registered, *self._entry_points()})

    def _entry_points(self) -> dict[str, EntryPoint]:
        # Scanning the installed packages takes milliseconds, and readers are
        # looked up for every file: scanned again only when the path changes.
        if self._scanned != (path := tuple(sys.path)):
            self._plugins = {e.name: e for e in entry_points(group=self.group)}
            self._scanned = path
        return self._plugins


def _extract(page: Page, *, reference_time: datetime | None, settings: Settings) -> Article:
    from newsweave.extract import extract

    return extract(page, reference_time=reference_time, languages=settings.languages)


def _read_claims(article: Article, *, settings: Settings) -> tuple[list[Claim], list[Mention]]:
    from newsweave.claims.extract import read_article
    from newsweave.nlp import load_spacy

    nlp = load_spacy(settings.spacy_model)
    return read_article(article, nlp=nlp, recognise_all=settings.recognise_all)


#: File → pages, by the file's suffix (``.csv``), over the built-in readers.
readers: Registry[Reader] = Registry("newsweave.readers", {})
#: Page → article: the text segmenter or trafilatura, by the page's kind.
extractors: Registry[Extractor] = Registry("newsweave.extractors", {"default": _extract})
#: Article → claims and entity mentions: spaCy and newsweave's claim rules.
claim_readers: Registry[ClaimReader] = Registry(
    "newsweave.claim_readers", {"default": _read_claims}
)
