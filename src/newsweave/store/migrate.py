"""Alembic, driven from code: the migration scripts ship inside the package.

To write a new migration, point :func:`alembic_config` at a development
database and call ``alembic.command.revision(config, message, autogenerate=True)``
with ``config.attributes["connection"]`` set; the result lands in
``migrations/versions``.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from newsweave.errors import StoreError
from newsweave.store.engine import IMMEDIATE

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations, bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine) -> None:
    """Bring the database to the newest schema; a no-op read when it is there.

    The check runs first without the write lock, so opening an up-to-date store
    never waits on a busy writer. The upgrade itself takes the lock up front,
    so two processes opening a new file at once migrate it once.
    """
    scripts = ScriptDirectory.from_config(alembic_config())
    target = set(scripts.get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current == target:
        return
    unknown = current - {script.revision for script in scripts.walk_revisions()}
    if unknown:
        raise StoreError(
            f"database schema {', '.join(sorted(unknown))} is newer than this newsweave "
            f"knows (head {', '.join(sorted(target))}); upgrade newsweave"
        )
    with engine.connect() as connection:
        connection.execution_options(**{IMMEDIATE: True})
        with connection.begin():
            command.upgrade(alembic_config(connection), "head")
