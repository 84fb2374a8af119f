"""Story comparison on real coverage: figure-group recall, conflict precision, noise.

Labels live in ``bench/data/compare/*.json`` (schema and provenance in the README
there): per story, the figure groups a fact-checker would compare across its
outlets, each claim located by article and an exact quote, and "not comparable"
traps. The articles are the news-please records of ``../shared/stories``
(relative to the repository root; ``--data`` names another folder); without
them the benchmark says so and exits 0.

Each record becomes a :class:`newsweave.models.Article` (id = file stem; body =
the non-empty lines of ``text``; ``published`` from ``date_publish``, to the day
when its time is midnight; ``outlet`` = ``source_domain``; ``summary`` = the
description; records without text are left out). Each story is built through
the public path: :func:`newsweave.claims.extract_claims` per article, then
:func:`newsweave.story.build_report`; its ``claim_groups`` are scored.
Syndicated copies are not folded (``Story.syndicated`` is empty): a copy's
figures count as its outlet's own.

Matching rules
--------------

- **A labelled claim is found in a report claim** when the claim is of the same
  article, its ``quantity`` has the label's ``low`` and ``high`` (``None`` equals
  ``None``; numbers equal within 0.1 %), and its sentence and the quote meet:
  one holds the other, or they share a run of at least 20 characters that is at
  least 70 % of the shorter (after folding case, spacing and curly quotes).
  A trap side is found the same way.
- **needed(G)** for a labelled group G is 1 when G is ``unique`` or has one
  claim, else 2.
- **A report group holds G** when at least needed(G) of G's claims are found in
  its claims. It is **pure** for G when none of its claims is a found claim of
  another labelled group and it does not hold both sides of any trap.
- **G is recalled** when one report group holds G, is pure for it, and has the
  right relation: a labelled ``agree`` / ``conflict`` / ``unique`` wants the
  same report relation; a labelled ``evolving`` wants ``evolving`` if the
  report's relations include it, else ``agree`` (today they do not).
  **Figure-group recall** = recalled / labelled groups.
- **Shown groups** are the report groups not ``folded`` (trivia: one outlet,
  outside its lede); a folded group still counts for recall, since the report
  lists it on asking, but not for conflict precision or noise.
- **Conflict precision** = among shown report groups whose relation is ``conflict``,
  the share whose found claims all belong to exactly one labelled group, that
  group's relation is ``conflict``, and that hold no trap pair.
- **Noise share** = shown report groups with no found claim of any labelled
  group (trap sides do not count as labelled) / all shown report groups.

Totals add the counts of every story (micro averages).

``--errors FILE`` writes one JSON line per missed labelled group (``why``:
``not_extracted``, fewer than needed(G) of its claims match any extracted claim;
``ungrouped``, extracted but not in groups; ``split``, in groups but in no one
group that holds it; ``merged``, held only by impure groups), per
wrong-relation group, per noise group and per false conflict, with measures,
values and sentences, for tuning.

    python bench/compare.py [--data DIR] [--write] [--errors FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, get_args

from newsweave.models import Article, Claim, Story
from newsweave.story.model import ClaimGroup, Relation

try:
    from bench.claims import write_docs
except ModuleNotFoundError:  # run as a script: bench/ is on the path, not the root
    from claims import write_docs  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LABELS = HERE / "data" / "compare"
DEFAULT_DATA = ROOT.parent / "shared" / "stories"
START, END = "<!-- compare:start -->", "<!-- compare:end -->"
RELATIONS: tuple[str, ...] = get_args(Relation)
TOLERANCE = 1e-3
MIN_OVERLAP, MIN_SHARE = 20, 0.7


# ---------------------------------------------------------------- matching


def _fold(text: str) -> str:
    text = text.translate(str.maketrans("‘’“”´`", "''\"\"''"))
    return re.sub(r"\s+", " ", text).strip().casefold()


def text_meets(quote: str, sentence: str) -> bool:
    """Whether a label's quote and a claim's sentence are the same place (see the doc)."""
    q, s = _fold(quote), _fold(sentence)
    if not q or not s:
        return False
    if q in s or s in q:
        return True
    block = SequenceMatcher(None, q, s, autojunk=False).find_longest_match(0, len(q), 0, len(s))
    return block.size >= MIN_OVERLAP and block.size >= MIN_SHARE * min(len(q), len(s))


def _same_bound(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def same_value(label: dict[str, Any], claim: Claim) -> bool:
    """Whether a claim's figure is the label's ``low``/``high``."""
    q = claim.quantity
    return q is not None and _same_bound(q.low, label["low"]) and _same_bound(q.high, label["high"])


def found_in(label: dict[str, Any], claim: Claim) -> bool:
    """Whether ``claim`` is the labelled claim (or trap side) ``label``."""
    return (
        claim.article_id == label["article"]
        and same_value(label, claim)
        and text_meets(label["quote"], claim.sentence)
    )


def needed(group: dict[str, Any]) -> int:
    """How many of a labelled group's claims one report group must hold."""
    return 1 if group["relation"] == "unique" or len(group["claims"]) == 1 else 2


def expected_relation(labelled: str, relations: Sequence[str] = RELATIONS) -> str:
    """The report relation a labelled relation wants (``evolving`` falls back to ``agree``)."""
    if labelled == "evolving" and "evolving" not in relations:
        return "agree"
    return labelled


def _found(group: dict[str, Any], claims: Iterable[Claim]) -> list[int]:
    """Indices of the labelled group's claims found among ``claims``."""
    claims = list(claims)
    return [i for i, label in enumerate(group["claims"]) if any(found_in(label, c) for c in claims)]


def holds_trap(claims: Sequence[Claim], traps: Sequence[dict[str, Any]]) -> bool:
    """Whether ``claims`` hold both sides of some trap."""
    return any(
        any(found_in(t["a"], c) for c in claims) and any(found_in(t["b"], c) for c in claims)
        for t in traps
    )


def touched(claims: Sequence[Claim], groups: Sequence[dict[str, Any]]) -> list[str]:
    """Ids of the labelled groups one of whose claims is among ``claims``."""
    return [g["id"] for g in groups if _found(g, claims)]


# ---------------------------------------------------------------- scoring


@dataclass(slots=True)
class Score:
    """Counts for one story, or for all of them."""

    articles: int = 0
    labelled: int = 0
    recalled: int = 0
    groups: int = 0
    conflicts: int = 0
    precise: int = 0
    noise: int = 0
    folded: int = 0
    why: Counter[str] = field(default_factory=Counter)

    def add(self, other: Score) -> None:
        names = ("articles", "labelled", "recalled", "groups", "conflicts", "precise", "noise")
        for name in (*names, "folded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.why.update(other.why)

    @property
    def recall(self) -> float | None:
        return self.recalled / self.labelled if self.labelled else None

    @property
    def conflict_precision(self) -> float | None:
        return self.precise / self.conflicts if self.conflicts else None

    @property
    def noise_share(self) -> float | None:
        return self.noise / self.groups if self.groups else None


def _claim_view(claim: Claim) -> dict[str, Any]:
    q = claim.quantity
    return {
        "article": claim.article_id,
        "outlet": claim.outlet,
        "text": q.text if q else None,
        "low": q.low if q else None,
        "high": q.high if q else None,
        "measure": claim.measure,
        "source": claim.source,
        "sentence": claim.sentence,
    }


def _group_view(group: ClaimGroup) -> dict[str, Any]:
    return {
        "measure": group.measure,
        "relation": group.relation,
        "claims": [_claim_view(c) for c in group.claims],
    }


def _label_status(label: dict[str, Any], claims: Sequence[Claim]) -> dict[str, Any]:
    """What became of one labelled claim: found, its sentence with another value, or nothing."""
    view = {k: label[k] for k in ("article", "value", "low", "high", "quote")}
    if any(found_in(label, c) for c in claims):
        return {**view, "status": "found"}
    near = [
        c.quantity
        for c in claims
        if c.article_id == label["article"] and text_meets(label["quote"], c.sentence)
    ]
    if near:
        got = [f"{q.text!r} {q.low}-{q.high}" for q in near if q is not None]
        return {**view, "status": "other value", "got": got}
    return {**view, "status": "no claim"}


def score_story(
    event: dict[str, Any],
    groups: Sequence[ClaimGroup],
    claims: Sequence[Claim] | None = None,
    relations: Sequence[str] = RELATIONS,
) -> tuple[Score, list[dict[str, Any]]]:
    """The story's counts and its error records, from its labels and report groups.

    ``claims`` are every claim extracted for the story (default: those of the
    groups); they only tell ``not_extracted`` from ``ungrouped`` misses.
    """
    labelled, traps = event["groups"], event.get("traps", [])
    grouped = [c for g in groups for c in g.claims]
    extracted = list(claims) if claims is not None else grouped
    shown = sum(not g.folded for g in groups)
    score = Score(
        articles=len(event["articles"]),
        labelled=len(labelled),
        groups=shown,
        folded=len(groups) - shown,
    )
    errors: list[dict[str, Any]] = []
    hits = [touched(g.claims, labelled) for g in groups]
    trapped = [holds_trap(g.claims, traps) for g in groups]

    for lab in labelled:
        want = expected_relation(lab["relation"], relations)
        holding = [i for i, g in enumerate(groups) if len(_found(lab, g.claims)) >= needed(lab)]
        pure = [i for i in holding if hits[i] == [lab["id"]] and not trapped[i]]
        right = [i for i in pure if groups[i].relation == want]
        if right:
            score.recalled += 1
            continue
        record: dict[str, Any] = {
            "event": event["event"],
            "group": lab["id"],
            "measure": lab["measure"],
            "relation": lab["relation"],
            "claims": [_label_status(c, extracted) for c in lab["claims"]],
        }
        if pure:
            why = "relation"
            record.update(kind="relation", want=want, got=[_group_view(groups[i]) for i in pure])
        else:
            if holding:
                why = "merged"
                record["got"] = [
                    {**_group_view(groups[i]), "labelled": hits[i], "trap": trapped[i]}
                    for i in holding
                ]
            elif len(_found(lab, grouped)) >= needed(lab):
                why = "split"
                record["got"] = [_group_view(g) for g in groups if _found(lab, g.claims)]
            elif len(_found(lab, extracted)) >= needed(lab):
                why = "ungrouped"
            else:
                why = "not_extracted"
            record.update(kind="missed", why=why)
        score.why[why] += 1
        errors.append(record)

    for i, g in enumerate(groups):
        if g.folded:
            continue  # trivia a reader opens on asking: neither noise shown nor a conflict shown
        if not hits[i]:
            score.noise += 1
            errors.append({"event": event["event"], "kind": "noise", **_group_view(g)})
        if g.relation != "conflict":
            continue
        score.conflicts += 1
        rel = {x["id"]: x["relation"] for x in labelled}
        if len(hits[i]) == 1 and rel[hits[i][0]] == "conflict" and not trapped[i]:
            score.precise += 1
        else:
            errors.append(
                {
                    "event": event["event"],
                    "kind": "false_conflict",
                    "labelled": hits[i],
                    "trap": trapped[i],
                    **_group_view(g),
                }
            )
    return score, errors


# ---------------------------------------------------------------- data


def _published(value: str | None) -> tuple[datetime | None, str | None]:
    if not value:
        return None, None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None, None
    midnight = (when.hour, when.minute, when.second) == (0, 0, 0)
    return when, "day" if midnight else "time"


def to_article(stem: str, record: dict[str, Any], *, textless: bool = False) -> Article | None:
    """The article a news-please record holds; ``None`` when it has no text.

    With ``textless``, a record without text is kept as a title-only article
    (grouping still has to place it, by its title or its URL).
    """
    body = [p.strip() for p in (record.get("text") or "").split("\n") if p.strip()]
    if not body and not textless:
        return None
    published, precision = _published(record.get("date_publish"))
    authors = record.get("authors") or []
    return Article(
        id=stem,
        page_id=stem,
        source=record.get("url") or stem,
        title=(record.get("title") or "").strip(),
        body=body,
        outlet=record.get("source_domain"),
        published=published,
        published_precision=precision,  # type: ignore[arg-type]
        byline=", ".join(authors) or None,
        language=record.get("language"),
        summary=(record.get("description") or "").strip() or None,
        url=record.get("url"),
    )


def load_labels(folder: Path = LABELS) -> list[dict[str, Any]]:
    """Every label file, in name order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def load_record(data: Path, stem: str) -> dict[str, Any]:
    """One news-please record of the stories folder."""
    return json.loads((data / "articles" / f"{stem}.json").read_text(encoding="utf-8"))


def build(
    event: dict[str, Any], data: Path, nlp: Any, *, copies: bool = False
) -> tuple[list[ClaimGroup], list[Claim]]:
    """The story's report groups and all its claims, through the public code path.

    ``copies`` folds near-copies of one report (a wire story several sites carry)
    as the grouper does (:class:`newsweave.cluster.dedup.CopyFinder`), so that
    they count once.
    """
    from newsweave.claims import extract_claims
    from newsweave.cluster.config import GroupingConfig
    from newsweave.cluster.dedup import CopyFinder
    from newsweave.story import build_report

    articles = [
        a for s in event["articles"] if (a := to_article(s, load_record(data, s))) is not None
    ]
    claims = [c for a in articles for c in extract_claims(a, nlp=nlp)]
    dated = sorted(articles, key=lambda a: (a.published is None, a.published or datetime.min))
    syndicated: dict[str, str] = {}
    if copies:
        finder = CopyFinder(GroupingConfig())
        syndicated = {a.id: o for a in dated if (o := finder.find_and_add(a.id, a.text))}
    story = Story(
        id=event["event"],
        title=dated[0].title,
        article_ids=[a.id for a in dated],
        syndicated=syndicated,
    )
    report = build_report(story, articles, claims, nlp=nlp)
    return report.claim_groups, claims


# ---------------------------------------------------------------- output


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def table(rows: Sequence[tuple[str, Score]]) -> str:
    """The scores as a Markdown table, with a total row."""
    out = [
        "| story | articles | labelled groups | recalled | recall | shown groups | folded "
        "| conflicts | right conflicts | conflict precision | noise groups | noise share |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    total = Score()
    for _, s in rows:
        total.add(s)
    for name, s in [*rows, ("**all**", total)]:
        out.append(
            f"| {name} | {s.articles} | {s.labelled} | {s.recalled} | {_ratio(s.recall)} "
            f"| {s.groups} | {s.folded} | {s.conflicts} | {s.precise} "
            f"| {_ratio(s.conflict_precision)} "
            f"| {s.noise} | {_ratio(s.noise_share)} |"
        )
    return "\n".join(out)


def misses(rows: Sequence[tuple[str, Score]]) -> str:
    """Why labelled groups were not recalled, all stories together."""
    why: Counter[str] = Counter()
    for _, s in rows:
        why.update(s.why)
    parts = [f"{k} {n}" for k, n in why.most_common()]
    return "Labelled groups not recalled, by cause: " + (", ".join(parts) or "none") + "."


def docs_section(rows: Sequence[tuple[str, Score]], data: Path, today: date) -> str:
    """The benchmarks.md section: how it was run, on what, and the figures."""
    shown = f"../{data.relative_to(ROOT.parent)}" if data.is_relative_to(ROOT.parent) else data
    return "\n".join(
        [
            "## Story comparison on real coverage",
            "",
            f"`python bench/compare.py --write`, {today.isoformat()}: the hand-labelled"
            f" figure groups of {len(rows)} stories of `{shown}` (Giveme5W1H news_cluster,"
            " news-please records; labels and their rules in `bench/data/compare/README.md`,"
            " matching rules in the docstring of `bench/compare.py`). Recall: labelled figure"
            " groups found as one report group with the right relation (folded groups count)."
            " Shown groups: those not folded as trivia (one outlet, outside its lede)."
            " Conflict precision: shown conflicts that hold claims of one labelled conflict and"
            " no trap. Noise: shown groups with no labelled figure. Syndicated copies are not"
            " folded. Goals:"
            " recall ≥ 0.85, conflict precision ≥ 0.90, noise ≤ 0.10.",
            "",
            "These are development labels, written by hand before any tuning: the comparison will"
            " be tuned on these stories, so the figures say how well it fits them, not how well it"
            " generalises.",
            "",
            table(rows),
            "",
            misses(rows),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the stories folder")
    parser.add_argument("--write", action="store_true", help="rewrite the docs section")
    parser.add_argument("--errors", type=Path, help="write error records (JSONL) here")
    parser.add_argument(
        "--copies", action="store_true", help="fold near-copies of one report, as the grouper does"
    )
    args = parser.parse_args(argv)
    data = args.data.resolve()
    if not (data / "articles").is_dir():
        print(f"{data}/articles is not here: the story comparison benchmark is skipped")
        return 0

    from newsweave.nlp import load_spacy

    nlp = load_spacy()
    rows: list[tuple[str, Score]] = []
    errors: list[dict[str, Any]] = []
    for event in load_labels():
        started = time.perf_counter()
        groups, claims = build(event, data, nlp, copies=args.copies)
        score, errs = score_story(event, groups, claims)
        rows.append((event["event"], score))
        errors += errs
        print(
            f"{event['event']}: {score.recalled}/{score.labelled} recalled, {score.groups} groups"
            f" ({time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
        )
    print(table(rows))
    print()
    print(misses(rows))
    if args.errors:
        args.errors.write_text(
            "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors), encoding="utf-8"
        )
    if args.write:
        write_docs(docs_section(rows, data, date.today()), START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
