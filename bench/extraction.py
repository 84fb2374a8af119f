"""Article-extraction benchmark on the development set, by the set's own measure.

Usage: python bench/extraction.py [DATA_DIR] [--folds K] [--markdown]

Measure (Scrapinghub's article-extraction benchmark): word 4-gram shingle
precision and recall per page, averaged over pages, F1 from the averages.
newsweave's text segmenter is scored by K-fold cross-validation: each page is
extracted by a model trained on the other folds only. Speeds are single-process
pages per second over all pages, with the shipped model for newsweave.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

# One core: pin the BLAS/OpenMP pools before numpy and lightgbm load.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import justext
import trafilatura

from newsweave.errors import PageError
from newsweave.extract import extract
from newsweave.extract.features import split_lines
from newsweave.extract.segmenter import SegmenterModel, segment
from newsweave.extract.text import extract_text
from newsweave.extract.training import DevPage, load_dev_set, shingles, train_model
from newsweave.models import Article, Page, content_hash

REPO = Path(__file__).resolve().parents[1]


def score(pairs: Sequence[tuple[str, str]]) -> tuple[float, float, float]:
    """(P, R, F1): per-page shingle precision and recall averaged, F1 of the averages."""
    precisions, recalls = [], []
    for gold, predicted in pairs:
        a, b = shingles(gold), shingles(predicted)
        tp = sum((a & b).values())
        fp = sum((b - a).values())
        fn = sum((a - b).values())
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    p, r = statistics.mean(precisions), statistics.mean(recalls)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def text_page(dev: DevPage) -> Page:
    raw = dev.text.encode("utf-8")
    return Page(content_hash(raw), f"{dev.id}.txt", raw, dev.text, "utf-8", "text")


def html_page(dev: DevPage) -> Page:
    raw = gzip.decompress(dev.html_path.read_bytes())
    return Page(content_hash(raw), dev.html_path.name, raw, raw.decode("utf-8"), "utf-8", "html")


def body_or_empty(run: Callable[[Page], Article], page: Page) -> str:
    """The extracted body, or nothing when extraction finds no article."""
    try:
        return run(page).text
    except PageError:
        return ""


def cross_validated_text(pages: Sequence[DevPage], folds: int) -> list[tuple[str, str]]:
    """Each page extracted by a segmenter trained without its fold."""
    pairs = []
    for fold in range(folds):
        train = [p for i, p in enumerate(pages) if i % folds != fold]
        test = [p for i, p in enumerate(pages) if i % folds == fold]
        model = train_model(train)

        def run(page: Page, model: SegmenterModel = model) -> Article:
            return extract_text(page, reference_time=None, explain=False, model=model)

        pairs.extend((dev.gold, body_or_empty(run, text_page(dev))) for dev in test)
    return pairs


def justext_lines(text: str) -> str:
    """jusText with each line of the render as a paragraph (English stoplist, defaults)."""
    html = "".join(
        f"<p>{line.replace('&', '&amp;').replace('<', '&lt;')}</p>"
        for line in text.splitlines()
        if line.strip()
    )
    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def timed(items: Sequence, run: Callable[[object], str]) -> tuple[list[str], float]:
    """Outputs of ``run`` over ``items`` and the pages per second it managed."""
    started = time.perf_counter()
    outputs = [run(item) for item in items]
    return outputs, len(items) / (time.perf_counter() - started)


def main() -> None:
    """Run every system over the development set and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=REPO.parent / "shared" / "extraction")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    pages = load_dev_set(args.data)
    golds = [p.gold for p in pages]
    texts = [text_page(p) for p in pages]
    htmls = [html_page(p) for p in pages]
    rows = []

    cv_pairs = cross_validated_text(pages, args.folds)
    extract(texts[0])  # load the shipped model before timing
    _, speed = timed(texts, lambda page: body_or_empty(extract, page))
    rows.append((f"newsweave segmenter ({args.folds}-fold CV)", "text", score(cv_pairs), speed))
    _, segment_speed = timed(texts, lambda page: segment(split_lines(page.text)))

    outputs, speed = timed(htmls, lambda page: body_or_empty(extract, page))
    rows.append(
        (
            "newsweave (trafilatura + clean-up)",
            "HTML",
            score(list(zip(golds, outputs, strict=True))),
            speed,
        )
    )

    for label, options in [
        ("trafilatura 2.3 defaults", {}),
        ("trafilatura 2.3 no comments", {"include_comments": False}),
        ("trafilatura 2.3 favor_precision", {"include_comments": False, "favor_precision": True}),
        ("trafilatura 2.3 favor_recall", {"include_comments": False, "favor_recall": True}),
    ]:
        outputs, speed = timed(
            htmls, lambda page, o=options: trafilatura.extract(page.text, **o) or ""
        )
        rows.append((label, "HTML", score(list(zip(golds, outputs, strict=True))), speed))

    outputs, speed = timed(pages, lambda dev: justext_lines(dev.text))
    rows.append(
        (
            "jusText (lines as paragraphs)",
            "text",
            score(list(zip(golds, outputs, strict=True))),
            speed,
        )
    )

    print(f"{len(pages)} pages from {args.data}\n")
    print("| system | input | F1 | P | R | pages/s (1 core) |")
    print("|---|---|---|---|---|---|")
    for name, kind, (p, r, f1), speed in rows:
        print(f"| {name} | {kind} | {f1:.3f} | {p:.3f} | {r:.3f} | {speed:.0f} |")
    print(f"\nnewsweave text pages, line segmentation alone: {segment_speed:.0f} pages/s")


if __name__ == "__main__":
    main()
