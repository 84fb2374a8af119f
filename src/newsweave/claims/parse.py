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
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc, MorphAnalysis, Span, Token
from spacy.util import filter_spans
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
_cache: OrderedDict[tuple[int, str, bool], list[Piece | _Run]] = OrderedDict()
#: A body longer than this is parsed in batches and not cached: past the
#: longest article of the dev sets (53,000), and a cache of whole such bodies
#: would hold hundreds of MB of docs.
CACHED_BODY_CHARS = 60_000
#: The recogniser's labels for things a story is about: people, organisations,
#: places, events and works. Dates, amounts and nationalities are left out.
NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
#: Where a body's lede ends: the paragraphs that start before this character get
#: the entity recogniser on every sentence, the later ones only on the sentences
#: the claims parse (see :func:`parse`).
LEDE_CHARS = 600
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


#: A year written alone ("into 2020", "the 2018 analysis", "a 2020 Sentra"), which
#: the time tagger leaves to context: no count, as news style writes four-digit
#: counts with a comma ("2,020 people"); a sign or a percent makes it an amount.
_YEAR_RE = re.compile(r"(?<![\d$£€¥.,])\b(?:1[89]|20)\d\d\b(?!%|[.,]\d|\s*(?:per ?cent|percent)\b)")


def has_figure(text: str) -> bool:
    """Whether a sentence has a number that is not part of a date or a year."""
    found = list(FIGURE_RE.finditer(text))
    if not found:
        return False
    dates = [(t.start, t.end) for t in find_times(text)]
    dates += [m.span() for m in _YEAR_RE.finditer(text)]
    return any(not any(a < m.end() and m.start() < b for a, b in dates) for m in found)


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


def parse(
    nlp: Language,
    paragraphs: Sequence[str],
    *,
    cache: bool = True,
    recognised: Sequence[bool] | None = None,
) -> list[list[Piece]]:
    """Each paragraph as its pieces, from the cache where an earlier call parsed it.

    The entity recogniser runs on the parsed runs, and on the other sentences of
    the paragraphs ``recognised`` marks (default: all). The rest are tokenised
    only, and given the names the recogniser found in this call's paragraphs
    (:func:`_propagate`): the recogniser is most of a parse's cost, and the
    sentences with no figure and no cue hold no claim. With ``cache`` false, what
    is parsed now is not kept.
    """
    return _propagate(nlp, paragraphs, _parsed(nlp, paragraphs, cache, recognised))


def prepare(nlp: Language, bodies: Sequence[Sequence[str]]) -> None:
    """Parse the paragraphs of many bodies in one batch, for the cache to serve
    :func:`parse_body` on each: spaCy runs a few large batches faster than many
    small ones (about a fifth on short news).
    """
    read = [_budgeted(body) for body in bodies]
    flags = [flag for paragraphs in read for flag in lede_flags(paragraphs)]
    _parsed(nlp, [p for paragraphs in read for p in paragraphs], True, flags)


def lede_flags(paragraphs: Sequence[str]) -> list[bool]:
    """Which of a body's paragraphs are its lede: those starting in its first :data:`LEDE_CHARS`."""
    return [start < LEDE_CHARS for start, _ in with_offsets(paragraphs)]


def _parsed(
    nlp: Language, paragraphs: Sequence[str], cache: bool, recognised: Sequence[bool] | None
) -> list[list[Piece | _Run]]:
    keep = _keep
    named = [True] * len(paragraphs) if recognised is None else list(recognised)
    result: dict[int, list[Piece | _Run]] = {}
    missing: list[int] = []
    for i, text in enumerate(paragraphs):
        key = (id(nlp), text, named[i])
        if key in _cache:
            _cache.move_to_end(key)
            result[i] = _cache[key]
        else:
            missing.append(i)
    if missing:
        runs = {i: _pieces(paragraphs[i]) for i in missing}
        deep = [(i, s, e) for i in missing for s, e, d in runs[i] if d]
        flat = [(i, s, e) for i in missing for s, e, d in runs[i] if not d and named[i]]
        docs: dict[tuple[int, int], Piece | _Run] = {
            (i, s): _Run(s, e) for i in missing for s, e, d in runs[i] if not d and not named[i]
        }
        morphology = _morphology(nlp)
        skip = ["attribute_ruler", "lemmatizer"] if morphology else []
        with annotating():
            texts = (paragraphs[i][s:e] for i, s, e in deep)
            parsed = nlp.pipe(texts, disable=skip, batch_size=_BATCH)
            for (i, s, _), doc in zip(deep, parsed, strict=True):
                docs[i, s] = Piece(s, morphology(doc) if morphology else doc, True)
            texts = (paragraphs[i][s:e] for i, s, e in flat)
            found = nlp.pipe(texts, disable=ner_skips(nlp), batch_size=_BATCH)
            for (i, s, _), doc in zip(flat, found, strict=True):
                docs[i, s] = Piece(s, doc, False)
        for i in missing:
            result[i] = [docs[i, s] for s, _, _ in runs[i]]
            if cache:
                _cache[(id(nlp), paragraphs[i], named[i])] = result[i]
        # the latest call's paragraphs stay whatever the setting: claims and
        # mentions may read the same article one after the other
        while len(_cache) > max(keep, len(paragraphs)):
            _cache.popitem(last=False)
    return [result[i] for i in range(len(paragraphs))]


@dataclass(frozen=True, slots=True)
class _Run:
    """A run of sentences left to tokenise and match, where ``paragraph[start:end]`` is."""

    start: int
    end: int


def _propagate(
    nlp: Language, paragraphs: Sequence[str], parsed: list[list[Piece | _Run]]
) -> list[list[Piece]]:
    """``parsed`` with each run left unrecognised tokenised and given the names found.

    A name the recogniser found in these paragraphs is found again wherever the
    same words are written (as the label it was given most), and a person's
    surname alone ("Smith" after "Jane Smith"): a story names its people in its
    lede and its quotes, and calls them the same way after. A run that still
    holds a capitalised word inside a sentence that the recogniser has not seen
    in these paragraphs (as a name or not) may name someone new: the recogniser
    reads it after all. Tokenised anew on each call, so that cached docs never
    carry another article's names.
    """
    if not any(isinstance(p, _Run) for pieces in parsed for p in pieces):
        return cast(list[list[Piece]], parsed)
    labels: dict[str, Counter[str]] = {}
    words: set[str] = set()
    for pieces in parsed:
        for piece in pieces:
            if isinstance(piece, Piece):
                for ent in piece.doc.ents:
                    if ent.label_ in NAME_LABELS:
                        for form in _forms(ent):
                            labels.setdefault(form, Counter())[ent.label_] += 1
                # capitalised words the recogniser has seen here: named or not, known
                words.update(t.text for t in piece.doc if t.is_title)
    matcher = PhraseMatcher(nlp.vocab)
    for form, counts in labels.items():
        matcher.add(counts.most_common(1)[0][0], [nlp.make_doc(form)])
    out: list[list[Piece]] = []
    unknown: list[tuple[int, int, str]] = []
    for i, (text, pieces) in enumerate(zip(paragraphs, parsed, strict=True)):
        row = []
        for j, piece in enumerate(pieces):
            if isinstance(piece, _Run):
                doc = nlp.make_doc(text[piece.start : piece.end])
                doc.ents = filter_spans(matcher(doc, as_spans=True)) if labels else []
                if _new_name(doc, words):
                    unknown.append((i, j, doc.text))
                piece = Piece(piece.start, doc, False)
            row.append(piece)
        out.append(row)
    if unknown:
        with annotating():
            texts = (text for _, _, text in unknown)
            found = nlp.pipe(texts, disable=ner_skips(nlp), batch_size=_BATCH)
            for (i, j, _), doc in zip(unknown, found, strict=True):
                out[i][j] = Piece(out[i][j].offset, doc, False)
    return out


#: Capitalised words that name no one: calendar words and titles before a name.
_NO_NAME = frozenset(
    """January February March April May June July August September October November
    December Monday Tuesday Wednesday Thursday Friday Saturday Sunday I Mr Mrs Ms Dr""".split()
)
_SENTENCE_END = frozenset({".", "!", "?", '"', "“", "”", ":", ";", "(", "'", "‘", "-", "—"})


def _new_name(doc: Doc, known: set[str]) -> bool:
    """Whether ``doc`` has a capitalised word inside a sentence that is not ``known``."""
    return any(
        token.is_title
        and token.is_alpha
        and token.i > 0
        and doc[token.i - 1].text not in _SENTENCE_END
        and not token.ent_type
        and token.text not in known
        and token.text not in _NO_NAME
        for token in doc
    )


def _forms(ent: Span) -> Iterator[str]:
    """How a name may be written again: as it is, and a person's surname alone."""
    yield ent.text
    last = ent[-1]
    if ent.label_ == "PERSON" and len(ent) > 1 and last.is_title and len(last) > 2:
        yield last.text


def parse_body(
    nlp: Language,
    body: Sequence[str],
    *,
    max_chars: int = MAX_PARSED_CHARS,
    recognise_all: bool = False,
) -> Iterator[tuple[int, list[Piece]]]:
    """Each paragraph of an article's ``body`` as its pieces, with where it starts
    in the article's text (paragraphs joined by a blank line, as ``Article.text``).

    The entity recogniser runs on the lede's every sentence (the paragraphs that
    start in the first :data:`LEDE_CHARS`) and on the sentences the claims parse;
    the other sentences get the names found there (see :func:`parse`), unless
    ``recognise_all``.

    Only the first ``max_chars`` characters are parsed (see
    :data:`~newsweave.config.MAX_PARSED_CHARS`): the paragraph that crosses the
    limit is cut there, and those after it are left out. A body longer than
    :data:`CACHED_BODY_CHARS` is parsed a batch of paragraphs at a time and
    not cached, so that its docs (some 1.5 KB a token) are let go as the caller
    reads on: read it once, for claims and mentions together
    (:func:`~newsweave.claims.extract.read_article`).
    """
    read = _budgeted(body, max_chars)
    flags = None if recognise_all else lede_flags(read)
    if sum(map(len, read)) <= CACHED_BODY_CHARS:
        parsed: Iterable[list[Piece]] = parse(nlp, read, recognised=flags)
    else:
        parsed = (
            pieces
            for at in range(0, len(read), _BATCH)
            for pieces in parse(
                nlp,
                read[at : at + _BATCH],
                cache=False,
                recognised=None if flags is None else flags[at : at + _BATCH],
            )
        )
    for (start, _), pieces in zip(with_offsets(body), parsed, strict=False):
        yield start, pieces


def _budgeted(body: Sequence[str], max_chars: int = MAX_PARSED_CHARS) -> list[str]:
    """The paragraphs of ``body`` that fit in ``max_chars``, the last one cut there."""
    read: list[str] = []
    left = max_chars
    for paragraph in body:
        if left <= 0:
            break
        read.append(paragraph[:left])
        left -= len(paragraph) + len(PARAGRAPH_GAP)
    return read


def clear_cache() -> None:
    """Forget every parsed paragraph (for timing cold runs)."""
    _cache.clear()
