"""Initial schema: pages, articles, rejections, stories, claims and search.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: an FTS5 table with its own copy of title and body (snippet() needs the
# text), kept in step with articles by triggers so no write path can miss it.
# article_id is UNINDEXED: stored to join on, never matched.
_SQLITE_SEARCH = [
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        article_id UNINDEXED, title, body,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (article_id, title, body)
        VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        DELETE FROM articles_fts WHERE article_id = old.id;
    END
    """,
    """
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF id, title, body ON articles BEGIN
        UPDATE articles_fts SET article_id = new.id, title = new.title, body = new.body
        WHERE article_id = old.id;
    END
    """,
]

# PostgreSQL: a generated tsvector (title weighted above body) with a GIN index.
_POSTGRES_SEARCH = [
    """
    ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', body), 'B')
    ) STORED
    """,
    "CREATE INDEX ix_articles_search ON articles USING gin (search)",
]


def upgrade() -> None:
    op.create_table(
        "pages",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("encoding", sa.String(64), nullable=False),
        sa.Column("fetched_at", sa.String(40)),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        sa.Column("text", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_pages"),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("page_id", sa.String(64), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("outlet", sa.Text),
        sa.Column("republished_by", sa.Text),
        sa.Column("published", sa.String(40)),
        sa.Column("published_at", sa.DateTime),
        sa.Column("published_precision", sa.String(8)),
        sa.Column("byline", sa.Text),
        sa.Column("dateline", sa.Text),
        sa.Column("language", sa.String(16)),
        sa.Column("summary", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("paragraphs", sa.JSON(none_as_null=True)),
        sa.Column("dropped", sa.JSON, nullable=False),
        sa.Column("diagnostics", sa.JSON, nullable=False),
        sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name="fk_articles_page_id_pages", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
    )
    op.create_index("ix_articles_page_id", "articles", ["page_id"])
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    op.create_table(
        "rejected",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("page_id", sa.String(64), server_default="", nullable=False),
        sa.Column("raw", sa.LargeBinary),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rejected"),
        sa.UniqueConstraint(
            "source", "reason", "page_id", name="uq_rejected_source_reason_page_id"
        ),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("first_published", sa.String(40)),
        sa.Column("first_at", sa.DateTime),
        sa.Column("last_published", sa.String(40)),
        sa.Column("last_at", sa.DateTime),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stories"),
    )
    op.create_index("ix_stories_last_at", "stories", ["last_at"])
    op.create_table(
        "story_articles",
        sa.Column("article_id", sa.String, nullable=False),
        sa.Column("story_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("syndicated_of", sa.String),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_story_articles_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name="fk_story_articles_story_id_stories",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["syndicated_of"],
            ["articles.id"],
            name="fk_story_articles_syndicated_of_articles",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("article_id", name="pk_story_articles"),
    )
    op.create_index(
        "ix_story_articles_story_id_position", "story_articles", ["story_id", "position"]
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("article_id", sa.String, nullable=False),
        sa.Column("start_offset", sa.Integer, nullable=False),
        sa.Column("end_offset", sa.Integer, nullable=False),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("outlet", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("chain", sa.JSON, nullable=False),
        sa.Column("low", sa.Float),
        sa.Column("high", sa.Float),
        sa.Column("approximate", sa.Boolean),
        sa.Column("qty_text", sa.Text),
        sa.Column("measure", sa.Text),
        sa.Column("when_text", sa.Text),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_claims_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
    )
    op.create_index("ix_claims_article_id_start_offset", "claims", ["article_id", "start_offset"])

    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_SEARCH if dialect == "sqlite" else _POSTGRES_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE articles_fts")
    for table in ("claims", "story_articles", "stories", "rejected", "articles", "pages"):
        op.drop_table(table)
