"""JSON records: news-please's and newsweave's own, with the metadata they state.

Every record here is invented; the real news-please records of ``../shared/stories``
are only read, by the last test, when they are there.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from newsweave import Newsweave
from newsweave.extract import extract
from newsweave.extract.outlets import known_name
from newsweave.ingest import read_file, read_paths
from newsweave.models import Article, Given, Page, Rejection
from newsweave.pipeline import extract_page, ingest
from newsweave.store import Store

STORIES = Path(__file__).resolve().parents[2] / "shared" / "stories"

PARAGRAPHS = [
    "The harbour authority of Port Lindqvist said on Tuesday that the old swing bridge "
    "over the eastern channel would stay closed to traffic for at least six more weeks.",
    "Engineers found cracks in two of the bridge's steel girders during a routine "
    "inspection last month, and the repairs will cost about 4.2 million crowns, the "
    "authority said in a statement.",
    "Ferries will run every twenty minutes between the two quays while the work goes on, "
    "and residents of the island district will travel on them free of charge.",
]
TITLE = "Swing bridge in Port Lindqvist stays shut for six more weeks"


def news_please(**changes: Any) -> dict[str, Any]:
    """A news-please record as its crawler writes one, with ``changes`` applied."""
    record = {
        "authors": ["Maja Holm", "Erik Sand"],
        "date_download": "2024-03-06T09:12:44",
        "date_modify": None,
        "date_publish": "2024-03-05T14:30:00",
        "description": "Cracks in two girders keep the eastern channel crossing closed.",
        "filename": "https%3A%2F%2Fharbour.example%2Fbridge.json",
        "image_url": "https://harbour.example/img/bridge.jpg",
        "language": "en",
        "localpath": None,
        "maintext": "\n".join(PARAGRAPHS),
        "source_domain": "harbour.example",
        "title": TITLE,
        "title_page": None,
        "title_rss": None,
        "url": "https://harbour.example/news/swing-bridge-stays-shut",
    }
    record.update(changes)
    return {k: v for k, v in record.items() if v is not ...}


def html_page(title: str = "Bridge news | The Harbour Gazette") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>"
        '<meta property="article:published_time" content="2024-01-01T08:00:00Z">'
        '<meta property="og:site_name" content="The Harbour Gazette"></head>'
        f"<body><nav>Home News Sport</nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Contact us</footer></body></html>"
    )


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def jsonl(path: Path, records: list[Any]) -> Path:
    return write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def article_of(item: Page | Rejection) -> Article:
    assert isinstance(item, Page), item
    result = extract_page(item)
    assert isinstance(result, Article), result
    return result


# --- news-please records --------------------------------------------------------------


def test_a_news_please_file_is_one_article_with_its_fields_given(tmp_path: Path) -> None:
    path = write(tmp_path / "bridge.json", json.dumps(news_please(), indent=1) + "\n")
    [page] = list(read_file(path))
    assert isinstance(page, Page)
    assert page.source == str(path)
    assert page.raw == path.read_bytes().strip()  # the whole record, image_url and all
    assert page.url == "https://harbour.example/news/swing-bridge-stays-shut"
    assert page.fetched_at == datetime(2024, 3, 6, 9, 12, 44)
    article = article_of(page)
    assert article.title == TITLE
    assert article.body == PARAGRAPHS
    assert (article.published, article.published_precision) == (
        datetime(2024, 3, 5, 14, 30),
        "time",
    )
    assert article.outlet == "harbour.example"
    assert article.byline == "Maja Holm, Erik Sand"
    assert article.language == "en"
    assert article.summary == "Cracks in two girders keep the eastern channel crossing closed."
    assert article.given == (
        "title",
        "published",
        "outlet",
        "byline",
        "language",
        "summary",
        "body",
    )
    assert article.to_dict()["given"] == list(article.given)


def test_news_please_text_key_and_midnight_dates(tmp_path: Path) -> None:
    record = news_please(maintext=..., text="\n".join(PARAGRAPHS))
    record["date_publish"] = "2024-03-05 00:00:00"  # news-please's own spelling, a day
    article = article_of(next(read_file(write(tmp_path / "a.json", json.dumps(record)))))
    assert article.body == PARAGRAPHS
    assert (article.published, article.published_precision) == (datetime(2024, 3, 5), "day")


def test_a_news_please_record_without_text_is_a_title_only_article(tmp_path: Path) -> None:
    path = write(tmp_path / "a.json", json.dumps(news_please(maintext=None, language=None)))
    article = article_of(next(read_file(path)))
    assert (article.title, article.body) == (TITLE, [])
    assert article.published == datetime(2024, 3, 5, 14, 30)
    assert "body" in article.given and "language" not in article.given


def test_a_news_please_record_of_an_unread_page_keeps_its_url_and_date(tmp_path: Path) -> None:
    record = news_please(maintext=None, title=None, description=None, authors=[])
    article = article_of(next(read_file(write(tmp_path / "a.json", json.dumps(record)))))
    assert (article.title, article.body, article.byline) == ("", [], None)
    assert article.url == record["url"]
    assert article.given == ("published", "outlet", "language", "body")


def test_news_please_title_falls_back_to_rss_and_page_titles(tmp_path: Path) -> None:
    record = news_please(title=None, title_rss="  From the feed  ", title_page="From the page")
    article = article_of(next(read_file(write(tmp_path / "a.json", json.dumps(record)))))
    assert article.title == "From the feed"


def test_a_folder_of_news_please_files_and_a_json_list(tmp_path: Path) -> None:
    for n in range(3):
        record = news_please(url=f"https://harbour.example/{n}", title=f"{TITLE} ({n})")
        write(tmp_path / "crawl" / "harbour.example" / f"{n}.json", json.dumps(record))
    records = [news_please(title="First"), news_please(title="Second")]
    write(tmp_path / "list.json", json.dumps(records))
    items = list(read_paths([tmp_path]))
    assert all(isinstance(i, Page) for i in items)
    assert [i.source for i in items] == [
        *(str(tmp_path / "crawl" / "harbour.example" / f"{n}.json") for n in range(3)),
        f"{tmp_path / 'list.json'}:1",
        f"{tmp_path / 'list.json'}:2",
    ]
    assert [article_of(i).title for i in items[3:]] == ["First", "Second"]


def test_jsonl_and_gzip_of_news_please_records(tmp_path: Path) -> None:
    records = [news_please(title=f"Record {n}", url=f"https://harbour.example/{n}") for n in (1, 2)]
    path = jsonl(tmp_path / "crawl.jsonl", records)
    gz = write(tmp_path / "crawl.json.gz", gzip.compress(json.dumps(records[0]).encode()))
    items = list(read_paths([path, gz]))
    assert [i.source for i in items] == [f"{path}:1", f"{path}:2", str(gz)]
    assert [article_of(i).title for i in items] == ["Record 1", "Record 2", "Record 1"]


# --- newsweave records with metadata --------------------------------------------------


def test_given_metadata_wins_over_what_extraction_finds(tmp_path: Path) -> None:
    record = {
        "url": "https://gazette.example/bridge",
        "html": html_page(),
        "title": TITLE,
        "published": "2024-03-05",
        "outlet": "The Harbour Gazette",
        "authors": "Maja Holm",
        "language": "en",
        "summary": "The eastern channel crossing stays closed.",
    }
    page = next(read_file(jsonl(tmp_path / "pages.jsonl", [record])))
    assert isinstance(page, Page) and page.kind == "html"
    assert page.given == Given(
        title=TITLE,
        published=datetime(2024, 3, 5),
        published_precision="day",
        outlet="The Harbour Gazette",
        byline="Maja Holm",
        language="en",
        summary="The eastern channel crossing stays closed.",
    )
    found = extract(replace(page, given=None))
    assert found.title != TITLE and found.published == datetime(2024, 1, 1, 8, tzinfo=UTC)
    article = article_of(page)
    assert article.body == PARAGRAPHS  # extracted from the html
    assert article.title == TITLE
    assert (article.published, article.published_precision) == (datetime(2024, 3, 5), "day")
    assert (article.outlet, article.byline) == ("The Harbour Gazette", "Maja Holm")
    assert article.given == ("title", "published", "outlet", "byline", "language", "summary")


def test_fields_not_given_are_extracted_and_not_marked(tmp_path: Path) -> None:
    record = {"url": "https://gazette.example/bridge", "html": html_page(), "title": TITLE}
    article = article_of(next(read_file(jsonl(tmp_path / "p.jsonl", [record]))))
    assert article.given == ("title",)
    assert article.published == datetime(2024, 1, 1, 8, tzinfo=UTC)  # from the page
    assert article.language == "en"


def test_a_given_body_is_kept_as_it_is(tmp_path: Path) -> None:
    record = {"body": "Short, but an article all the same.", "title": "Short", "outlet": "X"}
    article = article_of(next(read_file(jsonl(tmp_path / "p.jsonl", [record]))))
    assert article.body == ["Short, but an article all the same."]
    assert article.given == ("title", "outlet", "body")


def test_a_title_with_no_text_is_a_title_only_article(tmp_path: Path) -> None:
    records = [
        {"url": "https://gazette.example/1", "title": TITLE, "published": "2024-03-05T10:00Z"},
        {"url": "https://gazette.example/2", "text": "  ", "title": TITLE},
    ]
    for item in read_file(jsonl(tmp_path / "p.jsonl", records)):
        article = article_of(item)
        assert (article.title, article.body) == (TITLE, [])
    assert article.given == ("title", "body")


def test_a_page_with_no_article_but_a_given_title_keeps_the_title(tmp_path: Path) -> None:
    record = {"text": "Home\nNews\nSport\nSubscribe", "title": TITLE, "published": "2024-03-05"}
    article = article_of(next(read_file(jsonl(tmp_path / "p.jsonl", [record]))))
    assert (article.title, article.body) == (TITLE, [])
    assert article.published == datetime(2024, 3, 5)
    assert "no_article" in article.diagnostics
    assert "body" not in article.given


def test_a_page_with_no_article_and_no_title_is_still_rejected(tmp_path: Path) -> None:
    record = {"text": "Home\nNews\nSport\nSubscribe", "published": "2024-03-05"}
    page = next(read_file(jsonl(tmp_path / "p.jsonl", [record])))
    result = extract_page(page)
    assert isinstance(result, Rejection) and result.reason == "no_article"


def test_a_record_stating_nothing_is_its_page_as_before(tmp_path: Path) -> None:
    record = {"url": "https://gazette.example/b", "html": html_page()}
    page = next(read_file(jsonl(tmp_path / "p.jsonl", [record])))
    assert isinstance(page, Page)
    assert page.given is None and page.raw == html_page().encode()
    assert article_of(page).given == ()


# --- bad records ----------------------------------------------------------------------


BAD = [
    ({"text": "x", "published": "last Tuesday"}, "published is not an ISO 8601 date"),
    ({"text": "x", "title": 5}, "title is not a string"),
    ({"text": "x", "outlet": ["A"]}, "outlet is not a string"),
    ({"text": "x", "authors": [1, 2]}, "authors is neither a string nor a list of strings"),
    ({"text": "x", "language": True}, "language is not a string"),
    ({"url": "https://gazette.example/c", "outlet": "X"}, "has no html, text, body or title"),
    ({"body": 3, "title": "T"}, "body is not a string"),
    (news_please(date_publish="05/03/2024"), "date_publish is not an ISO 8601 date"),
    (news_please(maintext=["a"]), "maintext is not a string"),
    (news_please(url=None, title=None, maintext=None), "news-please record with no url"),
    ("a string", "a JSON str, not an object"),
]


def test_bad_records_say_where_and_why_and_the_rest_is_read(tmp_path: Path) -> None:
    good = news_please()
    path = jsonl(tmp_path / "mixed.jsonl", [record for record, _ in BAD] + [good])
    items = list(read_file(path))
    assert len(items) == len(BAD) + 1
    for lineno, (item, (record, why)) in enumerate(zip(items, BAD, strict=False), 1):
        assert isinstance(item, Rejection), record
        assert (item.source, item.reason) == (f"{path}:{lineno}", "bad_record")
        assert why in item.detail
        assert item.raw == (json.dumps(record, ensure_ascii=False) + "\n").encode()
    assert isinstance(items[-1], Page)


def test_a_bad_json_file_is_one_rejection_naming_it(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.json", '{"title": "T",\n "maintext": }')
    [item] = list(read_file(broken))
    assert isinstance(item, Rejection)
    assert (item.source, item.reason) == (str(broken), "bad_record")
    assert "line 2" in item.detail  # the parser's position
    assert item.raw == broken.read_bytes()


def test_a_too_large_given_page_is_refused(tmp_path: Path) -> None:
    record = {"body": "word " * 100, "title": "T"}
    [item] = list(read_file(jsonl(tmp_path / "p.jsonl", [record]), max_bytes=100))
    assert isinstance(item, Rejection) and item.reason == "too_large"


# --- the store ------------------------------------------------------------------------


def test_given_fields_are_stored_and_ingest_is_idempotent(store_url: str, tmp_path: Path) -> None:
    path = write(tmp_path / "in" / "bridge.json", json.dumps(news_please()))
    write(tmp_path / "in" / "empty.json", json.dumps(news_please(maintext=None, url="u:2")))
    with Newsweave(store_url) as nw:
        first = nw.ingest([tmp_path / "in"])
        assert first.ok and len(first.added) == 2
        second = nw.ingest([tmp_path / "in"])
        assert second.added == [] and second.already_stored == 2
        stored = {a.source: a for a in nw.articles()}
        article = stored[str(path)]
        assert article.title == TITLE and article.given[-1] == "body"
        assert nw.store.page(article.page_id).raw == path.read_bytes()
        assert stored[str(tmp_path / "in" / "empty.json")].body == []


def test_an_old_store_is_upgraded_and_its_articles_are_extracted(tmp_path: Path) -> None:
    from alembic import command

    from newsweave.store.engine import create, parse_url
    from newsweave.store.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create(parse_url(url))
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0005")
        now = datetime(2024, 1, 1, tzinfo=UTC)
        connection.execute(
            sa.text(
                "INSERT INTO pages (id, source, kind, encoding, ingested_at, size, raw) "
                "VALUES ('p', 'old.txt', 'text', 'utf-8', :now, 1, x'61')"
            ),
            {"now": now},
        )
        connection.execute(
            sa.text(
                "INSERT INTO articles (id, page_id, source, title, body, dropped, diagnostics, "
                "extracted_at) VALUES ('p', 'p', 'old.txt', 'Old', 'a', '[]', '{}', :now)"
            ),
            {"now": now},
        )
    engine.dispose()
    with Store.open(url) as store:
        [article] = list(store.articles())
    assert (article.title, article.given) == ("Old", ())


# --- the real news-please records -----------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not (STORIES / "articles").is_dir(), reason="../shared/stories is absent")
def test_every_shared_news_please_record_is_stored_with_its_title_and_date(
    tmp_path: Path,
) -> None:
    folder = STORIES / "articles"
    records = {str(p): json.loads(p.read_bytes()) for p in sorted(folder.glob("*.json"))}
    assert len(records) == 147
    with Store.open(f"sqlite:///{tmp_path / 'stories.db'}") as store:
        report = ingest(store, [folder], reports=False)
        assert report.rejected == [] and len(report.added) == len(records)
        stored = {a.source: a for a in store.articles()}
    assert stored.keys() == records.keys()
    for source, record in records.items():
        article = stored[source]
        assert article.title == (record["title"] or "").strip(), source
        if record["date_publish"]:
            assert article.published == datetime.fromisoformat(record["date_publish"]), source
            assert "published" in article.given
        domain = record["source_domain"]
        assert article.outlet == (known_name(record["url"]) or known_name(domain) or domain), source
