"""Claim parts: a claim's sentence may be the article's title or standfirst.

Claims stored before this revision are all from the body.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(
            sa.Column("part", sa.String(16), nullable=False, server_default="body")
        )


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("part")
