"""Training data and fitting for the line segmenter.

The development set gives each page's text render and the hand-checked article
body. A line is labelled body when most of its word 4-grams (for short lines: the
line as a whole, as a run of words) occur in the gold body; those labels train
the classifier and the HMM's transition and start probabilities. Used by
``scripts/train_segmenter.py`` and the benchmark's cross-validation.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import lightgbm as lgb
import lxml.html
import numpy as np

from newsweave.extract.features import FEATURE_NAMES, STACK_FEATURES, PageFeatures, featurize_page
from newsweave.extract.lines import Line, split_lines
from newsweave.extract.segmenter import (
    EARLY_STOP,
    LAYOUT_PREFIX,
    META_FILE,
    MODEL_FILE,
    STACK_MODEL_FILE,
    SegmenterModel,
    Segmenters,
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
    #: Train on the page's lines cut as extraction cuts them when it finds no body in
    #: them (``split_lines(cut_long=True)``): set on giant-line variants.
    cut_long: bool = False


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


#: How many of a page's short links make the side columns of its table-layout variant.
_MENU_LINKS, _SIDE_LINKS = 24, 12
#: Tags a giant-line variant turns inline, so the article's paragraphs render as one line.
_BLOCK_TAGS = frozenset(
    {"p", "br", "div", "li", "ul", "ol", "h2", "h3", "h4", "blockquote", "figure"}
)


def render(html: str) -> str:
    """``html`` as the development pages' text renders are made.

    inscriptis (a development dependency), each line stripped, runs of blank lines
    folded: on the 88 development pages this gives their ``.txt`` byte for byte.
    """
    from inscriptis import get_text

    lines = [line.strip() for line in get_text(html).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _document(html: str) -> lxml.html.HtmlElement:
    document = lxml.html.document_fromstring(html)
    for element in document.xpath("//script|//style|//noscript"):
        element.drop_tree()
    return document


def table_layout(html: str, valign: str = "middle") -> str:
    """The page laid out as an older site would be: a table of menu, page and side columns.

    The menu is the page's first short links and the side column its last ones;
    ``valign`` places them beside the top or the middle of the page's own column.
    """
    document = _document(html)
    body = document.body
    links = [" ".join(a.text_content().split()) for a in body.iter("a")]
    short = [text for text in links if 1 <= len(text.split()) <= 4]
    table = lxml.html.fromstring("<table><tr><td></td><td></td><td></td></tr></table>")
    menu, page, side = table.xpath(".//td")
    for cell, items in ((menu, short[:_MENU_LINKS]), (side, short[-_SIDE_LINKS:])):
        for text in items:
            link = lxml.html.Element("a")
            link.text = text
            cell.append(link)
            cell.append(lxml.html.Element("br"))
    for cell in (menu, page, side):
        cell.set("valign", valign)
    page.text, body.text = body.text, None
    for child in list(body):
        page.append(child)
    body.append(table)
    return lxml.html.tostring(document, encoding="unicode")


def giant_line(html: str) -> str:
    """The page with the paragraphs of its main column rendered as one line."""
    document = _document(html)
    column = max(document.body.iter(), key=lambda e: sum(1 for c in e if c.tag == "p"))
    for child in column:
        if child.tag in _BLOCK_TAGS:
            for element in child.iter():
                if element.tag in _BLOCK_TAGS:
                    element.tag = "span"
            child.tail = (child.tail or "") + " "
    return lxml.html.tostring(document, encoding="unicode")


def _html(dev: DevPage) -> str:
    return gzip.decompress(dev.html_path.read_bytes()).decode("utf-8")


#: The variants the layout model is trained on: table layouts, giant lines, and the
#: article alone (a cleaned body, as a crawler's record or a clean-up tool gives it).
#: Top-aligned tables stay unseen, to check that what it learns carries over.
TRAINING_LAYOUTS: dict[str, Callable[[DevPage], str]] = {
    "table-middle": lambda dev: render(table_layout(_html(dev), "middle")),
    "giant-line": lambda dev: render(giant_line(_html(dev))),
    "body-only": lambda dev: dev.gold,
}
CHECK_LAYOUTS: dict[str, Callable[[DevPage], str]] = {
    **TRAINING_LAYOUTS,
    "table-top": lambda dev: render(table_layout(_html(dev), "top")),
}


def layout_variant(dev: DevPage, layout: str) -> DevPage:
    """``dev`` rendered with one of :data:`CHECK_LAYOUTS`, same id and gold."""
    text = CHECK_LAYOUTS[layout](dev)
    return dataclasses.replace(dev, text=text, cut_long=layout == "giant-line")


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
    id: str
    page: PageFeatures
    labels: np.ndarray
    weights: np.ndarray


def _examples(pages: Sequence[DevPage]) -> list[_Example]:
    examples = []
    for dev in pages:
        lines = split_lines(dev.text, cut_long=dev.cut_long)
        if lines:
            examples.append(
                _Example(
                    dev.id,
                    featurize_page(lines),
                    label_lines(lines, dev.gold),
                    _weights(lines),
                )
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
    # Folds by page, so that a page's layout variants fall in the same fold.
    ids = list(dict.fromkeys(e.id for e in examples))
    fold_of = {page_id: k % INNER_FOLDS for k, page_id in enumerate(ids)}
    for fold in range(INNER_FOLDS):
        train = [e for e in examples if fold_of[e.id] != fold]
        booster = _train([e.page.matrix for e in train], train, FEATURE_NAMES, rounds)
        for i, e in enumerate(examples):
            if fold_of[e.id] == fold:
                scores[i] = first_scores(booster, e.page)
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


def train_models(
    pages: Sequence[DevPage], variants: Sequence[DevPage], rounds: int = ROUNDS
) -> Segmenters:
    """Ready-to-use plain and layout models trained on ``pages`` (for cross-validation)."""
    return Segmenters(
        SegmenterModel.from_parts(*fit(pages, rounds)),
        SegmenterModel.from_parts(*fit([*pages, *variants], rounds)),
    )


def save(
    first: lgb.Booster, second: lgb.Booster, meta: dict, directory: Path, *, layout: bool = False
) -> list[Path]:
    """Write the models and their metadata where the package loads them from."""
    directory.mkdir(parents=True, exist_ok=True)
    prefix = LAYOUT_PREFIX if layout else ""
    names = (MODEL_FILE, STACK_MODEL_FILE, META_FILE)
    paths = [directory / f"{prefix}{name}" for name in names]
    for path, booster in zip(paths, (first, second), strict=False):
        path.write_text(booster.model_to_string(), encoding="utf-8")
    paths[2].write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return paths
