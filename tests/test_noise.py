"""Page furniture in article text: which paragraphs are not report text, and why.

Every paragraph here is invented, in the shapes the news-please records show
(galleries, captions, notices, prompts, link lists, stamps, tables), next to
report text that looks like them and must stay.
"""

from __future__ import annotations

import pytest

from newsweave.models import Article, Claim, Quantity, Story
from newsweave.story.noise import REASONS, in_spans, noise_reason, noise_reasons, noise_spans
from newsweave.story.report import build_report

FURNITURE = [
    ("gallery", "12/40 Saturn's rings A false-colour image of the rings, 80,000 km wide Nasa"),
    ("gallery", "Photos: The regatta Boats leave the harbour at dawn. Hide Caption 3 of 15"),
    ("gallery", "1 of 18 Full Screen Autoplay Close Skip Ad × The regatta View Photos"),
    ("gallery", "18 show all Europe news in pictures"),
    ("gallery", "Image copyright Getty Images Image caption The bridge was closed for 6 hours"),
    ("caption", "Rescuers search the rubble of the school (Getty Images)"),
    ("caption", "A man walks past the flooded market. (AP Photo/Jane Doe)"),
    ("caption", "Rex Features The mayor opens the new bridge over the Tyne"),
    ("caption", "Firefighters at the scene on Sunday. Photograph: John Smith/Reuters"),
    ("credit", "Jane Doe/AP"),
    ("credit", "Reuters"),
    ("notice", "This material may not be published, broadcast, rewritten or redistributed."),
    ("notice", "Copyright 2019 The Associated Press. All rights reserved."),
    ("notice", "Reuters contributed to this report."),
    ("prompt", "Newsletter Sign Up Continue reading the main story"),
    ("prompt", "Signing up is easy – just click here to get the morning briefing."),
    ("prompt", "Like us on Facebook and follow us on Twitter."),
    ("prompt", "Read more"),
    ("related", "Read More: Ten things we learned from the harbour inquiry"),
    ("related", "More: Council approves 12 new bus routes"),
    ("related", "[The bridge that took 40 years to build]"),
    ("byline", "By Maria Costa"),
    ("link", "www.example.com/tips"),
    ("embed", "What a day for the club! — Sam Lee (@samlee) May 3, 2019"),
    ("timestamp", "10:32 GMT"),
    ("timestamp", "Updated 9.15am"),
    ("table", "Arsenal | 38 | 26 | 6 | 6 | 84"),
    ("table", "1. 45.2 12.8 3.1 99"),
]

REPORT_TEXT = [
    "1 of 30 passengers on the ferry was taken to hospital, the coastguard said.",
    "The 2018 budget set aside £2bn for flood defences.",
    '"We counted 40 boats in the harbour," the harbour master said.',
    "Reuters reported that 12 people had been arrested.",
    "Players who sign up will get an advance look at the new features.",
    "The app was removed from the App Store on Thursday.",
    "It landed in Honolulu at 10:15 a.m. on New Year's Eve.",
    "By 2020, the company plans to hire 3,000 more staff.",
    "Copies of the report were sent to 14 ministries.",
    "More than 27 million passengers used the service in 2015/16.",
    "The vote was 52 to 48 (Ipsos).",
    "The team scored 3 goals in 10 minutes, with 45,000 fans watching.",
]


@pytest.mark.parametrize(("reason", "paragraph"), FURNITURE)
def test_furniture_is_named_with_its_reason(reason: str, paragraph: str) -> None:
    assert reason in REASONS
    assert noise_reason(paragraph) == reason


@pytest.mark.parametrize("paragraph", REPORT_TEXT)
def test_report_text_is_kept(paragraph: str) -> None:
    assert noise_reason(paragraph) is None


def test_every_reason_is_tested() -> None:
    assert {r for r, _ in FURNITURE} | {"list"} == set(REASONS)


def test_a_link_heading_owns_the_teasers_under_it() -> None:
    body = [
        "The council met on Monday to approve the plan.",
        "Read more:",
        "Council approves 12 new bus routes",
        "Harbour inquiry opens after 3 deaths",
        "The plan will cost £40m, officials said.",
    ]
    assert noise_reasons(body) == [None, "prompt", "prompt", "prompt", None]


def test_a_run_of_headlines_is_a_list_and_one_headline_is_not() -> None:
    teasers = [
        "Hopes fade for 100 migrants missing off Libya",
        "Catalan parties agree on coalition",
        "Man rams truck into store, tries to steal wine",
    ]
    prose = "The storm cut power to 20,000 homes."
    assert noise_reasons([prose, *teasers, prose]) == [None, "list", "list", "list", None]
    assert noise_reasons([prose, teasers[0], prose]) == [None, None, None]


def test_spans_are_offsets_in_the_article_text() -> None:
    body = [
        "The storm cut power to 20,000 homes.",
        "3/12 The storm Waves hit the pier Getty",
        "End.",
    ]
    article = Article(id="a", page_id="a", source="s", title="Storm", body=body)
    spans = noise_spans(article)
    assert [(article.text[s:e], r) for s, e, r in spans] == [(body[1], "gallery")]
    assert in_spans(article.text.index("3/12"), spans)
    assert not in_spans(article.text.index("20,000"), spans)


def _claim(article: Article, sentence: str, value: float) -> Claim:
    start = article.text.index(sentence)
    return Claim(
        article_id=article.id,
        sentence=sentence,
        start=start,
        end=start + len(sentence),
        outlet=article.outlet,
        quantity=Quantity(text=str(int(value)), low=value, high=value),
        measure="years",
    )


def test_report_leaves_gallery_figures_and_captions_out() -> None:
    gallery = "18/30 Veil Nebula The remains of a star that exploded about 8,000 years ago Nasa"
    caption = "Rescuers worked through the night to reach the station (Getty Images)."
    articles = []
    for n, outlet in enumerate(("one.example", "two.example")):
        body = [
            "The space station will fall to Earth within weeks, the agency said on Monday.",
            "It was launched 6 years ago and has been out of control since 2016.",
            gallery if n == 0 else "Engineers lost contact with it in March 2016, officials said.",
            caption
            if n == 0
            else "Pieces weighing up to 100kg could reach the surface, experts said.",
        ]
        articles.append(
            Article(
                id=f"a{n}",
                page_id=f"a{n}",
                source=outlet,
                title="Station",
                body=body,
                outlet=outlet,
            )
        )
    claims = [
        _claim(articles[0], gallery, 8000),
        _claim(articles[0], articles[0].body[1], 6),
        _claim(articles[1], articles[1].body[1], 6),
    ]
    story = Story(id="s", title="Station", article_ids=["a0", "a1"])
    report = build_report(story, articles, claims, mentions={"a0": [], "a1": []})
    grouped = [c.sentence for g in report.claim_groups for c in g.claims]
    assert gallery not in grouped
    assert articles[0].body[1] in grouped
    quoted = [c.text for c in report.summary] + [
        t for texts in report.unique_details.values() for t in texts
    ]
    assert quoted
    assert not any("Getty" in t or "18/30" in t for t in quoted)
