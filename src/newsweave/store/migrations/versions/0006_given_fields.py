"""Given fields: which of an article's fields its input record stated.

Articles stored before this revision were all extracted: the column is NULL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("given", sa.JSON(none_as_null=True)))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("given")
