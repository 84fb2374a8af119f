"""The store: pages, articles, rejections, stories, claims and reports in one database.

SQLite (a file, the default) or PostgreSQL (by URL), through SQLAlchemy Core.
Every write is one short transaction, so a crash leaves the store as of the
last page fully recorded and a re-run picks up where it stopped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, cast

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from newsweave.config import RAW_KEEP_BYTES
from newsweave.errors import GroupingConflictError, StoreError
from newsweave.models import (
    Article,
    Claim,
    Mention,
    Page,
    Rejection,
    Story,
    from_iso,
    iso,
)
from newsweave.store import migrate, schema, search
from newsweave.store.engine import IMMEDIATE, create, parse_url, safe_url
from newsweave.store.rows import (
    article_from_row,
    article_row,
    claim_from_row,
    claim_row,
    mention_from_row,
    mention_row,
    page_from_row,
    page_row,
    rejection_from_row,
    rejection_row,
)
from newsweave.store.search import SearchHit

#: Articles read per query when streaming.
_BATCH = 500


class Store:
    """Storage behind one small interface; open with :meth:`open`, use as a context manager."""

    def __init__(self, url: str, engine: sa.Engine) -> None:
        """Wrap an engine already migrated; use :meth:`open` instead."""
        self.url = url
        self._engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        """Open the database at ``url``, creating and migrating it to the newest schema.

        Raises :class:`StoreError` with the reason when the URL is bad, the
        server unreachable or the file not writable.
        """
        parsed = parse_url(url)
        engine = create(parsed)
        try:
            migrate.upgrade(engine)
        except StoreError:
            engine.dispose()
            raise
        except (SQLAlchemyError, OSError) as exc:
            engine.dispose()
            raise StoreError(f"cannot open store {safe_url(parsed)}: {_reason(exc)}") from exc
        return cls(url, engine)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    def close(self) -> None:
        """Release the pooled connections; call when done with the store."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)!r})"

    # -- transactions ----------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        try:
            with self._engine.connect() as connection, connection.begin():
                yield connection
        except SQLAlchemyError as exc:
            raise StoreError(f"{safe_url(self.url)}: read failed: {_reason(exc)}") from exc

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        try:
            with self._engine.connect() as connection:
                connection.execution_options(**{IMMEDIATE: True})
                with connection.begin():
                    yield connection
        except SQLAlchemyError as exc:
            raise StoreError(f"{safe_url(self.url)}: write failed: {_reason(exc)}") from exc

    def _insert(self, table: sa.Table) -> Any:
        """This backend's INSERT, which has ``ON CONFLICT`` (skip or update the row)."""
        # Each dialect's module is imported when used: PostgreSQL's costs a SQLite
        # store's start 60 ms.
        if self.dialect == "postgresql":
            from sqlalchemy.dialects import postgresql

            return postgresql.insert(table)
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)

    def _among(self, column: sa.Column[Any], values: Sequence[str]) -> sa.ColumnElement[bool]:
        """``column IN values`` as one bound parameter, however many values.

        An expanded IN binds one parameter per value and hits the driver's
        limit on large batches; a JSON array (SQLite) or an array (PostgreSQL)
        is a single parameter.
        """
        if self.dialect == "postgresql":
            from sqlalchemy.dialects import postgresql

            array = sa.bindparam(None, list(values), type_=postgresql.ARRAY(sa.String))
            return column == sa.any_(array)
        each = sa.func.json_each(json.dumps(list(values))).table_valued("value")
        return column.in_(sa.select(each.c.value))

    # -- pages, articles, rejections ------------------------------------

    def has_page(self, page_id: str) -> bool:
        """Whether a page with these bytes was already recorded."""
        with self._read() as conn:
            found = conn.execute(
                sa.select(schema.pages.c.id).where(schema.pages.c.id == page_id)
            ).first()
        return found is not None

    def record(
        self,
        page: Page,
        article: Article | None = None,
        rejection: Rejection | None = None,
        *,
        claims: list[Claim] | None = None,
        mentions: list[Mention] | None = None,
    ) -> bool:
        """Store a page with its article, claims and mentions, or its rejection, all or nothing.

        Returns ``False`` and writes nothing when the page is already stored, so
        ingesting the same input again (or resuming after a crash) is harmless.
        A rejection without a ``page_id`` is filed under this page.
        """
        _check_record(page, article, rejection, claims or [], mentions or [])
        now = datetime.now(UTC)
        with self._write() as conn:
            if not _inserted(conn, self._insert(schema.pages).values(_page_row(page, now))):
                return False
            if article is not None:
                conn.execute(schema.articles.insert().values(_article_row(article, now)))
            if claims:
                conn.execute(schema.claims.insert(), [claim_row(claim) for claim in claims])
            if mentions:
                conn.execute(schema.mentions.insert(), [mention_row(m) for m in mentions])
            if rejection is not None:
                _inserted(conn, self._insert(schema.rejected).values(_filed(rejection, page, now)))
        return True

    def record_many(
        self,
        items: Iterable[tuple[Page, Article | None, Rejection | None, list[Claim], list[Mention]]],
    ) -> int:
        """Store many pages, each with its article, claims and mentions or its rejection, at once.

        One transaction, what :meth:`record` does page by page: pages already
        stored, and later copies of a page given twice, are skipped with all
        that came with them. On PostgreSQL the rows go in through ``COPY``.
        Returns how many pages were new.
        """
        items = list(items)
        now = datetime.now(UTC)
        rows: dict[sa.Table, list[dict[str, Any]]] = {
            schema.pages: [],
            schema.articles: [],
            schema.claims: [],
            schema.mentions: [],
            schema.rejected: [],
        }
        with self._write() as conn:
            ids = list({page.id for page, *_ in items})
            query = sa.select(schema.pages.c.id).where(self._among(schema.pages.c.id, ids))
            seen = set(conn.execute(query).scalars()) if ids else set()
            for page, article, rejection, claims, mentions in items:
                if page.id in seen:
                    continue
                seen.add(page.id)
                _check_record(page, article, rejection, claims, mentions)
                rows[schema.pages].append(_page_row(page, now))
                if article is not None:
                    rows[schema.articles].append(_article_row(article, now))
                    rows[schema.claims].extend(claim_row(claim) for claim in claims)
                    rows[schema.mentions].extend(mention_row(m) for m in mentions)
                if rejection is not None:
                    rows[schema.rejected].append(_filed(rejection, page, now))
            for table, table_rows in rows.items():
                self._bulk_insert(conn, table, table_rows)
        return len(rows[schema.pages])

    def add_rejections(self, rejections: Iterable[Rejection]) -> int:
        """Keep many inputs that never became pages, each once; how many were new."""
        now = datetime.now(UTC)
        rows = [_rejection_row(r, now) for r in rejections]
        if not rows:
            return 0
        # Counted, not read off rowcount: drivers differ on executemany's.
        count = sa.select(sa.func.count()).select_from(schema.rejected)
        with self._write() as conn:
            before = conn.execute(count).scalar_one()
            conn.execute(self._insert(schema.rejected).on_conflict_do_nothing(), rows)
            return conn.execute(count).scalar_one() - before

    def _bulk_insert(
        self, conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]
    ) -> None:
        if not rows:
            return
        if self.dialect == "postgresql":
            _copy(conn, table, rows)
        else:
            conn.execute(table.insert(), list(rows))

    def add_rejection(self, rejection: Rejection) -> bool:
        """Keep an input that never became a page; ``False`` if already kept.

        The same source, reason and page are one rejection however often seen.
        """
        row = _rejection_row(rejection, datetime.now(UTC))
        with self._write() as conn:
            return _inserted(conn, self._insert(schema.rejected).values(row))

    def page(self, page_id: str) -> Page | None:
        """The page with this id, raw bytes and all, or ``None``."""
        with self._read() as conn:
            row = conn.execute(sa.select(schema.pages).where(schema.pages.c.id == page_id)).first()
        return None if row is None else page_from_row(_named(row))

    def article(self, article_id: str) -> Article | None:
        """The article with this id, or ``None``."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(schema.articles).where(schema.articles.c.id == article_id)
            ).first()
        return None if row is None else _article(row)

    def articles(
        self, *, ids: Iterable[str] | None = None, since: datetime | None = None
    ) -> Iterator[Article]:
        """Articles by publication date (undated last), then id.

        ``ids`` limits to those articles (unknown ids are skipped); ``since``
        to articles published at or after it (naive taken as UTC, undated
        excluded). Rows come in batches, each read in its own short
        transaction, so a long iteration neither holds a connection nor keeps
        SQLite from checkpointing its WAL, and the caller may write meanwhile.
        """
        filters: list[sa.ColumnElement[bool]] = []
        if ids is not None:
            wanted = list(dict.fromkeys(ids))
            if not wanted:
                return
            filters.append(self._among(schema.articles.c.id, wanted))
        published, id_ = schema.articles.c.published_at, schema.articles.c.id
        if since is not None:
            filters.append(published >= _utc(since))
        # Keyset pagination: dated articles by (published_at, id), then undated by id.
        after: tuple[datetime, str] | None = None
        while True:
            query = sa.select(schema.articles).where(published.is_not(None), *filters)
            if after is not None:
                query = query.where(
                    sa.or_(published > after[0], sa.and_(published == after[0], id_ > after[1]))
                )
            rows = self._batch(query.order_by(published, id_))
            yield from map(_article, rows)
            if len(rows) < _BATCH:
                break
            after = (rows[-1].published_at, rows[-1].id)
        if since is not None:
            return
        last_id: str | None = None
        while True:
            query = sa.select(schema.articles).where(published.is_(None), *filters)
            if last_id is not None:
                query = query.where(id_ > last_id)
            rows = self._batch(query.order_by(id_))
            yield from map(_article, rows)
            if len(rows) < _BATCH:
                break
            last_id = rows[-1].id

    def _batch(self, query: sa.Select[Any]) -> Sequence[sa.Row[Any]]:
        with self._read() as conn:
            return conn.execute(query.limit(_BATCH)).all()

    def rejections(self, *, page_id: str | None = None) -> list[Rejection]:
        """Every rejection (or those of one stored page), oldest first."""
        query = sa.select(schema.rejected).order_by(schema.rejected.c.id)
        if page_id is not None:
            query = query.where(schema.rejected.c.page_id == page_id)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [rejection_from_row(_named(row)) for row in rows]

    # -- stories -----------------------------------------------------------

    def replace_stories(
        self, stories: list[Story], *, article_ids: Iterable[str] | None = None
    ) -> None:
        """Re-cluster: replace the stories of some articles (all if ``None``).

        In one transaction: the given articles, and every article of the given
        stories, leave their stories; the given stories lose their old
        members; stories left with no articles go; then the given stories are
        written with their members in order and their syndication links.
        """
        _check_stories(stories)
        with self._write() as conn:
            self._write_stories(conn, stories, article_ids)

    def save_grouping(
        self,
        stories: list[Story],
        state: bytes,
        version: int,
        *,
        article_ids: Iterable[str] | None = (),
        based_on: bytes | None = None,
    ) -> None:
        """:meth:`replace_stories` and save the grouper's state, in one transaction.

        The state describes exactly the memberships written with it, so a crash
        can leave neither without the other. The default ``article_ids``
        (none) rewrites only the given stories: an incremental update. An
        update built on a state read before passes it as ``based_on``: if
        another run saved a state since, nothing is written and
        :class:`~newsweave.errors.GroupingConflictError` is raised, so that its
        stories are not overwritten by ones that never saw them.
        """
        _check_stories(stories)
        table = schema.grouper_state
        row = {"id": 1, "version": version, "state": state, "updated_at": datetime.now(UTC)}
        insert = self._insert(table).values(row)
        with self._write() as conn:
            if based_on is not None:
                # Read under the write lock (SQLite) or a row lock (PostgreSQL).
                current = conn.execute(sa.select(table.c.state).with_for_update()).scalar()
                if current is None or bytes(current) != based_on:
                    raise GroupingConflictError("the grouper state changed while grouping")
            self._write_stories(conn, stories, article_ids)
            conn.execute(
                insert.on_conflict_do_update(
                    index_elements=[table.c.id],
                    set_={k: insert.excluded[k] for k in ("version", "state", "updated_at")},
                )
            )

    def grouper_state(self) -> tuple[int, bytes] | None:
        """The saved grouper state as (format version, bytes), or ``None`` when none is saved."""
        table = schema.grouper_state
        with self._read() as conn:
            row = conn.execute(sa.select(table.c.version, table.c.state)).first()
        return None if row is None else (row.version, bytes(row.state))

    def ungrouped_articles(self) -> Iterator[Article]:
        """Articles in no story yet, in publication order (undated last, then id)."""
        members = schema.story_articles
        query = sa.select(schema.articles.c.id).where(
            ~sa.exists().where(members.c.article_id == schema.articles.c.id)
        )
        with self._read() as conn:
            ids: list[str] = list(conn.execute(query).scalars())
        if ids:
            yield from self.articles(ids=ids)

    def _write_stories(
        self, conn: sa.Connection, stories: list[Story], article_ids: Iterable[str] | None
    ) -> None:
        """The body of :meth:`replace_stories`, within the caller's transaction."""
        members = [aid for story in stories for aid in story.article_ids]
        now = datetime.now(UTC)
        if article_ids is None:
            conn.execute(schema.story_articles.delete())
        else:
            leaving = list(dict.fromkeys([*article_ids, *members]))
            conn.execute(
                schema.story_articles.delete().where(
                    self._among(schema.story_articles.c.article_id, leaving)
                )
            )
            if stories:
                conn.execute(
                    schema.story_articles.delete().where(
                        self._among(schema.story_articles.c.story_id, [s.id for s in stories])
                    )
                )
        conn.execute(
            schema.stories.delete().where(
                ~sa.exists().where(schema.story_articles.c.story_id == schema.stories.c.id)
            )
        )
        if stories:
            self._insert_stories(conn, stories, now)
        # Reports of stories merged away or emptied; those of stories written
        # again are kept, for their key to judge.
        reports = schema.story_reports
        conn.execute(
            reports.delete().where(~sa.exists().where(schema.stories.c.id == reports.c.story_id))
        )

    def _insert_stories(self, conn: sa.Connection, stories: list[Story], now: datetime) -> None:
        """Write ``stories`` (new or again) with their members, within the caller's transaction."""
        insert = self._insert(schema.stories)
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=[schema.stories.c.id],
                set_={
                    col: insert.excluded[col]
                    for col in (
                        "title",
                        "first_published",
                        "first_at",
                        "last_published",
                        "last_at",
                        "updated_at",
                    )
                },
            ),
            [_story_row(story, now) for story in stories],
        )
        conn.execute(
            schema.story_articles.insert(),
            [
                {
                    "article_id": aid,
                    "story_id": story.id,
                    "position": position,
                    "syndicated_of": story.syndicated.get(aid),
                }
                for story in stories
                for position, aid in enumerate(story.article_ids)
            ],
        )

    def stories(self) -> list[Story]:
        """Every story, the most recently published first (undated last)."""
        query = sa.select(schema.stories).order_by(
            schema.stories.c.last_at.is_(None), schema.stories.c.last_at.desc(), schema.stories.c.id
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
            members = conn.execute(
                sa.select(schema.story_articles).order_by(
                    schema.story_articles.c.story_id, schema.story_articles.c.position
                )
            ).all()
        by_story: dict[str, list[Any]] = {}
        for member in members:
            by_story.setdefault(member.story_id, []).append(member)
        return [_story(row, by_story.get(row.id, [])) for row in rows]

    def story(self, story_id: str) -> Story | None:
        """The story with this id, or ``None``."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(schema.stories).where(schema.stories.c.id == story_id)
            ).first()
            if row is None:
                return None
            members = conn.execute(
                sa.select(schema.story_articles)
                .where(schema.story_articles.c.story_id == story_id)
                .order_by(schema.story_articles.c.position)
            ).all()
        return _story(row, members)

    def story_of(self, article_id: str) -> str | None:
        """The id of the story an article belongs to, or ``None``."""
        with self._read() as conn:
            return conn.execute(
                sa.select(schema.story_articles.c.story_id).where(
                    schema.story_articles.c.article_id == article_id
                )
            ).scalar_one_or_none()

    # -- claims --------------------------------------------------------------

    def replace_claims(self, article_id: str, claims: list[Claim]) -> None:
        """Replace all claims of one article with ``claims``.

        The stored report of the article's story goes with the old claims: it
        was built from them and its key cannot tell.
        """
        _check_owned(article_id, claims)
        members = schema.story_articles
        with self._write() as conn:
            conn.execute(schema.claims.delete().where(schema.claims.c.article_id == article_id))
            if claims:
                conn.execute(schema.claims.insert(), [claim_row(claim) for claim in claims])
            conn.execute(
                schema.story_reports.delete().where(
                    schema.story_reports.c.story_id.in_(
                        sa.select(members.c.story_id).where(members.c.article_id == article_id)
                    )
                )
            )

    def claims(self, article_ids: Iterable[str]) -> list[Claim]:
        """The claims of these articles, by article id then position in the text."""
        wanted = list(dict.fromkeys(article_ids))
        if not wanted:
            return []
        query = (
            sa.select(schema.claims)
            .where(self._among(schema.claims.c.article_id, wanted))
            .order_by(schema.claims.c.article_id, schema.claims.c.start_offset, schema.claims.c.id)
        )
        with self._read() as conn:
            return [claim_from_row(_named(row)) for row in conn.execute(query)]

    def mentions(self, article_ids: Iterable[str]) -> dict[str, list[Mention]]:
        """The names these articles mention, in text order, by article id.

        Articles stored before mentions were kept, and those that name nothing,
        are left out.
        """
        wanted = list(dict.fromkeys(article_ids))
        if not wanted:
            return {}
        m = schema.mentions.c
        query = (
            sa.select(schema.mentions)
            .where(self._among(m.article_id, wanted))
            .order_by(m.article_id, m.start_offset)
        )
        found: dict[str, list[Mention]] = {}
        with self._read() as conn:
            for row in conn.execute(query):
                found.setdefault(row.article_id, []).append(mention_from_row(_named(row)))
        return found

    # -- story reports -------------------------------------------------------

    def report(self, story_id: str, key: str) -> dict[str, Any] | None:
        """The stored report of a story, as saved, if it was saved under ``key``.

        ``None`` when there is none or it was built from something else (the
        story's members or the report code have changed since): a stale report
        is never handed out.
        """
        reports = schema.story_reports
        query = sa.select(reports.c.report).where(
            reports.c.story_id == story_id, reports.c.key == key
        )
        with self._read() as conn:
            return conn.execute(query).scalar_one_or_none()

    def report_keys(self, story_ids: Iterable[str] | None = None) -> dict[str, str]:
        """The key each stored report was saved under, by story id (all, or these stories).

        What a refresh compares with the stories' current keys, without reading
        the reports themselves.
        """
        reports = schema.story_reports
        query = sa.select(reports.c.story_id, reports.c.key)
        if story_ids is not None:
            wanted = list(dict.fromkeys(story_ids))
            if not wanted:
                return {}
            query = query.where(self._among(reports.c.story_id, wanted))
        with self._read() as conn:
            return {row.story_id: row.key for row in conn.execute(query)}

    def save_report(self, story_id: str, key: str, report: dict[str, Any]) -> bool:
        """Store a story's report, built under ``key``, in place of any before; all or nothing.

        ``report`` is JSON-ready data (:func:`newsweave.story.report_to_dict`).
        One statement in one transaction, so a crash leaves the old row or the
        new one, never part of either. Returns ``False`` and writes nothing when
        the story is no longer stored (merged away while its report was built).
        """
        reports = schema.story_reports
        row = {"story_id": story_id, "key": key, "report": report, "built_at": datetime.now(UTC)}
        insert = self._insert(reports).values(row)
        upsert = insert.on_conflict_do_update(
            index_elements=[reports.c.story_id],
            set_={k: insert.excluded[k] for k in ("key", "report", "built_at")},
        )
        story = sa.select(schema.stories.c.id).where(schema.stories.c.id == story_id)
        with self._write() as conn:
            if conn.execute(story).first() is None:
                return False
            conn.execute(upsert)
        return True

    # -- search and counts -------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Articles containing every word of ``query``, best first.

        Any text is a valid query: words are matched literally, never parsed as
        search syntax; a query with no words finds nothing.
        """
        words = search.terms(query)
        if not words or limit <= 0:
            return []
        text = search.fts5_query(words) if self.dialect == "sqlite" else " ".join(words)
        with self._read() as conn:
            rows = conn.execute(search.statement(self.dialect), {"query": text, "limit": limit})
            return [
                SearchHit(
                    article_id=row.id,
                    title=row.title,
                    outlet=row.outlet,
                    published=from_iso(row.published),
                    # One line for display; the backends keep the body's newlines.
                    snippet=" ".join(row.snippet.split()),
                    score=float(row.score),
                )
                for row in rows
            ]

    def stats(self) -> dict[str, int]:
        """How many pages, articles, stories, rejections and claims are stored."""
        tables = {
            "pages": schema.pages,
            "articles": schema.articles,
            "stories": schema.stories,
            "rejected": schema.rejected,
            "claims": schema.claims,
        }
        counts = [
            sa.select(sa.func.count()).select_from(table).scalar_subquery().label(name)
            for name, table in tables.items()
        ]
        with self._read() as conn:
            row = conn.execute(sa.select(*counts)).one()
        return {name: int(row._mapping[name]) for name in tables}


def _inserted(conn: sa.Connection, insert: Any) -> bool:
    """Run an INSERT that skips a row hitting a unique key; whether the row went in."""
    # rowcount of an INSERT is only kept when asked for (psycopg reports -1).
    result = conn.execute(
        insert.on_conflict_do_nothing(), execution_options={"preserve_rowcount": True}
    )
    return result.rowcount == 1


def _reason(exc: BaseException) -> str:
    """The driver's own message, without SQLAlchemy's statement dump."""
    original = getattr(exc, "orig", None)
    return str(original if original is not None else exc).strip().splitlines()[0]


def _utc(value: datetime) -> datetime:
    """The naive UTC sort key of a date; naive dates are taken as UTC."""
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def _page_row(page: Page, now: datetime) -> dict[str, Any]:
    return page_row(page) | {"ingested_at": now, "size": len(page.raw)}


def _article_row(article: Article, now: datetime) -> dict[str, Any]:
    """The article's row with its body as searchable text; the paragraphs only when the
    text does not split back into them."""
    row = article_row(article)
    body = article.text
    return row | {
        "body": body,
        "paragraphs": None if _split(body) == article.body else row["body"],
        "published_at": None if article.published is None else _utc(article.published),
        "extracted_at": now,
    }


def _split(body: str) -> list[str]:
    return body.split("\n\n") if body else []


def _named(row: sa.Row[Any]) -> Mapping[str, Any]:
    """``row`` by column name: its keys are names, though its type admits ``Column`` keys."""
    return cast("Mapping[str, Any]", row._mapping)


def _article(row: sa.Row[Any]) -> Article:
    paragraphs = _split(row.body) if row.paragraphs is None else row.paragraphs
    return article_from_row({**row._mapping, "body": paragraphs})


def _rejection_row(rejection: Rejection, now: datetime) -> dict[str, Any]:
    # A page-less rejection's page id is "": it is part of a key, which cannot be null.
    row = rejection_row(rejection) | {"page_id": rejection.page_id or "", "at": now}
    if rejection.raw is not None and len(rejection.raw) > RAW_KEEP_BYTES:
        row["raw"] = None  # kept up to RAW_KEEP_BYTES, as documented, whoever made it
    return row


def _filed(rejection: Rejection, page: Page, now: datetime) -> dict[str, Any]:
    """The row of a rejection stored with its page: under the page, without its bytes,
    which the page's row holds (a 15 MB page was kept twice)."""
    row = _rejection_row(rejection, now)
    row["page_id"] = rejection.page_id or page.id
    if row["page_id"] == page.id:
        row["raw"] = None
    return row


def _check_stories(stories: list[Story]) -> None:
    """Refuse story sets the schema would reject half-way through a write."""
    seen_stories: set[str] = set()
    seen_articles: set[str] = set()
    for story in stories:
        if story.id in seen_stories:
            raise ValueError(f"story {story.id} given twice")
        seen_stories.add(story.id)
        if not story.article_ids:
            raise ValueError(f"story {story.id} has no articles")
        for aid in story.article_ids:
            if aid in seen_articles:
                raise ValueError(f"article {aid} is in more than one story")
            seen_articles.add(aid)
        if stray := set(story.syndicated) - set(story.article_ids):
            raise ValueError(f"story {story.id} syndicates articles it lacks: {sorted(stray)}")


def _story_row(story: Story, now: datetime) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "first_published": iso(story.first_published),
        "first_at": None if story.first_published is None else _utc(story.first_published),
        "last_published": iso(story.last_published),
        "last_at": None if story.last_published is None else _utc(story.last_published),
        "updated_at": now,
    }


def _story(row: Any, members: Sequence[Any]) -> Story:
    return Story(
        id=row.id,
        title=row.title,
        article_ids=[m.article_id for m in members],
        first_published=from_iso(row.first_published),
        last_published=from_iso(row.last_published),
        syndicated={m.article_id: m.syndicated_of for m in members if m.syndicated_of},
    )


def _check_owned(article_id: str, items: Sequence[Claim | Mention]) -> None:
    """Every claim (or mention) given with an article is that article's."""
    for item in items:
        if item.article_id != article_id:
            kind = type(item).__name__.lower()
            raise ValueError(f"{kind} of {item.article_id} given for {article_id}")


def _check_record(
    page: Page,
    article: Article | None,
    rejection: Rejection | None,
    claims: list[Claim],
    mentions: list[Mention],
) -> None:
    if article is not None and rejection is not None:
        raise ValueError("a page has an article or a rejection, not both")
    if article is not None and article.page_id != page.id:
        raise ValueError(f"article {article.id} is of page {article.page_id}, not {page.id}")
    if (claims or mentions) and article is None:
        raise ValueError("claims and mentions need the article they come from")
    if article is not None:
        _check_owned(article.id, [*claims, *mentions])


def _copy(conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """``COPY table (columns) FROM STDIN`` on the transaction's psycopg 3 connection."""
    columns = list(rows[0])
    # COPY's text format takes JSON as text; psycopg has no dumper for a bare dict.
    json_columns = {c for c in columns if isinstance(table.c[c].type, sa.JSON)}
    names = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None  # None only with no DBAPI connection, never in a transaction
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row[c]) if c in json_columns and row[c] is not None else row[c]
                    for c in columns
                ]
            )
