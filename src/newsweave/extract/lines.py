"""The lines of a plain-text page dump, as the segmenter reads them.

A dump is a column of blocks, one line each, but not always: an old table
layout renders its columns side by side (a menu cell, spaces, an article
sentence), and some pages render every paragraph as one giant line. Such lines
are split into cells or sentence runs (:class:`Line` ``piece``), read article
column first, and joined again in the body (:func:`paragraphs`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsweave.extract.patterns import TERMINALS


@dataclass(slots=True)
class Line:
    """One non-blank line of a text page, with its place in the page."""

    text: str
    number: int
    blank_before: bool
    blank_after: bool
    #: A cell of a table layout's row or a run of a giant line's sentences.
    piece: bool = False


def split_lines(text: str, *, cut_long: bool = False) -> list[Line]:
    """The page's non-blank lines, stripped, remembering blank lines around them.

    A table layout renders its columns side by side (a menu cell, spaces, an article
    sentence, an advert): those lines are split into cells, and where such rows run
    together the article's column is read before the cells beside it. With
    ``cut_long``, a line longer than a long paragraph (a page whose paragraphs render
    as one) is cut into paragraph-sized runs of sentences. Pieces keep their line's
    number, so a body can join them again (:func:`paragraphs`).
    """
    raw = [value.strip() for value in text.splitlines()]
    last = len(raw) - 1
    gapped = [n for n, value in enumerate(raw) if "  " in value or "\t" in value]
    rows = {n: row for n in gapped if len(row := _cells(raw[n])) > 1}
    if not rows and not cut_long:  # most pages: every line as it is
        return [
            Line(value, n, n == 0 or not raw[n - 1], n == last or not raw[n + 1])
            for n, value in enumerate(raw)
            if value
        ]
    cells = [rows.get(n) or ([value] if value else []) for n, value in enumerate(raw)]
    order: list[tuple[int, str]] = []
    for start, end in _layout_runs(sorted(rows), len(raw)):
        run = [(n, value) for n in range(start, end) for value in cells[n]]
        if len(run) > 1:
            order.extend(cell for cell in run if _prose(cell[1]))
            order.extend(cell for cell in run if not _prose(cell[1]))
        else:
            order.extend(run)
    lines: list[Line] = []
    for number, value in order:
        pieces = _chunks(value) if cut_long else [value]
        giant = len(pieces) > 1
        # A cell read out of its row's order starts a block of its own.
        moved = bool(lines) and lines[-1].number not in (number, number - 1)
        before = number == 0 or not raw[number - 1] or moved
        after = number == last or not raw[number + 1]
        piece = giant or len(cells[number]) > 1
        for k, text in enumerate(pieces):
            first, final = k == 0, k == len(pieces) - 1
            lines.append(
                Line(text, number, giant or (before and first), giant or (after and final), piece)
            )
    return lines


#: HTML collapses runs of spaces, so in a render two or more spaces (or a tab) inside a
#: line are a table's column gap: a menu cell beside an article's sentence.
_CELL_GAP_RE = re.compile(r"\s{2,}")
#: A row of a data table (scores, prices) has many short cells and stays one line; a
#: layout row has at most three, one of them prose.
_LAYOUT_MAX_CELLS = 3
_PROSE_CELL_WORDS = 8
#: Rows of one layout table: split rows at most this many lines apart.
_LAYOUT_GAP = 3
#: With ``cut_long``, a line longer than this is cut into runs of sentences of at
#: least ``_CHUNK_WORDS`` words (one of the development pages' gold paragraphs has
#: 300 words, 18 have more than 150).
LONG_LINE_WORDS = 150
_CHUNK_WORDS = 80
_SENTENCE_END_RE = re.compile(r"[.!?。！？][\"”’')»]*(\s+)(?=[\"“‘'(«]?[A-ZÀ-ÖØ-ÞА-Я0-9])")


def _cells(line: str) -> list[str]:
    if "  " not in line and "\t" not in line:
        return [line]
    cells = _CELL_GAP_RE.split(line)
    if len(cells) > _LAYOUT_MAX_CELLS or max(len(c.split()) for c in cells) < _PROSE_CELL_WORDS:
        return [line]
    return cells


def _prose(cell: str) -> bool:
    return len(cell.split()) >= _PROSE_CELL_WORDS or cell[-1] in TERMINALS


def _layout_runs(split: list[int], n_lines: int) -> list[tuple[int, int]]:
    """Ranges of lines covering the page: a layout table's rows (``split``: the lines
    split into cells), and single lines between."""
    runs: list[tuple[int, int]] = []
    at = 0
    i = 0
    while i < len(split):
        j = i
        while j + 1 < len(split) and split[j + 1] - split[j] <= _LAYOUT_GAP:
            j += 1
        runs.extend((n, n + 1) for n in range(at, split[i]))
        runs.append((split[i], split[j] + 1))
        at = split[j] + 1
        i = j + 1
    runs.extend((n, n + 1) for n in range(at, n_lines))
    return runs


def _chunks(text: str) -> list[str]:
    # Words are at least two characters apart, so most lines need no count.
    if len(text) <= 2 * LONG_LINE_WORDS or len(text.split()) <= LONG_LINE_WORDS:
        return [text]
    chunks: list[str] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        if len(text[start : match.start(1)].split()) >= _CHUNK_WORDS:
            chunks.append(text[start : match.start(1)])
            start = match.end(1)
    chunks.append(text[start:])
    return chunks


def paragraphs(lines: list[Line], chosen: list[int]) -> list[str]:
    """The texts of ``lines[i]`` for ``i`` in ``chosen``, pieces of one line joined again."""
    out: list[str] = []
    previous: Line | None = None
    for i in chosen:
        line = lines[i]
        if previous is not None and previous.number == line.number and lines[i - 1] is previous:
            out[-1] += " " + line.text
        else:
            out.append(line.text)
        previous = line
    return out
