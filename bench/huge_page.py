"""Time and peak memory of processing one very large page.

Usage: python bench/huge_page.py [LINES] [--prose]

Without ``--prose``: a bundled article followed by LINES lines of "item N" (default
1,000,000: about 11 MB), what a careless export or a hostile upload can look like;
``extract()`` alone is timed. With ``--prose``: LINES paragraphs of article prose,
each with a figure (default 3,000: about 0.6 MB, a body ten times the longest real
article), run through the whole of a page's processing (``process_page``: extraction,
claims, entity mentions), where the parse is what costs. Prints the seconds, the page
size and the process's peak resident memory over what it held after one ordinary
page (the models loaded), for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from pathlib import Path

from newsweave.extract import extract
from newsweave.models import Article, Page, content_hash
from newsweave.pipeline import Processed, process_page

REPO = Path(__file__).resolve().parents[1]


def _page(name: str, text: str) -> Page:
    raw = text.encode("utf-8")
    return Page(content_hash(raw), name, raw, text, "utf-8", "text")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Build the page, process it once, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", nargs="?", type=int)
    parser.add_argument("--prose", action="store_true", help="paragraphs of prose, fully processed")
    args = parser.parse_args()
    article = (REPO / "examples" / "pages" / "rt-bolivia-protests.txt").read_text("utf-8")
    if args.prose:
        lines = args.lines if args.lines is not None else 3_000
        paragraphs = [line for line in article.splitlines() if len(line.split()) > 15]
        rng = random.Random(1)
        # Each paragraph distinct (no parse is reused) and holding a figure (fully parsed).
        extra = (
            f"On day {i} officials said {rng.randint(1, 10**6)} people {rng.choice(paragraphs)}"
            for i in range(lines)
        )
        text = "\n".join([article.splitlines()[0], *extra])
        work = process_page
    else:
        lines = args.lines if args.lines is not None else 1_000_000
        text = article + "\n" + "\n".join(f"item {i}" for i in range(lines))
        work = extract
    page = _page("huge.txt", text)
    work(_page("warm.txt", article))
    before = _peak_mib()
    started = time.perf_counter()
    result = work(page)
    seconds = time.perf_counter() - started
    peak = _peak_mib()
    if isinstance(result, Processed):
        body: Article = result.article
        found = f"{len(result.claims)} claims, {len(result.mentions)} mentions"
    elif isinstance(result, Article):
        body, found = result, ""
    else:
        raise SystemExit(f"rejected: {result}")
    print(
        f"{lines:,} extra lines, {len(page.raw) / 2**20:.2f} MiB page: {work.__name__}() "
        f"{seconds:.2f} s, {len(body.body)} body paragraphs{', ' + found if found else ''}; "
        f"peak RSS {peak:.0f} MiB, {peak - before:.0f} MiB over the warm process "
        f"({(peak - before) * 2**20 / len(page.raw):.1f} times the page)"
    )


if __name__ == "__main__":
    main()
