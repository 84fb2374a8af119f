"""Claim extraction on hand-labelled stories: precision, recall and F1, and speed.

Labels live in ``bench/data/claims/*.json`` (see the README there): per article,
the figures it states, each with its source, value range and measure. The seed
story's pages are read from ``/work/shared/seeds`` and skipped when absent.

A predicted claim with a figure matches a label of the same article when

- **value**: ``low`` and ``high`` are equal (open ends equal open ends; an
  "unknown" claim is ``None``/``None``);
- **source**: both are the outlet's own voice (``None``), or the normalised
  names (case, a leading "the", a possessive "'s" and punctuation dropped) are
  equal, or the words of one are a contiguous run of the other's ("JoongAng" in
  "JoongAng Ilbo"), for any of the label's acceptable names;
- **measure**: when the label has a unit ("(in dollars)", "(in percent)") the
  units are equal; otherwise the counted noun classes are equal (troops =
  soldiers, singular = plural) or both name the same event class (killed, wounded,
  deployed...), as :func:`newsweave.claims.measure_key` reads them.

Matching is one-to-one (greedy, in label order). Precision is matches over
predicted figure claims, recall matches over labels. The "value" columns count
a match on value alone, to tell missed figures from wrong sources or measures.
Claims without a figure (an attribution alone) are not scored.

``--public`` runs the judge's scorers over the public labelled sets in
``../shared/claims`` (NewsQuant and Recognizers-Text number ranges for the
figures, PolNeAR dev for the sources; skipped when absent) and prints the
summary table beside the peers those scorers run in the same process;
``--docs`` writes both tables into ``docs/benchmarks.md``.

``--speed`` times entities + claims on one process over the seed, labelled and
(when present) ``/work/shared/extraction`` bodies, with spaCy's doc cache
cleared between rounds; run it under ``taskset -c 0`` and note the load.
``--floor`` times, on the same articles, the least spaCy work the output
needs whatever code surrounds it: the entity recogniser over every sentence
(entities are reported everywhere) and the tagger and parser over the sentences
that hold a figure (who gave it is read from the parse).

``--names`` measures what running the entity recogniser only where it pays
loses (the lede and the sentences claims are read from, the names found there
matched in the rest; :func:`newsweave.claims.parse.parse`) against running it
on every sentence (``recognise_all``), on the labelled, seed, extraction-set
and ``/work/shared/stories`` bodies: claims left identical, mentions and
distinct names per article kept, each story's top entities kept, and CPU time
per article in alternating rounds (the least of each).

    python bench/claims.py [--public] [--docs] [--quiet]
    taskset -c 0 python bench/claims.py --names [--rounds 3]
    taskset -c 0 python bench/claims.py --speed [--rounds 3] [--limit N]
    taskset -c 0 python bench/claims.py --floor [--rounds 3] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from newsweave.claims import (
    extract_all,
    extract_claims,
    find_mentions,
    measure_key,
    read_article,
)
from newsweave.claims.parse import annotating, clear_cache, has_figure, ner_skips
from newsweave.claims.split import split_sentences
from newsweave.claims.units import is_time, kind_of, unit_name
from newsweave.models import Article, Claim
from newsweave.nlp import load_spacy
from newsweave.story.entities import merge_entities

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "claims"
SHARED = Path(__file__).resolve().parents[2] / "shared"
DOCS = HERE.parent / "docs" / "benchmarks.md"
START, END = "<!-- claims-bench:start -->", "<!-- claims-bench:end -->"
PUBLIC_START, PUBLIC_END = "<!-- claims-public:start -->", "<!-- claims-public:end -->"


@dataclass(slots=True)
class Labelled:
    """An article with its hand-labelled claims."""

    article: Article
    labels: list[dict[str, Any]]


def _seed_article(entry: dict[str, Any], gold: dict[str, Any]) -> Article:
    """A seed page cut at gold.json's body bounds, as the tests build it."""
    doc = gold["documents"][entry["doc"]]
    raw = (SHARED / "seeds" / entry["doc"]).read_text(encoding="utf-8")
    body = raw[raw.index(doc["body_starts"]) : raw.index(doc["body_ends"]) + len(doc["body_ends"])]
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in body.splitlines() if p.strip()]
    return Article(
        id=entry["id"],
        page_id=entry["doc"],
        source=entry["doc"],
        title=doc["title"],
        body=paragraphs,
        outlet=doc["outlet"],
        published=datetime.fromisoformat(doc["published"]),
        published_precision="day",
    )


def load_story(path: Path) -> list[Labelled] | None:
    """The labelled articles of one story file; ``None`` when its pages are absent."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("pages") == "seeds":
        gold_path = SHARED / "seeds" / "gold.json"
        if not gold_path.exists():
            return None
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        return [Labelled(_seed_article(e, gold), e["claims"]) for e in data["articles"]]
    return [
        Labelled(
            Article(
                id=e["id"],
                page_id=e["id"],
                source=e["url"],
                title=e["body"][0],
                body=e["body"],
                outlet=e["outlet"],
                url=e["url"],
                published=datetime.fromisoformat(e["published"]),
                published_precision="day",
            ),
            e["claims"],
        )
        for e in data["articles"]
    ]


def _norm(name: str) -> list[str]:
    name = re.sub(r"['’]s\b", "", name.casefold())
    words = re.sub(r"[^\w\s]", " ", name).split()
    return words[1:] if words[:1] == ["the"] else words


def _contains(long: list[str], short: list[str]) -> bool:
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def source_matches(predicted: str | None, accepted: list[str] | None) -> bool:
    """Whether a predicted source is one of a label's names (``None``: own voice)."""
    if not accepted or predicted is None:
        return not accepted and predicted is None
    p = _norm(predicted)
    return any(
        p and (a := _norm(name)) and (_contains(p, a) or _contains(a, p)) for name in accepted
    )


def _singular(noun: str | None) -> str | None:
    return noun[:-1] if noun and noun.endswith("s") and not noun.endswith("ss") else noun


def measure_matches(predicted: str | None, label: str) -> bool:
    """Whether a predicted measure counts what the label's does (see the module doc).

    Labels give a length or a weight as the counted noun ("miles"); a claim now
    gives it as its unit ("(in miles)"): the two compare by the unit's kind.
    """
    p, g = measure_key(predicted), measure_key(label)
    label_unit = unit_name(label)
    if label_unit is not None and p.unit is not None:
        return kind_of(label_unit) == kind_of(unit_name(p.unit))
    if g.unit:
        return p.unit == g.unit
    if p.unit:
        return False
    same_noun = g.noun is not None and _singular(p.noun) == _singular(g.noun)
    return same_noun or (g.event is not None and p.event == g.event)


def _value(claim: Claim) -> tuple[float | None, float | None]:
    q = claim.quantity
    assert q is not None
    return q.low, q.high


@dataclass(slots=True)
class Score:
    """Counts for one set of articles."""

    labels: int = 0
    predicted: int = 0
    matched: int = 0
    value_matched: int = 0

    def add(self, other: Score) -> None:
        self.labels += other.labels
        self.predicted += other.predicted
        self.matched += other.matched
        self.value_matched += other.value_matched

    def prf(self, hits: int) -> tuple[float, float, float]:
        p = hits / self.predicted if self.predicted else 0.0
        r = hits / self.labels if self.labels else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_article(claims: list[Claim], labels: list[dict[str, Any]], verbose: bool) -> Score:
    """One-to-one matches of an article's figure claims against its labels."""
    # the labels leave durations and ages out on purpose (see their README)
    figures = [
        c for c in claims if c.quantity is not None and not is_time(measure_key(c.measure).unit)
    ]
    score = Score(len(labels), len(figures))
    free, free_value = list(figures), list(figures)
    for label in labels:
        value = (label["low"], label["high"])
        full = next(
            (
                c
                for c in free
                if _value(c) == value
                and source_matches(c.source, label["source"])
                and measure_matches(c.measure, label["measure"])
            ),
            None,
        )
        if full is not None:
            free.remove(full)
            score.matched += 1
        by_value = next((c for c in free_value if _value(c) == value), None)
        if by_value is not None:
            free_value.remove(by_value)
            score.value_matched += 1
        if verbose and full is None:
            got = f"{by_value.source!r} / {by_value.measure!r}" if by_value else "no such value"
            print(f"    missed {label['value']!r} ({label['source']}, {label['measure']}): {got}")
    if verbose:
        for c in free:
            print(f"    extra {c.quantity.text!r} {c.source!r} / {c.measure!r}")  # type: ignore[union-attr]
    return score


def evaluate(verbose: bool) -> list[tuple[str, Score]]:
    """Scores per story file, in name order."""
    nlp = load_spacy()
    rows = []
    for path in sorted(DATA.glob("*.json")):
        story = load_story(path)
        if story is None:
            print(f"{path.stem}: pages not available, skipped")
            continue
        total = Score()
        for item in story:
            if verbose:
                print(f"{path.stem} / {item.article.outlet}")
            claims = extract_claims(item.article, nlp=nlp)
            total.add(score_article(claims, item.labels, verbose))
        rows.append((path.stem, total))
    return rows


def table(rows: list[tuple[str, Score]]) -> str:
    """The scores as a Markdown table, with a total row."""
    out = [
        "| story | labels | predicted | P | R | F1 | value P | value R |",
        "|---|---|---|---|---|---|---|---|",
    ]
    total = Score()
    for _, s in rows:
        total.add(s)
    for name, s in [*rows, ("all", total)]:
        p, r, f = s.prf(s.matched)
        vp, vr, _ = s.prf(s.value_matched)
        out.append(
            f"| {name} | {s.labels} | {s.predicted} | {p:.2f} | {r:.2f} | {f:.2f} "
            f"| {vp:.2f} | {vr:.2f} |"
        )
    return "\n".join(out)


def speed_articles() -> list[Article]:
    """Seed, labelled and (when present) extraction-set bodies, for timing."""
    articles = []
    for path in sorted(DATA.glob("*.json")):
        articles += [item.article for item in load_story(path) or []]
    truth = SHARED / "extraction" / "ground-truth.json"
    if truth.exists():
        for key, page in json.loads(truth.read_text(encoding="utf-8")).items():
            body = [p.strip() for p in page["articleBody"].split("\n") if p.strip()]
            articles.append(Article(id=key, page_id=key, source=key, title=body[0], body=body))
    return articles


def _timed(func: Any, items: Iterable[Any]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``func`` over ``items``."""
    wall, cpu = time.perf_counter(), time.process_time()
    for item in items:
        func(item)
    return time.perf_counter() - wall, time.process_time() - cpu


def _entities(nlp: Any, article: Article) -> None:
    merge_entities([(article.text, find_mentions(article, nlp=nlp))])


def speed(rounds: int, limit: int | None) -> str:
    """Per-stage timings of claims then entities, median of ``rounds`` cold-cache rounds."""
    nlp = load_spacy()
    articles = speed_articles()[:limit]
    words = sum(len(a.text.split()) for a in articles)
    extract_claims(articles[0], nlp=nlp)  # load lazily built parts before timing
    claims_t, entities_t = [], []
    for _ in range(rounds):
        clear_cache()
        claims_t.append(_timed(lambda batch: extract_all(batch, nlp=nlp), [articles]))
        entities_t.append(_timed(lambda a: _entities(nlp, a), articles))
    lines = [
        f"{len(articles)} articles, {words} words; {len(os.sched_getaffinity(0))} core(s) "
        f"allowed; load average {os.getloadavg()[0]:.2f} at the end"
    ]
    for kind, k in (("wall", 0), ("cpu", 1)):
        c = statistics.median(t[k] for t in claims_t)
        e = statistics.median(t[k] for t in entities_t)
        lines.append(
            f"{kind}: claims (spaCy + rules) {c:.2f} s, entities (reusing the docs) {e:.2f} s: "
            f"{len(articles) / (c + e):.1f} articles/s, {words / (c + e):.0f} words/s"
        )
    return "\n".join(lines)


def floor(rounds: int, limit: int | None) -> str:
    """CPU time of the recogniser over all sentences and the parse of the figure ones."""
    nlp = load_spacy()
    articles = speed_articles()[:limit]
    sentences = [p[s:e] for a in articles for p in a.body for s, e in split_sentences(p)]
    figures = [s for s in sentences if has_figure(s)]
    parts = {
        "entity recogniser, every sentence": (sentences, ner_skips(nlp)),
        "tagger + parser, figure sentences": (figures, ["ner"]),
    }

    def words(texts: list[str]) -> int:
        return sum(len(t.split()) for t in texts)

    lines = [
        f"{len(articles)} articles, {words(sentences)} words, {len(figures)} figure sentences "
        f"({words(figures)} words); load average {os.getloadavg()[0]:.2f}"
    ]
    total = 0.0
    for name, (texts, skip) in parts.items():
        with annotating():
            best = min(
                _timed(lambda part: list(nlp.pipe(part[0], disable=part[1])), [(texts, skip)])[1]
                for _ in range(rounds)
            )
        total += best
        lines.append(f"{name}: {best:.2f} s CPU, {1000 * best / len(articles):.1f} ms/article")
    lines.append(f"together: {len(articles) / total:.1f} articles/s at most")
    return "\n".join(lines)


def story_articles() -> list[tuple[str, Article]]:
    """(event, article) of each ``/work/shared/stories`` record with a text (none when absent)."""
    try:  # imported here: bench/compare.py imports this module
        from bench.compare import load_record, to_article
    except ImportError:  # run as a script from bench/
        from compare import load_record, to_article  # type: ignore[no-redef]

    folder = SHARED / "stories"
    if not (folder / "labels.json").exists():
        return []
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    found = []
    for name, label in sorted(labels.items()):
        stem = name.removesuffix(".json")
        if (article := to_article(stem, load_record(folder, stem))) is not None:
            found.append((label["event"], article))
    return found


def _kept(full: list[set[Any]], fewer: list[set[Any]]) -> str:
    """Recall and precision of ``fewer`` against ``full``, summed over articles."""
    both = sum(len(a & b) for a, b in zip(full, fewer, strict=True))
    wanted, given = sum(map(len, full)), sum(map(len, fewer))
    return f"{both / wanted:.3f} of {wanted:,} kept, precision {both / given:.3f}"


def names(rounds: int) -> str:
    """What the recogniser run only where it pays loses and saves (see the docstring)."""
    nlp = load_spacy()
    events = story_articles()
    articles = speed_articles() + [a for _, a in events]
    read_article(articles[0], nlp=nlp)
    result: dict[bool, list[tuple[list[Claim], list[Any]]]] = {}
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(rounds):
        for everywhere in (True, False):
            clear_cache()
            start = time.process_time()
            result[everywhere] = [
                read_article(a, nlp=nlp, recognise_all=everywhere) for a in articles
            ]
            times[everywhere].append(1000 * (time.process_time() - start) / len(articles))
    full, fewer = result[True], result[False]

    def claim_keys(found: list[Claim]) -> set[Any]:
        return {(c.part, c.start, c.end, c.quantity, c.measure, c.source, c.when) for c in found}

    same = sum(
        len(claim_keys(a) & claim_keys(b)) for (a, _), (b, _) in zip(full, fewer, strict=True)
    )
    claims = sum(len(a) for a, _ in full)
    lines = [
        f"{len(articles)} articles ({len(events)} of {len({e for e, _ in events})} labelled "
        f"events), {sum(len(a.text.split()) for a in articles):,} words; load average "
        f"{os.getloadavg()[0]:.2f} at the end",
        f"claims identical: {same:,} of {claims:,} ({same / claims:.4f}); "
        f"{sum(len(b) for b, _ in fewer):,} claims with the recogniser where it pays",
        "mentions (start, end, label): "
        + _kept(
            [{(m.start, m.end, m.label) for m in ms} for _, ms in full],
            [{(m.start, m.end, m.label) for m in ms} for _, ms in fewer],
        ),
        "distinct names per article (text, label): "
        + _kept(
            [{(m.text, m.label) for m in ms} for _, ms in full],
            [{(m.text, m.label) for m in ms} for _, ms in fewer],
        ),
    ]
    offset = len(articles) - len(events)
    by_event: dict[str, list[int]] = {}
    for i, (event, _) in enumerate(events):
        by_event.setdefault(event, []).append(offset + i)

    def leading(run: list[tuple[list[Claim], list[Any]]], members: list[int], top: int) -> set[str]:
        pairs = [(articles[i].text, run[i][1]) for i in members]
        return {e.name for e in merge_entities(pairs)[:top]}

    for top in (5, 10):
        kept = wanted = 0
        for members in by_event.values():
            every = leading(full, members, top)
            kept += len(every & leading(fewer, members, top))
            wanted += len(every)
        if wanted:
            lines.append(
                f"each story's top {top} entities: {kept} of {wanted} kept ({kept / wanted:.3f})"
            )
    lines.append(
        "CPU ms per article, each round (recogniser everywhere / where it pays): "
        + ", ".join(f"{a:.0f} / {b:.0f}" for a, b in zip(times[True], times[False], strict=True))
        + f"; least {min(times[True]):.0f} / {min(times[False]):.0f} "
        f"({min(times[False]) / min(times[True]):.2f}x the time)"
    )
    return "\n".join(lines)


def _scorer(name: str, env: dict[str, str] | None = None) -> str:
    """The Markdown a shared scorer prints, run from the repository root with this Python."""
    return subprocess.run(
        [sys.executable, str(SHARED / "claims" / name)],
        cwd=HERE.parent,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _row(text: str, *cells: str) -> list[str]:
    """The cells of the first table row that starts with ``cells``."""
    head = "| " + " | ".join(cells) + " |"
    for line in text.splitlines():
        if line.startswith(head):
            return [c.strip() for c in line.strip("|").split("|")]
    return []


def _f1(row: list[str], at: int) -> str:
    return row[at] if len(row) > at else "n/a"


def public_sets() -> str | None:
    """The judge's figures on the public dev sets, as one table (``None`` without them)."""
    if not (SHARED / "claims" / "score_quantities.py").exists():
        return None
    quantities = _scorer("score_quantities.py")
    sources = _scorer("score_attribution.py", {"CLAIMS_SPLIT": "dev"})
    newsquant = quantities.split("### NewsQuant, no-time")[0]
    ranges = quantities.split("### Recognizers-Text")[1]
    lines = [
        "| measure (dev halves) | newsweave | peer in the same run |",
        "|---|---|---|",
    ]
    for aspect in ("value", "value+unit", "value+bound"):
        ours = _row(newsquant, "nw-claims", aspect)
        peer = _row(newsquant, "quantulum3", aspect) or _row(newsquant, "cqe", aspect)
        name = peer[0] if peer else "quantulum3 / CQE not installed"
        lines.append(
            f"| NewsQuant {aspect} F1 (`extract_claims`) | {_f1(ours, 4)} "
            f"| {name} {_f1(peer, 4) if peer else ''} |"
        )
    lines.append(
        f"| number-range intervals F1 (`find_figures`) | {_f1(_row(ranges, 'nw-figures'), 3)} "
        f"| {' '.join(_row(ranges, 'cqe')[:1] + _row(ranges, 'cqe')[3:4]) or 'CQE not installed'} |"
    )
    ours, peer = _row(sources, "newsweave", "strict"), _row(sources, "spacy-subj", "strict")
    lines.append(f"| PolNeAR source F1, strict | {_f1(ours, 4)} | spacy-subj {_f1(peer, 4)} |")
    lenient = (_row(sources, "newsweave", "lenient"), _row(sources, "spacy-subj", "lenient"))
    lines.append(
        f"| PolNeAR source F1, pronoun-lenient | {_f1(lenient[0], 4)} "
        f"| spacy-subj {_f1(lenient[1], 4)} |"
    )
    lines.append(
        f"| recall on say / tell / according-to cues | {_f1(ours, 6).split()[0]} "
        f"| spacy-subj {_f1(peer, 6).split()[0]} |"
    )
    return "\n".join(lines)


def write_docs(text: str, start: str = START, end: str = END) -> None:
    """Put ``text`` between a pair of markers of the Claims section, appending if new."""
    doc = DOCS.read_text(encoding="utf-8")
    if start in doc:
        head, rest = doc.split(start, 1)
        doc = head + start + "\n" + text + "\n" + end + rest.split(end, 1)[1]
    else:
        doc = doc.rstrip("\n") + f"\n\n{start}\n{text}\n{end}\n"
    DOCS.write_text(doc, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speed", action="store_true", help="time entities + claims")
    parser.add_argument("--floor", action="store_true", help="time the least spaCy work")
    parser.add_argument("--names", action="store_true", help="the recogniser where it pays")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, help="time only the first N articles (seeds first)")
    parser.add_argument("--quiet", action="store_true", help="no per-claim misses")
    parser.add_argument("--docs", action="store_true", help="write the table into the docs")
    parser.add_argument("--public", action="store_true", help="score the public labelled sets")
    args = parser.parse_args()
    if args.speed:
        print(speed(args.rounds, args.limit))
        return
    if args.floor:
        print(floor(args.rounds, args.limit))
        return
    if args.names:
        print(names(args.rounds))
        return
    result = table(evaluate(not args.quiet))
    print(result)
    if args.docs:
        write_docs(result)
    if args.public and (public := public_sets()) is not None:
        print("\n" + public)
        if args.docs:
            write_docs(public, PUBLIC_START, PUBLIC_END)
    elif args.public:
        print("\n../shared/claims is not here: the public sets are skipped")


if __name__ == "__main__":
    main()
