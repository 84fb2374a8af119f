"""Parsing paragraphs once: a small cache of spaCy docs shared by the stages.

Claims need the full pipeline; the story report needs only the entities. When
both run over the same articles in one process (the usual order), the report
reuses the claims' docs instead of running NER a second time, which is most of
the cost of a story.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

#: Paragraph docs kept: a few hundred articles' worth, a few tens of MB.
CACHE_SIZE = 4096

_cache: OrderedDict[tuple[int, bool, str], Doc] = OrderedDict()


def _ner_skips(nlp: Language) -> list[str]:
    """The components the entity recogniser can run without."""
    keep = {"ner"}
    for name, pipe in nlp.pipeline:
        # a shared embedding layer stays if the recogniser listens to it
        if "ner" in getattr(pipe, "listening_components", ()):
            keep.add(name)
    return [name for name in nlp.pipe_names if name not in keep]


def parse(nlp: Language, paragraphs: Sequence[str], *, entities_only: bool = False) -> list[Doc]:
    """Docs for ``paragraphs``, from the cache where an earlier call parsed them.

    ``entities_only`` runs just the entity recogniser on misses; a full parse
    from the cache serves such a request too.
    """
    docs: dict[int, Doc] = {}
    missing: list[int] = []
    for i, text in enumerate(paragraphs):
        keys = [(id(nlp), False, text)] + ([(id(nlp), True, text)] if entities_only else [])
        hit = next((k for k in keys if k in _cache), None)
        if hit is None:
            missing.append(i)
        else:
            _cache.move_to_end(hit)
            docs[i] = _cache[hit]
    if missing:
        disable = _ner_skips(nlp) if entities_only else []
        texts = (paragraphs[i] for i in missing)
        for i, doc in zip(missing, nlp.pipe(texts, disable=disable), strict=True):
            docs[i] = doc
            _cache[(id(nlp), entities_only, paragraphs[i])] = doc
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return [docs[i] for i in range(len(paragraphs))]
