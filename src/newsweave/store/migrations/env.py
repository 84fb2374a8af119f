"""Alembic environment: runs migrations on the connection the store hands over.

:func:`newsweave.store.migrate.alembic_config` puts an open connection in
``config.attributes["connection"]``; there is no ``alembic.ini`` and no URL here,
so migrations always run on exactly the database the store opened.
"""

from __future__ import annotations

from alembic import context

from newsweave.store.schema import include_name, metadata


def run_migrations() -> None:
    """Run the pending migrations inside the caller's transaction."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "newsweave migrations run from newsweave.store.migrate, which passes a connection"
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_name=include_name,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
