"""Article-extraction benchmark on the development set, by the set's own measure.

Usage: python bench/extraction.py [DATA_DIR] [--folds K] [--splits S] [--worst N] [--text-only]
       python bench/extraction.py [DATA_DIR] --speed

Measure (Scrapinghub's article-extraction benchmark): word 4-gram shingle
precision and recall per page, averaged over pages, F1 from the averages.
newsweave's text segmenter is scored by K-fold cross-validation: each page is
extracted by a model trained on the other folds only. On 88 pages one fold
assignment moves F1 by about ±0.005, so the CV is repeated over S assignments
(pages dealt by id, then seeded shuffles) and averaged. Speeds are single-process
pages per second over all pages (best of three passes), with the shipped model
for newsweave; the text path is timed first, before any training in the process, and
its time is also split by stage.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import re
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

# One core: pin the BLAS/OpenMP pools before numpy and lightgbm load.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import justext
import lxml.html
import trafilatura

from newsweave.errors import PageError
from newsweave.extract import extract
from newsweave.extract.features import featurize_page, normalise
from newsweave.extract.lines import split_lines
from newsweave.extract.outlets import from_url, same_outlet
from newsweave.extract.patterns import LIST_ITEM_RE
from newsweave.extract.segmenter import Segmenters, load_models, segment
from newsweave.extract.text import extract_text
from newsweave.extract.training import (
    CHECK_LAYOUTS,
    TRAINING_LAYOUTS,
    DevPage,
    layout_variant,
    load_dev_set,
    shingles,
    train_models,
)
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
    article = article_or_none(run, page)
    return article.text if article else ""


def article_or_none(run: Callable[[Page], Article], page: Page) -> Article | None:
    try:
        return run(page)
    except PageError:
        return None


def fold_order(pages: Sequence[DevPage], split: int) -> list[DevPage]:
    """The pages in the order folds are dealt from: by id for split 0, else a seeded shuffle."""
    if split == 0:
        return list(pages)
    return sorted(pages, key=lambda p: hashlib.sha256(f"{split}:{p.id}".encode()).hexdigest())


def cross_validated_text(
    pages: Sequence[DevPage],
    folds: int,
    split: int = 0,
    layouts: dict[str, list[DevPage]] | None = None,
) -> dict[str, list[Article | None]]:
    """Each page's article (``None``: none found) by segmenters trained without its fold.

    Keyed by layout ("plain": the pages as given, then each of ``layouts``, the same
    pages rendered otherwise), in ``pages`` order; page ``i`` of :func:`fold_order`
    goes to fold ``i % folds``. The layout model of each fold is trained on the
    fold's pages and their variants of :data:`TRAINING_LAYOUTS` only.
    """
    variants = {"plain": list(pages), **(layouts or {})}
    order = fold_order(pages, split)
    fold_of = {p.id: i % folds for i, p in enumerate(order)}
    outputs: dict[str, dict[str, Article | None]] = {name: {} for name in variants}
    for fold in range(folds):
        # In the order folds are dealt from: training's inner folds follow it, and
        # another order moves the CV figure by as much as 0.005.
        train = [p for p in order if fold_of[p.id] != fold]
        extra = [
            p for name in TRAINING_LAYOUTS for p in variants.get(name, []) if fold_of[p.id] != fold
        ]
        models = train_models(train, extra)

        def run(page: Page, models: Segmenters = models) -> Article:
            return extract_text(page, reference_time=None, explain=False, model=models)

        for name, devs in variants.items():
            outputs[name].update(
                (dev.id, article_or_none(run, text_page(dev)))
                for dev in devs
                if fold_of[dev.id] == fold
            )
    return {name: [outputs[name][dev.id] for dev in pages] for name in variants}


def body_pairs(
    pages: Sequence[DevPage], articles: Sequence[Article | None]
) -> list[tuple[str, str]]:
    """(gold body, extracted body) per page, for :func:`score`."""
    return [(dev.gold, a.text if a else "") for dev, a in zip(pages, articles, strict=True)]


@dataclass(slots=True)
class HtmlFields:
    """What a page's own HTML says of its headline, date, author and site: the yardstick."""

    headlines: set[str]
    date: str | None
    authors: list[str]
    sites: list[str]


def html_fields(page: Page, url: str | None) -> HtmlFields:
    """The page's headlines (its h1s, og:title, <title> and the longest part of the last two,
    split at " | ", " - "...), its date (htmldate) and authors (through trafilatura), normalised,
    and its site's names (og:site_name through trafilatura, the address's host)."""
    meta = trafilatura.extract_metadata(page.text)
    tree = lxml.html.document_fromstring(page.text)
    heads = tree.xpath("//meta[@property='og:title']/@content") + tree.xpath("//title/text()")
    titles = [e.text_content() for e in tree.iter("h1")] + heads
    titles += [max(_TITLE_SEPARATOR_RE.split(t), key=len) for t in heads]
    if meta is not None and meta.title:
        titles.append(meta.title)
    authors = (meta.author or "").split(";") if meta is not None else []
    return HtmlFields(
        {_headline_key(t) for t in titles},
        meta.date[:10] if meta and meta.date else None,
        [normalise(a) for a in authors if a.strip()],
        [name for name in (meta.sitename if meta else None, from_url(url)) if name],
    )


_TITLE_SEPARATOR_RE = re.compile(r"\s+[|–—\-:»]\s+")


def _headline_key(text: str) -> str:
    return normalise(LIST_ITEM_RE.sub("", text.strip())).strip(" .")


def field_agreement(
    articles: Sequence[Article | None], truth: Sequence[HtmlFields]
) -> dict[str, tuple[int, int]]:
    """Per field, (pages where the text path agrees with the HTML, pages where the HTML has it).

    The title agrees when it is one of the HTML's headlines, the date when the day is
    htmldate's, the byline when it holds the first author the HTML names (or is held by
    the authors), the site when the outlet or the republisher is one of its names. The
    HTML is no gold: its author is at times "Admin" or the site.
    """
    found = {"title": [0, 0], "published day": [0, 0], "byline": [0, 0], "site": [0, 0]}
    for article, fields in zip(articles, truth, strict=True):
        found["title"][1] += 1
        if article is not None and _headline_key(article.title) in fields.headlines:
            found["title"][0] += 1
        if fields.date:
            found["published day"][1] += 1
            if article and article.published:
                found["published day"][0] += article.published.date().isoformat() == fields.date
        if fields.authors:
            found["byline"][1] += 1
            byline = normalise(article.byline) if article and article.byline else ""
            authors = " ".join(fields.authors)
            found["byline"][0] += bool(byline) and (
                fields.authors[0] in byline or byline in authors
            )
        if fields.sites:
            found["site"][1] += 1
            named = (article.outlet, article.republished_by) if article else ()
            found["site"][0] += any(same_outlet(n, s) for n in named for s in fields.sites)
    return {name: (agree, pages) for name, (agree, pages) in found.items()}


def page_score(gold: str, predicted: str) -> tuple[float, float, float]:
    """(P, R, F1) of one page; an empty output scores zero."""
    a, b = shingles(gold), shingles(predicted)
    tp = sum((a & b).values())
    p = tp / max(sum(b.values()), 1)
    r = tp / max(sum(a.values()), 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def stage_times(pages: Sequence[Page]) -> dict[str, float]:
    """Milliseconds per page spent in each stage of text extraction (shipped model)."""
    model = load_models().plain
    lines = [split_lines(page.text) for page in pages]
    features = [featurize_page(x) for x in lines]
    first = [model.first_pass(f) for f in features]
    probabilities = [model.probabilities(f) for f in features]
    stages: dict[str, Callable[[], object]] = {
        "split lines": lambda: [split_lines(page.text) for page in pages],
        "features": lambda: [featurize_page(x) for x in lines],
        "first pass (LightGBM)": lambda: [model.first_pass(f) for f in features],
        "second pass (stack features + LightGBM)": lambda: [
            model.second_pass(f, p) for f, p in zip(features, first, strict=True)
        ],
        "Viterbi": lambda: [model.decode(p) for p in probabilities],
        "whole extract()": lambda: [body_or_empty(extract, page) for page in pages],
    }
    times = {name: 1000 * best_time(run) / len(pages) for name, run in stages.items()}
    segmenting = sum(v for k, v in times.items() if k != "whole extract()")
    times["fields + language id (the rest)"] = times["whole extract()"] - segmenting
    return times


def best_time(run: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of ``repeats`` runs, in seconds: the least disturbed by other load."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def trafilatura_text(page: Page, options: dict) -> str:
    """trafilatura's main text for ``page``; with metadata read as well when asked."""
    if options.get("with_metadata"):
        doc = trafilatura.bare_extraction(page.text, url=page.url, **options)
        return doc.text if doc is not None and doc.text else ""
    return trafilatura.extract(page.text, **options) or ""


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
    """Outputs of ``run`` over ``items`` and the pages per second it managed (best of 3)."""
    outputs = [run(item) for item in items]
    return outputs, len(items) / best_time(lambda: [run(item) for item in items])


def max_rss_mib() -> float:
    """The process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(slots=True)
class TextTiming:
    """How fast the text path runs with the shipped model, and whether memory stays flat."""

    pages_per_second: float
    segment_pages_per_second: float
    stages: dict[str, float]
    rss_growth_mib: float

    def report(self) -> str:
        rows = "".join(f"| {name} | {ms:.2f} |\n" for name, ms in self.stages.items())
        return (
            f"newsweave text pages, whole extract(): {self.pages_per_second:.0f} pages/s; "
            f"line segmentation alone: {self.segment_pages_per_second:.0f} pages/s\n"
            f"\n| text stage | ms/page |\n|---|---|\n{rows}"
            f"\npeak memory growth over 10 more passes of extract(): {self.rss_growth_mib:.1f} MiB"
        )


def time_text_path(texts: Sequence[Page]) -> TextTiming:
    """Time the text path on ``texts``; run first, in a fresh process, before any training."""
    extract(texts[0])  # load the shipped model and language detector before timing
    _, speed = timed(texts, lambda page: body_or_empty(extract, page))
    _, segment_speed = timed(texts, lambda page: segment(split_lines(page.text)))
    stages = stage_times(texts)
    # Flat memory: a further ten passes over the pages must not raise the peak.
    rss_before = max_rss_mib()
    for _ in range(10):
        for page in texts:
            body_or_empty(extract, page)
    return TextTiming(speed, segment_speed, stages, max_rss_mib() - rss_before)


def main() -> None:
    """Run every system over the development set and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=REPO.parent / "shared" / "extraction")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--splits",
        type=int,
        default=4,
        choices=range(1, 101),
        metavar="N",
        help="repeat the CV over N fold assignments and average (one is noisy on 88 pages)",
    )
    parser.add_argument("--worst", type=int, default=0, help="list the N worst CV text pages")
    parser.add_argument("--text-only", action="store_true", help="skip the HTML systems")
    parser.add_argument(
        "--speed", action="store_true", help="only time the text path (no CV, no other systems)"
    )
    args = parser.parse_args()

    pages = load_dev_set(args.data)
    golds = [p.gold for p in pages]
    texts = [text_page(p) for p in pages]

    def header() -> str:  # the load average at the end of the run, which it counts
        return f"{len(pages)} pages from {args.data}; load average {os.getloadavg()[0]:.1f}\n"

    timing = time_text_path(texts)
    if args.speed:
        print(header())
        print(timing.report())
        return
    htmls = [html_page(p) for p in pages]
    rows = []

    layouts = {name: [layout_variant(p, name) for p in pages] for name in CHECK_LAYOUTS}
    cv_all = [
        cross_validated_text(pages, args.folds, split, layouts) for split in range(args.splits)
    ]
    cv_runs = [run["plain"] for run in cv_all]
    cv_scores = [score(body_pairs(pages, articles)) for articles in cv_runs]
    cv_pairs = body_pairs(pages, cv_runs[0])
    cv_mean = tuple(statistics.mean(s[k] for s in cv_scores) for k in range(3))
    cv_name = f"newsweave segmenter ({args.folds}-fold CV, mean of {args.splits} splits)"
    rows.append((cv_name, "text", cv_mean, timing.pages_per_second))

    if not args.text_only:
        outputs, speed = timed(htmls, lambda page: body_or_empty(extract, page))
        rows.append(
            (
                "newsweave (trafilatura + clean-up)",
                "HTML",
                score(list(zip(golds, outputs, strict=True))),
                speed,
            )
        )
    trafilatura_runs = [
        ("trafilatura 2.3 defaults", {}),
        ("trafilatura 2.3 no comments", {"include_comments": False}),
        ("trafilatura 2.3 favor_precision", {"include_comments": False, "favor_precision": True}),
        ("trafilatura 2.3 favor_recall", {"include_comments": False, "favor_recall": True}),
        # What newsweave's HTML path asks of trafilatura: the same text with the metadata
        # (title, author, site, date through htmldate), the like-for-like peer for speed.
        (
            "trafilatura 2.3 favor_precision + metadata",
            {"include_comments": False, "favor_precision": True, "with_metadata": True},
        ),
    ]
    for label, options in [] if args.text_only else trafilatura_runs:
        outputs, speed = timed(htmls, lambda page, o=options: trafilatura_text(page, o))
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

    print(header())
    print("| system | input | F1 | P | R | pages/s (1 core) |")
    print("|---|---|---|---|---|---|")
    for name, kind, (p, r, f1), speed in rows:
        print(f"| {name} | {kind} | {f1:.3f} | {p:.3f} | {r:.3f} | {speed:.0f} |")
    print(
        "\nThe same pages rendered as other layouts (CV, mean of the splits; "
        f"the layout model is trained on {', '.join(TRAINING_LAYOUTS)} only):\n"
        "| layout | newsweave F1 | P | R | no article | jusText F1 |\n|---|---|---|---|---|---|"
    )
    for name, variant in layouts.items():
        each = [score(body_pairs(variant, run[name])) for run in cv_all]
        p, r, f1 = (statistics.mean(s[k] for s in each) for k in range(3))
        missing = statistics.mean(sum(a is None for a in run[name]) for run in cv_all)
        plain = [justext_lines(dev.text) for dev in variant]
        baseline = score(list(zip(golds, plain, strict=True)))[2]
        print(f"| {name} | {f1:.3f} | {p:.3f} | {r:.3f} | {missing:.1f} | {baseline:.3f} |")
    print(
        "\nCV F1 by fold assignment: "
        + ", ".join(f"{f1:.3f}" for _, _, f1 in cv_scores)
        + " (split 0: pages by id)"
    )
    if not args.text_only:
        # parsed once for all splits
        truth = [html_fields(page, dev.url) for page, dev in zip(htmls, pages, strict=True)]
        agreement = [field_agreement(articles, truth) for articles in cv_runs]
        print(
            "\nText-path fields against the same page's HTML (CV; agreeing pages by split):\n"
            "| field | split 0 | all splits |\n|---|---|---|"
        )
        for name, (agree, total) in agreement[0].items():
            each = ", ".join(str(a[name][0]) for a in agreement)
            print(f"| {name} | {agree} of {total} | {each} |")
    print(f"\n{timing.report()}")
    if args.worst:
        print(f"\nworst {args.worst} text pages (CV, split 0):")
        scored = sorted(
            (page_score(gold, out), dev.id)
            for (gold, out), dev in zip(cv_pairs, pages, strict=True)
        )
        for (p, r, f1), page_id in scored[: args.worst]:
            print(f"  {page_id[:16]}  F1 {f1:.3f}  P {p:.3f}  R {r:.3f}")


if __name__ == "__main__":
    main()
