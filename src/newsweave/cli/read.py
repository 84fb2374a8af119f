"""Commands that read: extract (no store), stories, story, search, stats, rejected."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from newsweave.api import extract_paths, search_hit_dict
from newsweave.cli.common import (
    UNPRINTABLE_IN_TEXT,
    DbOption,
    JsonOption,
    ReferenceTime,
    app,
    chosen_settings,
    echo_json,
    friendly,
    open_store,
    out,
    plural,
    report_rejections,
    shown,
    visible,
)
from newsweave.models import Article, Rejection
from newsweave.story.render import report_to_markdown


@app.command("extract")
@friendly
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
    for item in extract_paths(paths, reference_time=reference_time, settings=chosen_settings()):
        if isinstance(item, Rejection):
            rejected.append(item)
            report_rejections([item])
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
        echo_json(collected)
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
            fields.add_row(name, shown(value))
    out.rule(f"[bold]{shown(article.title)}")
    out.print(fields)
    out.print()
    for paragraph in article.body:
        out.print(visible(paragraph, UNPRINTABLE_IN_TEXT), markup=False)
        out.print()
    if explain and article.dropped:
        dropped = Table(title="dropped lines", show_lines=False, expand=True)
        dropped.add_column("reason", style="yellow", no_wrap=True)
        dropped.add_column("line", overflow="fold")
        for line in article.dropped:
            dropped.add_row(line.reason, shown(line.text))
        out.print(dropped)


@app.command("stories")
@friendly
def stories_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the stories: their outlets, article count, first and last report."""
    with open_store(db) as nw:
        records = nw.story_summaries()
    if as_json:
        echo_json(records)
        return
    table = Table(title=plural(len(records), "story", "stories"), expand=True, show_lines=True)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("story and outlets", ratio=1)
    table.add_column("articles", justify="right")
    table.add_column("reported", no_wrap=True)
    for r in records:
        first, last = (r["first_published"] or "?")[:10], (r["last_published"] or "?")[:10]
        table.add_row(
            r["id"],
            f"[bold]{shown(r['title'])}[/]\n[dim]{shown(', '.join(r['outlets']))}[/]",
            str(len(r["articles"])),
            first if first == last else f"{first}\n{last}",
        )
    out.print(table)


@app.command("story")
@friendly
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
    with open_store(db) as nw:
        if as_json:
            echo_json(nw.report_dict(story_id))
            return
        report = nw.report(story_id)
    if as_markdown:
        typer.echo(report_to_markdown(report))
    else:
        from rich.markdown import Markdown  # markdown-it and Pygments: only for this

        out.print(Markdown(report_to_markdown(report)), soft_wrap=False)


@app.command("search")
@friendly
def search_command(
    query: Annotated[str, typer.Argument(help="Words to find in titles and bodies.")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over the stored articles."""
    with open_store(db) as nw:
        hits = nw.search(query, limit=limit)
        story_of = {h.article_id: nw.story_of(h.article_id) for h in hits}
    records = [search_hit_dict(h, story_of[h.article_id]) for h in hits]
    if as_json:
        echo_json(records)
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
            f"[bold]{shown(r['title'])}[/] [dim]{shown(r['outlet'] or '')}[/]\n"
            f"{shown(r['snippet'])}",
        )
    out.print(table)


@app.command("stats")
@friendly
def stats_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Count pages, articles, stories, claims and rejected inputs in the store."""
    with open_store(db) as nw:
        counts = nw.stats()
        url = nw.url
    if as_json:
        echo_json(counts)
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
@friendly
def rejected_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the inputs kept aside, with the reason each could not be used."""
    with open_store(db) as nw:
        rejections = nw.rejections()
    records = [{"source": r.source, "reason": r.reason, "detail": r.detail} for r in rejections]
    if as_json:
        echo_json(records)
        return
    table = Table(title=f"{len(records)} rejected inputs", expand=True)
    table.add_column("source", overflow="fold")
    table.add_column("reason", style="yellow", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for r in records:
        table.add_row(shown(r["source"]), r["reason"], shown(r["detail"]))
    out.print(table)
