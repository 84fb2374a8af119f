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
