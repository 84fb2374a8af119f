"""The domain → outlet table, its user override and the words that are no outlet."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsweave.config import Settings
from newsweave.extract import extract, outlets
from newsweave.extract.outlets import (
    from_url,
    known_name,
    lookup,
    outlet_table,
    plausible_outlet,
    readable,
    registered_domain,
    use_outlets,
)
from newsweave.ingest import read_file
from newsweave.models import Page
from newsweave.pipeline import extract_page
from tests.test_extract import make_page

PARAGRAPHS = [
    "The harbour authority said on Tuesday that the old swing bridge over the eastern "
    "channel would stay closed to traffic for at least six more weeks after an inspection.",
    "Engineers found cracks in two of the bridge's steel girders during a routine "
    "inspection last month, and the repairs will cost about 4.2 million crowns, they said.",
]


@pytest.fixture(autouse=True)
def _shipped_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts from the shipped table, whatever the environment names."""
    monkeypatch.delenv("NEWSWEAVE_OUTLETS", raising=False)
    monkeypatch.setattr(outlets, "_chosen", None)
    yield


@pytest.mark.parametrize(
    ("address", "name"),
    [
        ("https://www.washingtonpost.com/politics/2024/story/", "The Washington Post"),
        ("https://edition.cnn.com/2024/01/01/world/x", "CNN"),
        ("amp.theguardian.com", "The Guardian"),
        ("m.bbc.co.uk", "BBC"),
        ("www.thetimes.co.uk", "The Times"),
        ("www.news.com.au", "news.com.au"),
        ("https://abcnews.go.com/US/x", "ABC News"),  # its own row, not go.com's
        ("TEMPO.CO", "Tempo"),
        ("https://thehill.com/policy/x", "The Hill"),
        ("apnews.com", "Associated Press"),
        ("WWW.NYTIMES.COM.", "The New York Times"),
        # A section with a row of its own; other sections are the domain's.
        ("https://www.bbc.com/news/world-us-canada-1", "BBC News"),
        ("https://www.bbc.co.uk/sport/football/2", "BBC Sport"),
        ("https://www.bbc.com/weather/3", "BBC"),
        ("www.bbc.com", "BBC"),
    ],
)
def test_a_domain_and_its_subdomains_name_the_outlet(address: str, name: str) -> None:
    assert known_name(address) == name


def test_an_unknown_domain_keeps_its_stem() -> None:
    assert known_name("harbour.example") is None
    assert from_url("https://www.harbour-gazette.co.uk/x") == "harbour-gazette"
    assert readable("TheHill.com") == "The Hill"
    assert registered_domain("www.thetimes.co.uk") == "thetimes.co.uk"
    assert registered_domain("edition.cnn.com") == "cnn.com"
    assert known_name("The Washington Post") is None  # a name, not a domain


def test_the_shipped_table_carries_country_and_owner() -> None:
    times = lookup("https://www.thetimes.co.uk/article/x")
    assert times is not None and (times.country, times.owner) == ("GB", "News UK")
    assert len(outlet_table()) >= 300


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("domain,name,country,owner,desk\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_user_table_adds_rows_and_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(
        tmp_path / "outlets.csv",
        [
            "# our newsroom's own names",
            "harbour.example,The Harbour Gazette,SE,Harbour Media,local",
            "www.nytimes.com,NYT,US,,",
            "harbour.example/sport,Harbour Sport,SE,Harbour Media,sport",
        ],
    )
    monkeypatch.setenv("NEWSWEAVE_OUTLETS", str(path))
    assert Settings().outlets == str(path)
    assert known_name("harbour.example") is None  # the stage reads no environment
    use_outlets(Settings().outlets)
    assert known_name("https://news.harbour.example/x") == "The Harbour Gazette"
    assert known_name("https://news.harbour.example/Sport/x") == "Harbour Sport"
    assert known_name("nytimes.com") == "The New York Times"  # only its host is overridden
    assert known_name("https://www.nytimes.com/x") == "NYT"
    harbour = lookup("harbour.example")
    assert harbour is not None and harbour.owner == "Harbour Media"
    use_outlets(None)  # the shipped table alone, whatever the environment
    assert known_name("harbour.example") is None


def test_an_unreadable_user_table_is_an_error(tmp_path: Path) -> None:
    from newsweave.errors import NewsweaveError

    use_outlets(str(tmp_path / "missing.csv"))
    with pytest.raises(NewsweaveError, match="outlet table"):
        outlet_table()
    bad = tmp_path / "bad.csv"
    bad.write_text("host,title\nx.example,X\n", encoding="utf-8")
    use_outlets(str(bad))
    with pytest.raises(NewsweaveError, match="'domain' and 'name'"):
        outlet_table()


@pytest.mark.parametrize(
    "word",
    [
        "What",
        "Reporter",
        "Writer",
        "Wired Staff",
        "Author",
        "Opinion",
        "News",
        "Home",
        "Staff Writer",
        "Trump says the bridge will stay closed for six more weeks after cracks",
        "Is the bridge safe?",
    ],
)
def test_byline_section_and_navigation_words_are_no_outlet(word: str) -> None:
    assert not plausible_outlet(word)


@pytest.mark.parametrize(
    "name", ["The Hollywood Reporter", "NBC News", "Reuters", "The Harbour Gazette", "RT"]
)
def test_real_names_are_outlets(name: str) -> None:
    assert plausible_outlet(name)


def html(site_name: str, byline: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<!DOCTYPE html><html><head><title>Bridge stays shut</title>"
        f'<meta property="og:site_name" content="{site_name}"></head>'
        f"<body><article><h1>Bridge stays shut</h1><p>{byline}</p>{body}</article></body></html>"
    )


def test_the_domain_name_wins_over_a_byline_word() -> None:
    page = make_page(
        html("What", "By Jane Roe, Wired Staff"), kind="html", url="https://www.wired.com/story/x"
    )
    assert extract(page).outlet == "Wired"


def test_a_wire_credit_still_names_the_outlet() -> None:
    page = make_page(
        html("Daily Mail", "By Jane Roe, Associated Press"),
        kind="html",
        url="https://www.dailymail.co.uk/news/x.html",
    )
    article = extract(page)
    assert (article.outlet, article.republished_by) == ("Associated Press", "Daily Mail")


def test_a_news_please_domain_is_given_as_the_outlet_name(tmp_path: Path) -> None:
    record = {
        "authors": ["Maja Holm"],
        "date_publish": "2024-03-05T14:30:00",
        "language": "en",
        "maintext": "\n".join(PARAGRAPHS),
        "source_domain": "www.thetimes.co.uk",
        "title": "Bridge stays shut",
        "url": "https://www.thetimes.co.uk/article/bridge-stays-shut",
    }
    path = tmp_path / "bridge.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    page = next(read_file(path))
    assert isinstance(page, Page)
    article = extract_page(page)
    assert article.outlet == "The Times"
    assert "outlet" in article.given


def test_a_given_domain_is_named_by_the_address_section(tmp_path: Path) -> None:
    record = {"maintext": "\n".join(PARAGRAPHS), "title": "Bridge", "source_domain": "www.bbc.com"}
    for url, name in [
        ("https://www.bbc.com/news/uk-1", "BBC News"),
        ("https://x.example/a", "BBC"),
    ]:
        path = tmp_path / "bridge.json"
        path.write_text(json.dumps({**record, "url": url}), encoding="utf-8")
        page = next(read_file(path))
        assert isinstance(page, Page)
        assert extract_page(page).outlet == name


def test_a_given_real_name_stays(tmp_path: Path) -> None:
    record = {"text": "\n".join(PARAGRAPHS), "title": "Bridge", "outlet": "Times Radio"}
    record["url"] = "https://www.thetimes.co.uk/x"
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    page = next(read_file(path))
    assert isinstance(page, Page)
    assert extract_page(page).outlet == "Times Radio"


def test_settings_choose_the_user_table(tmp_path: Path) -> None:
    from newsweave import Newsweave

    path = write_csv(tmp_path / "outlets.csv", ["harbour.example,The Harbour Gazette,SE,,"])
    db = f"sqlite:///{tmp_path / 'news.db'}"
    with Newsweave(settings=Settings(db_url=db, outlets=str(path))):
        assert known_name("harbour.example") == "The Harbour Gazette"
