"""The story comparison benchmark: its matching and scoring rules, and its labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.compare import (
    DEFAULT_DATA,
    LABELS,
    expected_relation,
    found_in,
    load_labels,
    main,
    needed,
    score_story,
    text_meets,
    to_article,
)
from newsweave.models import Claim, Quantity
from newsweave.story.model import ClaimGroup

SAME: Any = object()  # high = low: a point


def claim(article: str, sentence: str, low: float | None, high: float | None = SAME) -> Claim:
    high = low if high is SAME else high
    return Claim(
        article_id=article,
        sentence=sentence,
        start=0,
        end=len(sentence),
        outlet=f"{article}.com",
        quantity=Quantity(low, high, text=str(low)),
        measure="people killed",
    )


def label(article: str, quote: str, low: float | None, high: float | None = SAME) -> dict[str, Any]:
    high = low if high is SAME else high
    return {"article": article, "value": low, "low": low, "high": high, "quote": quote}


KILLED_A = "At least seven people were killed when the tram derailed."
KILLED_B = "Seven people died in the crash, police said."
INJURED_A = "More than 50 people were injured."
INJURED_B = "Police said 51 people were hurt."
OTHER = "In 2004 seven people were killed in a rail crash."


def event(traps: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "event": "tram",
        "articles": ["a", "b"],
        "groups": [
            {
                "id": "g1",
                "measure": "killed",
                "relation": "agree",
                "claims": [
                    label("a", "At least seven people were killed", 7, None),
                    label("b", "Seven people died", 7),
                ],
            },
            {
                "id": "g2",
                "measure": "injured",
                "relation": "evolving",
                "claims": [
                    label("a", "More than 50 people were injured", 50, None),
                    label("b", "51 people were hurt", 51),
                ],
            },
            {
                "id": "g3",
                "measure": "Ufton Nervet toll",
                "relation": "unique",
                "claims": [label("a", "seven people were killed in a rail crash", 7)],
            },
        ],
        "traps": traps or [],
    }


def killed() -> list[Claim]:
    return [claim("a", KILLED_A, 7, None), claim("b", KILLED_B, 7)]


def injured() -> list[Claim]:
    return [claim("a", INJURED_A, 50, None), claim("b", INJURED_B, 51)]


def test_text_meets_both_ways_and_on_overlap() -> None:
    assert text_meets("seven people were killed", KILLED_A)
    assert text_meets("Before that. " + KILLED_A + " And more.", KILLED_A)
    # curly quotes and spacing fold
    assert text_meets("the driver’s  cab", "He left the driver's cab.")
    # a long shared run when the quote spans a sentence end
    assert text_meets("were killed when the tram derailed. It rained", KILLED_A)
    assert not text_meets("the tram derailed. It was raining", KILLED_A)
    assert not text_meets("were killed", "Nobody was hurt at all in the end.")
    assert not text_meets("", KILLED_A)


def test_found_in_needs_article_value_and_text() -> None:
    lab = label("a", "At least seven people were killed", 7, None)
    assert found_in(lab, claim("a", KILLED_A, 7, None))
    assert found_in(lab, claim("a", KILLED_A, 7.000001, None))
    assert not found_in(lab, claim("b", KILLED_A, 7, None))
    assert not found_in(lab, claim("a", KILLED_A, 7, 7))  # open top differs
    assert not found_in(lab, claim("a", KILLED_A, 8, None))
    assert not found_in(lab, claim("a", INJURED_A, 7, None))


def test_needed_and_evolving_fallback() -> None:
    assert needed({"relation": "unique", "claims": [1, 2]}) == 1
    assert needed({"relation": "agree", "claims": [1]}) == 1
    assert needed({"relation": "agree", "claims": [1, 2, 3]}) == 2
    assert expected_relation("evolving", ("agree", "conflict", "unique")) == "agree"
    assert expected_relation("evolving", ("agree", "conflict", "evolving")) == "evolving"
    assert expected_relation("conflict") == "conflict"


def test_perfect_report_scores_full() -> None:
    groups = [
        ClaimGroup("people killed", "agree", killed()),
        ClaimGroup("people injured", "evolving", injured()),
        ClaimGroup("people killed", "unique", [claim("a", OTHER, 7)]),
    ]
    score, errors = score_story(event(), groups)
    assert (score.recalled, score.labelled) == (3, 3)
    assert score.recall == 1.0
    assert score.noise == 0 and score.conflicts == 0
    assert score.conflict_precision is None
    assert errors == []


def test_folded_groups_count_for_recall_but_not_as_noise() -> None:
    groups = [
        ClaimGroup("people killed", "agree", killed()),
        ClaimGroup("trivia", "unique", [claim("a", "It rained for 3 hours.", 3)], folded=True),
    ]
    score, _ = score_story(event(), groups)
    assert (score.groups, score.folded, score.noise) == (1, 1, 0)


def test_wrong_relation_is_not_recalled() -> None:
    groups = [ClaimGroup("people killed", "conflict", killed())]
    score, errors = score_story(event(), groups)
    assert score.recalled == 0
    kinds = {(e["kind"], e.get("group")) for e in errors}
    assert ("relation", "g1") in kinds
    # the conflict holds no labelled conflict: not a right one
    assert score.conflicts == 1 and score.precise == 0
    assert any(e["kind"] == "false_conflict" for e in errors)


def test_merged_groups_recall_neither() -> None:
    groups = [ClaimGroup("people", "agree", killed() + injured())]
    score, errors = score_story(event(), groups)
    assert score.recalled == 0
    assert score.why["merged"] == 2
    assert {e["group"] for e in errors if e.get("why") == "merged"} == {"g1", "g2"}


def test_one_claim_of_another_group_makes_a_group_impure() -> None:
    groups = [ClaimGroup("people killed", "agree", [*killed(), claim("a", OTHER, 7)])]
    score, _ = score_story(event(), groups)
    assert score.recalled == 0


def test_trap_pair_makes_a_group_impure() -> None:
    trap = {
        "a": label("a", "At least seven people were killed", 7, None),
        "b": label("b", "wholly unrelated seven", 7),
        "why": "other event",
    }
    extra = claim("b", "A wholly unrelated seven were seen.", 7)
    groups = [ClaimGroup("people killed", "agree", [*killed(), extra])]
    score, _ = score_story(event([trap]), groups)
    assert score.recalled == 0
    # without the trap the extra (unlabelled) claim does not spoil the group
    score, _ = score_story(event(), groups)
    assert score.recalled == 1


def test_split_ungrouped_and_not_extracted() -> None:
    a, b = killed()
    split = [ClaimGroup("killed", "unique", [a]), ClaimGroup("died", "unique", [b])]
    score, _ = score_story(event(), split)
    assert score.why["split"] == 1
    assert score.why["not_extracted"] == 2
    score, _ = score_story(event(), [], claims=[a, b])
    assert score.why["ungrouped"] == 1


def test_one_found_claim_is_not_enough_for_a_shared_group() -> None:
    a, _ = killed()
    groups = [ClaimGroup("people killed", "agree", [a, claim("b", "Nine died.", 9)])]
    score, _ = score_story(event(), groups)
    assert score.recalled == 0


def test_conflict_precision_and_noise() -> None:
    ev = event()
    ev["groups"][0]["relation"] = "conflict"
    groups = [
        ClaimGroup("people killed", "conflict", killed()),
        ClaimGroup("dollars", "conflict", [claim("a", "It cost $5.", 5), claim("b", "$9.", 9)]),
        ClaimGroup("trees", "unique", [claim("a", "Two trees fell.", 2)]),
    ]
    score, errors = score_story(ev, groups)
    assert score.recalled == 1
    assert (score.conflicts, score.precise) == (2, 1)
    assert score.conflict_precision == 0.5
    assert score.noise == 2 and score.groups == 3
    assert score.noise_share == pytest.approx(2 / 3)
    assert sum(e["kind"] == "noise" for e in errors) == 2


def test_to_article_reads_a_news_please_record() -> None:
    record = {
        "title": "Tram derails",
        "description": "Seven dead.",
        "text": "First line.\n\n  Second line. \n",
        "date_publish": "2016-11-09T00:00:00",
        "source_domain": "www.bbc.com",
        "url": "https://bbc.com/x",
        "authors": ["A B"],
    }
    art = to_article("abc", record)
    assert art is not None
    assert art.body == ["First line.", "Second line."]
    assert art.outlet == "www.bbc.com" and art.id == "abc"
    assert art.published_precision == "day" and art.summary == "Seven dead."
    assert to_article("x", {**record, "text": None}) is None


def test_missing_data_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(tmp_path)]) == 0
    assert "skipped" in capsys.readouterr().out


def test_label_files_follow_the_schema() -> None:
    events = load_labels()
    assert len(events) >= 8
    for ev in events:
        ids = [g["id"] for g in ev["groups"]]
        assert len(ids) == len(set(ids)), ev["event"]
        for g in ev["groups"]:
            assert g["relation"] in {"agree", "conflict", "evolving", "unique"}
            assert g["claims"] and g["measure"] and "scope" in g and "time" in g
            if g["relation"] == "unique":
                assert len({c["article"] for c in g["claims"]}) == 1, g["measure"]
            for c in g["claims"]:
                assert c["article"] in ev["articles"]
                assert len(c["quote"]) <= 90
                for bound in (c["low"], c["high"]):
                    assert bound is None or isinstance(bound, int | float)
        for t in ev["traps"]:
            assert t["why"]
            for side in (t["a"], t["b"]):
                assert side["article"] in ev["articles"] and len(side["quote"]) <= 90


@pytest.mark.skipif(not (DEFAULT_DATA / "articles").is_dir(), reason="../shared/stories is absent")
def test_label_quotes_are_exact_substrings_of_their_articles() -> None:
    events = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in LABELS.glob("*.json")}
    assigned = json.loads((DEFAULT_DATA / "labels.json").read_text(encoding="utf-8"))
    for name, ev in events.items():
        assert ev["event"] == name
        assert sorted(ev["articles"]) == sorted(
            f.removesuffix(".json") for f, v in assigned.items() if v["event"] == name
        )
        records = {
            s: json.loads((DEFAULT_DATA / "articles" / f"{s}.json").read_text(encoding="utf-8"))
            for s in ev["articles"]
        }
        sides = [c for g in ev["groups"] for c in g["claims"]]
        sides += [s for t in ev["traps"] for s in (t["a"], t["b"])]
        for side in sides:
            rec = records[side["article"]]
            assert side["quote"] in (rec.get("text") or "") or side["quote"] in (
                rec.get("title") or ""
            ), (name, side["quote"])
