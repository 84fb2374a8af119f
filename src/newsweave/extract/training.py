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

from newsweave.extract.features import FEATURE_NAMES, Line, featurize, split_lines
from newsweave.extract.segmenter import META_FILE, MODEL_FILE, SegmenterModel

_TOKEN_RE = re.compile(r"\w+")

#: Small trees, few of them: the set is small and extraction must stay fast.
PARAMS: dict[str, object] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_threads": 2,
    "verbosity": -1,
    "seed": 7,
}
ROUNDS = 250


@dataclass(slots=True)
class DevPage:
    """One development page: its id, text render, raw HTML path and gold body."""

    id: str
    text: str
    html_path: Path
    gold: str


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


def fit(pages: Sequence[DevPage], rounds: int = ROUNDS) -> tuple[lgb.Booster, dict]:
    """Train the classifier and the HMM on ``pages``; returns the booster and its metadata."""
    xs, ys, ws = [], [], []
    start = np.ones(2)
    transition = np.ones((2, 2))
    for page in pages:
        lines = split_lines(page.text)
        if not lines:
            continue
        features, _ = featurize(lines)
        labels = label_lines(lines, page.gold)
        xs.append(features)
        ys.append(labels)
        ws.append(_weights(lines))
        start[labels[0]] += 1
        np.add.at(transition, (labels[:-1], labels[1:]), 1)
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    data = lgb.Dataset(x, label=y, weight=w, feature_name=FEATURE_NAMES, free_raw_data=False)
    booster = lgb.train(PARAMS, data, num_boost_round=rounds)
    prior = float(y.mean())
    digest = hashlib.sha256(booster.model_to_string().encode()).hexdigest()[:10]
    meta = {
        "version": f"lgb-hmm-{digest}",
        "features": FEATURE_NAMES,
        "prior": [1 - prior, prior],
        "start": (start / start.sum()).tolist(),
        "transition": (transition / transition.sum(axis=1, keepdims=True)).tolist(),
        "pages": len(xs),
        "lines": len(y),
        "rounds": rounds,
    }
    return booster, meta


def train_model(pages: Sequence[DevPage], rounds: int = ROUNDS) -> SegmenterModel:
    """A ready-to-use model trained on ``pages`` (for cross-validation)."""
    booster, meta = fit(pages, rounds)
    return SegmenterModel.from_parts(booster, meta)


def save(booster: lgb.Booster, meta: dict, directory: Path) -> tuple[Path, Path]:
    """Write the model and its metadata where the package loads them from."""
    model_path = directory / MODEL_FILE
    meta_path = directory / META_FILE
    model_path.write_text(booster.model_to_string(), encoding="utf-8")
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return model_path, meta_path
