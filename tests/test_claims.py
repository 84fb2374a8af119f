"""Claims: reading figures, finding who gave them, what they count and when."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from newsweave.claims import (
    extract_claims,
    find_figures,
    find_mentions,
    find_times,
    measure_key,
    parse_quantity,
)
from newsweave.claims import parse as parsing
from newsweave.claims.parse import needs_parse
from newsweave.config import DEFAULT_PARSE_CACHE, MAX_PARSED_CHARS, Settings
from newsweave.errors import NewsweaveError
from newsweave.models import Article
from newsweave.nlp import load_spacy

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.mark.parametrize(
    ("text", "low", "high", "approximate"),
    [
        ("about 300", 300, 300, True),
        ("10,000-12,000", 10000, 12000, False),
        ("about 10,000-12,000", 10000, 12000, True),
        ("an additional 1,000-3,000", 1000, 3000, False),
        ("more than 1,000", 1000, None, False),
        ("over 11,000", 11000, None, False),
        ("at least 40", 40, None, False),
        ("10,000 or more", 10000, None, False),
        ("500+", 500, None, False),
        ("up to 3,000", None, 3000, False),
        ("fewer than 20", None, 20, False),
        ("as many as 3,000", None, 3000, False),
        ("around 1,200", 1200, 1200, True),
        ("roughly 75", 75, 75, True),
        ("some 40", 40, 40, True),
        ("200 or so", 200, 200, True),
        ("two", 2, 2, False),
        ("twenty-five", 25, 25, False),
        ("three hundred", 300, 300, False),
        ("a dozen", 12, 12, False),
        ("half a million", 500000, 500000, False),
        ("$449K", 449000, 449000, False),
        ("nearly half a million", 450000, 500000, True),
        ("almost 300", 270, 300, True),
        ("just under 1,000", None, 1000, False),
        ("3.8 percent", 3.8, 3.8, False),
        ("about 0.4 per cent", 0.4, 0.4, True),
        ("several hundred", 200, 900, False),
        ("a few thousand", 2000, 5000, False),
        ("hundreds", 100, 1000, False),
        ("dozens", 24, 99, False),
        ("tens of thousands", 10000, 100000, False),
        ("1.5 million", 1_500_000, 1_500_000, False),
        ("$2 billion", 2_000_000_000, 2_000_000_000, False),
        ("1.5-2 million", 1_500_000, 2_000_000, False),
        ("between 1,000 and 3,000", 1000, 3000, False),
        ("from 5 to 10", 5, 10, False),
        ("12%", 12, 12, False),
    ],
)
def test_parse_quantity(
    text: str, low: float | None, high: float | None, approximate: bool
) -> None:
    q = parse_quantity(text)
    assert q is not None
    assert (q.low, q.high, q.approximate) == (low, high, approximate)


def test_parse_quantity_keeps_the_figure_words_and_rejects_text_without_one() -> None:
    q = parse_quantity("officials said about 10,000-12,000 troops")
    assert q is not None and q.text == "about 10,000-12,000"
    assert parse_quantity("no figure here") is None
    assert parse_quantity("") is None


REF = date(2025, 2, 27)  # a Thursday


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("last fall it sent", "2024-09/2024-11"),
        ("in January, officials said", "2025-01"),
        ("in late December", "2024-12"),
        ("in October", "2024-10"),
        ("said Wednesday", "2025-02-26"),
        ("on Feb. 7", "2025-02-07"),
        ("on Thursday, February 27, 2025", "2025-02-27"),
        ("between January and February", "2025-01/2025-02"),
        ("since January", "2025-01/.."),
        ("in the first week of February", "2025-02-01/2025-02-07"),
        ("earlier this month", "2025-02"),
        ("last week", "2025-02-17/2025-02-23"),
        ("invaded in February 2022", "2022-02"),
        ("last year", "2024"),
        ("in the summer of 2023", "2023-06/2023-08"),
        ("between February and May 2022", "2022-02/2022-05"),
    ],
)
def test_find_times_resolves_against_the_publication_date(text: str, value: str) -> None:
    found = find_times(text, REF)
    assert [t.value for t in found] == [value]


def test_find_times_without_a_reference_keeps_only_absolute_dates() -> None:
    assert [t.value for t in find_times("in January and on March 3, 2021")] == ["2021-03-03"]
    assert find_times("we may go") == []


def _article(*paragraphs: str, outlet: str = "Daily Planet") -> Article:
    return Article(
        id="a1",
        page_id="p1",
        source="test",
        title="t",
        body=list(paragraphs),
        outlet=outlet,
        published=datetime(2025, 2, 27),
        published_precision="day",
    )


def _only(claims: list, text: str):
    found = [c for c in claims if c.quantity is not None and c.quantity.text == text]
    assert len(found) == 1, [c.quantity for c in claims]
    return found[0]


def test_source_measure_and_time_of_a_figure() -> None:
    article = _article(
        "The interior ministry said on Monday that more than 2,000 people were evacuated.",
        "Firefighters battled the blaze. Last summer, about 300 homes were destroyed, "
        "according to local officials.",
    )
    claims = extract_claims(article)
    first = _only(claims, "more than 2,000")
    assert first.source == "interior ministry"
    assert first.chain == ["Daily Planet", "interior ministry"]
    assert (first.quantity.low, first.quantity.high) == (2000, None)
    assert first.measure == "people displaced"
    assert first.when == "2025-02-24"
    second = _only(claims, "about 300")
    assert second.source == "local officials"
    assert second.measure == "homes"
    assert second.when == "2024-06/2024-08"
    for claim in claims:
        assert article.text[claim.start : claim.end] == claim.sentence
        assert claim.outlet == "Daily Planet"


def test_citing_and_relayed_sources_extend_the_chain() -> None:
    article = _article(
        "The Courier newspaper, citing unnamed officials, reported that 40 ships were seized."
    )
    claim = _only(extract_claims(article), "40")
    assert claim.source == "Courier"
    assert claim.chain == ["Daily Planet", "Courier", "unnamed officials"]
    assert claim.measure == "ships captured"


def test_an_estimate_owned_by_someone_and_an_elliptic_figure() -> None:
    article = _article(
        "The mayor put the number of dead at 45, though police estimates were lower at around 30."
    )
    claims = extract_claims(article)
    mayor = _only(claims, "45")
    police = _only(claims, "around 30")
    assert mayor.source == "mayor"
    assert police.source == "police"
    assert measure_key(mayor.measure).event == "killed"
    assert measure_key(police.measure) == measure_key(mayor.measure)


def test_pronouns_and_descriptions_resolve_to_the_earlier_source() -> None:
    article = _article(
        "Acme Corporation said on Tuesday it would cut jobs.",
        "The company said 1,200 workers would be laid off by June.",
    )
    claim = _only(extract_claims(article), "1,200")
    assert claim.source == "Acme Corporation"


def test_killed_and_wounded_counts_give_their_total_instead_of_parts() -> None:
    article = _article("Officials said 10 soldiers were killed and another 25 were wounded.")
    claims = extract_claims(article)
    assert len(claims) == 1
    total = claims[0]
    assert total.measure == "soldiers killed or wounded"
    assert (total.quantity.low, total.quantity.high) == (35, 35)
    assert total.quantity.text == "10 soldiers were killed and another 25"
    assert total.source == "Officials"
    # a vague part gives no total: the parts stay
    vague = extract_claims(_article("Seven people died and dozens more were injured."))
    assert [c.quantity.text for c in vague] == ["Seven", "dozens"]


def test_dates_and_repeated_counts_are_not_claims_but_durations_are() -> None:
    article = _article(
        "The war began in 2022 and has lasted three years, police said on Feb. 7.",
        "The two suspects were released.",
    )
    figures = [c for c in extract_claims(article) if c.quantity is not None]
    assert [(c.quantity.text, c.measure, c.source) for c in figures] == [
        ("three years", "(in years)", "police")
    ]


def test_names_year_spans_and_dates_are_no_counts_but_amounts_beside_dates_are() -> None:
    article = _article(
        "Sony released version 5.50 for the 787 Dreamliner.",
        "Between 1600 and 1900 world temperatures dropped.",
        "This year's price is $33,790 versus last year's $32,280.",
        "Now 68,400 people have waited one to two years and 95,800 have waited longer.",
        "It paid a total of HK $216,925 for the 12 page report.",
        "It sanctioned six shipping and trading companies.",
    )
    figures = [(c.quantity.text, c.measure) for c in extract_claims(article) if c.quantity]
    assert figures == [
        ("$33,790", "(in dollars)"),
        ("$32,280", "(in dollars)"),
        ("68,400", "people"),
        ("one to two years", "people (in years)"),
        ("95,800", "people"),
        ("HK $216,925", "(in hong kong dollars)"),
        ("12", "page"),
        ("six", "companies"),
    ]


def test_one_article_gives_no_duplicate_claims() -> None:
    article = _article(
        "It will fall between 43 degrees north and 43 degrees south, NASA said.",
        "A 4K screen and a 4K camera cost $300 each, the company said.",
    )
    claims = extract_claims(article)
    keys = [(c.start, c.quantity, c.measure, c.source) for c in claims]
    assert len(keys) == len(set(keys))
    assert [c.quantity.text for c in claims if c.quantity] == ["43 degrees", "4K", "4K", "$300"]


def test_no_one_hurt_is_a_count_of_none_that_a_rival_count_contradicts() -> None:
    article = _article(
        'The organisers said "no one was injured".',
        "Police said two people were injured.",
        "No one knows why.",
    )
    figures = [(c.quantity.low, c.measure, c.source) for c in extract_claims(article) if c.quantity]
    assert figures == [(0, "wounded", "organisers"), (2, "people wounded", "Police")]
    # what befell them may be the object of their verb
    hurt = extract_claims(_article("Two people suffered minor injuries."))
    assert [c.measure for c in hurt] == ["people wounded"]


def test_titles_and_standfirsts_are_read_for_figures() -> None:
    article = _article("The tram overturned on a bend, police said.")
    article.title = "Seven killed as tram derails"
    article.summary = "More than 50 people were hurt, officials said."
    figures = [(c.part, c.quantity.text, c.measure) for c in extract_claims(article) if c.quantity]
    assert figures == [("title", "Seven", "killed"), ("summary", "More than 50", "people wounded")]
    title = next(c for c in extract_claims(article) if c.part == "title")
    assert article.title[title.start : title.end] == title.sentence
    # a standfirst that is the body's first sentence is read once, in the body
    article.summary = article.body[0]
    assert [c.part for c in extract_claims(article) if c.quantity] == ["title"]


def test_a_statement_without_a_figure_is_one_claim_per_attribution() -> None:
    claims = extract_claims(_article("The minister said the talks would resume next week."))
    assert len(claims) == 1
    assert claims[0].quantity is None
    assert claims[0].source == "minister"
    assert claims[0].when == "2025-03-03/2025-03-09"


def test_measure_key_compares_nouns_by_class() -> None:
    assert measure_key("troops deployed").noun == measure_key("soldiers").noun == "troops"
    assert measure_key("additional troops deployed").additional
    assert measure_key("killed or wounded").event == "killed or wounded"
    assert measure_key(None).noun is None


def seed_articles() -> list[Article]:
    """The three seed pages as articles, bodies cut at the gold boundaries."""
    if not (SEEDS / "gold.json").exists():
        pytest.skip("seed pages not available")
    gold = json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))
    articles = []
    for name, doc in gold["documents"].items():
        raw = (SEEDS / name).read_text(encoding="utf-8")
        start = raw.index(doc["body_starts"])
        end = raw.index(doc["body_ends"]) + len(doc["body_ends"])
        body = raw[start:end]
        paragraphs = [re.sub(r"\s+", " ", p).strip() for p in body.splitlines() if p.strip()]
        # the bodies start after the dateline already; drop one if a page repeats it
        paragraphs[0] = re.sub(r"^[A-Z][\w .,]*(?:\([A-Z]+\))?\s+[—-]\s+", "", paragraphs[0])
        articles.append(
            Article(
                id=name.split("_")[0],
                page_id=name,
                source=name,
                title=doc["title"],
                body=paragraphs,
                outlet=doc["outlet"],
                republished_by=doc.get("republished_by"),
                published=datetime.fromisoformat(doc["published"]),
                published_precision="day",
            )
        )
    return articles


def test_seed_figures_have_their_gold_sources() -> None:
    claims = {a.outlet: extract_claims(a) for a in seed_articles()}
    expected = {
        ("Tempo", "over 11,000"): "National Intelligence Service",
        ("Tempo", "10,000 or more"): "Kyiv and its Western allies",
        (
            "Associated Press",
            "about 10,000-12,000",
        ): "U.S., South Korean and Ukraine intelligence officials",
        ("Associated Press", "4,000"): "Zelenskyy",
        ("Associated Press", "around 1,200"): "U.S.",
        ("Associated Press", "1,000-3,000"): "JoongAng Ilbo",
        ("The Hill", "around 10,000"): "U.S.",
        ("The Hill", "more than 1,000"): "White House",
        ("The Hill", "up to 3,000"): "JoongAng",
    }
    for (outlet, text), source in expected.items():
        assert _only(claims[outlet], text).source == source
    assert _only(claims["The Hill"], "up to 3,000").chain == [
        "The Hill",
        "Associated Press",
        "JoongAng",
    ]


def test_coordinated_events_with_their_own_figures_stay_apart() -> None:
    article = _article("An explosion killed 54 prisoners and injured over 150 at the camp.")
    claims = extract_claims(article)
    assert _only(claims, "54").measure == "prisoners killed"
    assert _only(claims, "over 150").measure == "prisoners wounded"


def test_an_unresolved_pronoun_is_no_source() -> None:
    article = _article("They said 12 boats were lost.")
    assert _only(extract_claims(article), "12").source is None


def test_an_unknown_amount_is_a_claim_without_a_value() -> None:
    article = _article(
        "The ministry said it was trying to determine how many more troops were deployed.",
        "Officials said the army sent additional soldiers, but the scale remains unknown.",
    )
    claims = extract_claims(article)
    assert [(c.source, c.measure) for c in claims] == [
        ("ministry", "additional troops deployed"),
        ("Officials", "additional soldiers deployed"),
    ]
    for claim in claims:
        assert (claim.quantity.low, claim.quantity.high, claim.quantity.text) == (
            None,
            None,
            "unknown",
        )


def test_a_following_statement_that_refers_back_gives_the_source() -> None:
    article = _article(
        "Rescuers pulled two miners from the shaft. "
        "Mine owner John Carter said that this was the first rescue in years."
    )
    assert _only(extract_claims(article), "two").source == "John Carter"
    unrelated = _article(
        "Rescuers pulled two miners from the shaft. John Carter said the weather was cold."
    )
    assert _only(extract_claims(unrelated), "two").source is None


def test_a_continuing_sentence_keeps_the_previous_source() -> None:
    article = _article(
        "The health ministry said the outbreak was spreading. "
        "Additionally, 40 patients were admitted overnight."
    )
    assert _only(extract_claims(article), "40").source == "health ministry"


def test_a_report_named_by_according_to_is_its_owner_later() -> None:
    article = _article(
        "According to a report in the Daily Courier, the city launched the plan on Monday.",
        "The report says the city has paid the contractor $120,000.",
    )
    claim = _only(extract_claims(article), "$120,000")
    assert claim.source == "Daily Courier"
    assert claim.measure == "(in dollars)"


def test_sources_counted_in_the_attribution_are_not_claims() -> None:
    article = _article("According to two people familiar with the matter, the deal is off.")
    assert all(c.quantity is None for c in extract_claims(article))


def test_only_sentences_with_figures_and_their_attributions_are_parsed() -> None:
    assert needs_parse(
        [
            "The storm hit on Friday, March 1, 2024.",  # a date is not a figure
            "Officials said the damage was severe.",
            "About 200 homes were damaged.",
            "The mayor said roads would reopen soon.",  # may give the figure its source
            "Schools stay closed.",
            "Nobody knows how many people left.",
        ]
    ) == [False, True, True, True, False, True]


@pytest.mark.parametrize(("size", "kept"), [(None, 3), (2, 2), (0, 1)])
def test_parsed_paragraphs_kept_follow_the_setting(size: int | None, kept: int) -> None:
    parsing.clear_cache()
    if size is not None:
        parsing.set_cache_size(size)
    try:
        nlp = load_spacy()
        paragraphs = ["Officials said 40 homes were lost.", "The river rose on Friday."]
        first = parsing.parse(nlp, paragraphs)
        parsing.parse(nlp, ["Schools stay closed."])
        # the latest call's paragraphs stay whatever the setting
        assert len(parsing._cache) == kept
        again = parsing.parse(nlp, paragraphs)
        assert [p.doc.text for ps in again for p in ps] == [p.doc.text for ps in first for p in ps]
        assert sum(a[0].doc is b[0].doc for a, b in zip(first, again, strict=True)) == kept - 1
    finally:
        parsing.set_cache_size(DEFAULT_PARSE_CACHE)
        parsing.clear_cache()


def test_the_parse_cache_setting_is_read_and_checked_by_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSWEAVE_PARSE_CACHE", "2")
    assert Settings().parse_cache == 2
    monkeypatch.setenv("NEWSWEAVE_PARSE_CACHE", "lots")
    with pytest.raises(NewsweaveError, match=r"NEWSWEAVE_PARSE_CACHE.*'lots'"):
        Settings.from_env()
    with pytest.raises(NewsweaveError, match="parse_cache must be 0 or more"):
        Settings(parse_cache=-1)


def test_recognising_every_sentence_is_a_setting_the_pipeline_follows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsweave.models import Page
    from newsweave.pipeline import process_page

    monkeypatch.setenv("NEWSWEAVE_RECOGNISE_ALL", "yes")
    assert Settings().recognise_all
    monkeypatch.setenv("NEWSWEAVE_RECOGNISE_ALL", "0")
    assert not Settings().recognise_all
    lede = "Prime Minister Jane Okafor arrived in Lagos on Monday for talks with union leaders. "
    text = f"Okafor visits Lagos\n\n{lede * 8}\n\nOkafor then toured the port with Jane Okafor's deputy.\n"
    page = Page("p", "p.txt", text.encode(), text, "utf-8", "text")

    def tail(recognise_all: bool) -> list[str]:
        done = process_page(page, settings=Settings(recognise_all=recognise_all))
        end = done.article.text.rindex("Okafor then")
        return [m.text for m in done.mentions if m.start >= end]

    assert tail(False) == ["Okafor", "Jane Okafor"]
    assert tail(True) == ["Jane Okafor's"]


def test_attributions_read_without_a_parse_name_the_speaker() -> None:
    article = _article(
        "The storm was the worst in years, the regional government said on Friday.",
        "Schools were closed, according to a statement by the Education Board.",
        "South Korea's spy agency warned that the talks had stalled.",
    )
    assert [c.source for c in extract_claims(article)] == [
        "regional government",
        "Education Board",
        "South Korea's spy agency",
    ]


def test_numpy_blas_annotates_as_spacy_does() -> None:
    import spacy

    from newsweave.config import Settings

    texts = [
        "I ain't gonna wait, let's go.  He's gotta leave\n now, officials said.",
        "We're sure it's 5 o'clock; they've counted 3,000 troops who'd died.",
        "The NIS estimated that about 300 had been killed and 2,700 wounded.",
    ]

    def rows(doc: Any) -> list[tuple[Any, ...]]:
        return [
            (t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
            for t in doc
        ]

    nlp = load_spacy()
    ops = {
        type(node.ops).__name__ + str(getattr(node.ops, "use_blis", ""))
        for _, pipe in nlp.pipeline
        if hasattr(getattr(pipe, "model", None), "walk")
        for node in pipe.model.walk()
    }
    assert ops == {"NumpyOpsFalse"}  # every layer multiplies with numpy's BLAS
    plain = spacy.load(Settings.from_env().spacy_model)
    assert [rows(d) for d in nlp.pipe(texts)] == [rows(d) for d in plain.pipe(texts)]


def test_say_cues_match_whole_words_in_any_case() -> None:
    from newsweave.claims.lexicon import SAY_CUE_RE

    assert SAY_CUE_RE.search("Officials STATED it").group(0) == "STATED"
    assert SAY_CUE_RE.search("a statement, then according  to X").group(0) == "according  to"
    assert SAY_CUE_RE.search("the statesman left") is None


def test_mentions_point_into_the_article_text() -> None:
    article = _article(
        "Ukrainian President Volodymyr Zelenskyy met NIS officials in Seoul on Friday.",
        "About 300 North Korean soldiers died, the agency said. Kim Jong Un did not comment.",
    )
    mentions = find_mentions(article)
    assert [m.text for m in mentions] == [article.text[m.start : m.end] for m in mentions]
    assert {m.text for m in mentions} >= {"Volodymyr Zelenskyy", "Seoul", "Kim Jong Un"}
    assert not any(m.label in ("DATE", "CARDINAL") for m in mentions)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def _lede(*rest: str) -> Article:
    """An article whose lede (over 600 characters) names its people, then ``rest``."""
    lede = (
        "Prime Minister Jane Okafor arrived in Lagos on Monday for talks with union leaders. " * 8
    )
    return _article(lede.strip(), *rest)


@pytest.mark.parametrize(
    ("sentence", "parsed"),
    [
        ("Sales kept rising well into 2020.", False),
        ("The 2020 Sentra has a new engine.", False),
        ("It cost $2020 each.", True),
        ("Prices rose 2020% in a year.", True),
        ("The town has 2,020 people.", True),
        ("In 2019 and 2020, 45 people died.", True),
    ],
)
def test_a_year_alone_is_no_figure_to_parse_for(sentence: str, parsed: bool) -> None:
    assert needs_parse([sentence]) == [parsed]


def test_plain_sentences_after_the_lede_get_the_names_found_before() -> None:
    # no figure and no cue: the recogniser does not run here, the lede's names are matched
    article = _lede("Okafor then toured the port with Jane Okafor's deputy.")
    tail = len(article.text) - len(article.body[-1])
    found = [(m.text, m.label) for m in find_mentions(article) if m.start >= tail]
    assert found == [("Okafor", "PERSON"), ("Jane Okafor", "PERSON")]
    # the recogniser itself, asked to run here, reads the possessive into the name
    every = find_mentions(article, recognise_all=True)
    assert [(m.text, m.label) for m in every if m.start >= tail] == [("Jane Okafor's", "PERSON")]


def test_a_new_capitalised_name_after_the_lede_is_recognised_after_all() -> None:
    article = _lede("Later the convoy drove past the Shell refinery near Warri.")
    tail = len(article.text) - len(article.body[-1])
    assert {m.text for m in find_mentions(article) if m.start >= tail} == {"Shell"}


def test_matched_names_are_the_article_s_own_not_a_cached_one_s() -> None:
    plain = "The delegation then went home."
    shared = "Afterwards Okafor went back to the hotel with her staff."
    first = _lede(plain, shared)
    other = _article("Nothing here names anyone at all, as it happens, in this text. " * 12, shared)
    parsing.clear_cache()
    fresh = find_mentions(other)
    parsing.set_cache_size(DEFAULT_PARSE_CACHE)
    assert any(m.text == "Okafor" for m in find_mentions(first))
    # the shared paragraph comes from the cache now, without the first article's names
    assert find_mentions(other) == fresh
    assert find_mentions(first) == find_mentions(first)


def test_names_found_again_change_no_claim() -> None:
    article = _lede(
        "Okafor said 40 schools would reopen.",
        "The union's leader, Musa Bello, welcomed the visit.",
        "Bello told reporters that 1,200 workers had struck.",
    )
    assert extract_claims(article) == read_article_all(article)


def read_article_all(article: Article) -> list:
    from newsweave.claims import read_article

    return read_article(article, recognise_all=True)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a scale word or a unit stays with the number it touches
        ("Sales fell 7% to $2.3 billion.", [(7, 7, "percentage"), (2.3e9, 2.3e9, "dollar")]),
        (
            "Shares were up 4.3 percent to $63.20.",
            [(4.3, 4.3, "percentage"), (63.2, 63.2, "dollar")],
        ),
        ("The price rose from $750,000 to $1 million.", [(750000, 1e6, "dollar")]),
        (
            "It grew by $4.1 billion to $310.5 billion.",
            [(4.1e9, 4.1e9, "dollar"), (3.105e11, 3.105e11, "dollar")],
        ),
        ("Temperatures fell by 1 to 1.5 degrees Celsius.", [(1, 1.5, "degree Celsius")]),
        # glued units and suffixes
        ("A 30Mbps plan with a 60GB cap.", [(30, 30, "megabit per second"), (60, 60, "gigabyte")]),
        ("It will spend $13.6M on a plant.", [(13.6e6, 13.6e6, "dollar")]),
        (
            "Rates rose 5pc and the deal was worth £8.1bn.",
            [(5, 5, "percentage"), (8.1e9, 8.1e9, "pound sterling")],
        ),
        ("The house is worth US$55,931,000.", [(55931000, 55931000, "dollar")]),
        (
            "Winds reached 155mph and oil hit $58.24 per barrel.",
            [(155, 155, "mile per hour"), (58.24, 58.24, "dollar per barrel")],
        ),
        # number words and range and bound grammar
        ("It was one thousand and five hundred.", [(1500, 1500, None)]),
        ("Between negative ten and fifteen degrees.", [(-10, 15, "degree")]),
        ("Pick 20 through 100.", [(20, 100, None)]),
        ("Turnout was just under 20 percent.", [(None, 20, "percentage")]),
        ("A number greater than 100 and smaller than 300.", [(100, 300, None)]),
        ("She is 4ft 11 tall.", [(4 + 11 / 12, 4 + 11 / 12, "foot")]),
        ("One out of three voters stayed home.", [(1 / 3, 1 / 3, None)]),
        (
            "The trail is more than 100 kilometres (60 miles) long.",
            [(100, None, "kilometre"), (60, None, "mile")],
        ),
        # numbers inside names and identifiers are not figures
        ("The S&P 500 and the Nasdaq 100 closed higher.", []),
        ("Fans cheered during Game 6 of Euro 2016.", []),
        ("He lives at 49 Elm Road and left at 2.30 p.m.", []),
        ("Hide Caption 1 of 30", []),
        ("The match ended 2-2 after a COVID-19 delay.", []),
        ("Carriers moved from 3G to 4G networks at 22 Ave Foch.", []),
        # units written once for two numbers, or after "of"
        ("It comes with a 7- or 8-inch screen.", [(7, 7, "inch"), (8, 8, "inch")]),
        ("The index rose 64 points to 4,577.", [(64, 64, "point"), (4577, 4577, "point")]),
        ("The index rose 0.2% to 4,577.", [(0.2, 0.2, "percentage"), (4577, 4577, None)]),
        ("Ash rose hundreds of miles high.", [(100, 1000, "mile")]),
        ("Add 2 pounds of sugar, not £2.", [(2, 2, "pound-mass"), (2, 2, "pound sterling")]),
        (
            "It weighs 19,000 pounds and cost 5 pounds.",
            [(19000, 19000, "pound-mass"), (5, 5, "pound sterling")],
        ),
        ("Offices in the sub-500 sq m market.", [(None, 500, "square metre")]),
        ("Players over the age of 21 left.", [(21, None, "year of age")]),
        # the pound and yen signs as text folded to ASCII writes them
        ("A PS6m bonus and a PS4 console.", [(6e6, 6e6, "pound sterling")]),
        ("Shares fell to Y=28,030.", [(28030, 28030, "japanese yen")]),
        (
            "It cost HK $5.4m, not A $5 more.",
            [(5.4e6, 5.4e6, "hong kong dollar"), (5, 5, "dollar")],
        ),
    ],
)
def test_find_figures_reads_scale_unit_range_and_bound(
    text: str, expected: list[tuple[float | None, float | None, str | None]]
) -> None:
    found = find_figures(text)
    assert [f.unit for f in found] == [unit for _, _, unit in expected]
    for figure, (low, high, _) in zip(found, expected, strict=True):
        assert (figure.quantity.low, figure.quantity.high) == (
            pytest.approx(low) if low is not None else None,
            pytest.approx(high) if high is not None else None,
        )


def test_a_body_is_parsed_up_to_its_character_budget() -> None:
    nlp = load_spacy()
    body = ["The river rose by 3 metres on Monday.", "About 1,200 people left.", "Then 40 more."]
    # The second paragraph crosses the budget: it is cut there, and the third left out.
    read = list(parsing.parse_body(nlp, body, max_chars=len(body[0]) + 2 + 5))
    assert [start for start, _ in read] == [0, len(body[0]) + 2]
    assert [p.doc.text for p in read[1][1]] == ["About"]
    whole = list(parsing.parse_body(nlp, body))
    assert [start for start, _ in whole] == [0, len(body[0]) + 2, len(body[0]) + len(body[1]) + 4]


def test_claims_and_mentions_of_a_huge_body_stop_at_the_budget() -> None:
    filler = "Officials met in Paris on Tuesday and talked for hours. " * 40
    body = [filler] * (MAX_PARSED_CHARS // len(filler) + 1) + ["Later, 40 soldiers died in Lyon."]
    article = Article("a", "p", "s", "Talks", body)
    assert all(m.start < MAX_PARSED_CHARS for m in find_mentions(article))
    assert not any("40 soldiers" in c.sentence for c in extract_claims(article))


def test_one_pass_reads_what_claims_and_mentions_read_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsweave.claims import read_article

    article = _article(
        "The storm killed at least 12 people in Manila, the Red Cross said on Friday.",
        "About 3,000 families left their homes, according to Governor Maria Santos.",
        "She said 40 schools would stay closed. Roads to Quezon City reopened.",
    )
    apart = (extract_claims(article), find_mentions(article))
    assert read_article(article) == apart
    # A body too long to cache is parsed a batch at a time and kept nowhere.
    parsing.clear_cache()
    monkeypatch.setattr(parsing, "CACHED_BODY_CHARS", 10)
    monkeypatch.setattr(parsing, "_BATCH", 2)
    assert read_article(article) == apart
    assert not any(text in article.body for _, text, _ in parsing._cache)
    parsing.clear_cache()
