"""One SQLAlchemy engine per store, set up for SQLite or PostgreSQL.

SQLite gets WAL (readers never block the writer), foreign keys, a busy timeout
so concurrent writers wait instead of failing, and SQLAlchemy-driven ``BEGIN``
so that reads sit inside real transactions. Writers can ask for
``BEGIN IMMEDIATE`` (see :data:`IMMEDIATE`): taking the write lock up front
means they queue on the busy timeout rather than failing when another writer
got there between their first read and first write.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from newsweave.errors import StoreError

SUPPORTED = ("sqlite", "postgresql")
#: Execution option a connection sets before ``begin()`` to get ``BEGIN IMMEDIATE``.
IMMEDIATE = "newsweave_immediate"
BUSY_TIMEOUT_S = 30


def safe_url(url: URL | str) -> str:
    """The URL for messages, password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable database URL>"


def parse_url(url: str) -> URL:
    """Parse and check a store URL; ``postgresql://`` means the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r} ({exc})") from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        raise StoreError(
            f"{safe_url(parsed)}: unsupported database {backend!r}; use sqlite:/// or postgresql://"
        )
    if parsed.drivername == "postgresql":
        # psycopg 3 is what newsweave depends on; SQLAlchemy would pick psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _json_default(value: Any) -> Any:
    # Diagnostics come from numeric code: numpy scalars and arrays, dates.
    if isinstance(value, datetime | date):
        return value.isoformat()
    for convert in ("tolist", "item"):
        if callable(getattr(value, convert, None)):
            return getattr(value, convert)()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_json_dumps = partial(json.dumps, ensure_ascii=False, default=_json_default)


def _is_memory(url: URL) -> bool:
    return (url.database or "") in ("", ":memory:")


def create(url: URL) -> Engine:
    """An engine for ``url``, creating a SQLite file's folder first."""
    options: dict[str, Any] = {"json_serializer": _json_dumps}
    if url.get_backend_name() == "sqlite":
        if _is_memory(url):
            # Every connection to :memory: is a new database; share one.
            options.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            options["connect_args"] = {"timeout": BUSY_TIMEOUT_S}
            if url.database and not url.database.startswith("file:"):
                folder = Path(url.database).parent
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"{safe_url(url)}: cannot create {folder}: {exc}") from exc
    else:
        options["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(url, **options)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"{safe_url(url)}: cannot use this database: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Put the file in WAL mode, waiting for it if others hold it.

    Switching needs the file to itself and SQLite does not wait for that (no
    busy handler): several processes opening a new file at once saw
    "database is locked" here, about one run in twenty.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.01
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(2 * delay, 0.25)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Hand BEGIN to SQLAlchemy (below); the driver's own BEGIN skips SELECTs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            _use_wal(cursor)
            # Safe with WAL: a crash loses at most the last commits, never the file.
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
