"""The story report: entity merging, claim groups, timeline, summary, output shapes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import pytest

from newsweave.claims import extract_claims, find_mentions
from newsweave.models import Article, Claim, Mention, Quantity, Story
from newsweave.story import StoryReport, build_report, report_to_dict, report_to_markdown
from newsweave.story.digest import timeline
from newsweave.story.entities import attach_descriptions, merge_entities
from newsweave.story.groups import group_claims, relation
from newsweave.story.render import report_from_dict
from newsweave.story.sentences import Sentence, similarity, split_sentences
from tests.test_claims import _article, seed_articles


def _claim(
    article_id: str,
    outlet: str,
    low: float | None,
    high: float | None,
    measure: str = "troops deployed",
    *,
    approximate: bool = False,
    when: str | None = None,
    source: str | None = "officials",
) -> Claim:
    q = Quantity(low, high, approximate, f"{low}-{high}")
    return Claim(
        article_id=article_id,
        sentence=f"{outlet} reported {q.text} {measure}.",
        start=0,
        end=10,
        outlet=outlet,
        source=source,
        chain=[outlet, source] if source else [outlet],
        quantity=q,
        measure=measure,
        when=when,
    )


def test_relation_agree_conflict_unique() -> None:
    assert relation([_claim("a", "A", 10000, 12000), _claim("b", "B", 11000, None)]) == "agree"
    assert relation([_claim("a", "A", 4000, 4000), _claim("b", "B", 1200, 1200)]) == "conflict"
    assert relation([_claim("a", "A", 2, 2)]) == "unique"
    # one outlet contradicting itself is still a conflict
    assert relation([_claim("a", "A", 2, 2), _claim("a", "A", 9, 9)]) == "conflict"


def test_hedged_figures_are_compared_with_a_margin() -> None:
    around = _claim("a", "A", 10000, 10000, approximate=True)
    assert relation([around, _claim("b", "B", 11000, None)]) == "agree"
    exact = _claim("a", "A", 10000, 10000)
    assert relation([exact, _claim("b", "B", 11000, None)]) == "conflict"


def test_nearly_reaches_below_its_figure_only() -> None:
    (nearly,) = [c for c in extract_claims(_article("It cost nearly half a million dollars."))]
    assert relation([nearly, _claim("b", "B", 449_000, 449_000)]) == "agree"
    assert relation([nearly, _claim("b", "B", 400_000, 400_000)]) == "conflict"


def test_groups_by_measure_class_additional_and_time() -> None:
    claims = [
        _claim("a", "A", 10000, 12000, "troops deployed", when="2024-09/2024-11"),
        _claim("b", "B", 10000, 10000, "soldiers deployed", approximate=True, when="2024-10"),
        _claim("b", "B", 1000, 3000, "additional soldiers deployed"),
        _claim("c", "C", None, 3000, "additional troops deployed"),
        _claim("c", "C", 5000, 5000, "troops deployed", when="2019-05"),
        _claim("a", "A", 4000, 4000, "killed or wounded"),
        _claim("b", "B", 1200, 1200, "soldiers killed or wounded", approximate=True),
    ]
    groups = group_claims(claims)
    shapes = sorted((len(g.claims), g.relation) for g in groups)
    assert shapes == [(1, "unique"), (2, "agree"), (2, "agree"), (2, "conflict")]
    assert groups[0].relation == "conflict"


def test_syndicated_copies_count_once() -> None:
    claims = [_claim("orig", "AP", 5, 5), _claim("copy", "AP", 5, 5), _claim("x", "Other", 5, 5)]
    groups = group_claims(claims, {"copy": "orig"})
    assert [c.article_id for c in groups[0].claims] == ["orig", "x"]
    # without the original, the copy stands in for it
    groups = group_claims(claims[1:], {"copy": "orig"})
    assert [c.article_id for c in groups[0].claims] == ["copy", "x"]


def test_split_sentences_keeps_abbreviations() -> None:
    text = "The U.S. said on Feb. 7 it would act. Mr. Smith disagreed! Did he? Yes."
    parts = [text[s:e] for s, e in split_sentences(text)]
    assert parts == [
        "The U.S. said on Feb. 7 it would act.",
        "Mr. Smith disagreed!",
        "Did he?",
        "Yes.",
    ]


def test_split_sentences_keep_quotations_the_sentence_goes_on_after() -> None:
    text = (
        "South Dakota's “Meth. We're on it.” ad campaign cost $449,000. "
        "“We will fight. We will win,” he said. “It works.” (It did.) Then he left."
    )
    parts = [text[s:e] for s, e in split_sentences(text)]
    assert parts == [
        "South Dakota's “Meth. We're on it.” ad campaign cost $449,000.",
        "“We will fight. We will win,” he said.",
        "“It works.”",
        "(It did.)",
        "Then he left.",
    ]


def _named(texts: list[str]) -> list[tuple[str, list[Mention]]]:
    """Each text as an article's (text, mentions)."""
    return [(a.text, find_mentions(a)) for a in (_article(t) for t in texts)]


def test_entities_merge_spellings_acronyms_surnames_and_capitals() -> None:
    texts = [
        "Ukrainian President Volodymyr Zelenskiy met officials of the National Intelligence "
        "Service in Seoul. The NIS said North Korean leader Kim Jong Un sent troops. "
        "Kim did not comment, and Pyongyang said nothing.",
        "Volodymyr Zelenskyy spoke to reporters about North Korea. Zelensky said the war "
        "in the Kursk region continues.",
        "Fighting continued in Kursk.",
    ]
    entities = merge_entities(_named(texts))

    def group(name: str) -> set[str]:
        for e in entities:
            if name == e.name or name in e.aliases:
                return {e.name, *e.aliases}
        raise AssertionError(f"{name} not found in {entities}")

    assert {"Volodymyr Zelenskiy", "Volodymyr Zelenskyy", "Zelensky"} <= group("Zelensky")
    assert {"NIS", "National Intelligence Service"} <= group("NIS")
    assert {"Kim", "Kim Jong Un"} <= group("Kim")
    assert {"North Korea", "Pyongyang"} <= group("Pyongyang")
    assert {"Kursk", "Kursk region"} <= group("Kursk")


def test_entities_take_bracketed_short_forms_and_described_sources() -> None:
    texts = [
        "Officers of the Security Service of Ukraine (SBU) met the head of Brazil's "
        "Federal Police.",
        "Spain's Guardia Civil said on Monday that Brazil's police had made arrests.",
    ]
    entities = merge_entities(_named(texts))
    sbu = [e for e in entities if "SBU" in {e.name, *e.aliases}]
    assert sbu and "Security Service of Ukraine" in {sbu[0].name, *sbu[0].aliases}

    attach_descriptions(entities, ["Brazil's federal police"], texts)
    police = [e for e in entities if "Brazil's federal police" in e.aliases]
    assert len(police) == 1 and "Federal Police" in {police[0].name, *police[0].aliases}


def _articles() -> list[Article]:
    common = dict(page_id="p", source="test", published_precision="day")
    return [
        Article(
            id="a",
            title="Storm hits coast",
            outlet="Coast Times",
            published=datetime(2024, 3, 2),
            body=[
                "A powerful storm hit the coast on Friday, officials said.",
                "The fire service said about 200 homes were damaged.",
                "Local schools will stay closed until the roads are cleared, the mayor said.",
            ],
            **common,
        ),
        Article(
            id="b",
            title="Storm damages homes",
            outlet="Wire",
            published=datetime(2024, 3, 2),
            body=[
                "A powerful storm struck the coast on Friday, officials said.",
                "More than 300 homes were damaged, according to the regional government.",
                "Insurers expect claims to rise sharply in the coming weeks.",
            ],
            **common,
        ),
        Article(
            id="c",
            title="Storm damages homes",
            outlet="Wire",
            republished_by="Town Crier",
            published=datetime(2024, 3, 2),
            body=[
                "A powerful storm struck the coast on Friday, officials said.",
                "More than 300 homes were damaged, according to the regional government.",
                "Insurers expect claims to rise sharply in the coming weeks.",
            ],
            **common,
        ),
    ]


@pytest.fixture(scope="module")
def storm() -> StoryReport:
    articles = _articles()
    story = Story(
        id="s1",
        title="Storm hits the coast",
        article_ids=[a.id for a in articles],
        syndicated={"c": "b"},
    )
    claims = [c for a in articles for c in extract_claims(a)]
    return build_report(story, articles, claims)


def test_a_report_from_stored_mentions_reads_nothing_again(storm: StoryReport) -> None:
    articles = _articles()
    story = Story(
        id="s1", title=storm.title, article_ids=[a.id for a in articles], syndicated={"c": "b"}
    )
    claims = [c for a in articles for c in extract_claims(a)]
    mentions = {a.id: find_mentions(a) for a in articles}

    class NoParser:
        def pipe(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("the report ran the recogniser")

    again = build_report(story, articles, claims, mentions=mentions, nlp=NoParser())  # type: ignore[arg-type]
    assert again == storm


def test_report_groups_the_storm_figures(storm: StoryReport) -> None:
    homes = [g for g in storm.claim_groups if g.measure.startswith("homes")]
    assert len(homes) == 1
    assert homes[0].relation == "conflict"
    assert {(c.outlet, c.source) for c in homes[0].claims} == {
        ("Coast Times", "fire service"),
        ("Wire", "regional government"),
    }


def test_report_timeline_merges_paraphrases(storm: StoryReport) -> None:
    friday = [t for t in storm.timeline if t.date == "2024-03-01"]
    assert len(friday) == 1
    assert friday[0].outlets == ["Coast Times", "Wire"]


def test_report_summary_and_unique_details(storm: StoryReport) -> None:
    assert storm.summary
    first = storm.summary[0]
    assert set(first.outlets) <= {"Coast Times", "Wire"}
    assert any(len(s.outlets) == 2 for s in storm.summary)
    assert any("schools" in d for d in storm.unique_details["Coast Times"])
    assert any("Insurers" in d for d in storm.unique_details["Wire"])
    assert not any("homes" in d for ds in storm.unique_details.values() for d in ds)


def test_report_dict_shape_is_json_ready(storm: StoryReport) -> None:
    d = report_to_dict(storm)
    json.dumps(d)
    assert set(d) == {
        "id",
        "title",
        "first_published",
        "last_published",
        "articles",
        "entities",
        "claim_groups",
        "unique_details",
        "timeline",
        "summary",
    }
    assert d["first_published"] == "2024-03-02T00:00:00"
    assert len(d["articles"]) == 3
    assert {
        "id",
        "source",
        "title",
        "outlet",
        "republished_by",
        "published",
        "byline",
        "url",
    } <= set(d["articles"][0])
    assert d["articles"][2]["republished_by"] == "Town Crier"
    group = d["claim_groups"][0]
    assert group["relation"] in ("agree", "conflict", "unique")
    assert {"outlet", "source", "text", "low", "high", "sentence", "article_id"} <= set(
        group["claims"][0]
    )
    assert {"date", "text", "outlets"} == set(d["timeline"][0])
    assert {"text", "outlets"} == set(d["summary"][0])
    for entity in d["entities"]:
        assert {"name", "aliases", "label"} <= set(entity)


def test_report_markdown(storm: StoryReport) -> None:
    md = report_to_markdown(storm)
    assert md.startswith("# Storm hits the coast\n")
    for heading in ("## Summary", "## Figures", "## Timeline", "## Articles"):
        assert heading in md
    assert "— conflict" in md
    assert "**More than 300** — regional government, per Wire" in md
    assert "on Town Crier" in md


def test_reports_after_a_quiet_spell_are_marked_as_follow_ups() -> None:
    articles = _articles()
    late = replace(
        articles[0],
        id="late",
        title="Storm repairs still unfinished",
        published=datetime(2024, 3, 25),
    )
    next_day = replace(late, id="next", published=datetime(2024, 3, 26))
    everything = [*articles, late, next_day]
    story = Story(id="s1", title="Storm", article_ids=[a.id for a in everything])
    report = build_report(story, everything, [])
    marks = {a.id: a.follow_up_days for a in report.articles}
    # 2 March to 25 March: 23 days; the next day's report belongs to the same wave.
    assert marks == {"a": None, "b": None, "c": None, "late": 23, "next": None}
    md = report_to_markdown(report)
    assert "1 of them came after the story had been quiet for days" in md
    assert "Coast Times, 2024-03-25 — follow-up, 23 days after the previous report" in md
    assert md.rstrip().endswith("Coast Times, 2024-03-26")
    assert report_from_dict(report_to_dict(report)) == report


def test_seed_story_matches_the_gold_groups() -> None:
    articles = seed_articles()
    claims = [c for a in articles for c in extract_claims(a)]
    story = Story(id="seed", title=articles[0].title, article_ids=[a.id for a in articles])
    report = build_report(story, articles, claims)

    def group_of(text: str):
        for g in report.claim_groups:
            if any(c.quantity and c.quantity.text == text for c in g.claims):
                return g
        raise AssertionError(f"no group has {text}")

    first = group_of("over 11,000")
    assert first.relation == "agree"
    assert {c.quantity.text for c in first.claims} == {
        "over 11,000",
        "10,000 or more",
        "about 10,000-12,000",
        "around 10,000",
    }
    more = group_of("up to 3,000")
    assert more.relation == "agree"
    assert sorted((c.outlet, c.quantity.text) for c in more.claims) == [
        ("Associated Press", "1,000-3,000"),
        ("Associated Press", "unknown"),
        ("Tempo", "unknown"),
        ("The Hill", "unknown"),
        ("The Hill", "up to 3,000"),
    ]
    casualties = group_of("4,000")
    assert casualties.relation == "conflict"
    assert sorted((c.source, c.quantity.low) for c in casualties.claims) == [
        ("NIS", 3000),
        ("U.S.", 1200),
        ("White House", 1000),
        ("Zelenskyy", 4000),
    ]
    # the parts of the 3,000 total are not groups of their own
    assert not any(
        c.quantity.text in ("about 300", "2,700") for g in report.claim_groups for c in g.claims
    )
    captured = group_of("two")
    assert captured.relation == "unique"
    assert captured.claims[0].source == "Volodymyr Zelenskiy"

    names = {e.name: {e.name, *e.aliases} for e in report.entities}
    merged = [group for group in names.values() if "NIS" in group]
    assert merged and "National Intelligence Service" in merged[0]
    assert any({"North Korea", "Pyongyang"} <= g for g in names.values())
    assert any({"Kim", "Kim Jong Un"} <= g for g in names.values())
    assert any({"JoongAng", "JoongAng Ilbo"} <= g for g in names.values())
    events = {t.date: t.outlets for t in report.timeline}
    everyone = {"Tempo", "Associated Press", "The Hill"}
    assert set(events["2024-10"]) >= {"Tempo", "The Hill"}
    assert set(events["2025-01"]) == everyone
    assert "The Hill" in events["2024-12"]
    assert set(events["2025-02-26/2025-02-27"]) == everyone
    assert len(report.timeline) <= 10


def test_timeline_merges_one_event_dated_differently() -> None:
    published = datetime(2025, 2, 27)  # a Thursday
    texts = [
        (
            "A",
            "Troops were redeployed to the northern front in the first week of February, officials said.",
        ),
        ("B", "Earlier this month troops were redeployed to the northern front, officials said."),
        ("A", "The ministry said Wednesday that more troops had been sent to the border."),
        ("B", "More troops have been sent to the border, the ministry said Thursday."),
        ("A", "The harvest festival took place in October."),
    ]
    sentences = [Sentence(o, o, t, 0, len(t)) for o, t in texts]
    articles = {
        o: Article(id=o, page_id=o, source=o, title=o, body=[], published=published)
        for o in ("A", "B")
    }
    events = timeline(sentences, similarity([t for _, t in texts]), articles)
    assert [(e.date, e.outlets) for e in events] == [
        ("2024-10", ["A"]),
        ("2025-02-01/2025-02-07", ["A", "B"]),
        ("2025-02-26/2025-02-27", ["A", "B"]),
    ]


def test_timeline_gathers_one_step_of_the_story_across_outlets() -> None:
    published = datetime(2025, 2, 27)
    texts = [
        ("A", "In January the rebels captured two soldiers near the border."),
        ("B", "The rebels lost many fighters near the border in January."),
        ("C", "Rebel fighters pulled back from the border last month."),
        ("A", "The rebels began the border campaign last fall."),
        ("B", "Talks on the border resumed on Feb. 3."),
    ]
    sentences = [Sentence(o, o, t, 0, len(t)) for o, t in texts]
    articles = {
        o: Article(id=o, page_id=o, source=o, title=o, body=[], published=published)
        for o in ("A", "B", "C")
    }
    events = timeline(sentences, similarity([t for _, t in texts]), articles)
    assert [(e.date, e.outlets) for e in events] == [
        ("2024-09/2024-11", ["A"]),
        ("2025-01", ["A", "B", "C"]),
        ("2025-02-03", ["B"]),
    ]


def test_a_duration_beside_a_figure_is_its_scope_not_a_figure() -> None:
    article = Article(
        id="w",
        page_id="w",
        source="w",
        title="t",
        body=["Officials said more than 1,000 soldiers were killed in one week."],
        outlet="Wire",
    )
    claims = extract_claims(article)
    assert {c.quantity.text for c in claims if c.quantity} == {"more than 1,000", "one week"}
    groups = group_claims(claims)
    assert [[c.quantity.text for c in g.claims] for g in groups] == [["more than 1,000"]]
