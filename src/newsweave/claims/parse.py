"""Parsing paragraphs once, and only as deeply as the claims need.

The full pipeline (tagger, parser, lemmatizer and NER) is needed only where a
claim's figure, what it counts and who gave it are read from the parse: the
sentences that hold a figure, an "unknown" amount or a form of a cue verb ("X
said", "according to"; a verb that is a cue only with a clause, next to "that" or a
quotation mark: "found that"). Every other sentence gets the entity recogniser alone,
which the story report needs everywhere, and holds no claim. Cheap regular
expressions decide which is which.

Consecutive parsed sentences stay one doc, so the parser sees them in context
as before; entity-only sentences are one doc each. Docs are cached by paragraph:
the latest call's always, so that the claims and the entity mentions of an
article share one parse, and ``Settings.parse_cache`` more (see
:mod:`newsweave.config`), which syndicated copies and reports over articles just
read reuse.
"""

from __future__ import annotations

import gc
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc, MorphAnalysis, Token
from threadpoolctl import ThreadpoolController

from newsweave.claims.lexicon import CLAUSE_CUE_RE, SAY_CUE_RE, UNKNOWN_RE
from newsweave.claims.numbers import FIGURE_RE
from newsweave.claims.split import split_sentences
from newsweave.claims.timex import find_times
from newsweave.config import DEFAULT_PARSE_CACHE, MAX_PARSED_CHARS
from newsweave.models import PARAGRAPH_GAP, with_offsets

#: Docs spaCy runs through its model at once. Its default (256 for the shipped
#: pipeline) holds the activations of a long article's every paragraph at once:
#: a 200,000-character body peaked 190 MB over the models, 65 MB at 64; an
#: ordinary article has fewer runs than this, so it is one batch either way.
_BATCH = 64
_cache: OrderedDict[tuple[int, str], list[Piece]] = OrderedDict()
#: A body longer than this is parsed in batches and not cached: past the
#: longest article of the dev sets (53,000), and a cache of whole such bodies
#: would hold hundreds of MB of docs.
CACHED_BODY_CHARS = 60_000
#: Paragraphs kept besides the latest call's: :func:`set_cache_size`.
_keep = DEFAULT_PARSE_CACHE


def set_cache_size(paragraphs: int) -> None:
    """Keep this many parsed paragraphs besides the latest call's (``Settings.parse_cache``)."""
    global _keep
    _keep = paragraphs
    while len(_cache) > _keep:
        _cache.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of a paragraph's sentences as one doc, fully parsed or entities only."""

    offset: int  # where the run starts in its paragraph
    doc: Doc
    parsed: bool


def ner_skips(nlp: Language) -> list[str]:
    """The components the entity recogniser can run without."""
    keep = {"ner"}
    for name, pipe in nlp.pipeline:
        # a shared embedding layer stays if the recogniser listens to it
        if "ner" in getattr(pipe, "listening_components", ()):
            keep.add(name)
    return [name for name in nlp.pipe_names if name not in keep]


#: Token attributes a single-token rule of the attribute ruler may test for the memo
#: below to be exact: all are fixed by the token's text, tag and dependency label.
_LOCAL = frozenset({"TAG", "LOWER", "ORTH", "TEXT", "DEP", "IS_SPACE"})
_MEMO_SIZE = 1 << 18


#: One attribute-ruler rule's token patterns, each a list of token specs.
_Patterns = list[list[dict[str, Any]]]


def _rule_patterns(nlp: Language) -> list[_Patterns]:
    """The token patterns of each rule of ``nlp``'s attribute ruler, in rule order."""
    # spaCy types get_pipe as any component, and a rule as a dict of loosely typed values.
    ruler = cast(AttributeRuler, nlp.get_pipe("attribute_ruler"))
    return [cast(_Patterns, rule["patterns"]) for rule in ruler.patterns]


class _Morphology:
    """The attribute ruler and the lemmatizer, memoised by token.

    Both are rules over one token at a time (its text, tag and dependency label)
    but run as Python per token, a quarter of the full parse on news text; a
    token's POS, morphology and lemma are looked up once per (text, tag, label)
    instead, from the real components run on that token alone. A doc where a
    rule over several tokens matches ("there is", "gon na") gets the real
    components whole, so the annotations are the same as the pipeline's.
    """

    def __init__(self, nlp: Language) -> None:
        self.vocab = nlp.vocab
        self.ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        self.context = Matcher(nlp.vocab)
        for i, patterns in enumerate(_rule_patterns(nlp)):
            if any(len(p) > 1 for p in patterns):
                self.context.add(str(i), patterns)
        self.memo: dict[tuple[int, int, int], tuple[int, MorphAnalysis, int]] = {}

    @staticmethod
    def fits(nlp: Language) -> bool:
        """Whether ``nlp`` has the two components, with rules the memo is exact for."""
        if "attribute_ruler" not in nlp.pipe_names or "lemmatizer" not in nlp.pipe_names:
            return False
        if nlp.pipe_names.index("attribute_ruler") > nlp.pipe_names.index("lemmatizer"):
            return False
        lemmatizer = nlp.get_pipe("lemmatizer")
        if getattr(lemmatizer, "mode", None) not in ("rule", "lookup"):
            return False
        if getattr(lemmatizer, "overwrite", True):
            return False
        return all(
            set(token) <= _LOCAL
            for patterns in _rule_patterns(nlp)
            for pattern in patterns
            for token in pattern
        )

    def _alone(self, token: Token) -> tuple[int, MorphAnalysis, int]:
        one = Doc(
            self.vocab,
            words=[token.text],
            spaces=[False],
            tags=[token.tag_],
            deps=[token.dep_],
            heads=[0],
        )
        one = self.lemmatizer(self.ruler(one))
        return one[0].pos, one[0].morph, one[0].lemma

    def __call__(self, doc: Doc) -> Doc:
        if self.context(doc, allow_missing=True):
            return self.lemmatizer(self.ruler(doc))
        if len(self.memo) > _MEMO_SIZE:
            self.memo.clear()
        memo = self.memo
        for token in doc:
            key = (token.orth, token.tag, token.dep)
            found = memo.get(key)
            if found is None:
                found = memo[key] = self._alone(token)
            token.pos, token.morph, token.lemma = found
        return doc


@cache
def _morphology(nlp: Language) -> _Morphology | None:
    return _Morphology(nlp) if _Morphology.fits(nlp) else None


@cache
def _threadpools() -> ThreadpoolController:
    return ThreadpoolController()


@contextmanager
def annotating() -> Iterator[None]:
    """One BLAS thread and no cyclic garbage collector while spaCy runs.

    The models multiply matrices with numpy's BLAS (see :mod:`newsweave.nlp`),
    which would spread the larger products over every core; one thread keeps
    spaCy on the one core it had with thinc's BLIS, so parallel workers do not
    compete. spaCy allocates many short-lived containers, so the collector keeps
    running and each full pass walks every object of the process, the model's
    included: about a tenth of a parse. What it would free is freed by
    reference counts, or collected soon after.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        with _threadpools().limit(limits=1, user_api="blas"):
            yield
    finally:
        if paused:
            gc.enable()


def has_figure(text: str) -> bool:
    """Whether a sentence has a number that is not part of a date."""
    found = list(FIGURE_RE.finditer(text))
    if not found:
        return False
    times = find_times(text)
    return any(not any(t.start < m.end() and m.start() < t.end for t in times) for m in found)


#: A colon that may attribute: after a headline's few first words ("Jane Roe: ...", a
#: transcript's quoted '"ROE: ...'), or before a quotation or the sentence's end ("Jane
#: Roe continued:").
_COLON_RE = re.compile(r"^[\"“]?[^:.!?\"“”]{1,40}:\s|\w:\s*(?:$|[\"“‘'])")


def needs_parse(sentences: Sequence[str]) -> list[bool]:
    """Which of a paragraph's sentences the claims need the full parse of."""
    return [
        bool(SAY_CUE_RE.search(s) or CLAUSE_CUE_RE.search(s) or _COLON_RE.search(s))
        or has_figure(s)
        or bool(UNKNOWN_RE.search(s))
        for s in sentences
    ]


def _pieces(paragraph: str) -> list[tuple[int, int, bool]]:
    """Character runs of a paragraph: parsed runs whole, entity-only sentences apart."""
    spans = split_sentences(paragraph)
    runs: list[tuple[int, int, bool]] = []
    for (start, end), deep in zip(
        spans, needs_parse([paragraph[s:e] for s, e in spans]), strict=True
    ):
        if deep and runs and runs[-1][2]:
            runs[-1] = (runs[-1][0], end, True)
        else:
            runs.append((start, end, deep))
    return runs


def parse(nlp: Language, paragraphs: Sequence[str], *, cache: bool = True) -> list[list[Piece]]:
    """Each paragraph as its pieces, from the cache where an earlier call parsed it.

    With ``cache`` false, what is parsed now is not kept.
    """
    keep = _keep
    result: dict[int, list[Piece]] = {}
    missing: list[int] = []
    for i, text in enumerate(paragraphs):
        key = (id(nlp), text)
        if key in _cache:
            _cache.move_to_end(key)
            result[i] = _cache[key]
        else:
            missing.append(i)
    if missing:
        runs = {i: _pieces(paragraphs[i]) for i in missing}
        deep = [(i, s, e) for i in missing for s, e, d in runs[i] if d]
        flat = [(i, s, e) for i in missing for s, e, d in runs[i] if not d]
        docs: dict[tuple[int, int], Piece] = {}
        morphology = _morphology(nlp)
        skip = ["attribute_ruler", "lemmatizer"] if morphology else []
        with annotating():
            texts = (paragraphs[i][s:e] for i, s, e in deep)
            parsed = nlp.pipe(texts, disable=skip, batch_size=_BATCH)
            for (i, s, _), doc in zip(deep, parsed, strict=True):
                docs[i, s] = Piece(s, morphology(doc) if morphology else doc, True)
            texts = (paragraphs[i][s:e] for i, s, e in flat)
            named = nlp.pipe(texts, disable=ner_skips(nlp), batch_size=_BATCH)
            for (i, s, _), doc in zip(flat, named, strict=True):
                docs[i, s] = Piece(s, doc, False)
        for i in missing:
            result[i] = [docs[i, s] for s, _, _ in runs[i]]
            if cache:
                _cache[(id(nlp), paragraphs[i])] = result[i]
        # the latest call's paragraphs stay whatever the setting: claims and
        # mentions may read the same article one after the other
        while len(_cache) > max(keep, len(paragraphs)):
            _cache.popitem(last=False)
    return [result[i] for i in range(len(paragraphs))]


def parse_body(
    nlp: Language, body: Sequence[str], *, max_chars: int = MAX_PARSED_CHARS
) -> Iterator[tuple[int, list[Piece]]]:
    """Each paragraph of an article's ``body`` as its pieces, with where it starts
    in the article's text (paragraphs joined by a blank line, as ``Article.text``).

    Only the first ``max_chars`` characters are parsed (see
    :data:`~newsweave.config.MAX_PARSED_CHARS`): the paragraph that crosses the
    limit is cut there, and those after it are left out. A body longer than
    :data:`CACHED_BODY_CHARS` is parsed a batch of paragraphs at a time and
    not cached, so that its docs (some 1.5 KB a token) are let go as the caller
    reads on: read it once, for claims and mentions together
    (:func:`~newsweave.claims.extract.read_article`).
    """
    read: list[str] = []
    left = max_chars
    for paragraph in body:
        if left <= 0:
            break
        read.append(paragraph[:left])
        left -= len(paragraph) + len(PARAGRAPH_GAP)
    if sum(map(len, read)) <= CACHED_BODY_CHARS:
        parsed: Iterable[list[Piece]] = parse(nlp, read)
    else:
        parsed = (
            pieces
            for at in range(0, len(read), _BATCH)
            for pieces in parse(nlp, read[at : at + _BATCH], cache=False)
        )
    for (start, _), pieces in zip(with_offsets(body), parsed, strict=False):
        yield start, pieces


def clear_cache() -> None:
    """Forget every parsed paragraph (for timing cold runs)."""
    _cache.clear()
