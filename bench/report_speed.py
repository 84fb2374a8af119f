"""How fast a story report is read: ``newsweave story ID --markdown``, cold and warm.

Issue #18 asks that ``story --markdown`` and the story page answer in well under
a second for a 15-article story: the report is built when the story changes
and stored, and a read is a lookup. This times, for each story below:

* **cold**: the first ``newsweave story ID --markdown`` on a store that has the
  story but not its report, so the call builds the report and stores it (what
  an ingest now pays once per changed story);
* **warm**: the same command again, the report read from the store (median
  and slowest of ``--rounds`` runs);
* **web page, warm**: ``GET /stories/ID`` and ``GET /api/stories/ID`` through
  FastAPI's ``TestClient`` on an app opened anew (nothing in its memory; the
  first GET reads the stored report), then again (median of ``--rounds``).

The CLI runs **in-process**, through Typer's ``CliRunner`` on
``newsweave.cli.app``: the figures are the command's own work (open the store,
read the story and its report, render the Markdown), without the interpreter's
start and the imports. Those are reported apart: ``--rounds`` ``subprocess``
runs of ``python -m newsweave story ID --markdown`` with the report stored
(what a user runs; the read path imports no spaCy, scikit-learn or datasketch),
and the time of ``import newsweave.cli`` in a new interpreter
(``--no-subprocess`` skips both). The spaCy model is loaded by the ingest
before the cold call, so cold times leave out its loading.

Stories:

* the largest story of a SQLite store built from the bundled sample pages
  (``examples/pages``), ingested with ``reports=False`` so that its report is
  not stored yet;
* when ``../shared/stories`` is there (news-please records of real coverage),
  a 15-article story made from them: the articles of its largest event, then
  of the next largest, until 15 (so it joins two events: it is the size that
  matters here), each record read with :func:`bench.compare.to_article`, its
  claims and mentions extracted and stored with it, the story written as one.

    python bench/report_speed.py [--rounds 5] [--data ../shared/stories] [--write]

``--write`` puts the table into ``docs/benchmarks.md`` between
``<!-- report-speed:start -->`` and ``<!-- report-speed:end -->`` (appended at
the end when the markers are not there yet).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsweave.claims import extract_claims, find_mentions
from newsweave.cli import app
from newsweave.models import Page, Story, sort_time
from newsweave.pipeline import ingest
from newsweave.store import Store
from newsweave.web import create_app

try:
    from bench.claims import write_docs
    from bench.compare import DEFAULT_DATA, load_record, to_article
except ModuleNotFoundError:  # run as a script: bench/ is on the path, not the root
    from claims import write_docs  # type: ignore[no-redef]
    from compare import DEFAULT_DATA, load_record, to_article  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLES = ROOT / "examples" / "pages"
START, END = "<!-- report-speed:start -->", "<!-- report-speed:end -->"
#: The story size the issue names.
REAL_STORY_SIZE = 15
GOAL_S = 1.0


@dataclass
class Timing:
    """The times of one story, in seconds."""

    name: str
    articles: int
    cold: float = 0.0
    warm: list[float] = field(default_factory=list)
    page_first: float = 0.0
    page_warm: list[float] = field(default_factory=list)
    api_warm: list[float] = field(default_factory=list)
    subprocess_warm: list[float] = field(default_factory=list)
    import_cli: float | None = None
    markdown_chars: int = 0


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _story_markdown(url: str, story_id: str) -> str:
    """``newsweave story ID --markdown --db URL`` in-process; its output."""
    result = CliRunner().invoke(app, ["story", story_id, "--markdown", "--db", url])
    if result.exit_code != 0:
        raise SystemExit(f"newsweave story {story_id} failed: {result.output}")
    return result.output


def measure(name: str, url: str, story_id: str, rounds: int, *, spawn: bool) -> Timing:
    """Time the CLI cold then warm, the web story page and API warm, for one stored story."""
    with Store.open(url) as store:
        story = store.story(story_id)
        assert story is not None
        assert store.report_keys([story_id]) == {}, "the report must not be stored yet"
    timing = Timing(name, len(story.article_ids))
    output: list[str] = []
    timing.cold = _timed(lambda: output.append(_story_markdown(url, story_id)))
    timing.markdown_chars = len(output[0])
    for _ in range(rounds):
        timing.warm.append(_timed(lambda: output.append(_story_markdown(url, story_id))))
    assert len(set(output)) == 1, "the stored report must give the same brief"
    with TestClient(create_app(url)) as client:

        def get(path: str) -> None:
            response = client.get(path)
            assert response.status_code == 200, response.text

        timing.page_first = _timed(lambda: get(f"/stories/{story_id}"))
        timing.page_warm = [_timed(lambda: get(f"/stories/{story_id}")) for _ in range(rounds)]
        timing.api_warm = [_timed(lambda: get(f"/api/stories/{story_id}")) for _ in range(rounds)]
    if spawn:
        command = [sys.executable, "-m", "newsweave", "story", story_id, "--markdown"]
        env = os.environ | {"NEWSWEAVE_DB": url}
        for _ in range(rounds):
            started = time.perf_counter()
            done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            timing.subprocess_warm.append(time.perf_counter() - started)
            assert done.stdout == output[0], "a new process must give the same brief"
        timing.import_cli = import_time()
    return timing


#: Prints how long ``import newsweave.cli`` takes, in seconds.
_IMPORT_CLI = (
    "import time; started = time.perf_counter(); import newsweave.cli; "
    "print(time.perf_counter() - started)"
)


def import_time() -> float:
    """How long ``import newsweave.cli`` takes in a new interpreter (its best of three)."""
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", _IMPORT_CLI], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(3)
    ]
    return min(runs)


def sample_store(folder: Path) -> tuple[str, str]:
    """A store of the bundled sample pages, without reports; (url, id of its largest story)."""
    url = f"sqlite:///{folder / 'samples.db'}"
    with Store.open(url) as store:
        ingest(store, [SAMPLES], reports=False)
        biggest = max(store.stories(), key=lambda s: (len(s.article_ids), s.id))
    return url, biggest.id


def real_store(folder: Path, data: Path, size: int = REAL_STORY_SIZE) -> tuple[str, str, str]:
    """A store holding one ``size``-article story of news-please records; (url, id, events)."""
    labels: dict[str, dict[str, str]] = json.loads((data / "labels.json").read_text("utf-8"))
    by_event: dict[str, list[str]] = {}
    for file, label in sorted(labels.items()):
        by_event.setdefault(label["event"], []).append(Path(file).stem)
    sizes = Counter({event: len(stems) for event, stems in by_event.items()})
    articles = []
    events: list[str] = []
    for event, _ in sizes.most_common():
        for stem in by_event[event]:
            article = to_article(stem, load_record(data, stem))
            if article is not None and len(articles) < size:
                articles.append(article)
                if event not in events:
                    events.append(event)
        if len(articles) == size:
            break
    url = f"sqlite:///{folder / 'real.db'}"
    with Store.open(url) as store:
        for article in articles:
            raw = json.dumps(load_record(data, article.id), ensure_ascii=False).encode("utf-8")
            page = Page(article.page_id, article.source, raw, raw.decode(), "utf-8", "text")
            claims, mentions = extract_claims(article), find_mentions(article)
            store.record(page, article, claims=claims, mentions=mentions)
        dated = sorted(articles, key=lambda a: sort_time(a.published))
        story = Story(
            id="real-15",
            title=dated[0].title,
            article_ids=[a.id for a in dated],
            first_published=dated[0].published,
            last_published=dated[-1].published,
        )
        store.replace_stories([story])
    return url, story.id, " + ".join(f"`{e}`" for e in events)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _spread(values: Sequence[float]) -> str:
    return f"{_ms(statistics.median(values))} (max {_ms(max(values))})"


def table(timings: Sequence[Timing]) -> str:
    """The timings as a Markdown table."""
    rows = [
        "| story | articles | `story --markdown` cold (builds, stores) | warm, median (max) "
        "| story page, first GET | story page warm | `/api/stories/ID` warm "
        "| warm, new process, median (max) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in timings:
        spawned = _spread(t.subprocess_warm) if t.subprocess_warm else "—"
        rows.append(
            f"| {t.name} | {t.articles} | {_ms(t.cold)} | {_spread(t.warm)} "
            f"| {_ms(t.page_first)} | {_spread(t.page_warm)} | {_spread(t.api_warm)} "
            f"| {spawned} |"
        )
    return "\n".join(rows)


def docs_section(timings: Sequence[Timing], rounds: int, events: str | None, today: date) -> str:
    """The section of docs/benchmarks.md: what was run, how, the table, the verdict."""
    real = [t for t in timings if t.articles >= REAL_STORY_SIZE]
    worst = max((max(t.warm) for t in real), default=None)
    verdict = (
        "no 15-article story here (`../shared/stories` absent): goal not measured"
        if worst is None
        else f"slowest warm `story --markdown` of the {REAL_STORY_SIZE}-article story "
        f"{_ms(worst)}: goal (< {GOAL_S:.0f} s) {'met' if worst < GOAL_S else 'NOT met'}"
    )
    made = (
        ""
        if events is None
        else f" The real story is {REAL_STORY_SIZE} news-please records of `../shared/stories`"
        f" ({events}; read with `bench/compare.py`'s `to_article`, claims and mentions"
        " extracted and stored with each, written as one story)."
    )
    spawned = [max(t.subprocess_warm) for t in timings if t.subprocess_warm]
    imports = [t.import_cli for t in timings if t.import_cli is not None]
    startup = (
        ""
        if not spawned
        else f" A new process, what a user runs, takes at most {_ms(max(spawned))}"
        f" ({'met' if max(spawned) < GOAL_S else 'NOT met'} too): the interpreter's start,"
        f" `import newsweave.cli` ({_ms(min(imports))} in a new interpreter, best of three)"
        " and the command. The read path imports Typer, rich, SQLAlchemy and the report's"
        " data form only: no spaCy, scikit-learn, datasketch or Alembic, which an ingest, a"
        " report rebuild or a schema upgrade loads when it runs"
        " (`tests/test_startup.py` checks it)."
    )
    return "\n".join(
        [
            "## Story report speed",
            "",
            f"`python bench/report_speed.py --rounds {rounds} --write`, {today.isoformat()}:"
            " stored story reports (issue #18). `newsweave story ID --markdown` runs in-process"
            " through Typer's `CliRunner` on `newsweave.cli.app` (the command's own work: open"
            " the store, read the story and its report, render); *cold* is its first call on a"
            " store without the report, which builds and stores it, *warm* the calls after."
            " The web figures are FastAPI `TestClient` GETs on an app opened anew (the first"
            " reads the stored report), then again. *Warm, new process* is"
            " `python -m newsweave story ID --markdown` as a subprocess, the report stored,"
            f" {rounds} times: interpreter start and imports included. SQLite store; the"
            " sample story is the largest of"
            " `examples/pages`." + made,
            "",
            table(timings),
            "",
            f"Goal: warm under {GOAL_S:.0f} s for {REAL_STORY_SIZE} articles; {verdict}." + startup,
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Build the stores in a temporary folder, time each story, print (and write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="warm runs per measure")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the stories folder")
    parser.add_argument("--no-subprocess", action="store_true", help="skip the new-process run")
    parser.add_argument("--write", action="store_true", help="rewrite the docs section")
    args = parser.parse_args(argv)
    spawn = not args.no_subprocess
    timings: list[Timing] = []
    events: str | None = None
    with tempfile.TemporaryDirectory(prefix="newsweave-report-speed-") as tmp:
        folder = Path(tmp)
        url, story_id = sample_store(folder)
        timings.append(measure("examples/pages, largest", url, story_id, args.rounds, spawn=spawn))
        data = args.data.resolve()
        if (data / "articles").is_dir():
            url, story_id, events = real_store(folder, data)
            name = f"../shared/stories, {REAL_STORY_SIZE} records"
            timings.append(measure(name, url, story_id, args.rounds, spawn=spawn))
        else:
            print(f"{data}/articles is not here: the {REAL_STORY_SIZE}-article story is skipped")
    section = docs_section(timings, args.rounds, events, date.today())
    print(section)
    if args.write:
        write_docs(section, START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
