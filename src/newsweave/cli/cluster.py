"""``newsweave cluster``: group a stream of JSON Lines records, no store."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from newsweave.cli.common import (
    EmbedderOption,
    app,
    chosen_embedder,
    err,
    friendly,
    shown,
)
from newsweave.errors import NewsweaveError


@app.command("cluster")
@friendly
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

    encoder = chosen_embedder(embedder)
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
                err.print(f"[red]rejected[/] {shown(file)}:{placed.line}: {shown(why)}")
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
