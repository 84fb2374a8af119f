"""The learned line segmenter: which lines of a text page are the article body.

A gradient-boosted classifier (LightGBM) scores each line from its own and its
neighbours' features; a two-state hidden Markov model then smooths the scores
along the page with Viterbi decoding, because article bodies are runs of lines
and a lone "body" line amid furniture (or the reverse) is usually a mistake.
The model is trained by ``scripts/train_segmenter.py`` and shipped with the
package; it is loaded once per process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import lightgbm as lgb
import numpy as np

from newsweave.extract.features import FEATURE_NAMES, Line, featurize, furniture_mask
from newsweave.extract.patterns import TERMINALS

MODEL_FILE = "segmenter.lgb"
#: The most a line matching a furniture pattern (timestamp, caption...) may score.
FURNITURE_CAP = 0.02
#: Lines this short without end punctuation cannot close an article.
TAIL_MAX_WORDS = 5
META_FILE = "segmenter.json"


@dataclass(frozen=True, slots=True)
class SegmenterModel:
    """A trained classifier with the HMM parameters used to smooth its output."""

    booster: lgb.Booster
    log_prior: np.ndarray
    log_start: np.ndarray
    log_transition: np.ndarray
    version: str

    @classmethod
    def from_parts(cls, booster: lgb.Booster, meta: dict) -> SegmenterModel:
        """Build from a booster and the metadata the training script writes."""
        if meta["features"] != FEATURE_NAMES:
            raise ValueError("segmenter model was trained on other features; retrain it")
        return cls(
            booster=booster,
            log_prior=np.log(np.asarray(meta["prior"], dtype=np.float64)),
            log_start=np.log(np.asarray(meta["start"], dtype=np.float64)),
            log_transition=np.log(np.asarray(meta["transition"], dtype=np.float64)),
            version=meta["version"],
        )

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(body) for each row of ``features``."""
        if len(features) == 0:
            return np.zeros(0)
        return np.asarray(self.booster.predict(features, num_threads=1), dtype=np.float64)

    def decode(self, probabilities: np.ndarray) -> np.ndarray:
        """The most likely body/other labels (1/0) for a page, by Viterbi decoding.

        The classifier gives posteriors; dividing by the class prior turns them
        into scaled likelihoods, the usual hybrid HMM emission.
        """
        n = len(probabilities)
        if n == 0:
            return np.zeros(0, dtype=np.int8)
        p = np.clip(probabilities, 1e-6, 1 - 1e-6)
        emit = np.column_stack([np.log1p(-p), np.log(p)]) - self.log_prior
        score = self.log_start + emit[0]
        back = np.zeros((n, 2), dtype=np.int8)
        trans = self.log_transition
        for i in range(1, n):
            cand = score[:, None] + trans
            back[i] = cand.argmax(axis=0)
            score = cand.max(axis=0) + emit[i]
        labels = np.zeros(n, dtype=np.int8)
        labels[-1] = int(score.argmax())
        for i in range(n - 1, 0, -1):
            labels[i - 1] = back[i, labels[i]]
        return labels


@dataclass(frozen=True, slots=True)
class Segmentation:
    """A page's lines with their body probabilities, decoded labels and headline."""

    lines: list[Line]
    probabilities: np.ndarray
    labels: np.ndarray
    title: int | None


@cache
def load_model() -> SegmenterModel:
    """The shipped segmenter, read from the package once per process."""
    package = resources.files("newsweave.extract")
    booster = lgb.Booster(model_str=(package / MODEL_FILE).read_text(encoding="utf-8"))
    meta = json.loads((package / META_FILE).read_text(encoding="utf-8"))
    return SegmenterModel.from_parts(booster, meta)


def segment(lines: list[Line], model: SegmenterModel | None = None) -> Segmentation:
    """Label each line body (1) or not (0) with ``model`` (the shipped one by default)."""
    model = model or load_model()
    features, title = featurize(lines)
    probabilities = model.probabilities(features)
    probabilities[furniture_mask(features)] = np.minimum(
        probabilities[furniture_mask(features)], FURNITURE_CAP
    )
    labels = model.decode(probabilities)
    _trim_tail(lines, labels)
    return Segmentation(lines, probabilities, labels, title)


def _trim_tail(lines: list[Line], labels: np.ndarray) -> None:
    """Unmark short unpunctuated lines at the end of the body: an article ends on prose.

    A heading-like line there is the label of whatever follows the article.
    """
    for i in range(len(labels) - 1, -1, -1):
        if not labels[i]:
            continue
        text = lines[i].text
        if len(text.split()) > TAIL_MAX_WORDS or text[-1] in TERMINALS:
            return
        labels[i] = 0
