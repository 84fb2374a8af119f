"""Cost of story grouping as the store grows: time per article per size band, peak memory.

Feeds one :class:`~newsweave.cluster.StoryGrouper` (no embeddings) a stream
of synthetic but realistic articles and reports the time per article over
the first 1k, the next 9k and the next 90k, with the process's peak resident
memory at the end of each band. Time is the process's CPU time: on a shared
machine, wall time measures the neighbours' load as much as the grouper.

The articles recombine real text from ``/work/shared``: each synthetic event
takes the headlines of one labelled headline story and the body of one
dev-set page (``extraction/ground-truth.json``), perturbed per article
(paragraphs dropped and reordered, a few words swapped) and marked with an
event-specific name and figure so that events built on the same material
still differ. Events open at a steady rate (about 550 articles a day) and
are reported for up to 12 hours, so 100k articles span about six months of
publication dates: stories go quiet and are compacted (``compact_hours``),
and old bodies leave the copy finder, as they would in a live store. With
the default year of dormancy no story leaves the index within the stream.

    taskset -c 0 python bench/grouping_cost.py [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsweave.cluster import StoryGrouper
from newsweave.models import Article

SHARED = Path(__file__).resolve().parents[2] / "shared"
ARTICLES_PER_DAY = 550
EVENT_SIZE = (5, 40)
EVENT_HOURS = 12
_SYLLABLES = ["ka", "lo", "mir", "te", "van", "zu", "dor", "es", "ri", "no", "bel", "qua"]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize()


def stream(total: int, seed: int = 7) -> Iterator[Article]:
    """``total`` synthetic articles in publication order."""
    rng = random.Random(seed)
    headlines: dict[str, list[str]] = defaultdict(list)
    with (SHARED / "clustering" / "headlines.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            headlines[record["story"]].append(record["title"])
    truth = json.loads((SHARED / "extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    bodies = [
        [p for p in doc["articleBody"].split("\n") if p.strip()]
        for doc in truth.values()
        if doc.get("articleBody")
    ]
    stories = sorted(headlines.values(), key=len)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    pending: list[tuple[datetime, Article]] = []
    made = 0
    event = 0
    while made < total:
        # One event: when it opens follows from the articles made so far.
        opened = start + timedelta(days=made / ARTICLES_PER_DAY)
        size = min(rng.randint(*EVENT_SIZE), total - made)
        titles, body = rng.choice(stories), rng.choice(bodies)
        name, figure = _name(rng), rng.randint(2, 9999)
        for i in range(size):
            paragraphs = [p for p in body if rng.random() > 0.3] or body[:1]
            rng.shuffle(paragraphs)
            words = f"{name} said {figure} on {' '.join(paragraphs)}".split()
            for _ in range(len(words) // 40):
                j, k = rng.randrange(len(words)), rng.randrange(len(words))
                words[j], words[k] = words[k], words[j]
            title = f"{name}: {rng.choice(titles)}"
            when = opened + timedelta(minutes=rng.uniform(0, EVENT_HOURS * 60))
            article_id = f"e{event}-{i}"
            pending.append(
                (
                    when,
                    Article(
                        id=article_id,
                        page_id=article_id,
                        source=article_id,
                        title=title,
                        body=[" ".join(words[n : n + 60]) for n in range(0, len(words), 60)],
                        published=when,
                        published_precision="time",
                    ),
                )
            )
        made += size
        event += 1
    pending.sort(key=lambda item: (item[0], item[1].id))
    yield from (article for _, article in pending)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    articles = list(stream(sizes[-1]))
    span = (articles[-1].published - articles[0].published).days  # type: ignore[operator]
    print(f"{len(articles)} synthetic articles over {span} days, one grouper, no embeddings\n")
    # The generated input is held in memory too: its share is this baseline.
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS with the input generated, before grouping: {baseline:.0f} MiB\n")
    print("| articles | CPU time per article (band) | articles/s of CPU (band) | peak RSS at end |")
    print("|---|---|---|---|")
    grouper = StoryGrouper()
    done = 0
    for size in sizes:
        band = articles[done:size]
        began = time.process_time()
        for article in band:
            grouper.add(article)
        elapsed = time.process_time() - began
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"| {done + 1:,}–{size:,} | {1000 * elapsed / len(band):.2f} ms | "
            f"{len(band) / elapsed:.0f} | {peak:.0f} MiB |"
        )
        done = size
    print(f"\n{len(grouper.stories())} stories, {len(grouper.merges)} merges")
    # The state holds live stories only: its size follows the hot window, not the store.
    print(f"saved state (live stories, counts): {len(grouper.state()) / 1024:.0f} KiB compressed")


if __name__ == "__main__":
    main()
