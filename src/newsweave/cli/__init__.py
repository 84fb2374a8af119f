"""The ``newsweave`` command: a thin layer over :class:`newsweave.Newsweave`.

Human output goes through rich; ``--json``/``--jsonl`` output is plain JSON on
stdout so it pipes into ``jq``. Errors are one line on stderr, never a
traceback (set ``NEWSWEAVE_DEBUG=1`` to see one).
"""

from __future__ import annotations

import os
import sys

from newsweave.cli.common import app, err, shown

# Imported for the commands they register, in the order --help lists them.
# isort: off
from newsweave.cli import write, read, serve, cluster  # noqa: F401
# isort: on


def main() -> None:
    """Entry point: run the app, turning an unexpected crash into one line."""
    try:
        app()
    except Exception as exc:  # a bug, not bad input: say so without a traceback
        if os.environ.get("NEWSWEAVE_DEBUG"):
            raise
        err.print(
            f"[red]Internal error:[/] {type(exc).__name__}: {shown(str(exc))}\n"
            "Set NEWSWEAVE_DEBUG=1 to see the traceback, and please report it."
        )
        sys.exit(3)
