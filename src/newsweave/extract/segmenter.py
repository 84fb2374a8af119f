"""The learned line segmenter: which lines of a text page are the article body.

Two gradient-boosted classifiers (LightGBM) score each line. The first sees the
line's own and its neighbours' features; the second (stacking) also sees what
the first thought of the whole page: the body it found, the line's block and
whether the line talks about what that body talks about. A two-state hidden
Markov model then smooths the second pass's scores along the page with Viterbi
decoding, because article bodies are runs of lines and a lone "body" line amid
furniture (or the reverse) is usually a mistake. The models are trained by
``scripts/train_segmenter.py`` and shipped with the package; they are loaded
once per process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import lightgbm as lgb
import numpy as np

from newsweave.extract.features import (
    FEATURE_NAMES,
    STACK_FEATURES,
    PageFeatures,
    featurize_page,
    furniture_mask,
    stack_features,
)
from newsweave.extract.lines import Line
from newsweave.extract.patterns import LIST_ITEM_RE, TERMINALS

MODEL_FILE = "segmenter.lgb"
STACK_MODEL_FILE = "segmenter-stack.lgb"
META_FILE = "segmenter.json"
#: The model for pages whose render split lines into pieces (a table layout's cells,
#: a giant line's runs), saved under this prefix: it is trained on the development
#: pages and on variants of them rendered that way, which cost the plain pages 0.011
#: F1 by CV when one model served both (docs/benchmarks.md).
LAYOUT_PREFIX = "layout-"
#: The most a line matching a furniture pattern (timestamp, caption...) may score.
FURNITURE_CAP = 0.02
#: Lines this short without end punctuation cannot open or close an article.
EDGE_MAX_WORDS = 5
#: LightGBM's prediction early stopping: every ``every`` trees, a line whose margin
#: (twice its raw score's size) exceeds ``margin`` keeps the score it has, here
#: P(body) beyond 0.953 or below 0.047. Most lines of a page are plain menu or plain
#: prose and settle within a few trees: both passes take a third of the time, and the
#: cross-validated F1 is unchanged (docs/benchmarks.md). The second pass is trained on
#: first-pass scores stopped the same way, so the training metadata records these and
#: a model trained with others must be retrained.
EARLY_STOP = {"every": 5, "margin": 6.0}
#: Added to each line's body log-likelihood before decoding. The benchmark scores each
#: page's precision and recall, and the decoder as trained keeps more than it should
#: (cross-validated P 0.913, R 0.943). Chosen among 0 to -0.6 by the CV over 8 fold
#: assignments: F1 0.9276 at 0, 0.9293 at -0.5, better on both halves of the splits.
BODY_BIAS = -0.5


@dataclass(frozen=True, slots=True)
class SegmenterModel:
    """The two classifiers with the HMM parameters used to smooth their output."""

    first: lgb.Booster
    second: lgb.Booster
    log_prior: np.ndarray
    log_start: np.ndarray
    log_transition: np.ndarray
    version: str

    @classmethod
    def from_parts(cls, first: lgb.Booster, second: lgb.Booster, meta: dict) -> SegmenterModel:
        """Build from the boosters and the metadata the training script writes."""
        if meta["features"] != FEATURE_NAMES or meta["stack_features"] != STACK_FEATURES:
            raise ValueError("segmenter model was trained on other features; retrain it")
        if meta.get("early_stop") != EARLY_STOP:
            raise ValueError("segmenter model was trained with other early stopping; retrain it")
        return cls(
            first=first,
            second=second,
            log_prior=np.log(np.asarray(meta["prior"], dtype=np.float64)),
            log_start=np.log(np.asarray(meta["start"], dtype=np.float64)),
            log_transition=np.log(np.asarray(meta["transition"], dtype=np.float64)),
            version=meta["version"],
        )

    def first_pass(self, page: PageFeatures) -> np.ndarray:
        """The first classifier's P(body) per line, furniture capped."""
        return first_scores(self.first, page)

    def second_pass(self, page: PageFeatures, first: np.ndarray) -> np.ndarray:
        """The second classifier's P(body) per line given the first's, furniture capped."""
        return capped(predict(self.second, stacked(page, first)), page.matrix)

    def probabilities(self, page: PageFeatures) -> np.ndarray:
        """P(body) per line after both passes."""
        return self.second_pass(page, self.first_pass(page))

    def decode(self, probabilities: np.ndarray) -> np.ndarray:
        """The most likely body/other labels (1/0) for a page, by Viterbi decoding.

        The classifier gives posteriors; dividing by the class prior turns them
        into scaled likelihoods, the usual hybrid HMM emission. Two states make
        plain Python floats faster here than numpy's per-call overhead.
        """
        n = len(probabilities)
        if n == 0:
            return np.zeros(0, dtype=np.int8)
        p = np.clip(probabilities, 1e-6, 1 - 1e-6)
        other = (np.log1p(-p) - self.log_prior[0]).tolist()
        body = (np.log(p) - self.log_prior[1] + BODY_BIAS).tolist()
        (t00, t01), (t10, t11) = self.log_transition.tolist()
        s0 = float(self.log_start[0]) + other[0]
        s1 = float(self.log_start[1]) + body[0]
        back0 = bytearray(n)  # best previous state when now in state 0
        back1 = bytearray(n)
        for i in range(1, n):
            a, b = s0 + t00, s1 + t10
            c, d = s0 + t01, s1 + t11
            if a >= b:
                s0_next = a
            else:
                s0_next, back0[i] = b, 1
            if c >= d:
                s1 = c
            else:
                s1, back1[i] = d, 1
            s0 = s0_next + other[i]
            s1 += body[i]
        labels = np.zeros(n, dtype=np.int8)
        state = 1 if s1 > s0 else 0
        for i in range(n - 1, -1, -1):
            labels[i] = state
            state = back1[i] if state else back0[i]
        return labels


def predict(booster: lgb.Booster, features: np.ndarray) -> np.ndarray:
    """``booster``'s P(body) per row, early-stopped as at run time (training uses it too)."""
    if len(features) == 0:
        return np.zeros(0)
    scores = booster.predict(
        features,
        num_threads=1,
        pred_early_stop=True,
        pred_early_stop_freq=EARLY_STOP["every"],
        pred_early_stop_margin=EARLY_STOP["margin"],
    )
    return np.asarray(scores, dtype=np.float64)


def first_scores(booster: lgb.Booster, page: PageFeatures) -> np.ndarray:
    """A first-pass classifier's P(body) per line, furniture capped (run time and training)."""
    return capped(predict(booster, page.matrix), page.matrix)


def stacked(page: PageFeatures, first: np.ndarray) -> np.ndarray:
    """The second pass's input: the line features and the stack features of ``first``."""
    return np.hstack([page.matrix, stack_features(page, first)])


def capped(probabilities: np.ndarray, features: np.ndarray) -> np.ndarray:
    """``probabilities`` with lines that match a furniture pattern held to ``FURNITURE_CAP``."""
    mask = furniture_mask(features)
    probabilities[mask] = np.minimum(probabilities[mask], FURNITURE_CAP)
    return probabilities


@dataclass(frozen=True, slots=True)
class Segmentation:
    """A page's lines with their features, body probabilities, decoded labels and headline."""

    lines: list[Line]
    features: PageFeatures
    probabilities: np.ndarray
    labels: np.ndarray
    title: int | None
    #: The version of the model that labelled the lines.
    model: str


@dataclass(frozen=True, slots=True)
class Segmenters:
    """The plain model and the one for pages with table layouts or giant lines."""

    plain: SegmenterModel
    layout: SegmenterModel

    def choose(self, lines: list[Line]) -> SegmenterModel:
        """The model for a page split into ``lines``."""
        return self.layout if any(line.piece for line in lines) else self.plain


def _load(prefix: str) -> SegmenterModel:
    package = resources.files("newsweave.extract")
    first, second = (
        lgb.Booster(model_str=(package / f"{prefix}{name}").read_text(encoding="utf-8"))
        for name in (MODEL_FILE, STACK_MODEL_FILE)
    )
    meta = json.loads((package / f"{prefix}{META_FILE}").read_text(encoding="utf-8"))
    return SegmenterModel.from_parts(first, second, meta)


@cache
def load_models() -> Segmenters:
    """The shipped segmenters, read from the package once per process."""
    return Segmenters(_load(""), _load(LAYOUT_PREFIX))


def segment(
    lines: list[Line], model: SegmenterModel | Segmenters | None = None, *, layout: bool = False
) -> Segmentation:
    """Label each line body (1) or not (0) with ``model`` (the shipped ones by default).

    ``layout`` asks for the layout model whatever the lines are: a second reading of
    a page the plain model found no article in.
    """
    model = model or load_models()
    if isinstance(model, Segmenters):
        model = model.layout if layout else model.choose(lines)
    page = featurize_page(lines)
    probabilities = model.probabilities(page)
    labels = model.decode(probabilities)
    _trim_edges(lines, labels)
    return Segmentation(lines, page, probabilities, labels, page.title, model.version)


def _trim_edges(lines: list[Line], labels: np.ndarray) -> None:
    """Unmark what cannot open or close the body: an article opens and ends on prose.

    A short unpunctuated line before the article is a menu entry or a section
    label the decoder carried in ("Markets"), after it the label of whatever
    follows. A list item cannot open the article either: before the first
    paragraph a list is a menu, a list of teasers or a box of key points; at the
    end it can be the article's own (notes, a summary), so it stays there. A body
    that is nothing but list items is a list article and keeps them.
    """
    for opening, order in ((True, range(len(labels))), (False, range(len(labels) - 1, -1, -1))):
        short: list[int] = []
        listed: list[int] = []
        for i in order:
            if not labels[i]:
                continue
            text = lines[i].text
            if len(text.split()) <= EDGE_MAX_WORDS and text[-1] not in TERMINALS:
                short.append(i)
            elif opening and LIST_ITEM_RE.match(text):
                listed.append(i)
            else:
                labels[listed] = 0
                break
        labels[short] = 0
