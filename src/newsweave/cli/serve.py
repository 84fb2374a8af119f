"""``newsweave serve``: the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from newsweave.cli.common import (
    DbOption,
    app,
    chosen_settings,
    friendly,
    out,
)


@app.command("serve")
@friendly
def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
) -> None:
    """Serve the web app and the REST API (/api, docs at /docs) until interrupted.

    Write endpoints need NEWSWEAVE_TOKEN set here and sent as a bearer token.
    """
    from newsweave.web import serve

    settings = chosen_settings(db)
    out.print(f"Serving newsweave on [bold]http://{host}:{port}/[/] (Ctrl+C to stop)")
    serve(db, host=host, port=port, settings=settings)
