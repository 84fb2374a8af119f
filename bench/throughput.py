"""End-to-end throughput: pages per second, single process and on Dask, as the corpus grows.

The corpus is built from real pages: the dev pages of
``/work/shared/extraction/pages`` (``.txt`` and ``.html.gz``) and the seeds of
``/work/shared/seeds``, repeated with light perturbation until it holds N
pages. Each copy has two adjacent sentences of one line swapped, some small
numbers changed, the years shifted by a few (so copies spread over time, as a
real archive does) and a word added to its headline, so that every copy is a
new page (a new content hash) that is still news text.

Copies still share most of their paragraphs, and the claims stage keeps parsed
paragraphs (``NEWSWEAVE_PARSE_CACHE``): left on, about two parses in three
would be cache hits and the figures would flatter the pipeline by about 1.6x
against an archive of distinct pages. So the children keep nothing across
pages (``--parse-cache 0``, the default here); syndicated copies in a real archive
would land between the two.

For each size and configuration a fresh subprocess runs:

* ``single``: ``process_page`` over every page, then :func:`newsweave.cluster.group`;
* ``dask1`` / ``dask2``: :func:`newsweave.batch.run_batch` on a local cluster of
  1 or 2 worker processes of one thread each (no store), set up as ``run_batch``
  sets up its own (``WORKER_CONFIG``);
* ``peer``: the pipeline a user would build instead, on the same pages:
  trafilatura's ``extract`` with its defaults on HTML pages, jusText (English
  stop list, each line a paragraph) on text pages, then spaCy's default model over
  every body with ``nlp.pipe`` (default batching), all its components on. It gives
  bodies, entities, parses and sentences; no title, date or outlet, claims, or
  stories. When ``single`` and ``peer`` run on one size, the table ends with
  newsweave's pages/s over the peer's.

It reports wall time (model loading and, for Dask, cluster start-up included),
pages per second, time per page, and peak RSS of the driver and of each worker.

    python bench/throughput.py --sizes 1000 10000 --configs single dask1 dask2 \
        [--partition-size 250] [--parse-cache 0] [--work /tmp/nw-throughput] \
        [--svg docs/throughput.svg]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

DEV_PAGES = Path("/work/shared/extraction/pages")
SEEDS = Path("/work/shared/seeds")
_SENTENCE = re.compile(r"[A-Z][^.!?<>\n]{20,300}[.!?](?=\s)")
_SMALL_NUMBER = re.compile(r"(?<![\d.,/:-])\b\d{1,3}\b(?![\d.,/:-])")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-2]\d)\b")
_HEADLINE = re.compile(r"(<title[^>]*>|<h1[^>]*>)([^<]{3})", re.I)
_WORDS = ["Update", "Report", "Latest", "Analysis", "Live", "Explainer", "Briefing"]


def base_pages() -> list[tuple[str, str]]:
    """(suffix, text) of every dev and seed page."""
    found: list[tuple[str, str]] = []
    for path in sorted(DEV_PAGES.iterdir()):
        if path.name.endswith(".html.gz"):
            found.append((".html", gzip.decompress(path.read_bytes()).decode("utf-8", "replace")))
        elif path.suffix == ".txt":
            found.append((".txt", path.read_text("utf-8", "replace")))
    found += [(".txt", p.read_text("utf-8", "replace")) for p in sorted(SEEDS.glob("*.txt"))]
    return found


def perturb(text: str, suffix: str, copy: int, rng: random.Random) -> str:
    """A light, deterministic variation of one page (see the module docstring)."""
    if copy == 0:
        return text
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if len(_SENTENCE.findall(line)) >= 2]
    if candidates:
        i = rng.choice(candidates)
        found = list(_SENTENCE.finditer(lines[i]))
        j = rng.randrange(len(found) - 1)
        a, b = found[j], found[j + 1]
        line = lines[i]
        lines[i] = line[: a.start()] + b.group() + line[a.end() : b.start()] + a.group()
        lines[i] += line[b.end() :]
    text = "\n".join(lines)
    text = _SMALL_NUMBER.sub(
        lambda m: str(int(m.group()) + rng.randint(1, 9)) if rng.random() < 0.3 else m.group(),
        text,
    )
    shift = copy % 5
    text = _YEAR.sub(lambda m: str(int(m.group()) + shift), text)
    word = f"{_WORDS[copy % len(_WORDS)]} {copy}: "
    if suffix == ".html":
        return _HEADLINE.sub(lambda m: m.group(1) + word + m.group(2), text, count=2)
    return word + text


def build_corpus(size: int, work: Path) -> Path:
    """A folder of ``size`` pages (reused when already built)."""
    folder = work / f"corpus-{size}"
    if folder.is_dir() and len(list(folder.iterdir())) == size:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    bases = base_pages()
    rng = random.Random(size)
    for n in range(size):
        suffix, text = bases[n % len(bases)]
        copy = n // len(bases)
        (folder / f"p{n:06d}{suffix}").write_text(perturb(text, suffix, copy, rng), "utf-8")
    return folder


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_single(corpus: Path) -> dict:
    """Child: process_page loop + grouping in this process."""
    from newsweave.cluster import group
    from newsweave.ingest import read_paths
    from newsweave.models import Rejection
    from newsweave.pipeline import process_page

    start = time.perf_counter()
    articles, pages = [], 0
    for page in read_paths([corpus]):
        if isinstance(page, Rejection):
            continue
        pages += 1
        result = process_page(page)
        if not isinstance(result, Rejection):
            articles.append(result.article)
    stories = group(articles)
    return {
        "pages": pages,
        "articles": len(articles),
        "stories": len(stories),
        "seconds": time.perf_counter() - start,
        "driver_rss_mb": _rss_mb(),
        "worker_rss_mb": [],
    }


def run_peer(corpus: Path) -> dict:
    """Child: trafilatura or jusText, then spaCy over every body (see the module docstring)."""
    import justext
    import trafilatura

    from newsweave.nlp import load_spacy

    start = time.perf_counter()
    nlp = load_spacy()
    stoplist = justext.get_stoplist("English")

    def bodies():
        for path in sorted(corpus.iterdir()):
            text = path.read_text("utf-8", "replace")
            if path.suffix == ".html":
                yield trafilatura.extract(text) or ""
                continue
            lines = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
            found = justext.justext(f"<html><body>{lines}</body></html>", stoplist)
            yield "\n".join(p.text for p in found if not p.is_boilerplate)

    pages = articles = entities = words = 0
    for doc in nlp.pipe(bodies()):
        pages += 1
        articles += bool(len(doc))
        entities += len(doc.ents)
        words += sum(not t.is_punct and not t.is_space for t in doc)
    return {
        "pages": pages,
        "articles": articles,
        "stories": 0,
        "entities": entities,
        "words": words,
        "seconds": time.perf_counter() - start,
        "driver_rss_mb": _rss_mb(),
        "worker_rss_mb": [],
    }


def run_dask(corpus: Path, workers: int, partition_size: int, out: Path) -> dict:
    """Child: run_batch on a local cluster this process starts and measures."""
    import dask
    from distributed import Client, LocalCluster

    from newsweave.batch import run_batch
    from newsweave.batch.run import WORKER_CONFIG

    with (
        dask.config.set(WORKER_CONFIG),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        start = time.perf_counter()
        report = run_batch(
            [corpus], out, scheduler=cluster.scheduler_address, partition_size=partition_size
        )
        seconds = time.perf_counter() - start
        worker_rss = client.run(_rss_mb)
    return {
        "pages": report.pages,
        "articles": report.articles,
        "stories": report.stories,
        "seconds": seconds,
        "driver_rss_mb": _rss_mb(),
        "worker_rss_mb": sorted(worker_rss.values()),
    }


def child(args: argparse.Namespace) -> None:
    corpus = Path(args.corpus)
    if args.child == "single":
        result = run_single(corpus)
    elif args.child == "peer":
        result = run_peer(corpus)
    else:
        out = Path(args.work) / f"out-{args.child}-{corpus.name}"
        subprocess.run(["rm", "-rf", str(out)], check=True)
        result = run_dask(corpus, int(args.child.removeprefix("dask")), args.partition_size, out)
    print(json.dumps(result))


def measure(config: str, corpus: Path, args: argparse.Namespace) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        config,
        "--corpus",
        str(corpus),
        "--work",
        str(args.work),
        "--partition-size",
        str(args.partition_size),
    ]
    env = {**os.environ, "NEWSWEAVE_PARSE_CACHE": str(args.parse_cache)}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["config"] = config
    result["size"] = int(corpus.name.removeprefix("corpus-"))
    result["load"] = os.getloadavg()[0]
    result["parse_cache"] = args.parse_cache
    return result


def svg(results: list[dict], path: Path) -> None:
    """A small hand-written SVG line chart: milliseconds per page against corpus size."""
    width, height, pad = 480, 280, 50
    sizes = sorted({r["size"] for r in results})
    top = max(1000 * r["seconds"] / r["pages"] for r in results) * 1.15
    colours = {"single": "#1f77b4", "dask1": "#ff7f0e", "dask2": "#2ca02c", "peer": "#7f7f7f"}

    def x(size: int) -> float:
        if len(sizes) == 1:
            return width / 2
        return pad + (width - 2 * pad) * sizes.index(size) / (len(sizes) - 1)

    def y(ms: float) -> float:
        return height - pad - (height - 2 * pad) * ms / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="11">',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="black"/>',
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="black"/>',
        f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">pages in corpus</text>',
        f'<text x="14" y="{height / 2}" transform="rotate(-90 14 {height / 2})" '
        'text-anchor="middle">ms per page (wall)</text>',
    ]
    for size in sizes:
        parts.append(
            f'<text x="{x(size)}" y="{height - pad + 14}" text-anchor="middle">{size:,}</text>'
        )
    for tick in range(5):
        ms = top * tick / 4
        parts.append(f'<text x="{pad - 4}" y="{y(ms) + 4}" text-anchor="end">{ms:.0f}</text>')
    for n, (config, colour) in enumerate(colours.items()):
        points = sorted(
            (r["size"], 1000 * r["seconds"] / r["pages"]) for r in results if r["config"] == config
        )
        if not points:
            continue
        coords = " ".join(f"{x(s):.1f},{y(ms):.1f}" for s, ms in points)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}"/>')
        parts += [
            f'<circle cx="{x(s):.1f}" cy="{y(ms):.1f}" r="3" fill="{colour}"/>' for s, ms in points
        ]
        parts.append(
            f'<text x="{width - pad - 60}" y="{pad + 14 * n}" fill="{colour}">{config}</text>'
        )
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n", "utf-8")


def table(results: list[dict]) -> str:
    lines = [
        "| pages | config | wall s | pages/s | ms/page | articles | stories "
        "| driver RSS MB | worker RSS MB | load (1 min) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        workers = ", ".join(f"{m:.0f}" for m in r["worker_rss_mb"]) or "–"
        lines.append(
            f"| {r['pages']:,} | {r['config']} | {r['seconds']:.1f} "
            f"| {r['pages'] / r['seconds']:.2f} | {1000 * r['seconds'] / r['pages']:.0f} "
            f"| {r['articles']:,} | {r['stories']:,} | {r['driver_rss_mb']:.0f} | {workers} "
            f"| {r['load']:.1f} |"
        )
    for size in sorted({r["size"] for r in results}):
        rate = {r["config"]: r["pages"] / r["seconds"] for r in results if r["size"] == size}
        if "single" in rate and "peer" in rate:
            ratio = rate["single"] / rate["peer"]
            lines.append(f"\nAt {size:,} pages, newsweave single / peer: {ratio:.2f}x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000], help="none: only redraw")
    parser.add_argument("--configs", nargs="+", default=["single", "dask1", "dask2"])
    parser.add_argument("--partition-size", type=int, default=250)
    parser.add_argument("--parse-cache", type=int, default=0, help="paragraphs kept across pages")
    parser.add_argument("--work", type=Path, default=Path("/tmp/nw-throughput"))
    parser.add_argument("--svg", type=Path, help="chart of all --results lines, else this run")
    parser.add_argument("--results", type=Path, help="append each result as a JSON line")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results = []
    for size in args.sizes:
        corpus = build_corpus(size, args.work)
        for config in args.configs:
            result = measure(config, corpus, args)
            results.append(result)
            print(json.dumps(result), flush=True)
            if args.results:
                with args.results.open("a") as stream:
                    stream.write(json.dumps(result) + "\n")
    if results:
        print(table(results))
    if args.svg:
        if args.results:
            results = [json.loads(line) for line in args.results.read_text().splitlines()]
        svg(results, args.svg)


if __name__ == "__main__":
    main()
