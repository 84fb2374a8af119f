"""The README's tour shows what its commands really print (as sqlite-utils checks
its docs with cog): each ``console`` block's command is run, in order, in a
shell at the repository's root, on a fresh store, and its output compared
line by line with the block.

The tour's store and its folder of bad pages live under ``/tmp/tour`` in the
README; here under a folder of the test's own, named back in the output. After a
change that alters what a command prints, ``python tests/test_readme.py``
writes the new output into the README, for the diff to be read.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "pages"
TOUR = "/tmp/tour"
#: A console block: its command (one line after "$ ") and what it prints.
BLOCK_RE = re.compile(r"```console\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```", re.S)
#: The width the README's tables were printed at.
COLUMNS = "100"


def _blocks() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [(m["command"], m["output"]) for m in BLOCK_RE.finditer(text)]


def _tour(folder: Path) -> None:
    """The tour's folder of pages: the seed story's three pages, an empty file and an image."""
    pages = folder / "pages"
    pages.mkdir(parents=True)
    for name in (
        "000_c5fdda3d84432073.txt",
        "003_4beb73e1f1f1d2ca.txt",
        "004_bc8cf2809f61b329.txt",
    ):
        shutil.copy(SAMPLES / name, pages / name)
    (pages / "empty.txt").write_bytes(b"")
    (pages / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)


def _env(tour: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "NEWSWEAVE_DB": f"sqlite:///{tour}/news.db",
        "COLUMNS": COLUMNS,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for key in (
        "NEWSWEAVE_LANGUAGES",
        "NEWSWEAVE_EMBEDDER",
        "NEWSWEAVE_GROUPING",
        "NEWSWEAVE_OUTLETS",
    ):
        env.pop(key, None)
    return env


def _printed(command: str, tour: Path, env: dict[str, str]) -> str:
    """What ``command`` prints, stdout and stderr, the tour's folder named as in the README."""
    run = subprocess.run(
        ["bash", "-c", f"( {command.replace(TOUR, str(tour))} ) 2>&1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = run.stdout.replace(str(tour), TOUR).rstrip("\n").split("\n")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _runnable(command: str) -> bool:
    # A user's clone has no shared data.
    return "../shared/" not in command or (ROOT.parent / "shared").is_dir()


def test_the_tour_prints_what_the_readme_shows(tmp_path: Path) -> None:
    tour = tmp_path / "tour"
    _tour(tour)
    env = _env(tour)
    blocks = _blocks()
    assert len(blocks) >= 10
    checked = 0
    for command, shown in blocks:
        if not _runnable(command):
            continue
        printed = _printed(command, tour, env)
        want = "\n".join(line.rstrip() for line in shown.rstrip("\n").split("\n")) + "\n"
        assert printed == want, f"$ {command}\n--- printed ---\n{printed}"
        checked += 1
    assert checked >= 10


def rewrite(folder: Path) -> None:
    """Write what each tour command prints now into the README (``python tests/test_readme.py``)."""
    tour = folder / "tour"
    _tour(tour)
    env = _env(tour)
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")

    def fresh(match: re.Match[str]) -> str:
        command = match["command"]
        if not _runnable(command):
            return match[0]
        return f"```console\n$ {command}\n{_printed(command, tour, env)}```"

    readme.write_text(BLOCK_RE.sub(fresh, text), encoding="utf-8")


@pytest.mark.parametrize("command", [c for c, _ in _blocks()])
def test_every_tour_command_is_one_line(command: str) -> None:
    # One line each, so that the check above reads the command it runs.
    assert command.strip() and "\\" not in command[-1:]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        rewrite(Path(scratch))
