"""Article extraction end to end: the seed pages' fields, other layouts and languages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsweave.errors import PageError
from newsweave.extract import extract
from newsweave.extract.outlets import readable, same_outlet, self_named
from newsweave.extract.segmenter import load_models
from newsweave.models import Article, Page, content_hash

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"


def make_page(text: str, kind: str = "text", source: str = "test.txt", url: str | None = None):
    raw = text.encode("utf-8")
    return Page(content_hash(raw), source, raw, text, "utf-8", kind, url=url)  # type: ignore[arg-type]


def _seed_gold() -> dict:
    path = SEEDS / "gold.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["documents"]


SEED_GOLD = _seed_gold()
needs_seeds = pytest.mark.skipif(not SEED_GOLD, reason="../shared/seeds is not present")


@pytest.fixture(scope="module")
def seed_articles() -> dict[str, Article]:
    articles = {}
    for name in SEED_GOLD:
        raw = (SEEDS / name).read_bytes()
        page = Page(content_hash(raw), name, raw, raw.decode("utf-8"), "utf-8", "text")
        articles[name] = extract(page)
    return articles


@needs_seeds
@pytest.mark.parametrize("name", sorted(SEED_GOLD))
@pytest.mark.parametrize("field", ["title", "outlet", "byline", "dateline", "language", "summary"])
def test_seed_fields(seed_articles: dict[str, Article], name: str, field: str) -> None:
    gold = SEED_GOLD[name]
    if field not in gold:
        assert getattr(seed_articles[name], field) is None
    else:
        assert getattr(seed_articles[name], field) == gold[field]


@needs_seeds
@pytest.mark.parametrize("name", sorted(SEED_GOLD))
def test_seed_published_date(seed_articles: dict[str, Article], name: str) -> None:
    article = seed_articles[name]
    assert article.published is not None
    assert article.published.date().isoformat() == SEED_GOLD[name]["published"]


@needs_seeds
@pytest.mark.parametrize("name", sorted(SEED_GOLD))
def test_seed_body_bounds(seed_articles: dict[str, Article], name: str) -> None:
    article, gold = seed_articles[name], SEED_GOLD[name]
    assert article.body[0].startswith(gold["body_starts"])
    assert article.body[-1].endswith(gold["body_ends"])
    for excluded in gold["excluded"]:
        assert excluded not in article.text


@needs_seeds
@pytest.mark.parametrize("name", sorted(SEED_GOLD))
def test_seed_republisher_differs_from_outlet(seed_articles: dict[str, Article], name: str) -> None:
    article = seed_articles[name]
    assert article.republished_by != article.outlet
    assert article.dropped, "every dropped line is listed"
    assert article.id == article.page_id == content_hash((SEEDS / name).read_bytes())


GERMAN = """\
Startseite
Politik
Wirtschaft
Sport
Kultur

Bundesregierung beschließt neues Gesetz zur Energiewende

Von ANNA MÜLLER | dpa
12.03.2024, 14:30 Uhr

BERLIN (dpa) - Die Bundesregierung hat am Dienstag ein neues Gesetz zur Energiewende beschlossen, \
das den Ausbau der Windkraft an Land deutlich beschleunigen soll.
Nach Angaben des Wirtschaftsministeriums sollen die Genehmigungsverfahren für neue Anlagen \
künftig nur noch halb so lange dauern wie bisher, und die Länder müssen mehr Flächen ausweisen.
Kritik kam von Umweltverbänden, die vor einer Schwächung des Naturschutzes warnen. Die \
Opposition sprach von einem Schritt in die richtige Richtung, der aber zu spät komme.
Der Bundestag soll das Gesetz noch vor der Sommerpause beraten, wie eine Sprecherin der \
Regierung am Nachmittag in Berlin mitteilte.

Mehr zum Thema
Bahn streicht Verbindungen im Süden
vor 2 Stunden
Wetter: Sturm zieht über Norddeutschland
vor 3 Stunden
Impressum
Datenschutz
"""

INDONESIAN = """\
Beranda | Nasional | Ekonomi | Olahraga

Pemerintah Umumkan Kenaikan Anggaran Pendidikan Tahun Depan

Oleh: Budi Santoso
Selasa, 5 Maret 2024 10:15 WIB

WARTABARU.CO.ID, Surabaya - Pemerintah mengumumkan kenaikan anggaran pendidikan untuk tahun \
depan sebagai bagian dari rencana jangka panjang untuk meningkatkan kualitas sekolah di daerah.

Menteri Keuangan mengatakan bahwa tambahan dana tersebut akan digunakan untuk memperbaiki \
gedung sekolah dan meningkatkan kesejahteraan guru di seluruh provinsi.

Sejumlah pengamat menilai langkah ini sudah tepat, namun mereka meminta pemerintah untuk \
mengawasi penggunaan anggaran agar tidak terjadi penyimpangan di tingkat daerah.

Baca juga: Harga Beras Turun di Pasar Tradisional

Berita Terkait
Harga Beras Turun di Pasar Tradisional
2 jam lalu
Banjir Rendam Ratusan Rumah di Pesisir
1 hari lalu
"""

RELATIVE = """\
Home
World
Business

City council approves plan to expand public transport network

3 hours ago

The city council voted on Tuesday to approve a long-debated plan that will add four new tram \
lines and extend the night bus service to the outer districts of the city.
Supporters of the plan said it would cut traffic and pollution in the centre, while opponents \
warned that the cost could rise well beyond the budget the council set last year.
Construction is expected to begin next spring and to take about three years, officials said.

Share this article
Subscribe to our newsletter
"""

HTML = """\
<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Storm closes ports along the coast | Coastal Herald</title>
<meta property="og:title" content="Storm closes ports along the coast">
<meta property="og:site_name" content="Coastal Herald">
<meta property="og:description" content="Authorities shut three ports on Monday as a powerful \
storm brought high winds and heavy rain to the region.">
<meta property="article:published_time" content="2024-11-04T08:45:00+00:00">
<meta name="author" content="Maria Lopez">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Storm closes ports along the coast</h1>
<p>LISBON (Reuters) — Port authorities closed three harbours on Monday morning after a storm \
with gusts of more than 120 kilometres an hour swept in from the Atlantic overnight.</p>
<p>Ferries were cancelled and fishing boats were ordered to stay in harbour until the wind \
drops, which forecasters expect to happen late on Tuesday.</p>
<p>The civil protection agency said several roads near the shore were flooded and asked people \
to avoid travelling unless it was necessary.</p>
<p>Power was cut to about 40,000 homes at the height of the storm, the grid operator said, \
and most of them had been reconnected by the afternoon.</p>
</article>
<footer><p>Copyright 2024 Coastal Herald. All rights reserved.</p></footer>
</body></html>
"""

NO_ARTICLE = """\
Home
News
Sport
Weather
Contact us
Privacy policy
Terms of use
Login
Subscribe
"""


def test_german_page_with_wire_byline() -> None:
    article = extract(make_page(GERMAN))
    assert article.title == "Bundesregierung beschließt neues Gesetz zur Energiewende"
    assert article.byline == "Anna Müller"
    assert article.outlet == "dpa"
    assert article.dateline == "BERLIN"
    assert article.language == "de"
    assert article.published == datetime(2024, 3, 12, 14, 30)
    assert article.published_precision == "time"
    assert article.body[0].startswith("Die Bundesregierung hat am Dienstag")
    assert article.body[-1].endswith("in Berlin mitteilte.")
    assert "Bahn streicht" not in article.text
    reasons = {d.text: d.reason for d in article.dropped}
    assert reasons["vor 2 Stunden"] == "relative_time"


def test_indonesian_page_with_outlet_in_dateline() -> None:
    article = extract(make_page(INDONESIAN, url="https://www.wartabaru.co.id/read/123"))
    assert article.title == "Pemerintah Umumkan Kenaikan Anggaran Pendidikan Tahun Depan"
    assert article.outlet == "Wartabaru"
    assert article.republished_by is None
    assert article.dateline == "Surabaya"
    assert article.byline == "Budi Santoso"
    assert article.language == "id"
    assert article.published is not None
    assert article.published.date().isoformat() == "2024-03-05"
    assert article.body[0].startswith("Pemerintah mengumumkan kenaikan")
    assert article.body[-1].endswith("di tingkat daerah.")
    assert "Baca juga" not in article.text
    assert "jam lalu" not in article.text


def test_relative_date_needs_reference_time() -> None:
    page = make_page(RELATIVE)
    without = extract(page)
    assert without.published is None
    reference = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    with_ref = extract(page, reference_time=reference)
    assert with_ref.published == datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
    assert with_ref.published_precision == "time"
    assert with_ref.title == "City council approves plan to expand public transport network"
    assert with_ref.body[-1].startswith("Construction is expected")


def test_explain_adds_line_scores() -> None:
    article = extract(make_page(RELATIVE), explain=True)
    scores = article.diagnostics["line_scores"]
    assert len(scores) == article.diagnostics["lines"]
    assert all(0.0 <= s["p_body"] <= 1.0 for s in scores)
    assert article.diagnostics["method"] == "text-segmenter"
    assert article.diagnostics["model"]


def test_html_page_with_og_metadata() -> None:
    page = make_page(HTML, kind="html", source="storm.html", url="https://coastalherald.example/x")
    article = extract(page)
    assert article.title == "Storm closes ports along the coast"
    assert article.outlet == "Reuters"
    assert article.republished_by == "Coastal Herald"
    assert article.dateline == "LISBON"
    assert article.byline == "Maria Lopez"
    assert article.published == datetime(2024, 11, 4, 8, 45, tzinfo=UTC)
    assert article.language == "en"
    assert article.body[0].startswith("Port authorities closed three harbours")
    assert len(article.body) == 4
    assert article.summary is not None and article.summary.startswith("Authorities shut")
    assert article.diagnostics["method"] == "trafilatura"


def test_trafilatura_checks_its_fallbacks_only_when_its_own_pass_finds_little(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import trafilatura

    from newsweave.extract import html

    passes: list[bool] = []
    real = trafilatura.bare_extraction

    def spy(*args: object, fast: bool, **options: object) -> object:
        passes.append(fast)
        return real(*args, fast=fast, **options)

    monkeypatch.setattr(html.trafilatura, "bare_extraction", spy)
    cut = HTML[: HTML.index("<p>Power was cut")] + HTML[HTML.index("</article>") :]
    short = extract(
        make_page(cut, kind="html", source="s.html", url="https://coastalherald.example/x")
    )
    assert len(short.text.split()) < html.FALLBACK_BELOW_WORDS and passes == [True, False]
    passes.clear()
    paragraph = (
        "<p>" + "Port authorities said the harbour would stay shut for repairs. " * 4 + "</p>"
    )
    long = HTML.replace("</article>", paragraph * 6 + "</article>")
    extract(make_page(long, kind="html", source="long.html", url="https://coastalherald.example/y"))
    assert passes == [True]


@pytest.mark.parametrize(
    ("title", "sites", "expected"),
    [
        ("Best tech gadgets of 2019 | ZDNet", ["ZDNet"], "Best tech gadgets of 2019"),
        (
            "New York State Attorney General reportedly investigating WeWork – TechCrunch",
            [None, "techcrunch.com"],
            "New York State Attorney General reportedly investigating WeWork",
        ),
        (
            "LinkNaija | Nollywood actress stuns in new photos",
            ["LinkNaija"],
            "Nollywood actress stuns in new photos",
        ),
        (
            "Opinion | Republicans Are Following Trump to Nowhere",
            ["NYTimes"],
            "Opinion | Republicans Are Following Trump to Nowhere",
        ),
        (
            "Star Wars Jedi review - shoots for the moon - VG247",
            ["https://www.vg247.com/a"],
            "Star Wars Jedi review - shoots for the moon",
        ),
        ("Apple - Wikipedia", ["Wikipedia"], "Apple - Wikipedia"),  # too little would be left
    ],
)
def test_the_site_name_leaves_an_html_title(
    title: str, sites: list[str | None], expected: str
) -> None:
    from newsweave.extract.html import _without_site

    assert _without_site(title, sites) == expected


@pytest.mark.parametrize("kind", ["text", "html"])
def test_page_without_article_raises(kind: str) -> None:
    text = NO_ARTICLE if kind == "text" else "<html><body><nav>Home News</nav></body></html>"
    with pytest.raises(PageError) as info:
        extract(make_page(text, kind=kind))
    assert info.value.reason == "no_article"


def test_to_dict_is_json_ready() -> None:
    article = extract(make_page(GERMAN))
    data = json.loads(json.dumps(article.to_dict()))
    assert data["published"] == "2024-03-12T14:30:00"
    assert data["body"].startswith("Die Bundesregierung")


def test_impossible_time_keeps_the_date() -> None:
    from newsweave.extract.dates import find_date

    found = find_date("Posted February 27, 2025 12:05:63")
    assert found is not None and found[0].date().isoformat() == "2025-02-27"


def test_dated_byline_is_not_an_outlet() -> None:
    from newsweave.extract.fields import outlet_before_date

    assert outlet_before_date("By Mike Wall 2019-11-18T20:51:19Z Science & Astronomy") is None
    assert outlet_before_date("Reuters Nov 18, 2019") == "Reuters"


def test_fallback_title_skips_bylines_credits_captions_and_update_lines() -> None:
    from newsweave.extract.lines import Line
    from newsweave.extract.text import _fallback_title

    texts = [
        "Entertainment",
        "Town council approves the new riverside park after a long fight",
        "Updated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM",
        "Jane Doe | Getty Images",
        "The riverside as it looked last spring, before the council's vote on the park.",
        "By John Smith | City Desk",
        "The town council voted on Tuesday to approve the park.",
    ]
    lines = [Line(t, i, True, True) for i, t in enumerate(texts)]
    assert _fallback_title(lines, first_body=6) == 1


EXAMPLE_PAGES = Path(__file__).resolve().parents[1] / "examples" / "pages"


def _example(name: str) -> Article:
    path = EXAMPLE_PAGES / name
    return extract(make_page(path.read_text(encoding="utf-8"), source=str(path)))


def test_yearless_date_takes_its_year_from_a_full_date_on_the_page() -> None:
    # "Updated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM"; the embedded posts say November 18, 2019.
    article = _example("nj-com-meth-campaign.txt")
    assert article.published is not None
    assert article.published.isoformat() == "2019-11-18T20:19:00"


def test_a_line_of_metadata_is_no_standfirst() -> None:
    # "Updated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM" sits between the headline and the body.
    article = _example("nj-com-meth-campaign.txt")
    assert article.summary is None


@pytest.mark.parametrize(
    "line",
    [
        "New Delhi , News Nation Bureau | Updated : 19 November 2019, 09:01 AM and more",
        "Lisa Kaczke and Trevor J. Mitchell Sioux Falls Argus Leader",
    ],
)
def test_metadata_and_title_case_lines_are_no_standfirst(line: str) -> None:
    text = NESTED_MENU.replace("By Jane Roe | November 18, 2019 at 5:00 pm", line + "\n\nMenu")
    assert extract(make_page(text)).summary is None


def test_yearless_date_needs_a_year_from_somewhere() -> None:
    from newsweave.extract.dates import find_yearless, year_for

    found = find_yearless("Updated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM")
    assert found is not None and (found.month, found.day) == (11, 18)
    assert year_for(found, [], None) is None  # left out, not guessed
    assert year_for(found, [datetime(2019, 11, 18, 1)], None) == 2019
    assert year_for(found, [], datetime(2020, 1, 5)) == 2019  # the latest Nov 18 before it
    assert year_for(found, [], datetime(2020, 12, 1)) == 2020
    assert find_yearless("Nov 18, 2019") is None  # a full date is find_date's


def test_yearless_date_line_is_a_date_not_a_sentence() -> None:
    from newsweave.extract.text import _yearless_date_line

    assert _yearless_date_line("Sunday, 18 March") is not None
    assert _yearless_date_line("Posted Nov 18") is not None
    assert _yearless_date_line("Nov 18, 8:19 PM") is not None
    assert _yearless_date_line("March 3 people died") is None
    assert _yearless_date_line("Trump on May 5") is None


def test_breadcrumb_is_not_the_headline() -> None:
    # "1. Home / 2. News / 3. Science & Astronomy" sits above the headline and shares words
    # ("science", "astro-") with the article.
    article = _example("space-com-europa-water.txt")
    assert article.title == "The Weird Plumes of Jupiter's Moon Europa Are Spewing Water Vapor"
    assert article.byline == "Mike Wall"


NESTED_MENU = """\
* World
+ Europe's ports brace for a long dock strike
+ Markets
o Dock strike
* Sport

Europe's ports brace for a long dock strike as talks fail

By Jane Roe | November 18, 2019 at 5:00 pm

Dock workers in Europe's biggest ports will stay on strike after talks with operators \
failed on Monday, their unions said, leaving hundreds of ships waiting to unload.
The strike, now in its second week, has already held up deliveries to factories and shops \
across the continent, and the operators say the backlog will take a month to clear.
Both sides said they were ready to meet again, but no date has been set for new talks.
"""


@pytest.mark.parametrize("item", ["+ ", "o ", "* "])
def test_a_list_item_is_not_the_headline(item: str) -> None:
    # Text renders mark nested list items with "+" and "o"; a menu entry can share
    # every word with the story and come first.
    text = NESTED_MENU.replace("+ Europe's", item + "Europe's")
    article = extract(make_page(text))
    assert article.title == "Europe's ports brace for a long dock strike as talks fail"
    assert article.byline == "Jane Roe"


def test_a_long_metadata_line_gives_the_date() -> None:
    # Fifteen words, but no sentence: the dates in it are the page's own.
    text = NESTED_MENU.replace(
        "By Jane Roe | November 18, 2019 at 5:00 pm",
        "By Jane Roe\nPUBLISHED: November 19, 2019 at 8:59 pm | UPDATED: November 19, 2019 at 10:16 pm",
    )
    article = extract(make_page(text))
    assert article.published is not None
    assert article.published.isoformat() == "2019-11-19T20:59:00"


def test_the_date_under_the_first_print_of_a_repeated_headline() -> None:
    # A gallery between the headline with its date and the headline printed again over
    # the text: the date is further from the second print than the header reaches.
    gallery = "\n".join(f"Image {n} of 9\nPhoto: Jan de Vries, AP\n*" for n in range(1, 10))
    text = NESTED_MENU.replace(
        "By Jane Roe | November 18, 2019 at 5:00 pm\n",
        "Updated 1:39 am EST, Wednesday, November 20, 2019\n"
        f"{gallery}\nBack to Gallery\n"
        "Europe's ports brace for a long dock strike as talks fail\n",
    )
    article = extract(make_page(text))
    assert article.published is not None
    assert article.published.date().isoformat() == "2019-11-20"


def test_a_byline_timestamp_with_a_two_digit_year() -> None:
    text = NESTED_MENU.replace(
        "By Jane Roe | November 18, 2019 at 5:00 pm", "By Jane Roe - 11/19/19 06:56 AM EST"
    )
    article = extract(make_page(text))
    assert article.byline == "Jane Roe"
    assert article.published is not None
    assert article.published.isoformat() == "2019-11-19T06:56:00"


@pytest.mark.parametrize(
    ("text", "short_year", "found"),
    [
        ("By Tess Bonn - 11/19/19 06:56 AM EST", True, "2019-11-19T06:56:00"),
        ("05/06/19 6:30 pm", True, "2019-05-06T18:30:00"),  # American: month first
        ("19/11/19 06:56", True, None),
        ("won 3/4/19", True, None),  # no time: a score as often as a date
        ("By Tess Bonn - 11/19/19 06:56 AM EST", False, None),
    ],
)
def test_two_digit_years_only_in_timestamps(text: str, short_year: bool, found: str | None) -> None:
    from newsweave.extract.dates import find_date

    date = find_date(text, short_year=short_year)
    assert (date[0].isoformat() if date else None) == found


def test_a_long_metadata_line_gives_the_byline() -> None:
    text = NESTED_MENU.replace(
        "By Jane Roe | November 18, 2019 at 5:00 pm",
        "By Jane Roe | November 18, 2019 -- 19:14 GMT (19:14 GMT) | Topic: Ports and Shipping",
    )
    article = extract(make_page(text))
    assert article.byline == "Jane Roe"
    assert article.published is not None and article.published.date().isoformat() == "2019-11-18"


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("19 NOV 2019", True),
        ("(Published Monday, Nov. 18, 2019)", True),
        ("By admin - 2018-09-16", True),
        ("— Mike Beauvais (@MikeBeauvais) November 18, 2019", False),
        ("The council met on Nov. 18, 2019 to vote.", False),
        ("No date here", False),
    ],
)
def test_a_bare_date_line(text: str, bare: bool) -> None:
    # A line that is only a date is the page's, even when the segmenter takes it into the body.
    from newsweave.extract.text import _bare_date

    assert _bare_date(text) is bare


@pytest.mark.parametrize(
    ("author", "names", "organisation"),
    [
        ("Tom Krisher; Ap Auto Writer", "Tom Krisher", "Associated Press"),
        ("Amy Kuperinsky; NJ Advance Media", "Amy Kuperinsky", "NJ Advance Media"),
        ("Victor Tangermann; Futurism", "Victor Tangermann", "Futurism"),
        ("Finian Cunningham Sputnik International", "Finian Cunningham", "Sputnik International"),
        ("Mike Wuerthele; Malcolm Owen Monday; November", "Mike Wuerthele, Malcolm Owen", None),
        ("Troy Smith; Troy L Smith; Cleveland com", "Troy Smith", None),
        ("Phil Helsel is a reporter", "Phil Helsel", None),
        ("Theresa May; Reuters", "Theresa May", "Reuters"),
        ("Regan", "Regan", None),
        ("Reuters", None, "Reuters"),
        ("India Post News Weekly", None, "India Post News Weekly"),
        ("Admin", None, None),
        ("Editorial", None, None),
        ("The Russian; Syrian defense ministries", None, None),
    ],
)
def test_an_html_author_field(author: str, names: str | None, organisation: str | None) -> None:
    # trafilatura's author field: names joined by "; ", with publishers, site accounts,
    # dates and bios mixed in.
    from newsweave.extract.fields import author_byline

    byline = author_byline(author)
    found = (byline.names, byline.organisation) if byline else (None, None)
    assert found == (names, organisation)


@pytest.mark.parametrize(
    ("text", "names", "organisation"),
    [
        ("Anna Menin", "Anna Menin", None),
        ("Natasha Turak@NatashaTurak", "Natasha Turak", None),
        ("Catherine Shu @catherineshu / 2 days", "Catherine Shu", None),
        ("Tom Davies Associated Press", "Tom Davies", "Associated Press"),
        ("VICTOR TANGERMANN, FUTURISM", "Victor Tangermann", "Futurism"),
        ("Hong Kong", None, None),  # in the headline: a topic
        ("Published Wed, Nov 20 2019", None, None),
        ("Fox News", None, None),
        ("New Delhi , News Nation Bureau | Updated : 19 November 2019, 09:01 AM", None, None),
    ],
)
def test_a_bare_name_under_the_headline(text: str, names: str | None, organisation: str | None):
    from newsweave.extract.fields import bare_byline

    byline = bare_byline(text, "Hong Kong chaos: China deploys troops")
    if names is None:
        assert byline is None
    else:
        assert byline is not None
        assert (byline.names, byline.organisation) == (names, organisation)


def test_a_writers_name_alone_under_the_headline_is_the_byline() -> None:
    text = NESTED_MENU.replace("By Jane Roe | November 18, 2019 at 5:00 pm", "Jane Roe@janeroe")
    assert extract(make_page(text)).byline == "Jane Roe"


@pytest.mark.parametrize(
    ("text", "names", "organisation"),
    [
        ("By Mike Wall 2019-11-18T20:51:19Z Science & Astronomy", "Mike Wall", None),
        ("By Jane Doe | November 18, 2019 at 5:00 pm", "Jane Doe", None),
        ("By HYUNG-JIN KIM – Associated Press", "Hyung-Jin Kim", "Associated Press"),
        ("By Tess Bonn - 11/19/19 06:56 AM EST", "Tess Bonn", None),
        ("By Sherif Saed, Wednesday, 20 November 2019 08:05 GMT", "Sherif Saed", None),
        ("By Eric Song, IGN Staff", "Eric Song", "IGN"),
        ("By Bill Hoppe | Special to the Pioneer Press", "Bill Hoppe", "Pioneer Press"),
        (
            "By Tim Childers - Live Science Contributor 2019-11-19T12:48:14Z",
            "Tim Childers",
            "Live Science",
        ),
        (
            "By Stefan Becket, Kathryn Watson, Grace Segers",
            "Stefan Becket, Kathryn Watson, Grace Segers",
            None,
        ),
        ("By Jane Doe, Reuters", "Jane Doe", "Reuters"),
        # names end at a social handle or a date label, and a list item's bullet goes
        ("By Chris Pokorny @DawgsByNature Nov 18, 2019, 11:47am EST", "Chris Pokorny", None),
        ("By Kashmira Gander On 11/13/19 at 4:00 PM EST", "Kashmira Gander", None),
        ("Von Moritz Bachmann publiziert am 25. September 2018", "Moritz Bachmann", None),
        ("* by Bryan DeArdo", "Bryan DeArdo", None),
        ("By Meg James Staff Writer", "Meg James", None),  # a role after the name goes
        ("By Tom Writer", "Tom Writer", None),
    ],
)
def test_byline_stops_at_a_printed_date(text: str, names: str, organisation: str | None) -> None:
    from newsweave.extract.fields import parse_byline

    byline = parse_byline(text)
    assert byline is not None
    assert (byline.names, byline.organisation) == (names, organisation)


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("USA TODAY", "USA Today"),
        ("THE HILL", "The Hill"),
        ("NEW YORK POST", "New York Post"),
        ("ABC NEWS", "ABC News"),
        ("BBC", "BBC"),
        ("TEMPO.CO", "Tempo"),
    ],
)
def test_outlet_names_in_capitals_keep_their_acronyms(printed: str, name: str) -> None:
    assert readable(printed) == name


def test_a_dated_credit_names_a_writer_or_an_outlet() -> None:
    from newsweave.extract.fields import dated_byline, outlet_before_date

    line = "Chris Davies - Nov 19, 2019, 10:31 pm CST"
    assert outlet_before_date(line) is None
    byline = dated_byline(line)
    assert byline is not None and byline.names == "Chris Davies"
    for outlet in ("The Hill", "Fox News", "Al Jazeera", "Reuters"):
        assert outlet_before_date(f"{outlet} | Nov 19, 2019") == outlet
        assert dated_byline(f"{outlet} | Nov 19, 2019") is None


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Monday November 18, 2019 7:45 am PST by Joe Rossignol", "Joe Rossignol"),
        ("2019-11-20 17:27:46 Marcus De Guzman", "Marcus De Guzman"),
        ("Nov 19, 2019 The Hill", None),  # an outlet
        ("Nov 19, 2019 by Staff", None),
        ("November 19, 2019 Updated Monday", None),
        ("Posted on March 3, 2019 by admin", None),
    ],
)
def test_a_writer_named_after_the_date(line: str, names: str | None) -> None:
    from newsweave.extract.fields import dated_byline

    byline = dated_byline(line)
    assert (byline.names if byline else None) == names


def test_a_site_named_by_its_domain_is_the_same_outlet() -> None:
    assert same_outlet("NJ", "NJ Advance Media for NJ.com")
    assert not same_outlet("NJ", "New York Post")
    assert readable("www.rt.com") == "RT"
    assert readable("TheHill.com") == "The Hill"


@pytest.mark.parametrize(
    ("lines", "name"),
    [
        (["* Follow RT on", "Subscribe to RT newsletter to get stories"], "RT"),
        (["Space is part of Future US Inc, an international media group"], "Space"),
        (["Subscribe to Live Science's newsletter"], "Live Science"),
        (["Download the USA TODAY app"], "USA Today"),
        (["Subscribe to the Times of India newsletter"], "Times of India"),
        (["Follow Fox and Friends on Twitter"], "Fox and Friends"),
        (["Follow Jane and on Twitter"], None),  # a name never ends on "and"
        # a copyright line names the owner, and "Follow us on" no one
        (["© Future US, Inc. 11 West 42nd Street", "Follow us on Twitter"], None),
        (["* Search SlashGear", "© 2005-2019 SlashGear, All Rights Reserved."], "SlashGear"),
        (["SEARCH QUOTES", "* About CNBC", "Advertise with CNBC"], "CNBC"),
        (["The Verge homepage", "The Verge main menu"], "The Verge"),
        (["TheHill.com", "* The Hill Apps"], "The Hill"),
        # menu entries that name no one, and a partner's address in the footer
        (["About Us", "Back to Top", "Search For Life", "Search Quotes and Companies"], None),
        (["realtor.com", "In.com", "Advertise with Us"], None),
    ],
)
def test_a_page_names_itself_in_its_furniture(lines: list[str], name: str | None) -> None:
    assert self_named(lines) == name


def test_a_text_dump_without_address_takes_the_name_the_site_gives_itself() -> None:
    path = EXAMPLE_PAGES / "rt-bolivia-protests.txt"
    text = path.read_text(encoding="utf-8")
    article = extract(make_page(text, source=path.name))
    assert article.outlet == "RT"
    # the address, where there is one, names the site first
    url = "https://www.example-mirror.com/news/bolivia"
    assert extract(make_page(text, source=path.name, url=url)).outlet == "example-mirror"


_FURNITURE_WORDS = st.sampled_from(
    "By Jane Roe Updated Nov 19, 2019 * + o — (AP) SEOUL, the said 2 hours ago @x | Photo: "
    "Getty Images . Read more Türkiye 北京 مرحبا jam lalu © Subscribe to Follow RT on Published "
    "Monday, Nov. 18, PUBLISHED: 12:30 pm EST Related articles".split()
)
_LINES = st.one_of(st.lists(_FURNITURE_WORDS, max_size=40).map(" ".join), st.text(max_size=200))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_LINES, max_size=60).map("\n".join))
def test_any_text_gives_an_article_or_no_article(text: str) -> None:
    # Furniture words, scripts and stray characters in any order: never a crash.
    try:
        article = extract(make_page(text))
    except PageError as error:
        assert error.reason == "no_article"
    else:
        assert article.body and isinstance(article.title, str)


def test_languages_can_be_restricted(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsweave.config import Settings
    from newsweave.errors import NewsweaveError
    from newsweave.nlp.language import detect_language

    english = "The spy agency said on Thursday that more troops had been sent to the front line."
    assert detect_language(english) == "en"
    assert detect_language(english, ["de", "fr"]) in {"de", "fr", None}
    with pytest.raises(NewsweaveError, match="lingua knows no xx"):
        detect_language(english, ["en", "xx"])
    # Through extraction, and from the environment, read by Settings alone.
    page = make_page(GERMAN)
    assert extract(page).language == "de"
    assert extract(page, languages=["en", "fr"]).language in {"en", "fr", None}
    monkeypatch.setenv("NEWSWEAVE_LANGUAGES", "FR, en,")
    assert Settings().languages == ("en", "fr")
    assert extract(page).language == "de"  # the stage itself reads no environment
    monkeypatch.setenv("NEWSWEAVE_LANGUAGES", "en,xx")
    with pytest.raises(NewsweaveError, match=r"NEWSWEAVE_LANGUAGES.*lingua knows no xx"):
        Settings.from_env()
    with pytest.raises(NewsweaveError, match="two or more"):
        Settings(languages=("en",))


MENU = ["Home", "World", "Business", "Sports", "Opinion", "Shows", "Video", "Podcasts"] * 3


@pytest.mark.parametrize("name", ["rt-bolivia-protests.txt", "space-com-europa-water.txt"])
def test_a_table_layout_render_gives_the_same_article(name: str) -> None:
    # The page's own column beside a menu column, as an older site's table renders.
    text = (EXAMPLE_PAGES / name).read_text(encoding="utf-8")
    plain = extract(make_page(text))
    lines = text.splitlines()
    start = len(lines) // 3
    beside = [
        f"{MENU[i - start]:<14}{line}" if 0 <= i - start < len(MENU) else line
        for i, line in enumerate(lines)
    ]
    layout = extract(make_page("\n".join(beside)))
    assert layout.diagnostics["model"] != plain.diagnostics["model"]
    assert layout.title == plain.title
    assert set(layout.body) <= set(plain.body)
    long = [p for p in plain.body if len(p.split()) >= 12]
    assert all(p in layout.body for p in long)


def test_a_page_whose_paragraphs_render_as_one_line_keeps_its_article() -> None:
    # Whole, the line reads as no body; cut into runs of sentences it does.
    text = (EXAMPLE_PAGES / "rt-bolivia-protests.txt").read_text(encoding="utf-8")
    plain = extract(make_page(text))
    giant = " ".join(plain.body)
    for paragraph in plain.body[1:]:
        text = text.replace(paragraph + "\n", "", 1)
    article = extract(make_page(text.replace(plain.body[0], giant, 1)))
    assert " ".join(article.body) == giant
    assert article.diagnostics["model"] != plain.diagnostics["model"]


CAPTIONS = [
    "FILE - In this Oct. 2, 2017, file photo, police officers stand at the scene of a "
    "shooting near the Mandalay Bay resort and casino on the Las Vegas Strip in Las Vegas.",
    "FILE PHOTO: A man walks past the bank's headquarters in Frankfurt, Germany, on May 3.",
]
FURNITURE = [
    "Hide Caption 1 of 30",
    "Image 3 of 12",
    "Photos: The storm's path across the islands",
    "This material may not be published, broadcast, rewritten or redistributed.",
    "(China Daily 10/03/2017 page4)",
]
STORY = [
    "The storm struck the islands early on Tuesday, cutting power to most homes, officials said.",
    "Rescue teams reached the hardest-hit villages by the afternoon, the coast guard said.",
    "Schools will stay closed for the rest of the week while roads are cleared of debris.",
    "The weather service said the storm would weaken as it moved north over colder water.",
    "Airlines cancelled dozens of flights, and the main port said it would reopen on Thursday.",
]


def test_gallery_counters_labels_and_legal_notices_leave_a_text_body() -> None:
    text = (EXAMPLE_PAGES / "space-com-europa-water.txt").read_text(encoding="utf-8")
    plain = extract(make_page(text))
    at = plain.body[2]
    furnished = text.replace(at, "\n\n".join([at, *FURNITURE]), 1)
    article = extract(make_page(furnished))
    assert article.body == plain.body
    assert {d.text for d in article.dropped if d.reason == "furniture"} == set(FURNITURE)


def test_gallery_counters_labels_and_legal_notices_leave_an_html_body() -> None:
    paragraphs = [*STORY[:2], *FURNITURE[:3], *STORY[2:4], *FURNITURE[3:], *CAPTIONS, STORY[4]]
    text = (
        "<html><head><title>Storm cuts power across the islands</title></head><body>"
        "<article><h1>Storm cuts power across the islands</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article></body></html>"
    )
    article = extract(make_page(text, kind="html"))
    assert article.body == STORY
    assert {d.text for d in article.dropped if d.reason == "furniture"} == set(FURNITURE)
    assert {d.text for d in article.dropped if d.reason == "caption"} == set(CAPTIONS)
    assert article.dateline is None


STORIES = SHARED / "stories" / "articles"


@pytest.mark.skipif(not STORIES.is_dir(), reason="../shared/stories is not here")
def test_a_crawlers_cleaned_text_is_read_again_by_the_layout_model() -> None:
    # news-please's maintext is the article alone: no menus to tell it from, and the
    # plain model reads some of it as no article at all.
    texts = [json.loads(p.read_bytes()).get("text") or "" for p in sorted(STORIES.glob("*.json"))]
    rejected, again = [], 0
    for text in filter(None, texts):
        try:
            article = extract(make_page(text))
        except PageError:
            rejected.append(text)
        else:
            again += article.diagnostics["model"] == load_models().layout.version
    assert again >= 4
    assert len(rejected) <= 6
    assert sum(len(text.split()) >= 300 for text in rejected) <= 3


def test_only_a_text_pages_first_lines_are_read() -> None:
    # A page of endless short lines costs what its first MAX_PAGE_LINES cost.
    from newsweave.extract.text import MAX_PAGE_LINES

    text = (EXAMPLE_PAGES / "rt-bolivia-protests.txt").read_text(encoding="utf-8")
    plain = extract(make_page(text))
    tail = "\n".join(f"item {i}" for i in range(MAX_PAGE_LINES + 10))
    article = extract(make_page(text + "\n" + tail))
    assert set(article.body) <= set(plain.body)
    assert [p for p in plain.body if len(p.split()) >= 12] == [
        p for p in article.body if len(p.split()) >= 12
    ]
    assert article.diagnostics["read_lines"] == MAX_PAGE_LINES
    assert "read_lines" not in plain.diagnostics
