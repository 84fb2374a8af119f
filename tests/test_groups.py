"""Claim groups: figures with nothing but a unit, and several figures in one sentence."""

from __future__ import annotations

from newsweave.models import Claim, Quantity
from newsweave.story.groups import group_claims


def _claim(
    article: str,
    outlet: str,
    sentence: str,
    text: str,
    value: float,
    measure: str = "(in dollars)",
    *,
    source: str | None = None,
    approximate: bool = False,
    start: int = 0,
) -> Claim:
    return Claim(
        article_id=article,
        sentence=sentence,
        start=start,
        end=start + len(sentence),
        outlet=outlet,
        source=source,
        chain=[outlet],
        quantity=Quantity(value, value, approximate, text),
        measure=measure,
    )


def _shapes(claims: list[Claim]) -> list[tuple[list[str], str]]:
    return sorted(([c.outlet or "" for c in g.claims], g.relation) for g in group_claims(claims))


def test_bare_amounts_that_agree_across_outlets_are_one_figure() -> None:
    claims = [
        _claim(
            "a",
            "A",
            "The campaign cost the state roughly $449,000.",
            "roughly $449,000",
            449_000,
            approximate=True,
        ),
        _claim(
            "b", "B", "The state paid an ad agency $449,000 for the campaign.", "$449,000", 449_000
        ),
        # same unit, different value: what it measures is unknown, so it is not a conflict
        _claim("c", "C", "The campaign's website cost $20,000.", "$20,000", 20_000),
        # same value, nothing in common with the others' sentences
        _claim("d", "D", "A painting sold at auction for $449,000.", "$449,000", 449_000),
    ]
    assert _shapes(claims) == [(["A", "B"], "agree"), (["C"], "unique"), (["D"], "unique")]
    assert {g.measure for g in group_claims(claims)} == {"amount (in dollars)"}


def test_bare_amounts_of_other_units_stay_apart() -> None:
    claims = [
        _claim(
            "a", "A", "Unemployment in the state rose to 4 percent.", "4 percent", 4, "(in percent)"
        ),
        _claim("b", "B", "Unemployment in the state reached $4.", "$4", 4),
    ]
    assert len(group_claims(claims)) == 2


def test_one_source_does_not_contradict_itself_in_a_sentence() -> None:
    sentence = (
        "The department reported that 3.8 percent of young people used meth, compared to the "
        "national average of 3 percent."
    )
    claims = [
        _claim("a", "A", sentence, "3.8 percent", 3.8, "people (in percent)", source="department"),
        _claim("a", "A", sentence, "3 percent", 3, "people (in percent)", source="department"),
    ]
    assert _shapes(claims) == [(["A"], "unique"), (["A"], "unique")]


def test_two_sources_in_one_sentence_still_conflict() -> None:
    sentence = "Zelenskyy put the number at 4,000, while U.S. estimates were about 1,200."
    claims = [
        _claim("a", "A", sentence, "4,000", 4000, "killed or wounded", source="Zelenskyy"),
        _claim(
            "a",
            "A",
            sentence,
            "about 1,200",
            1200,
            "killed or wounded",
            source="U.S.",
            approximate=True,
        ),
        _claim(
            "b",
            "B",
            "More than 1,000 were killed or wounded.",
            "more than 1,000",
            1000,
            "killed or wounded",
            source="White House",
        ),
    ]
    assert _shapes(claims) == [(["A", "A", "B"], "conflict")]


def test_a_rising_toll_across_publication_times_is_evolving_not_a_conflict() -> None:
    claims = [
        _claim("a", "A", "At least 77 people were killed.", "77", 77, "people killed"),
        _claim("b", "B", "The death toll rose to 80.", "80", 80, "people killed"),
        _claim("c", "C", "Officials said 84 people were killed.", "84", 84, "people killed"),
    ]
    times = {"a": "2024-03-01T08:00", "b": "2024-03-01T14:00", "c": "2024-03-02T09:00"}
    [group] = group_claims(claims, published=times)
    assert group.relation == "evolving"
    # the same values reported at one moment conflict, and a falling count is no evolution
    assert group_claims(claims, published=dict.fromkeys(times, "2024-03-01"))[0].relation == (
        "conflict"
    )
    falling = {"a": "2024-03-03", "b": "2024-03-02", "c": "2024-03-01"}
    assert group_claims(claims, published=falling)[0].relation == "conflict"


def test_figures_dated_long_before_their_article_are_background() -> None:
    claims = [
        _claim(
            "a", "A", "The 8.5-tonne station will fall.", "8.5-tonne", 8.5, "station (in tonnes)"
        ),
        _claim(
            "b", "B", "The 8.5-tonne station is falling.", "8.5-tonne", 8.5, "station (in tonnes)"
        ),
        _claim("b", "B", "In 1991 a 20-tonne station fell.", "20-tonne", 20, "station (in tonnes)"),
    ]
    claims[2].when = "1991"
    [group] = group_claims(claims, published={"a": "2018-01-02", "b": "2018-01-03"})
    assert group.relation == "agree" and len(group.claims) == 2


def test_counts_of_one_noun_without_an_event_need_their_words_to_match() -> None:
    claims = [
        _claim("a", "A", "The UN listed 10 ships under sanctions.", "10", 10, "ships"),
        _claim("b", "B", "Satellites saw 4 ships near the port.", "4", 4, "ships"),
        _claim("c", "C", "About 200 homes were damaged.", "About 200", 200, "homes"),
        _claim("d", "D", "More than 300 homes were damaged.", "300", 300, "homes"),
    ]
    assert _shapes(claims) == [(["A"], "unique"), (["B"], "unique"), (["C", "D"], "conflict")]


def test_one_source_does_not_contradict_itself_within_an_article() -> None:
    claims = [
        _claim("a", "A", "Ten ships were sanctioned.", "Ten", 10, "ships sanctioned"),
        _claim(
            "a",
            "A",
            "Of those, four ships were sanctioned again.",
            "four",
            4,
            "ships sanctioned",
            start=40,
        ),
    ]
    assert _shapes(claims) == [(["A"], "unique"), (["A"], "unique")]


def test_trivia_from_one_outlet_outside_its_lede_is_folded() -> None:
    claims = [
        _claim("a", "A", "Seven people died.", "Seven", 7, "people killed"),
        _claim("b", "B", "Seven people were killed.", "Seven", 7, "people killed"),
        _claim("a", "A", "The tram seats 200.", "200", 200, "seats", start=500),
        _claim("b", "B", "It was 3 minutes late.", "3", 3, "trams", start=5),
    ]
    groups = group_claims(claims, ledes={"a": 100, "b": 100})
    assert [(g.measure, g.folded) for g in groups] == [
        ("people killed", False),
        ("trams", False),
        ("seats", True),
    ]


def test_figures_in_two_units_of_one_kind_compare_converted() -> None:
    claims = [
        _claim(
            "a", "A", "An 8.5-tonne station will fall.", "8.5-tonne", 8.5, "station (in tonnes)"
        ),
        _claim(
            "b", "B", "The module weighs nearly 19,000 pounds.", "nearly 19,000", 19000, "(in lb)"
        ),
        _claim(
            "c", "C", "The 8.5 ton Tiangong-1 is falling.", "8.5 ton", 8.5, "tiangong-1 (in tons)"
        ),
        _claim("c", "C", "Lumps of 100kg may survive.", "100kg", 100, "lumps (in kilograms)"),
    ]
    claims[1].quantity = Quantity(17100, 19000, True, "nearly 19,000 pounds")
    assert _shapes(claims) == [(["A", "B", "C"], "agree"), (["C"], "unique")]
    # a figure in a currency does not convert
    claims[1].measure = "(in pounds sterling)"
    assert _shapes(claims) == [(["A", "C"], "agree"), (["B"], "unique"), (["C"], "unique")]


def test_bounds_that_rise_with_publication_time_are_evolving() -> None:
    early = _claim("a", "A", "At least five people are dead.", "At least five", 5, "people killed")
    late = _claim("b", "B", "At least seven people died.", "At least seven", 7, "people killed")
    for c in (early, late):
        c.quantity = Quantity(c.quantity.low, None, False, c.quantity.text)
    times = {"a": "2016-11-09T08:00", "b": "2016-11-09T15:00"}
    assert group_claims([early, late], published=times)[0].relation == "evolving"
    # without times, or at one time, bounds that can both hold agree
    assert group_claims([early, late])[0].relation == "agree"
    same = dict.fromkeys(times, "2016-11-09")
    assert group_claims([early, late], published=same)[0].relation == "agree"


def test_a_hedge_reaches_as_far_as_its_digits_are_round() -> None:
    def pair(a: str, va: float, b: str, vb: float) -> list[tuple[list[str], str]]:
        return _shapes(
            [
                _claim(
                    "a", "A", f"The plan costs {a}.", a, va, "plan (in dollars)", approximate=True
                ),
                _claim("b", "B", f"The plan costs {b}.", b, vb, "plan (in dollars)"),
            ]
        )

    # "some $146 billion" names its billions: "$148.9 billion" contradicts it ...
    assert pair("some $146 billion", 146e9, "$148.9 billion", 148.9e9) == [(["A", "B"], "conflict")]
    # ... while "about $150 billion" is round to the ten billions and allows it
    assert pair("about $150 billion", 150e9, "$148.9 billion", 148.9e9) == [(["A", "B"], "agree")]


def test_a_count_over_a_stated_time_is_a_rate_compared_only_with_rates() -> None:
    claims = [
        _claim(
            "a", "A", "More than 1,000 were killed in one week.", "More than 1,000", 1000, "killed"
        ),
        _claim(
            "a", "A", "More than 1,000 were killed in one week.", "one week", 1, "killed (in weeks)"
        ),
        _claim("b", "B", "In all, 300 were killed.", "300", 300, "killed"),
        _claim(
            "c",
            "C",
            "Some 1,100 were killed in seven days.",
            "1,100",
            1100,
            "killed",
            approximate=True,
        ),
        _claim(
            "c", "C", "Some 1,100 were killed in seven days.", "seven days", 7, "killed (in days)"
        ),
    ]
    claims[0].quantity = Quantity(1000, None, False, "More than 1,000")
    # the week's rate and the seven days' rate meet; the total stands apart
    assert _shapes(claims) == [(["A", "C"], "agree"), (["B"], "unique")]


def test_a_headline_figure_joins_the_body_figure_it_matches_but_makes_no_group() -> None:
    body = _claim(
        "a", "A", "Seven people were killed on Monday.", "Seven", 7, "people killed", start=300
    )
    title = _claim("a", "A", "Seven killed in crash", "Seven", 7, "killed")
    lone = _claim("b", "B", "Hundreds mourn", "Hundreds", 100, "mourners")
    title.part = lone.part = "title"
    groups = group_claims([title, lone, body], ledes={"a": 100, "b": 100})
    assert [(g.measure, [c.part for c in g.claims], g.folded) for g in groups] == [
        ("people killed", ["body", "title"], False)  # a headline figure is salient
    ]


def test_the_worst_hurt_are_counted_apart_from_all_the_hurt() -> None:
    claims = [
        _claim("a", "A", "Eight people had serious injuries.", "Eight", 8, "people wounded"),
        _claim("b", "B", "More than 50 people were injured.", "More than 50", 50, "people wounded"),
        _claim("c", "C", "Eight people were seriously hurt.", "Eight", 8, "people wounded"),
        _claim("d", "D", "Two people suffered minor injuries.", "Two", 2, "people wounded"),
    ]
    claims[1].quantity = Quantity(50, None, False, "More than 50")
    # "minor" describes all the hurt: the two contradict the fifty
    assert _shapes(claims) == [(["A", "C"], "agree"), (["B", "D"], "conflict")]
