"""The store, on SQLite always and on PostgreSQL when NEWSWEAVE_TEST_POSTGRES_URL is set.

Each PostgreSQL test runs in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from newsweave.errors import GroupingConflictError, StoreError
from newsweave.models import (
    Article,
    Claim,
    DroppedLine,
    Mention,
    Page,
    Quantity,
    Rejection,
    Story,
    content_hash,
    sort_time,
)
from newsweave.store import SearchHit, Store, open_store
from newsweave.store import store as store_module
from newsweave.store.engine import parse_url
from newsweave.store.migrate import MIGRATIONS, alembic_config
from newsweave.store.schema import include_name, metadata


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


def make_page(text: str, source: str = "feeds/page.html", **fields: object) -> Page:
    raw = text.encode("utf-8")
    return Page(
        id=content_hash(raw),
        source=source,
        raw=raw,
        text=text,
        encoding="utf-8",
        kind="html",
        **fields,  # type: ignore[arg-type]
    )


def make_article(page: Page, article_id: str | None = None, **fields: object) -> Article:
    values: dict[str, object] = {
        "id": article_id or f"a-{page.id[:12]}",
        "page_id": page.id,
        "source": page.source,
        "title": "Untitled",
        "body": ["Nothing happened."],
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def add_article(store: Store, article_id: str, **fields: object) -> Article:
    """Record a page with one article and return the article."""
    page = make_page(f"<p>page of {article_id}</p>", source=f"feeds/{article_id}.html")
    article = make_article(page, article_id, **fields)
    assert store.record(page, article)
    return article


# -- opening and migrating -----------------------------------------------------


def test_open_twice_is_harmless(store_url: str) -> None:
    with Store.open(store_url) as first:
        add_article(first, "a1")
        before = first.stats()
    with Store.open(store_url) as second:
        assert second.stats() == before
        assert second.article("a1") is not None
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = sa.create_engine(parse_url(store_url))
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head
    engine.dispose()


def test_dialect(store: Store, store_url: str) -> None:
    assert store.dialect == parse_url(store_url).get_backend_name()
    assert store.url == store_url


def test_schema_module_matches_migrations(store: Store, store_url: str) -> None:
    engine = sa.create_engine(parse_url(store_url))
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": include_name, "compare_type": True}
        )
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_sqlite_file_gets_folder_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "news.db"
    with Store.open(f"sqlite:///{path}") as store:
        assert store.dialect == "sqlite"
        assert path.exists()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_opens_of_a_new_file_migrate_once(tmp_path: Path) -> None:
    # Switching a new file to WAL failed about one race in twenty: run twenty.
    errors: list[BaseException] = []
    for n in range(20):
        url = f"sqlite:///{tmp_path / f'new-{n}.db'}"

        def open_and_close(url: str = url) -> None:
            try:
                Store.open(url).close()
            except BaseException as exc:  # collected for the main thread to report
                errors.append(exc)

        threads = [threading.Thread(target=open_and_close) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []


def test_in_memory_sqlite_is_one_database() -> None:
    with Store.open("sqlite://") as store:
        add_article(store, "a", title="Harbour reopens")
        for article in store.articles():
            store.replace_claims(article.id, [Claim(article.id, "Harbour", 0, 7)])
        assert [h.article_id for h in store.search("harbour")] == ["a"]
        assert store.stats()["claims"] == 1


def test_migrations_ship_inside_the_package() -> None:
    assert MIGRATIONS.parent == Path(store_module.__file__).resolve().parent
    assert (MIGRATIONS / "env.py").is_file()
    assert (MIGRATIONS / "script.py.mako").is_file()
    assert (MIGRATIONS / "versions" / "0001_initial.py").is_file()


@pytest.mark.parametrize(
    "url",
    [
        "not a database url",
        "mysql://user@localhost/news",
        "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
        "sqlite:////proc/newsweave/store.db",
    ],
)
def test_bad_url_raises_store_error(url: str) -> None:
    with pytest.raises(StoreError):
        Store.open(url)


def test_sqlite_path_under_a_file_raises_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create"):
        Store.open(f"sqlite:///{blocker / 'sub' / 'store.db'}")


def test_store_error_hides_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        Store.open("postgresql://user:s3cret@127.0.0.1:1/none?connect_timeout=2")
    assert "s3cret" not in str(caught.value)


def test_open_store_defaults_to_configured_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSWEAVE_DB", f"sqlite:///{tmp_path / 'default.db'}")
    with open_store() as store:
        assert store.url == f"sqlite:///{tmp_path / 'default.db'}"
    assert (tmp_path / "default.db").exists()


# -- pages, articles, rejections ---------------------------------------------


def test_record_is_idempotent(store: Store) -> None:
    page = make_page("<p>Once.</p>")
    article = make_article(page, title="Once")
    assert not store.has_page(page.id)
    assert store.record(page, article) is True
    assert store.has_page(page.id)
    before = store.stats()
    assert store.record(page, article) is False
    assert store.record(page, make_article(page, "other-id")) is False
    assert store.record(page, rejection=Rejection(page.source, "no_article", "again")) is False
    assert store.stats() == before
    assert store.article("other-id") is None


def test_record_writes_all_or_nothing(store: Store) -> None:
    first = make_page("<p>first</p>")
    assert store.record(first, make_article(first, "same-id"))
    second = make_page("<p>second</p>")
    with pytest.raises(StoreError):
        store.record(second, make_article(second, "same-id"))
    assert not store.has_page(second.id)
    assert store.stats()["pages"] == 1


def test_record_refuses_mismatched_input(store: Store) -> None:
    page = make_page("<p>x</p>")
    other = make_page("<p>y</p>")
    with pytest.raises(ValueError, match="not both"):
        store.record(page, make_article(page), Rejection(page.source, "no_article", "x"))
    with pytest.raises(ValueError, match="is of page"):
        store.record(page, make_article(other))
    assert store.stats()["pages"] == 0


def test_record_with_rejection_files_it_under_the_page(store: Store) -> None:
    page = make_page("<nav>menu only</nav>")
    assert store.record(page, rejection=Rejection(page.source, "no_article", "no body found"))
    assert store.rejections() == [
        Rejection(page.source, "no_article", "no body found", page_id=page.id)
    ]
    assert store.stats() == {
        "pages": 1,
        "articles": 0,
        "stories": 0,
        "rejected": 1,
        "claims": 0,
    }


def test_page_round_trip(store: Store) -> None:
    raw = "Café – naïve\r\n".encode("cp1252")
    page = Page(
        id=content_hash(raw),
        source="in/latin.txt",
        raw=raw,
        text=raw.decode("cp1252"),
        encoding="cp1252",
        kind="text",
        url="https://example.org/cafe",
        fetched_at=datetime(2024, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=-5))),
    )
    # Text that is not simply the raw bytes decoded (here: newlines normalised).
    normalised = make_page("line one\r\nline two")
    normalised = Page(**{**_fields(normalised), "text": "line one\nline two"})
    for original in (page, normalised):
        assert store.record(original)
        assert store.page(original.id) == original
    assert store.page("0" * 64) is None


def _fields(page: Page) -> dict[str, object]:
    return {name: getattr(page, name) for name in Page.__slots__}


@pytest.mark.parametrize(
    ("published", "precision"),
    [
        (datetime(2024, 5, 6, 7, 8, 9, 123456), "time"),
        (datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=5, minutes=30))), "time"),
        (datetime(2024, 5, 6, 7, 8, tzinfo=UTC), "time"),
        (datetime(2024, 5, 6), "day"),
        (None, None),
    ],
)
def test_article_round_trip(
    store: Store, published: datetime | None, precision: str | None
) -> None:
    page = make_page("<article>Quake</article>", url="https://news.example/quake")
    article = Article(
        id="quake-1",
        page_id=page.id,
        source=page.source,
        title="Quake hits the coast",
        body=["First paragraph.", "Second — with ünïcödé.", "Third."],
        outlet="Associated Press",
        republished_by="Daily Example",
        published=published,
        published_precision=precision,  # type: ignore[arg-type]
        byline="By A. Writer",
        dateline="TOKYO",
        language="en",
        summary="A quake hit.",
        url="https://news.example/quake",
        dropped=[DroppedLine("Share this", "boilerplate"), DroppedLine("Ad", "ad")],
        diagnostics={"extractor": "trafilatura", "scores": [0.5, 1], "nested": {"ok": True}},
    )
    assert store.record(page, article)
    loaded = store.article("quake-1")
    assert loaded == article
    assert loaded is not None
    if published is not None:
        assert loaded.published is not None
        assert loaded.published.utcoffset() == published.utcoffset()
    assert store.article("missing") is None


@pytest.mark.parametrize(
    "body",
    [
        [],
        [""],
        ["one"],
        ["a", "", "b"],
        ["holds\n\na blank line", "next"],
        ["", "leading empty"],
        ["line\nbreak", "trailing newline\n"],
    ],
)
def test_article_body_paragraphs_round_trip(store: Store, body: list[str]) -> None:
    article = add_article(store, "body-test", body=body)
    loaded = store.article("body-test")
    assert loaded is not None
    assert loaded.body == article.body


def test_diagnostics_accept_numpy_values(store: Store) -> None:
    add_article(
        store,
        "np",
        diagnostics={"probability": np.float32(0.25), "counts": np.array([1, 2]), "n": np.int64(3)},
    )
    loaded = store.article("np")
    assert loaded is not None
    assert loaded.diagnostics == {"probability": 0.25, "counts": [1, 2], "n": 3}


def test_articles_order_and_filters(store: Store) -> None:
    plus2 = timezone(timedelta(hours=2))
    dates = {
        "b": datetime(2024, 1, 2, 12, 0, tzinfo=plus2),  # 10:00 UTC
        "a": datetime(2024, 1, 2, 11, 0),  # naive, taken as UTC
        "c": datetime(2024, 1, 2, 10, 0, tzinfo=UTC),  # ties with b, id decides
        "d": datetime(2023, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-3))),
        "e": None,
        "0": None,
    }
    for article_id, published in dates.items():
        add_article(store, article_id, published=published)
    expected = sorted(dates, key=lambda aid: (sort_time(dates[aid]), aid))
    assert [a.id for a in store.articles()] == expected == ["d", "b", "c", "a", "0", "e"]
    assert [a.id for a in store.articles(ids=["e", "a", "zzz", "b", "a"])] == ["b", "a", "e"]
    assert list(store.articles(ids=[])) == []
    since = datetime(2024, 1, 2, 12, 0, tzinfo=plus2)
    assert [a.id for a in store.articles(since=since)] == ["b", "c", "a"]
    assert [a.id for a in store.articles(since=datetime(2024, 1, 2, 10, 30))] == ["a"]
    assert [a.id for a in store.articles(ids=["a", "d"], since=since)] == ["a"]


def test_articles_stream_in_batches(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_BATCH", 2)
    same = datetime(2024, 6, 1, 9, 0)
    ids = [f"x{i}" for i in range(5)]
    for i, article_id in enumerate(ids):
        add_article(store, article_id, published=same if i % 2 else None)
    add_article(store, "early", published=same - timedelta(days=1))
    assert [a.id for a in store.articles()] == ["early", "x1", "x3", "x0", "x2", "x4"]


def test_writing_while_iterating_articles(store: Store) -> None:
    for article_id in ("a", "b", "c"):
        add_article(store, article_id, body=[f"Paragraph of {article_id}."])
    for article in store.articles():
        store.replace_claims(article.id, [Claim(article.id, article.body[0], 0, 5)])
    assert store.stats()["claims"] == 3


def test_rejections_are_deduplicated(store: Store) -> None:
    empty = Rejection("in/empty.txt", "empty", "file is empty")
    big = Rejection("in/big.bin", "too_large", "30 MB", page_id="f" * 64, raw=b"\x00\x01")
    assert store.add_rejection(empty) is True
    assert store.add_rejection(empty) is False
    assert store.add_rejection(Rejection("in/empty.txt", "empty", "other words")) is False
    assert store.add_rejection(Rejection("in/empty.txt", "unreadable", "denied")) is True
    assert store.add_rejection(big) is True
    assert store.add_rejection(big) is False
    assert store.rejections() == [
        empty,
        Rejection("in/empty.txt", "unreadable", "denied"),
        big,
    ]
    assert store.stats()["rejected"] == 3


# -- stories -------------------------------------------------------------------


def _day(day: int) -> datetime:
    return datetime(2024, 2, day, 12, 0, tzinfo=UTC)


def test_replace_stories(store: Store) -> None:
    for article_id in ("a1", "a2", "a3", "a4", "a5"):
        add_article(store, article_id)
    quake = Story("quake", "Quake", ["a3", "a1", "a2"], _day(1), _day(3), {"a2": "a1"})
    vote = Story("vote", "Vote", ["a4"], datetime(2024, 2, 5, 9, 0), datetime(2024, 2, 5, 9, 0))
    store.replace_stories([quake, vote])
    assert store.stories() == [vote, quake]
    assert store.story("quake") == quake
    assert store.story("nope") is None
    assert store.story_of("a2") == "quake"
    assert store.story_of("a5") is None

    # a3 moves into a new story with a5; quake keeps its other members.
    storm = Story("storm", "Storm", ["a5", "a3"], _day(2), _day(4))
    store.replace_stories([storm], article_ids=["a3", "a5"])
    assert store.story("quake") == Story(
        "quake", "Quake", ["a1", "a2"], _day(1), _day(3), {"a2": "a1"}
    )
    assert store.story_of("a3") == "storm"
    assert [s.id for s in store.stories()] == ["vote", "storm", "quake"]

    # Re-clustering a1 and a2 under a new id leaves quake empty: it goes.
    store.replace_stories([Story("quake2", "Quake, again", ["a2", "a1"])], article_ids=["a1"])
    assert store.story("quake") is None
    assert store.story("quake2") == Story("quake2", "Quake, again", ["a2", "a1"])
    assert [s.id for s in store.stories()] == ["vote", "storm", "quake2"]  # undated last

    # Upserting an existing id replaces its title, dates and members; a member
    # taken from another story (a5) leaves it even when not named in article_ids.
    store.replace_stories(
        [Story("vote", "Vote count", ["a4", "a5"], _day(6), _day(7))], article_ids=["a4"]
    )
    assert store.story("vote") == Story("vote", "Vote count", ["a4", "a5"], _day(6), _day(7))
    assert store.story("storm") == Story("storm", "Storm", ["a3"], _day(2), _day(4))
    assert store.stats()["stories"] == 3

    # No article ids: a full re-cluster replaces everything.
    store.replace_stories([Story("all", "All", ["a1", "a2", "a3"])])
    assert [s.id for s in store.stories()] == ["all"]
    assert store.story_of("a4") is None
    store.replace_stories([])
    assert store.stories() == []


def test_replace_stories_refuses_bad_input(store: Store) -> None:
    add_article(store, "a1")
    add_article(store, "a2")
    store.replace_stories([Story("s", "S", ["a1"])])
    bad = [
        [Story("x", "X", [])],
        [Story("x", "X", ["a1"]), Story("y", "Y", ["a1"])],
        [Story("x", "X", ["a1"]), Story("x", "X", ["a2"])],
        [Story("x", "X", ["a1"], syndicated={"a2": "a1"})],
    ]
    for stories in bad:
        with pytest.raises(ValueError):
            store.replace_stories(stories)
    with pytest.raises(StoreError):
        store.replace_stories([Story("x", "X", ["a1", "not-stored"])])
    # Nothing above changed what was there.
    assert store.stories() == [Story("s", "S", ["a1"])]


# -- claims --------------------------------------------------------------------


def test_claims_round_trip(store: Store) -> None:
    add_article(store, "b")
    add_article(store, "a")
    claims_b = [
        Claim(
            "b",
            "Police said at least 12 people died.",
            40,
            76,
            outlet="Reuters",
            source="police",
            chain=["Reuters", "police"],
            quantity=Quantity(12, None, text="at least 12"),
            measure="deaths",
            when="Tuesday",
        ),
        Claim("b", "The storm moved north.", 0, 22, outlet="Reuters"),
        Claim(
            "b",
            "About 10,000-12,000 fled, officials said.",
            80,
            121,
            chain=["Reuters", "officials", "UN"],
            quantity=Quantity(10_000, 12_000, approximate=True, text="about 10,000-12,000"),
        ),
        Claim("b", "Up to 3.5 m of rain.", 130, 150, quantity=Quantity(None, 3.5)),
    ]
    claims_a = [Claim("a", "Nothing moved.", 0, 14)]
    store.replace_claims("b", claims_b)
    store.replace_claims("a", claims_a)
    by_start = sorted(claims_b, key=lambda c: c.start)
    assert store.claims(["b", "a"]) == claims_a + by_start
    assert store.claims(["b"]) == by_start
    assert store.claims([]) == []
    assert store.claims(["unknown"]) == []

    store.replace_claims("b", claims_b[:1])
    assert store.claims(["b"]) == claims_b[:1]
    store.replace_claims("b", [])
    assert store.claims(["a", "b"]) == claims_a
    assert store.stats()["claims"] == 1
    with pytest.raises(ValueError):
        store.replace_claims("a", claims_b)


# -- search --------------------------------------------------------------------


@pytest.fixture
def news(store: Store) -> Store:
    add_article(
        store,
        "quake",
        title="Earthquake strikes northern Japan",
        body=["A strong earthquake struck on Monday.", "The earthquake damaged roads."],
        outlet="Kyodo",
        published=datetime(2024, 1, 1, 16, 10, tzinfo=timezone(timedelta(hours=9))),
    )
    add_article(
        store,
        "budget",
        title="Parliament passes the budget",
        body=[
            "The budget vote was close.",
            "Members also discussed last year's earthquake relief, among many other items.",
        ],
        outlet="Herald",
    )
    add_article(
        store,
        "korea",
        title="Talks resume",
        body=["Envoys from North Korea and South Korea met in Zürich (Switzerland)."],
    )
    add_article(store, "north", title="Weather", body=["Snow in the north of the country."])
    return store


def test_search_ranks_and_marks(news: Store) -> None:
    hits = news.search("earthquake")
    assert [h.article_id for h in hits] == ["quake", "budget"]
    assert hits[0].score > hits[1].score
    top = hits[0]
    assert isinstance(top, SearchHit)
    assert top.title == "Earthquake strikes northern Japan"
    assert top.outlet == "Kyodo"
    assert top.published == datetime(2024, 1, 1, 16, 10, tzinfo=timezone(timedelta(hours=9)))
    assert "[earthquake]" in hits[1].snippet.lower()
    assert hits[1].published is None
    assert [h.article_id for h in news.search("earthquake", limit=1)] == ["quake"]
    assert news.search("earthquake", limit=0) == []


def test_search_requires_every_word(news: Store) -> None:
    assert [h.article_id for h in news.search("North Korea")] == ["korea"]
    assert {h.article_id for h in news.search("north")} == {"korea", "north"}
    assert [h.article_id for h in news.search("earthquakes roads")] == ["quake"]
    assert [h.article_id for h in news.search("Zürich")] == ["korea"]
    assert news.search("earthquake Zürich") == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        '""',
        '"North Korea',
        "*",
        "North*",
        "(North",
        "North)",
        "(North OR)",
        "AND",
        "North AND",
        "OR NOT",
        "NEAR(North Korea, 2)",
        "title:quake",
        "-budget",
        "^quake",
        "+quake",
        "'",
        "year's",
        "\\",
        "%_",
        "¿qué?",
        "日本",
        "🙂 quake",
        "\x00",
        "quake " * 200,
        "{title body}: quake",
    ],
)
def test_search_never_raises(news: Store, query: str) -> None:
    hits = news.search(query)
    assert isinstance(hits, list)
    assert all(isinstance(h, SearchHit) for h in hits)


def test_search_finds_words_inside_syntax(news: Store) -> None:
    assert [h.article_id for h in news.search("(budget)")] == ["budget"]
    # OR is a word (or a stop word), never an operator: both words are required.
    assert news.search('budget" OR "weather') == []
    assert [h.article_id for h in news.search("budget*")] == ["budget"]


# -- counts and concurrency -------------------------------------------------------


def test_stats(store: Store) -> None:
    assert store.stats() == {"pages": 0, "articles": 0, "stories": 0, "rejected": 0, "claims": 0}
    add_article(store, "a")
    add_article(store, "b")
    store.record(make_page("<p>rejected</p>"), rejection=Rejection("r", "no_article", "none"))
    store.add_rejection(Rejection("in/x", "empty", "empty"))
    store.replace_stories([Story("s", "S", ["a", "b"])])
    store.replace_claims("a", [Claim("a", "x", 0, 1), Claim("a", "y", 2, 3)])
    assert store.stats() == {"pages": 3, "articles": 2, "stories": 1, "rejected": 2, "claims": 2}


def test_concurrent_writers(store_url: str) -> None:
    errors: list[BaseException] = []

    def ingest(worker: int) -> None:
        try:
            with Store.open(store_url) as own:
                for i in range(25):
                    page = make_page(f"<p>{worker}-{i}</p>", source=f"w{worker}/{i}")
                    own.record(page, make_article(page, f"w{worker}-{i}"))
                    # Every worker also records one shared page: exactly one wins.
                    shared = make_page("<p>shared</p>")
                    own.record(shared, make_article(shared, "shared"))
        except BaseException as exc:  # collected for the main thread to report
            errors.append(exc)

    Store.open(store_url).close()
    threads = [threading.Thread(target=ingest, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store.open(store_url) as store:
        assert store.stats()["articles"] == 3 * 25 + 1


# -- grouper state and incremental ingest -------------------------------------

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "pages"


def test_save_grouping_writes_stories_and_state_together(store: Store) -> None:
    for article_id in ("a1", "a2", "a3"):
        add_article(store, article_id)
    assert store.grouper_state() is None
    assert [a.id for a in store.ungrouped_articles()] == ["a1", "a2", "a3"]
    store.save_grouping([Story("s1", "One", ["a1"]), Story("s2", "Two", ["a2"])], b"v1", 1)
    assert store.grouper_state() == (1, b"v1")
    assert [a.id for a in store.ungrouped_articles()] == ["a3"]
    # Incremental: only the stories given are rewritten; one absorbing another empties it.
    store.save_grouping([Story("s1", "One", ["a1", "a2", "a3"])], b"v2", 1)
    assert [s.id for s in store.stories()] == ["s1"]
    assert store.grouper_state() == (1, b"v2")
    assert list(store.ungrouped_articles()) == []
    with pytest.raises(ValueError):
        store.save_grouping([Story("s3", "Three", [])], b"v3", 1)
    assert store.grouper_state() == (1, b"v2")


def test_save_grouping_refuses_an_update_built_on_a_state_since_replaced(store: Store) -> None:
    for article_id in ("a1", "a2"):
        add_article(store, article_id)
    store.save_grouping([Story("s1", "One", ["a1"])], b"v1", 1)
    store.save_grouping([Story("s1", "One", ["a1", "a2"])], b"v2", 1, based_on=b"v1")
    # Built on v1 too, but another run saved v2 since: nothing of it is written.
    with pytest.raises(GroupingConflictError):
        store.save_grouping([Story("s2", "Two", ["a2"])], b"v3", 1, based_on=b"v1")
    assert store.grouper_state() == (1, b"v2")
    assert [(s.id, s.article_ids) for s in store.stories()] == [("s1", ["a1", "a2"])]


def _single_pages(folder: Path) -> list[Path]:
    """The sample inputs as one file per page, so they can be ingested in parts."""
    out: list[Path] = []
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix == ".jsonl":
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
                if line.strip():
                    out.append(folder / f"{path.stem}-{n}.jsonl")
                    out[-1].write_text(line + "\n", encoding="utf-8")
        else:
            out.append(folder / path.name)
            out[-1].write_bytes(path.read_bytes())
    return out


def test_ingest_in_two_parts_equals_ingest_at_once(tmp_path: Path) -> None:
    from newsweave import Newsweave

    pages = tmp_path / "pages"
    pages.mkdir()
    files = _single_pages(pages)
    with Newsweave(f"sqlite:///{tmp_path / 'once.db'}") as once:
        once.ingest(files)
        expected = once.stories()
        # A JSON Lines page's source is "file:line".
        published = {
            Path(a.source).name.split(":")[0]: sort_time(a.published) for a in once.store.articles()
        }
    files.sort(key=lambda f: (published[f.name], f.name))
    half = len(files) // 2
    # The earlier half first, the later half at a second run, as a feed
    # delivers them; then an archive of older pages arriving last (late:
    # grouped by a rebuild). The store is closed and reopened in between.
    for name, parts in (
        ("feed", [files[:half], files[half:]]),
        ("late", [files[half:], files[:half]]),
    ):
        url = f"sqlite:///{tmp_path / name}.db"
        with Newsweave(url) as first:
            first.ingest(parts[0])
            state = first.store.grouper_state()
        assert state is not None
        with Newsweave(url) as second:
            assert second.store.grouper_state() == state
            second.ingest(parts[1])
            assert second.stories() == expected
            assert second.store.grouper_state() != state
            second.recluster()
            assert second.stories() == expected


def test_record_many_is_record_in_bulk(store: Store) -> None:
    known = make_page("<p>already here</p>", source="feeds/known.html")
    assert store.record(known, make_article(known))
    good = make_page("<p>good</p>", source="feeds/good.html")
    article = make_article(good, body=["Two ships sank."])
    claim = Claim(article.id, "Two ships sank.", 0, 15, quantity=Quantity(2, 2, text="Two"))
    bad = make_page("<p>menu</p>", source="feeds/bad.html")
    refused = Rejection(bad.source, "no_article", "no article in it")
    mention = Mention(article.id, 4, 9, "PRODUCT", "ships")
    items = [
        (known, make_article(known), None, [], []),
        (good, article, None, [claim], [mention]),
        (good, article, None, [claim], [mention]),  # the same page twice: stored once
        (bad, None, refused, [], []),
    ]
    assert store.record_many(items) == 2
    assert store.record_many(items) == 0
    assert store.stats() | {"stories": 0} == {
        "pages": 3,
        "articles": 2,
        "stories": 0,
        "rejected": 1,
        "claims": 1,
    }
    assert store.claims([article.id])[0].quantity == claim.quantity
    assert store.mentions([article.id, "nobody"]) == {article.id: [mention]}
    assert store.rejections(page_id=bad.id)[0].reason == "no_article"
    with pytest.raises(ValueError):
        other = make_page("<p>other</p>")
        store.record_many([(other, make_article(other), refused, [], [])])


def test_mentions_are_kept_with_their_article_in_text_order(store: Store) -> None:
    page = make_page("<p>Kim met Putin in Moscow.</p>")
    article = make_article(page, body=["Kim met Putin in Moscow."])
    names = [
        Mention(article.id, 17, 23, "GPE", "Moscow"),
        Mention(article.id, 0, 3, "PERSON", "Kim"),
        Mention(article.id, 8, 13, "PERSON", "Putin"),
    ]
    assert store.record(page, article, mentions=names)
    assert store.mentions([article.id]) == {article.id: sorted(names, key=lambda m: m.start)}
    assert store.mentions([]) == {}
    stray = make_page("<p>stray</p>")
    with pytest.raises(ValueError, match="mention of"):
        store.record(stray, make_article(stray), mentions=names)


def test_add_rejections_keeps_each_once(store: Store) -> None:
    gone = [Rejection("a.txt", "empty", "no content"), Rejection("b.png", "binary", "an image")]
    assert store.add_rejections(gone) == 2
    assert store.add_rejections(gone) == 0
    assert store.add_rejections([]) == 0
    assert store.stats()["rejected"] == 2


# -- story reports -----------------------------------------------------------------


def _report(story_id: str, n: int = 1) -> dict[str, object]:
    """A small JSON-ready report, with the kinds of value a real one holds."""
    return {
        "id": story_id,
        "title": "Quake — “eyewitnesses”",
        "figures": [{"low": 3000, "high": 3000.5, "approximate": None, "n": n}],
        "unique_details": {"Wire": ["z first"], "Coast Times": ["a second"]},
    }


def test_story_reports_are_kept_under_their_key(store: Store) -> None:
    for article_id in ("a1", "a2"):
        add_article(store, article_id)
    store.replace_stories([Story("quake", "Quake", ["a1", "a2"])])
    assert store.report("quake", "k1") is None
    assert store.report_keys() == {}

    assert store.save_report("quake", "k1", _report("quake"))
    assert store.report("quake", "k1") == _report("quake")
    # The same JSON back, keys in the order written (the brief lists outlets so).
    assert list(store.report("quake", "k1")["unique_details"]) == ["Wire", "Coast Times"]  # type: ignore[index]
    # Another key is another build: the stored one is stale and never handed out.
    assert store.report("quake", "k2") is None
    assert store.report_keys() == {"quake": "k1"}
    assert store.report_keys(["quake", "nope"]) == {"quake": "k1"}
    assert store.report_keys([]) == {}

    # Saving again replaces, whole.
    assert store.save_report("quake", "k2", _report("quake", 2))
    assert store.report("quake", "k1") is None
    assert store.report("quake", "k2") == _report("quake", 2)
    # A story no longer stored gets no report.
    assert not store.save_report("gone", "k1", _report("gone"))
    assert store.report_keys() == {"quake": "k2"}


def test_story_reports_go_with_their_story(store: Store) -> None:
    for article_id in ("a1", "a2", "a3"):
        add_article(store, article_id)
    store.replace_stories([Story("s1", "One", ["a1"]), Story("s2", "Two", ["a2"])])
    store.save_report("s1", "k1", _report("s1"))
    store.save_report("s2", "k2", _report("s2"))

    # s1 absorbs s2 (an incremental regroup): s2's report goes, s1's stays for its key to judge.
    store.save_grouping([Story("s1", "One", ["a1", "a2", "a3"])], b"state", 1)
    assert store.report_keys() == {"s1": "k1"}

    # A full regroup that writes s1 again keeps its row; one that drops it drops the row.
    store.replace_stories([Story("s1", "One", ["a1", "a2", "a3"])])
    assert store.report_keys() == {"s1": "k1"}
    store.replace_stories([Story("s3", "Three", ["a1", "a2", "a3"])])
    assert store.report_keys() == {}


def test_new_claims_drop_the_story_report(store: Store) -> None:
    add_article(store, "a1")
    add_article(store, "a2")
    store.replace_stories([Story("s1", "One", ["a1"]), Story("s2", "Two", ["a2"])])
    store.save_report("s1", "k1", _report("s1"))
    store.save_report("s2", "k2", _report("s2"))
    store.replace_claims("a1", [Claim("a1", "Nothing happened.", 0, 17, source="police")])
    # Built from the old claims, which its key cannot tell: gone. The other story's stays.
    assert store.report_keys() == {"s2": "k2"}


def test_save_report_is_all_or_nothing(store: Store) -> None:
    add_article(store, "a1")
    store.replace_stories([Story("s1", "One", ["a1"])])
    store.save_report("s1", "k1", _report("s1"))
    # A report that cannot be written (not JSON) leaves the old one as it was.
    with pytest.raises((StoreError, TypeError, ValueError)):
        store.save_report("s1", "k2", {"bad": object()})
    assert store.report_keys() == {"s1": "k1"}
    assert store.report("s1", "k1") == _report("s1")
