"""Story grouping on real headlines and real full-text articles: B-cubed P, R, F1.

Two labelled sets from ``/work/shared``:

* **headlines** (``clustering/headlines.jsonl``): 3,285 titles of 43 stories
  from two days of 2014, with URL and publisher. Their timestamps are crawl
  times of whole clusters and give the answer away (each story's headlines
  lie within a minute, stories minutes apart), so they are grouped
  **time-blind**: no dates given.
* **full text** (``stories/``): 147 news-please records of 30 events,
  2016-2018, with title, standfirst, body, URL, outlet and publication date,
  grouped **with their dates** (a day's midnight read as "that day"). Records
  with no text are kept and placed by their title or URL.

One parameter setting serves both sets, so nothing is tuned on one set
against the other. Cross-validation over events: each set's events are
split into ``k`` folds by a hash of their label; fold ``i`` of both sets is
held out together, the setting with the best mean F1 over the two sets'
other folds is chosen and scored on the held-out events of each. The grid
separates what each set can feel: ``headline_threshold`` (the bar for a
text with no body), the shared weights, and the full-text bar and time decay
(which a time-blind title-only set cannot feel).

Reported beside the CV figures: each set whole with the shipped defaults
(and the setting best on both whole sets, in-sample), both scorings of
newsweave's output (final stories with merges applied, and ids at
placement, what a stream consumer sees first), a TF-IDF centroid and a
MinHash baseline, the full-text set without dates, and speed. With
``--embedder SPEC`` (see :func:`newsweave.cluster.embeddings.load_embedder`),
rows with that sentence encoder are cross-validated too.

    python bench/clustering.py [--folds 5] [--quick] [--embedder SPEC] [--docs]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import multiprocessing
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH
from sklearn.feature_extraction.text import TfidfVectorizer

from newsweave.cluster import GroupingConfig, StoryGrouper
from newsweave.cluster.grouper import embedding_text
from newsweave.cluster.text import normalised_text
from newsweave.models import Article, sort_time

try:
    from bench.compare import load_record, to_article
except ImportError:  # run as a script from bench/
    from compare import load_record, to_article  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared"
HEADLINES = SHARED / "clustering" / "headlines.jsonl"
STORIES = SHARED / "stories"
DOCS = HERE.parent / "docs" / "benchmarks.md"
MARKERS = ("<!-- clustering:start -->", "<!-- clustering:end -->")

#: An article and the event it reports.
Item = tuple[str, Article]
# A method maps items (in order) and its parameters to one label per item.
Method = Callable[[Sequence[Item], dict[str, Any]], list[str]]

#: Settings a time-blind, title-only set cannot feel: scoring it under each
#: of their values would only repeat one run.
FULL_TEXT_ONLY = ("threshold", "half_life_hours", "time_power", "dormant_hours")


@dataclass(frozen=True)
class DataSet:
    """Labelled articles in the order a stream would see them."""

    name: str
    items: tuple[Item, ...]
    #: Parameters that cannot change this set's result.
    deaf: tuple[str, ...] = ()

    def subset(self, events: set[str], keep: bool) -> tuple[Item, ...]:
        return tuple(i for i in self.items if (i[0] in events) == keep)

    @property
    def events(self) -> set[str]:
        return {e for e, _ in self.items}


def _ordered(items: Iterable[Item]) -> tuple[Item, ...]:
    return tuple(sorted(items, key=lambda i: (sort_time(i[1].published), i[1].id)))


def load_headlines(path: Path = HEADLINES) -> DataSet:
    """The labelled headlines as title-only articles, without dates, in publication order."""
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    records.sort(key=lambda r: (r["published"], r["id"]))
    items = tuple(
        (
            r["story"],
            Article(
                id=r["id"],
                page_id=r["id"],
                source=r["url"],
                title=r["title"],
                body=[],
                outlet=r["publisher"],
                url=r["url"],
            ),
        )
        for r in records
    )
    return DataSet("headlines", items, FULL_TEXT_ONLY)


def load_stories(path: Path = STORIES) -> DataSet:
    """The labelled news-please records with their dates, in publication order."""
    labels = json.loads((path / "labels.json").read_text(encoding="utf-8"))
    items = []
    for name, label in labels.items():
        stem = name.removesuffix(".json")
        article = to_article(stem, load_record(path, stem), textless=True)
        assert article is not None
        items.append((label["event"], article))
    return DataSet("full text", _ordered(items))


def undated(data: DataSet) -> DataSet:
    """The same articles with their dates removed."""
    items = ((e, replace(a, published=None, published_precision=None)) for e, a in data.items)
    return DataSet(f"{data.name}, no dates", _ordered(items), FULL_TEXT_ONLY[1:])


def b_cubed(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1, averaged over items."""
    gold_sets: dict[str, set[int]] = defaultdict(set)
    pred_sets: dict[str, set[int]] = defaultdict(set)
    for i, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        gold_sets[g].add(i)
        pred_sets[p].add(i)
    precision = recall = 0.0
    for g, p in zip(gold, predicted, strict=True):
        shared = len(gold_sets[g] & pred_sets[p])
        precision += shared / len(pred_sets[p])
        recall += shared / len(gold_sets[g])
    precision /= len(gold)
    recall /= len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# -- methods ------------------------------------------------------------------

# Grouper runs, keyed by the articles and settings: the placement and final
# labelings of one run are scored as two rows without running it twice.
_RUNS: dict[tuple[Any, ...], tuple[list[str], list[str]]] = {}
# Sentence embeddings by encoder spec and text, filled by :func:`embed_all`.
_EMBEDDINGS: dict[tuple[str, str], np.ndarray] = {}


def _run_key(items: Sequence[Item], params: dict[str, Any]) -> tuple[Any, ...]:
    params = {k: v for k, v in params.items() if k != "final"}
    return (tuple(a.id for _, a in items), tuple(sorted(params.items())))


def _run(task: tuple[Sequence[Item], dict[str, Any]]) -> tuple[Any, ...]:
    items, params = task
    resolved = newsweave_method(items, params)
    key = _run_key(items, params)
    return key, _RUNS[key][0], resolved


def prefetch(tasks: Iterable[tuple[Sequence[Item], dict[str, Any]]], jobs: int) -> None:
    """Run newsweave on every (items, params) not yet cached, ``jobs`` processes at once."""
    todo = {_run_key(i, p): (i, p) for i, p in tasks if _run_key(i, p) not in _RUNS}
    if jobs <= 1 or len(todo) < 2:
        for task in todo.values():
            _run(task)
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for key, placed, resolved in pool.imap_unordered(_run, todo.values(), chunksize=4):
            _RUNS[key] = (placed, resolved)


def newsweave_method(items: Sequence[Item], params: dict[str, Any]) -> list[str]:
    """newsweave's online grouper; ``params`` override :class:`GroupingConfig` fields.

    ``final`` picks the labelling: each article's story at the end of the
    stream, merges applied (what :meth:`StoryGrouper.stories` and a store
    hold), or else the id :meth:`StoryGrouper.add` returned when the article
    was placed. ``embedded`` names the encoder whose cached sentence
    embeddings are added (:func:`embed_all`); being a parameter, it keys the
    run cache too.
    """
    params = dict(params)
    final = params.pop("final", True)
    key = _run_key(items, params)
    if key not in _RUNS:
        spec = params.pop("embedded", None)
        embedder = (lambda text: _EMBEDDINGS[spec, text]) if spec else None
        grouper = StoryGrouper(replace(GroupingConfig(), **params), embedder)
        placed = [grouper.add(article) for _, article in items]
        survivor = dict(grouper.merges)
        resolved = []
        for label in placed:
            while label in survivor:
                label = survivor[label]
            resolved.append(label)
        _RUNS[key] = (placed, resolved)
    placed, resolved = _RUNS[key]
    return resolved if final else placed


def grouping_texts(sets: Sequence[DataSet]) -> list[str]:
    """The distinct texts the grouper gives its embedder for the sets' articles."""
    config = GroupingConfig()
    return sorted({embedding_text(a, config) for data in sets for _, a in data.items})


def embed_all(spec: str, sets: Sequence[DataSet]) -> tuple[int, float]:
    """Encode every article's text once into the cache, under ``spec``; (texts, seconds)."""
    from newsweave.cluster.embeddings import load_embedder

    embedder = load_embedder(spec)
    texts = grouping_texts(sets)
    start = time.perf_counter()
    many = getattr(embedder, "embed_many", None)
    vectors = many(texts) if many else [embedder(t) for t in texts]
    seconds = time.perf_counter() - start
    for text, vector in zip(texts, vectors, strict=True):
        _EMBEDDINGS[spec, text] = np.asarray(vector, dtype=np.float64)
    return len(texts), seconds


def _texts(items: Sequence[Item], words: int = 400) -> list[str]:
    return [" ".join(" ".join([a.title, *a.body]).split()[:words]) for _, a in items]


def tfidf_centroid(items: Sequence[Item], params: dict[str, Any]) -> list[str]:
    """Online TF-IDF centroid baseline with one similarity threshold.

    Each article in order joins the story whose summed vector is most
    similar by cosine (scikit-learn TF-IDF fitted on all the texts, title and
    first 400 words) when that reaches the threshold, else opens a story.
    """
    vectors = TfidfVectorizer(stop_words="english").fit_transform(_texts(items))
    gram = (vectors @ vectors.T).toarray()
    labels = np.zeros(len(items), dtype=np.int64)
    squared: list[float] = []  # squared norm of each story's summed vector
    for i in range(len(items)):
        if squared:
            dots = np.bincount(labels[:i], weights=gram[i, :i], minlength=len(squared))
            sims = dots / np.sqrt(np.maximum(squared, 1e-12))
            best = int(np.argmax(sims))
            if sims[best] >= params["threshold"]:
                labels[i] = best
                squared[best] += 2 * dots[best] + gram[i, i]
                continue
        labels[i] = len(squared)
        squared.append(float(gram[i, i]))
    return [str(label) for label in labels]


def minhash_only(items: Sequence[Item], params: dict[str, Any]) -> list[str]:
    """Each article joins the story of its nearest earlier one by MinHash Jaccard of words."""
    threshold = params["threshold"]
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    sketches: dict[str, MinHash] = {}
    labels: dict[str, str] = {}
    out: list[str] = []
    for (_, article), text in zip(items, _texts(items), strict=True):
        sketch = MinHash(num_perm=128)
        sketch.update_batch([w.encode() for w in sorted(set(normalised_text(text).split()))])
        matches = [(float(sketch.jaccard(sketches[k])), k) for k in sorted(lsh.query(sketch))]
        matches = [m for m in matches if m[0] >= threshold]
        label = labels[max(matches)[1]] if matches else article.id
        lsh.insert(article.id, sketch)
        sketches[article.id] = sketch
        labels[article.id] = label
        out.append(label)
    return out


# -- evaluation ---------------------------------------------------------------


def grid(**axes: Iterable[Any]) -> list[dict[str, Any]]:
    """Every combination of the axes' values."""
    names = list(axes)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*axes.values())]


def _heard(method: Method, data: DataSet, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` less those that cannot change newsweave's result on ``data``."""
    deaf = data.deaf if method is newsweave_method else ()
    return {k: v for k, v in params.items() if k not in deaf}


def score(
    method: Method, data: DataSet, items: Sequence[Item], params: dict[str, Any]
) -> tuple[float, float, float]:
    """B-cubed of ``method`` on ``items`` of ``data``."""
    return b_cubed([e for e, _ in items], method(items, _heard(method, data, params)))


def folds_of(data: DataSet, k: int) -> list[set[str]]:
    """The events split into ``k`` folds by a hash of their label (no ordering bias)."""
    events = sorted(data.events, key=lambda s: hashlib.sha256(s.encode()).hexdigest())
    return [set(events[i::k]) for i in range(k)]


@dataclass
class Result:
    """Held-out scores per set, averaged over folds, and the settings the folds chose."""

    per_set: dict[str, dict[str, float]]
    chosen: list[dict[str, Any]]


def joint_cv(
    method: Method,
    sets: Sequence[DataSet],
    settings: Sequence[dict[str, Any]],
    k: int,
    jobs: int = 1,
) -> Result:
    """Per fold: the setting with the best mean F1 over every set's training events,
    scored on every set's held-out events."""
    folds = [folds_of(data, k) for data in sets]
    if method is newsweave_method:
        prefetch(
            (
                (d.subset(f[i], keep=False), _heard(method, d, p))
                for d, f in zip(sets, folds, strict=True)
                for i in range(k)
                for p in settings
            ),
            jobs,
        )
    scores: dict[str, list[tuple[float, float, float]]] = {d.name: [] for d in sets}
    chosen = []
    for i in range(k):

        def train_f1(params: dict[str, Any], i: int = i) -> float:
            return statistics.mean(
                score(method, d, d.subset(f[i], keep=False), params)[2]
                for d, f in zip(sets, folds, strict=True)
            )

        best = max(settings, key=train_f1)
        chosen.append(best)
        for data, fold in zip(sets, folds, strict=True):
            scores[data.name].append(score(method, data, data.subset(fold[i], keep=True), best))
    per_set = {}
    for name, rows in scores.items():
        per_set[name] = {
            "precision": statistics.mean(r[0] for r in rows),
            "recall": statistics.mean(r[1] for r in rows),
            "f1": statistics.mean(r[2] for r in rows),
            "f1_min": min(r[2] for r in rows),
        }
    return Result(per_set, chosen)


def best_whole(
    method: Method, sets: Sequence[DataSet], settings: Sequence[dict[str, Any]], jobs: int = 1
) -> dict[str, Any]:
    """The setting with the best mean F1 over the sets whole (in-sample)."""
    if method is newsweave_method:
        prefetch(((d.items, _heard(method, d, p)) for d in sets for p in settings), jobs)
    return max(
        settings, key=lambda p: statistics.mean(score(method, d, d.items, p)[2] for d in sets)
    )


def throughput(data: DataSet, repeat: int = 3) -> float:
    """Articles per second through the default grouper, best of ``repeat``."""
    best = float("inf")
    for _ in range(repeat):
        grouper = StoryGrouper()
        start = time.perf_counter()
        for _, article in data.items:
            grouper.add(article)
        best = min(best, time.perf_counter() - start)
    return len(data.items) / best


def newsweave_grid(quick: bool, embedded: str | None = None) -> list[dict[str, Any]]:
    """The settings cross-validation chooses among."""
    # Embeddings add similarity, so the bars sit higher than without them.
    lift = 0.1 if embedded else 0.0
    shared = grid(
        entity_weight=[0.15, 0.3],
        merge_similarity=[1.0, 0.2] if quick else [1.0, 0.3, 0.2],
    )
    headline = grid(headline_threshold=[round(t + lift, 2) for t in [0.1, 0.14, 0.18]])
    full_text = grid(
        threshold=[round(t + lift, 2) for t in [0.15, 0.2, 0.25]],
        half_life_hours=[24.0, 720.0] if quick else [24.0, 168.0, 720.0],
        # Every fold has chosen the long dormancy without embeddings; with
        # them the axis makes room for how much the embeddings weigh.
        dormant_hours=[9000.0] if embedded else [720.0, 9000.0],
    )
    extra = grid(embedded=[embedded], embedding_weight=[0.1, 0.3]) if embedded else [{}]
    return [
        {**s, **h, **t, **e} for s, h, t, e in itertools.product(shared, headline, full_text, extra)
    ]


def _fmt(s: tuple[float, float, float]) -> str:
    return f"{s[2]:.3f} / {s[0]:.3f} / {s[1]:.3f}"


def _changed(params: dict[str, Any]) -> str:
    """The settings that differ from the shipped defaults."""
    defaults = GroupingConfig()
    diff = {k: v for k, v in params.items() if hasattr(defaults, k) and getattr(defaults, k) != v}
    return ", ".join(f"{k}={v:g}" for k, v in diff.items()) or "the defaults"


def report(args: argparse.Namespace) -> str:
    """Run the whole benchmark; its results as Markdown."""
    headlines, stories = load_headlines(args.headlines), load_stories(args.stories)
    sets = (headlines, stories)
    lines = [
        f"Data: {len(headlines.items):,} headlines of {len(headlines.events)} stories "
        f"(time-blind) and {len(stories.items)} full-text articles of "
        f"{len(stories.events)} events (dated). {args.folds}-fold CV over events, one "
        "setting chosen per fold on both sets' other folds together.",
        "",
    ]
    rows: list[tuple[str, Method, list[dict[str, Any]]]] = []
    settings = newsweave_grid(args.quick)
    rows.append(("newsweave, final stories", newsweave_method, settings))
    rows.append(
        ("newsweave, ids at placement", newsweave_method, [{**p, "final": False} for p in settings])
    )
    if args.embedder:
        count, seconds = embed_all(args.embedder, sets)
        lines.append(
            f"Embedder `{args.embedder}`: {count:,} texts encoded in {seconds:.1f} s "
            f"({count / seconds:.0f} texts/s, batched where the backend allows)."
        )
        lines.append("")
        rows.append(
            (
                f"newsweave + {args.embedder}, final stories",
                newsweave_method,
                newsweave_grid(args.quick, embedded=args.embedder),
            )
        )
    thresholds = grid(threshold=[0.02, 0.04, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4])
    rows.append(("TF-IDF centroid baseline", tfidf_centroid, thresholds))
    rows.append(("MinHash baseline", minhash_only, grid(threshold=[0.2, 0.3, 0.4, 0.5, 0.6])))

    lines += [
        "| method | headlines CV F1 (worst fold) / P / R | full text CV F1 (worst fold) / P / R "
        "| headlines whole F1 / P / R | full text whole F1 / P / R | whole-set setting |",
        "|---|---|---|---|---|---|",
    ]
    chosen_notes = []
    for name, method, space in rows:
        started = time.perf_counter()
        cv = joint_cv(method, sets, space, args.folds, args.jobs)
        if method is newsweave_method and "embedded" not in space[0]:
            whole = {"final": space[0].get("final", True)}
            label = "shipped defaults"
        else:
            whole = best_whole(method, sets, space, args.jobs)
            label = f"best on both whole sets (in-sample): {_changed(whole)}"
        cells = []
        for data in sets:
            s = cv.per_set[data.name]
            cells.append(
                f"{s['f1']:.3f} ({s['f1_min']:.3f}) / {s['precision']:.3f} / {s['recall']:.3f}"
            )
        cells += [_fmt(score(method, d, d.items, whole)) for d in sets]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {label} |")
        chosen_notes.append(f"- {name}: " + "; ".join(_changed(p) for p in cv.chosen))
        print(f"  {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)

    best = best_whole(newsweave_method, sets, settings, args.jobs)
    lines += [
        "",
        "Settings each fold chose (as changes from the shipped defaults):",
        *chosen_notes,
        "",
        "newsweave, the setting best on both whole sets (in-sample, what the defaults start "
        f"from; `GroupingConfig` says where they depart from it): {_changed(best)}: headlines "
        f"{_fmt(score(newsweave_method, headlines, headlines.items, best))}, full text "
        f"{_fmt(score(newsweave_method, stories, stories.items, best))} (F1 / P / R).",
    ]
    blind = undated(stories)
    lines.append(
        "Full text without dates, shipped defaults: "
        f"{_fmt(score(newsweave_method, blind, blind.items, {}))}."
    )
    stories_found = len(set(newsweave_method(stories.items, {})))
    lines.append(
        f"Stories found in the full-text set with the shipped defaults: {stories_found} "
        f"for {len(stories.events)} events."
    )
    lines.append(
        f"Speed (defaults, one process): {throughput(headlines):,.0f} headlines/s, "
        f"{throughput(stories):,.0f} full-text articles/s."
    )
    return "\n".join(lines)


def write_docs(section: str, path: Path = DOCS, today: date | None = None) -> None:
    """Replace the text between the clustering markers of ``path`` with ``section``."""
    text = path.read_text(encoding="utf-8")
    start, end = MARKERS
    if start not in text or end not in text:
        raise SystemExit(f"{path}: no {start} ... {end} markers")
    stamp = f"Measured {(today or date.today()).isoformat()} with `python bench/clustering.py`."
    body = f"{start}\n{stamp}\n\n{section}\n{end}"
    path.write_text(
        re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: body, text, flags=re.S),
        encoding="utf-8",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--headlines", type=Path, default=HEADLINES)
    parser.add_argument("--stories", type=Path, default=STORIES)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a smaller parameter grid")
    parser.add_argument("--embedder", help="also cross-validate with this sentence encoder")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--docs", action="store_true", help=f"write the results into {DOCS}")
    args = parser.parse_args(argv)
    if not args.headlines.exists() or not (args.stories / "labels.json").exists():
        print(f"skipped: no labelled data at {args.headlines} and {args.stories}")
        return 0
    section = report(args)
    print(section)
    if args.docs:
        write_docs(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
