"""Commands that only read the store start without the heavy stages (issue #18).

``newsweave story ID --markdown`` on a story whose report is stored is a
lookup; as a new process, its time is the imports. Each command here runs in a
fresh interpreter, which then says which heavy libraries it loaded: none of
spaCy, scikit-learn, datasketch, Dask, or Alembic (an up-to-date store opens
without it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from newsweave import Newsweave
from newsweave.errors import StoreError
from newsweave.store import Store, migrate
from newsweave.story import report_to_markdown

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "pages"
HEAVY = ("spacy", "sklearn", "datasketch", "dask", "alembic")

#: Run the CLI on its arguments, then print the exit status and the heavy
#: modules loaded as one JSON line on stderr, after whatever the command wrote.
PROBE = f"""
import json, sys
from newsweave.cli import app
try:
    app(sys.argv[1:], prog_name="newsweave")
    code = 0
except SystemExit as exc:
    code = exc.code
loaded = sorted(m for m in {HEAVY!r} if m in sys.modules)
print("\\n" + json.dumps({{"exit": code, "loaded": loaded}}), file=sys.stderr)
"""


@dataclass
class Run:
    exit: int
    loaded: list[str]
    stdout: str
    stderr: str


def run_cli(*args: str) -> Run:
    """``newsweave ARGS`` in a new process; what it printed and which heavy modules it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120
    )
    *rest, last = done.stderr.rstrip("\n").split("\n")
    probe = json.loads(last)
    return Run(probe["exit"], probe["loaded"], done.stdout, "\n".join(rest))


@dataclass
class Sample:
    url: str
    story_id: str
    report: dict[str, Any]
    markdown: str
    summaries: list[dict[str, Any]]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    """The sample pages ingested through the API (reports built and stored)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('startup') / 'store.db'}"
    with Newsweave(url) as nw:
        assert nw.ingest([SAMPLES]).ok
        story = max(nw.stories(), key=lambda s: (len(s.article_ids), s.id))
        assert set(nw.store.report_keys()) >= {story.id}
        yield Sample(
            url,
            story.id,
            nw.report_dict(story.id),
            report_to_markdown(nw.report(story.id)),
            nw.story_summaries(),
        )


def test_story_markdown_starts_light(sample: Sample) -> None:
    run = run_cli("story", sample.story_id, "--markdown", "--db", sample.url)
    assert run.exit == 0, run.stderr
    assert run.loaded == []
    assert run.stdout == sample.markdown + "\n"


def test_story_json_starts_light(sample: Sample) -> None:
    run = run_cli("story", sample.story_id, "--json", "--db", sample.url)
    assert run.exit == 0, run.stderr
    assert run.loaded == []
    assert json.loads(run.stdout) == sample.report


def test_story_rich_starts_light(sample: Sample) -> None:
    run = run_cli("story", sample.story_id, "--db", sample.url)
    assert run.exit == 0, run.stderr
    assert run.loaded == []
    assert sample.report["title"] in run.stdout
    assert "Figures" in run.stdout and "Articles" in run.stdout


def test_stories_starts_light(sample: Sample) -> None:
    run = run_cli("stories", "--json", "--db", sample.url)
    assert run.exit == 0, run.stderr
    assert run.loaded == []
    assert json.loads(run.stdout) == sample.summaries


def test_search_starts_light(sample: Sample) -> None:
    run = run_cli("search", "Kursk", "--json", "--db", sample.url)
    assert run.exit == 0, run.stderr
    assert run.loaded == []
    hits = json.loads(run.stdout)
    assert hits and sample.story_id in {h["story_id"] for h in hits}


def test_import_alone_loads_no_stage() -> None:
    code = f"import sys, newsweave.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_public_names_still_import() -> None:
    from newsweave.claims import extract_claims, parse_quantity
    from newsweave.pipeline import report_key, story_report, story_report_dict
    from newsweave.reports import report_key as key
    from newsweave.story import StoryReport, build_report, render

    assert callable(extract_claims) and callable(parse_quantity) and callable(build_report)
    assert report_key is key and callable(story_report) and callable(story_report_dict)
    assert StoryReport.__name__ == "StoryReport" and render.REPORT_VERSION >= 1
    with pytest.raises(AttributeError):
        _ = __import__("newsweave.claims").claims.no_such_name


def test_script_heads_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.script_heads() == set(scripts.get_heads())


def test_script_heads_of_a_branch_and_a_merge(tmp_path: Path) -> None:
    scripts = {
        "a.py": 'revision = "a"\ndown_revision = None\n',
        "b.py": 'revision: str = "b"\ndown_revision: str | None = "a"\n',
        "c.py": 'revision = "c"\ndown_revision = "a"\n',
        "__init__.py": "",
    }
    for name, text in scripts.items():
        (tmp_path / name).write_text(text)
    assert migrate.script_heads(tmp_path) == {"b", "c"}
    (tmp_path / "d.py").write_text('revision = "d"\ndown_revision = ("b", "c")\n')
    assert migrate.script_heads(tmp_path) == {"d"}
    # Not plain literals: left to Alembic.
    (tmp_path / "e.py").write_text('revision = "e"\ndown_revision = pick("d")\n')
    assert migrate.script_heads(tmp_path) is None


def test_an_older_store_is_still_upgraded(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    Store.open(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "-1")
    assert migrate.database_heads(engine) != migrate.script_heads()
    Store.open(url).close()
    assert migrate.database_heads(engine) == migrate.script_heads()
    engine.dispose()


def test_a_newer_store_is_still_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    Store.open(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer than this newsweave"):
        Store.open(url)
