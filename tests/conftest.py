"""Shared fixtures: an empty database of each backend.

SQLite always; PostgreSQL too when ``NEWSWEAVE_TEST_POSTGRES_URL`` names a
server, each test in a schema of its own that is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from newsweave.store.engine import parse_url

POSTGRES_URL = os.environ.get("NEWSWEAVE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database of ``backend``, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'nested' / 'folder' / 'store.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("NEWSWEAVE_TEST_POSTGRES_URL is not set")
    base = parse_url(POSTGRES_URL)
    schema = f"newsweave_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty database of each backend."""
    with database(request.param, tmp_path) as url:
        yield url


def install_plugin(
    folder: Path, monkeypatch: pytest.MonkeyPatch, name: str, code: str, entry_points: str
) -> None:
    """Put an installed package ``name`` (its ``__init__`` is ``code``) on ``sys.path``,
    with ``entry_points.txt`` ``entry_points``, as pip would leave it: what
    ``importlib.metadata`` reads, so that newsweave finds its stages. Each test
    names its own package: an imported one stays in ``sys.modules``."""
    (folder / name).mkdir(parents=True)
    (folder / name / "__init__.py").write_text(code)
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points)
    monkeypatch.syspath_prepend(str(folder))
