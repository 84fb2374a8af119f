"""Time and peak memory of extracting one text page of very many short lines.

Usage: python bench/huge_page.py [LINES]   (default 1,000,000: about 11 MB)

A bundled article followed by LINES lines of "item N": what a careless export or a
hostile upload can look like. Prints the seconds ``extract()`` took, the page size and
the process's peak resident memory (the models included), for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from newsweave.extract import extract
from newsweave.models import Page, content_hash

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    """Build the page, extract it once, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", nargs="?", type=int, default=1_000_000)
    args = parser.parse_args()
    article = (REPO / "examples" / "pages" / "rt-bolivia-protests.txt").read_text("utf-8")
    text = article + "\n" + "\n".join(f"item {i}" for i in range(args.lines))
    raw = text.encode("utf-8")
    page = Page(content_hash(raw), "huge.txt", raw, text, "utf-8", "text")
    extract(Page(content_hash(b"x"), "warm.txt", article.encode(), article, "utf-8", "text"))
    started = time.perf_counter()
    result = extract(page)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.lines:,} extra lines, {len(raw) / 2**20:.1f} MiB page: extract() {seconds:.2f} s, "
        f"{len(result.body)} body paragraphs, peak RSS {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
