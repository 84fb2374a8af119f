"""Train newsweave's line segmenters on an extraction development set and ship them.

The plain model learns from the pages' text renders; the layout model from those and
from variants rendered as table layouts and giant lines (``training.TRAINING_LAYOUTS``).

Usage: python scripts/train_segmenter.py [DATA_DIR] [--out DIR] [--rounds N]

DATA_DIR holds ``pages/*.txt`` and ``ground-truth.json`` (default: ../shared/extraction
beside the repository). The two models and their metadata are written into the package
(src/newsweave/extract/) unless --out says otherwise.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from newsweave.extract.training import (
    ROUNDS,
    TRAINING_LAYOUTS,
    fit,
    layout_variant,
    load_dev_set,
    save,
)

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    """Parse arguments, train on every development page, write the model files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=REPO.parent / "shared" / "extraction")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "newsweave" / "extract")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()

    started = time.perf_counter()
    pages = load_dev_set(args.data)
    variants = [layout_variant(page, layout) for layout in TRAINING_LAYOUTS for page in pages]
    for layout, training in ((False, pages), (True, [*pages, *variants])):
        first, second, meta = fit(training, args.rounds)
        paths = save(first, second, meta, args.out, layout=layout)
        print(
            f"trained {meta['version']} on {meta['pages']} pages / {meta['lines']} lines "
            f"in {time.perf_counter() - started:.1f}s → "
            + ", ".join(f"{path} ({path.stat().st_size / 1024:.0f} KiB)" for path in paths)
        )


if __name__ == "__main__":
    main()
