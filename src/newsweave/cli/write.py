"""Commands that write the store: ingest, fetch, batch, recluster."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from newsweave.cli.common import (
    DbOption,
    EmbedderOption,
    GroupingOption,
    ReferenceTime,
    app,
    chosen_embedder,
    chosen_settings,
    friendly,
    open_store,
    out,
    plural,
    print_report,
    progress_bar,
    report_bar,
    short_path,
    shown,
)
from newsweave.errors import NewsweaveError


@app.command("ingest")
@friendly
def ingest_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or globs.")],
    db: DbOption = None,
    reference_time: ReferenceTime = None,
    embedder: EmbedderOption = None,
    grouping: GroupingOption = None,
) -> None:
    """Read pages, extract their articles and claims, store them and group stories.

    Pages already stored (same bytes) are skipped. Inputs that hold no article
    are kept in the store with the reason; the exit status is 1 if any were.
    """
    with open_store(db, embedder, grouping) as nw, progress_bar() as bar:
        task = bar.add_task("ingesting", total=None)

        def advance(path: Path | None, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=short_path(path))

        report = nw.ingest(
            paths,
            reference_time=reference_time,
            progress=advance,
            report_progress=report_bar(bar),
        )
    print_report(report)


@app.command("recluster")
@friendly
def recluster_command(
    db: DbOption = None,
    since: Annotated[
        datetime | None, typer.Option("--since", help="Only articles published since then.")
    ] = None,
    embedder: EmbedderOption = None,
    grouping: GroupingOption = None,
) -> None:
    """Rebuild the stories from the stored articles, and the reports of those that changed."""
    with open_store(db, embedder, grouping) as nw, progress_bar() as bar:
        stories = nw.recluster(since=since, report_progress=report_bar(bar))
    out.print(f"{plural(len(stories), 'story', 'stories')}.")


def _private_hosts(values: list[str] | None) -> list[str] | None:
    from newsweave.fetch.addresses import Allowance

    try:
        Allowance(hosts=values or ())
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return values


@app.command("fetch")
@friendly
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
    grouping: GroupingOption = None,
) -> None:
    """Fetch pages (politely: robots.txt, rate limit, size cap) and ingest them."""
    from newsweave.fetch import fetch_pages

    with open_store(db, embedder, grouping) as nw:
        nw.embedder  # noqa: B018 - loaded before fetching, so that a bad one fails first
        pages = fetch_pages(
            urls,
            fetch_items=items,
            allow_private=allow_private,
            private_hosts=private_hosts or (),
            rate_per_host=rate,
            max_bytes=nw.settings.max_page_bytes,
        )
        with progress_bar() as bar:
            report = nw.ingest_pages(pages, report_progress=report_bar(bar))
    print_report(report)


@app.command("batch")
@friendly
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
    grouping: GroupingOption = None,
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
    encoder = chosen_embedder(embedder)
    with progress_bar() as bar:
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
            settings=chosen_settings(db, grouping),
        )
    stored = "" if report.stored is None else f", {report.stored} newly stored"
    out.print(
        f"{report.partitions} partitions ({report.skipped} already done), "
        f"[bold]{report.pages}[/] pages: {report.articles} articles{stored}, "
        f"[{'red' if report.rejected else 'green'}]{report.rejected}[/] rejected; "
        f"{plural(report.stories, 'story', 'stories')} in {report.seconds:.1f} s -> "
        f"{shown(str(report.out_dir))}"
    )
    raise typer.Exit(1 if report.rejected else 0)
