"""Finding the files a user meant: paths as given, folders walked, globs expanded.

Paths come out lazily and in a fixed order (folders sorted by name, depth
first), so that a run over 100,000 files starts at once, never holds the list,
and reads the same files in the same order every time.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsweave.models import Rejection, safe_text

_GLOB_CHARS = frozenset("*?[")


def discover(paths: Iterable[str | Path]) -> Iterator[Path | Rejection]:
    """Yield each file under ``paths``, or a ``Rejection`` for what cannot be read.

    Files are yielded as given, hidden or not; folders are walked recursively,
    skipping hidden entries (``.git``); a path that does not exist but holds
    ``*``, ``?`` or ``[]`` is expanded as a glob (``**`` crosses folders). Each
    file is yielded once even when several arguments reach it.
    """
    seen: set[str] = set()
    for given in paths:
        text = str(given)
        if not os.path.lexists(text) and _GLOB_CHARS & set(text):
            found = _glob(text)
        else:
            found = _expand(Path(given))
        for item in found:
            if isinstance(item, Path):
                key = str(item.absolute())
                if key in seen:
                    continue
                seen.add(key)
            yield item


def _rejected(path: Path | str, detail: str) -> Rejection:
    # A name that is not UTF-8 would fail to be stored or printed: keep it escaped.
    return Rejection(safe_text(str(path)), "unreadable", detail)


def _glob(pattern: str) -> Iterator[Path | Rejection]:
    # Path.glob cannot take an absolute pattern; glob.glob can.
    matches = sorted(glob.glob(pattern, recursive=True))  # noqa: PTH207
    if not matches:
        yield _rejected(pattern, "no files match this pattern")
    for match in matches:
        yield from _expand(Path(match))


def _expand(path: Path) -> Iterator[Path | Rejection]:
    try:
        mode = path.stat().st_mode
    except OSError as error:
        yield _rejected(path, _why(path, error))
        return
    if stat.S_ISDIR(mode):
        yield from _walk(path, set())
    elif stat.S_ISREG(mode):
        yield path
    else:
        yield _rejected(path, "not a regular file or folder")


def _why(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    # os.path.islink, unlike Path.is_symlink on 3.11, never raises.
    if os.path.islink(path):  # noqa: PTH114
        return "broken symbolic link"
    return error.strerror or str(error)


def _walk(folder: Path, visited: set[tuple[int, int]]) -> Iterator[Path | Rejection]:
    """Depth-first, by name; ``visited`` stops symbolic links from looping."""
    try:
        info = folder.stat()
        identity = (info.st_dev, info.st_ino)
        if identity in visited:
            return
        visited.add(identity)
        with os.scandir(folder) as listing:
            entries = sorted(
                (entry for entry in listing if not entry.name.startswith(".")),
                key=lambda entry: entry.name,
            )
    except OSError as error:
        yield _rejected(folder, f"cannot list folder: {error.strerror}")
        return
    # DirEntry knows each entry's type from the listing, sparing a stat per file.
    for entry in entries:
        # is_dir() and is_file() stat a symbolic link's target, which can fail
        # (a loop, a vanished file): that entry is rejected, its neighbours read.
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError as error:
            yield _rejected(entry.path, _why(Path(entry.path), error))
            continue
        if is_dir:
            yield from _walk(Path(entry.path), visited)
        elif is_file:
            yield Path(entry.path)
        else:
            yield from _expand(Path(entry.path))
