"""Story reports: each story's report, stored when the story changes.

Stores migrated from before this revision have none; a report is built and
stored on its first read, or for every story by ``newsweave recluster``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "story_reports",
        sa.Column("story_id", sa.String, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("report", sa.JSON, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("story_id", name="pk_story_reports"),
    )


def downgrade() -> None:
    op.drop_table("story_reports")
