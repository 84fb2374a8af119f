"""The store's tables, as SQLAlchemy Core metadata.

This is what the queries are written against and what Alembic compares the
database with when a new migration is generated; the tables themselves are
created by the migrations, never by ``metadata.create_all``. Search structures
(the SQLite FTS5 table, the PostgreSQL tsvector column) differ per backend, so
they live only in the migrations and in :mod:`newsweave.store.search`.

Dates from the pages are kept twice: as ISO 8601 text, which round-trips naive
and aware values exactly, and as a naive UTC ``*_at`` column (naive taken as
UTC) that orders and filters.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Per-backend search structures made by the migrations but absent from the
# metadata: the SQLite FTS5 table (and its shadow tables), the PostgreSQL
# tsvector column and its index.
_SEARCH_TABLE_PREFIX = "articles_fts"
_SEARCH_NAMES = frozenset({"search", "ix_articles_search"})


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic filter: whether a database object is one :data:`metadata` describes."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(_SEARCH_TABLE_PREFIX)
    return name not in _SEARCH_NAMES


pages = sa.Table(
    "pages",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("encoding", sa.String(64), nullable=False),
    sa.Column("fetched_at", sa.String(40)),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
    # NULL when the text is exactly raw.decode(encoding), which is nearly always.
    sa.Column("text", sa.Text),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column(
        "page_id",
        sa.String(64),
        sa.ForeignKey("pages.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text),
    sa.Column("republished_by", sa.Text),
    sa.Column("published", sa.String(40)),
    sa.Column("published_at", sa.DateTime, index=True),
    sa.Column("published_precision", sa.String(8)),
    sa.Column("byline", sa.Text),
    sa.Column("dateline", sa.Text),
    sa.Column("language", sa.String(16)),
    sa.Column("summary", sa.Text),
    # Paragraphs joined by blank lines: Article.text, what claim offsets and
    # search refer to.
    sa.Column("body", sa.Text, nullable=False),
    # The paragraph list, only when splitting ``body`` on blank lines would not
    # give it back (a paragraph that is empty or holds a blank line itself).
    sa.Column("paragraphs", sa.JSON(none_as_null=True)),
    sa.Column("dropped", sa.JSON, nullable=False),
    sa.Column("diagnostics", sa.JSON, nullable=False),
    sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
    # The names of the fields the input record stated rather than extraction
    # found (Article.given); NULL when none were, as for every article stored
    # before records could state them.
    sa.Column("given", sa.JSON(none_as_null=True)),
)

rejected = sa.Table(
    "rejected",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    # '' rather than NULL for "no page": NULLs never collide in a unique
    # constraint, which would let the same rejection in twice.
    sa.Column("page_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("raw", sa.LargeBinary),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("source", "reason", "page_id"),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("first_published", sa.String(40)),
    sa.Column("first_at", sa.DateTime),
    sa.Column("last_published", sa.String(40)),
    sa.Column("last_at", sa.DateTime, index=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

story_articles = sa.Table(
    "story_articles",
    metadata,
    # An article belongs to one story at most, so it is the key.
    sa.Column(
        "article_id",
        sa.String,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "story_id",
        sa.String,
        sa.ForeignKey("stories.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("syndicated_of", sa.String, sa.ForeignKey("articles.id", ondelete="SET NULL")),
    sa.Index("ix_story_articles_story_id_position", "story_id", "position"),
)

claims = sa.Table(
    "claims",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "article_id",
        sa.String,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("start_offset", sa.Integer, nullable=False),
    sa.Column("end_offset", sa.Integer, nullable=False),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text),
    sa.Column("source", sa.Text),
    sa.Column("chain", sa.JSON, nullable=False),
    sa.Column("low", sa.Float),
    sa.Column("high", sa.Float),
    # NULL exactly when the claim has no quantity.
    sa.Column("approximate", sa.Boolean),
    sa.Column("qty_text", sa.Text),
    sa.Column("measure", sa.Text),
    sa.Column("when_text", sa.Text),
    # where the sentence is: "body", "title" or "summary" (the standfirst)
    sa.Column("part", sa.String(16), nullable=False, server_default="body"),
    sa.Index("ix_claims_article_id_start_offset", "article_id", "start_offset"),
)

# The names each article mentions (newsweave.claims.find_mentions), so that a
# story report merges entities without running the recogniser again.
mentions = sa.Table(
    "mentions",
    metadata,
    sa.Column(
        "article_id",
        sa.String,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("start_offset", sa.Integer, primary_key=True),
    sa.Column("end_offset", sa.Integer, nullable=False),
    sa.Column("label", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

# The story grouper's live state (see newsweave.cluster.StoryGrouper.state), so
# an ingest adds its new articles to the stories there are instead of
# regrouping everything. One row; written with the memberships it describes.
grouper_state = sa.Table(
    "grouper_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("state", sa.LargeBinary, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Each story's report (newsweave.story.build_report) as report_to_dict gives it,
# built when the story changes so that reading one is a lookup. ``key`` says what
# it was built from (newsweave.reports.report_key: the story's members, title
# and dates, and the report code's REPORT_VERSION): a report whose key is not the
# story's current one is stale and is never served. No foreign key to stories: a
# full regroup deletes every story and writes them again, and a report whose
# story comes back with the same members is still good; the store drops those
# whose story is gone when it writes stories.
story_reports = sa.Table(
    "story_reports",
    metadata,
    sa.Column("story_id", sa.String, primary_key=True),
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("report", sa.JSON, nullable=False),
    sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
)
