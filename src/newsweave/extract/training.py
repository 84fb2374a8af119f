"""Training data and fitting for the line segmenter.

The development set gives each page's text render and the hand-checked article
body. A line is labelled body when most of its word 4-grams (for short lines: the
line as a whole, as a run of words) occur in the gold body; those labels train
the classifier and the HMM's transition and start probabilities. Used by
``scripts/train_segmenter.py`` and the benchmark's cross-validation.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import lightgbm as lgb
import numpy as np

from newsweave.extract.features import (
    FEATURE_NAMES,
    STACK_FEATURES,
    Line,
    PageFeatures,
    featurize_page,
    split_lines,
)
from newsweave.extract.segmenter import (
    EARLY_STOP,
    META_FILE,
    MODEL_FILE,
    STACK_MODEL_FILE,
    SegmenterModel,
    first_scores,
    stacked,
)

_TOKEN_RE = re.compile(r"\w+")

#: Prediction time grows with the number of trees (not their leaves), and extraction
#: must stay fast. These settings were set for speed, not tuned on the development set.
PARAMS: dict[str, object] = {
    "objective": "binary",
    "learning_rate": 0.1,
    "num_leaves": 31,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_threads": 2,
    "deterministic": True,
    "force_row_wise": True,
    "verbosity": -1,
    "seed": 7,
}
#: Chosen by cross-validation on the development set (mean F1 over four fold
#: assignments) among 80, 150, 200, 250 and 400 rounds: 0.922, 0.930, 0.926, 0.929, 0.927.
ROUNDS = 150
#: Folds for the out-of-fold first-pass scores the second pass is trained on.
INNER_FOLDS = 5


@dataclass(slots=True)
class DevPage:
    """One development page: its id, text render, raw HTML path, gold body and address."""

    id: str
    text: str
    html_path: Path
    gold: str
    url: str | None = None


def load_dev_set(root: Path) -> list[DevPage]:
    """The pages of an extraction development set (``pages/*.txt`` + ``ground-truth.json``)."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        text_path = root / "pages" / f"{page_id}.txt"
        pages.append(
            DevPage(
                id=page_id,
                text=text_path.read_text(encoding="utf-8"),
                html_path=root / "pages" / f"{page_id}.html.gz",
                gold=truth[page_id]["articleBody"],
                url=truth[page_id].get("url"),
            )
        )
    return pages


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The word n-grams of ``text`` with their counts (the benchmark's shingles)."""
    tokens = _TOKEN_RE.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def label_lines(lines: Sequence[Line], gold: str) -> np.ndarray:
    """1 for lines whose text is (mostly) in the gold body, else 0."""
    gold_shingles = shingles(gold)
    gold_words = " " + " ".join(_TOKEN_RE.findall(gold.lower())) + " "
    labels = np.zeros(len(lines), dtype=np.int8)
    for i, line in enumerate(lines):
        own = shingles(line.text)
        total = sum(own.values())
        if total:
            found = sum(min(c, gold_shingles[s]) for s, c in own.items())
            labels[i] = found / total > 0.5
        else:
            words = _TOKEN_RE.findall(line.text.lower())
            labels[i] = bool(words) and f" {' '.join(words)} " in gold_words
    return labels


def _weights(lines: Iterable[Line]) -> np.ndarray:
    # The benchmark counts 4-grams, so a long paragraph matters more than a menu item.
    return np.array([np.sqrt(1 + len(_TOKEN_RE.findall(x.text))) for x in lines], dtype=np.float32)


@dataclass(slots=True)
class _Example:
    page: PageFeatures
    labels: np.ndarray
    weights: np.ndarray


def _examples(pages: Sequence[DevPage]) -> list[_Example]:
    examples = []
    for dev in pages:
        lines = split_lines(dev.text)
        if lines:
            examples.append(
                _Example(featurize_page(lines), label_lines(lines, dev.gold), _weights(lines))
            )
    return examples


def _train(rows: list[np.ndarray], examples: Sequence[_Example], names: list[str], rounds: int):
    data = lgb.Dataset(
        np.vstack(rows),
        label=np.concatenate([e.labels for e in examples]),
        weight=np.concatenate([e.weights for e in examples]),
        feature_name=names,
        free_raw_data=False,
    )
    return lgb.train(PARAMS, data, num_boost_round=rounds)


def fit(pages: Sequence[DevPage], rounds: int = ROUNDS) -> tuple[lgb.Booster, lgb.Booster, dict]:
    """Train both classifiers and the HMM on ``pages``; returns the boosters and metadata.

    The second pass is trained on out-of-fold first-pass scores (each page scored
    by a first pass that never saw it), so it learns how far to trust the first
    pass on unseen pages rather than on pages it has memorised.
    """
    examples = _examples(pages)
    first = _train([e.page.matrix for e in examples], examples, FEATURE_NAMES, rounds)
    scores: list[np.ndarray] = [np.empty(0)] * len(examples)
    for fold in range(INNER_FOLDS):
        train = [e for i, e in enumerate(examples) if i % INNER_FOLDS != fold]
        booster = _train([e.page.matrix for e in train], train, FEATURE_NAMES, rounds)
        for i in range(fold, len(examples), INNER_FOLDS):
            scores[i] = first_scores(booster, examples[i].page)
    rows = [stacked(e.page, p) for e, p in zip(examples, scores, strict=True)]
    second = _train(rows, examples, FEATURE_NAMES + STACK_FEATURES, rounds)

    y = np.concatenate([e.labels for e in examples])
    start = np.ones(2)
    transition = np.ones((2, 2))
    for e in examples:
        start[e.labels[0]] += 1
        np.add.at(transition, (e.labels[:-1], e.labels[1:]), 1)
    prior = float(y.mean())
    text = first.model_to_string() + second.model_to_string()
    meta = {
        "version": f"lgb2-hmm-{hashlib.sha256(text.encode()).hexdigest()[:10]}",
        "features": FEATURE_NAMES,
        "stack_features": STACK_FEATURES,
        "prior": [1 - prior, prior],
        "start": (start / start.sum()).tolist(),
        "transition": (transition / transition.sum(axis=1, keepdims=True)).tolist(),
        "pages": len(examples),
        "lines": len(y),
        "rounds": rounds,
        "early_stop": EARLY_STOP,
        "params": PARAMS,
    }
    return first, second, meta


def train_model(pages: Sequence[DevPage], rounds: int = ROUNDS) -> SegmenterModel:
    """A ready-to-use model trained on ``pages`` (for cross-validation)."""
    return SegmenterModel.from_parts(*fit(pages, rounds))


def save(first: lgb.Booster, second: lgb.Booster, meta: dict, directory: Path) -> list[Path]:
    """Write the models and their metadata where the package loads them from."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / MODEL_FILE, directory / STACK_MODEL_FILE, directory / META_FILE]
    for path, booster in zip(paths, (first, second), strict=False):
        path.write_text(booster.model_to_string(), encoding="utf-8")
    paths[2].write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return paths
