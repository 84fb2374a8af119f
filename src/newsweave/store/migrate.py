"""Alembic, driven from code: the migration scripts ship inside the package.

To write a new migration, point :func:`alembic_config` at a development
database and call ``alembic.command.revision(config, message, autogenerate=True)``
with ``config.attributes["connection"]`` set; the result lands in
``migrations/versions``.

Opening a store that is up to date (every open of every command) does not
import Alembic: :func:`script_heads` reads the head revisions off the scripts'
text and the database's ``alembic_version`` table is read with SQLAlchemy;
only when they differ does Alembic load the scripts and upgrade.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from newsweave.errors import StoreError
from newsweave.store.engine import IMMEDIATE

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: What :func:`_literals` gives a name set to something other than a literal.
_NOT_LITERAL = object()
#: The table Alembic keeps the database's revision in (its default name).
VERSION_TABLE = "alembic_version"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations, bound to ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


#: CPython's parser is not safe to run from several threads at once (stores opened
#: together fail with "AST constructor recursion depth mismatch").
_AST_LOCK = threading.Lock()


def script_heads(versions: Path = MIGRATIONS / "versions") -> set[str] | None:
    """The head revisions of the scripts in ``versions``, read without Alembic.

    Each script's module-level ``revision`` and ``down_revision`` (a string, a
    tuple or list of strings, or ``None``), as Alembic's template writes them; a
    head is a revision no script names as its ``down_revision``. ``None`` when
    a script does not give them as plain literals: Alembic has to read it.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted(versions.glob("*.py")):
        if path.name.startswith(("__init__", ".#")):
            continue  # what Alembic skips
        values = _literals(path, ("revision", "down_revision"))
        revision, down = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple | list) and all(isinstance(d, str) for d in down):
            parents.update(down)
        elif down is not None:
            return None
    return revisions - parents


def _literals(path: Path, names: tuple[str, ...]) -> dict[str, object]:
    """The module-level ``name = literal`` (or ``name: T = literal``) of ``path``."""
    values: dict[str, object] = {}
    try:
        source = path.read_bytes()
        with _AST_LOCK:
            tree = ast.parse(source, filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return values
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            try:
                values[target.id] = ast.literal_eval(value)
            except ValueError:
                values[target.id] = _NOT_LITERAL
    return values


def database_heads(engine: sa.Engine) -> set[str] | None:
    """The revisions the database is at; ``None`` when it has no version table (a new one)."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(VERSION_TABLE):
            return None
        table = sa.table(VERSION_TABLE, sa.column("version_num"))
        return set(connection.execute(sa.select(table.c.version_num)).scalars())


def upgrade(engine: sa.Engine) -> None:
    """Bring the database to the newest schema; a no-op read when it is there.

    The check runs first without the write lock, so opening an up-to-date store
    never waits on a busy writer; it reads the heads without Alembic when it
    can (:func:`script_heads`). The upgrade itself takes the lock up front,
    so two processes opening a new file at once migrate it once.
    """
    heads = script_heads()
    if heads is not None and database_heads(engine) == heads:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

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
