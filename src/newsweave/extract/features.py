"""Per-line features of a plain-text page dump, shared by training and extraction.

A scraped page's text is a column of blocks: menus, the headline, the article,
captions, related-story teasers, footers. What tells them apart is partly in the
line (length, punctuation, function words, timestamp and caption patterns) and
partly in its surroundings: where it sits relative to the headline, whether its
neighbours and its block are prose, whether it repeats, and whether it talks
about what the headline and the opening paragraphs talk about.

Extraction must keep up with a crawl (hundreds of pages a second on one core),
so character statistics are computed with numpy over the whole page at once,
context features are array shifts, and the slow furniture patterns only run on
lines that hold one of their trigger words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np

from newsweave.extract.dates import find_date
from newsweave.extract.lines import Line
from newsweave.extract.patterns import (
    BULLET_RE,
    BYLINE_RE,
    CAPTION_RE,
    CAPTION_WORDS,
    CREDIT_RE,
    CTA_RE,
    CTA_WORDS,
    RELATIVE_NUMBER_WORDS,
    RELATIVE_TIME_RE,
    RELATIVE_WORD_RE,
    SENTENCE_BREAK_RE,
    STOPWORDS,
    TAIL_HEADING_RE,
    TERMINALS,
    URL_WORDS,
    URLISH_RE,
    WORD_RE,
)

#: How far below the best headline score the chosen (earliest) headline may be.
TITLE_MARGIN = 0.3
#: Headline score bonus when a byline or a date line follows within ``BYLINE_REACH``
#: lines (a dek or a comment count may sit between).
BYLINE_BONUS = 0.3
BYLINE_REACH = 3
#: A timestamp line is short: the expression (at most ~30 characters) plus a little.
_RELATIVE_MAX_CHARS = 48
#: The longest of RELATIVE_WORD_RE's words ("aujourd'hui").
_RELATIVE_WORD_MAX_CHARS = 12
_DIGIT_RE = re.compile(r"\d")
_NUMBERED_RE = re.compile(r"\d{1,2}[.)] ")
#: Character classes, as bits in a lookup table indexed by code point.
_ALPHA, _UPPER, _DIGIT, _PUNCT, _SPACE = 1, 2, 4, 8, 16
#: Code points from here on (CJK, Hangul, emoji...) are all read as letters.
_TABLE_SIZE = 0x3000


def normalise(text: str) -> str:
    """A line's identity for repeat detection: case and spacing ignored."""
    return " ".join(text.lower().split())


def is_relative_time_line(text: str) -> bool:
    """A timestamp line: a relative time and little else ("2 jam lalu", "time26 minutes ago")."""
    if len(text) > _RELATIVE_MAX_CHARS:
        return False
    if len(text) <= _RELATIVE_WORD_MAX_CHARS and RELATIVE_WORD_RE.match(text):
        return True
    match = RELATIVE_TIME_RE.search(text)
    return match is not None and len(text) - (match.end() - match.start()) <= 16


def is_date_line(text: str, n_words: int) -> bool:
    """A short line carrying an absolute date ("February 27, 2025 | 06:38 pm")."""
    return n_words <= 10 and _DIGIT_RE.search(text) is not None and find_date(text) is not None


def _is_tail_heading(text: str, n_words: int) -> bool:
    """A heading over related stories, alone ("More Stories") or glued to a teaser."""
    match = TAIL_HEADING_RE.match(text)
    if match is None:
        return False
    return n_words <= 6 or text[match.end() :].lstrip().startswith(":")


#: Per-line flags from the line's text alone, in the order ``_line_facts`` returns them.
_FLAG_NAMES = [
    "relative_time",
    "date_line",
    "caption",
    "credit",
    "call_to_action",
    "tail_heading",
    "byline",
    "urlish",
    "bullet",
    "prose",
    "headline",
]


@dataclass(slots=True)
class _Facts:
    """What the per-line pass learns about each line of a page."""

    keys: list[str]
    contents: list[set[str]]
    n_words: np.ndarray
    stopwords: np.ndarray
    sentences: np.ndarray
    #: (n, len(_FLAG_NAMES) + 2) of 0/1: the flags, then "ends terminal" and "ends with colon".
    flags: np.ndarray

    def flag(self, name: str) -> np.ndarray:
        return self.flags[:, _FLAG_NAMES.index(name)]


def _line_facts(texts: list[str]) -> _Facts:
    """Words, content words and furniture flags of each line: the one per-line Python loop."""
    keys: list[str] = []
    contents: list[set[str]] = []
    counts: list[tuple[int, int, int]] = []
    flags: list[tuple[bool, ...]] = []
    is_stop = STOPWORDS.__contains__
    for text in texts:
        low = text.lower()
        words = WORD_RE.findall(low)
        nw = len(words)
        vocab = set(words)
        keys.append(" ".join(low.split()))
        contents.append({w[:5] for w in vocab - STOPWORDS if len(w) > 3 and not w.isdigit()})
        breaks = len(SENTENCE_BREAK_RE.findall(text)) if nw >= 4 else 0
        counts.append((nw, sum(map(is_stop, words)), breaks))
        has_digit = _DIGIT_RE.search(text) is not None
        # Each slow pattern runs only where one of the words it needs is present.
        relative_time = len(text) <= _RELATIVE_MAX_CHARS and (
            (len(text) <= _RELATIVE_WORD_MAX_CHARS and RELATIVE_WORD_RE.match(text) is not None)
            or (
                (has_digit or not vocab.isdisjoint(RELATIVE_NUMBER_WORDS))
                and is_relative_time_line(text)
            )
        )
        date_line = nw <= 10 and has_digit and find_date(text) is not None
        caption = not vocab.isdisjoint(CAPTION_WORDS) and CAPTION_RE.search(text) is not None
        credit = nw <= 12 and ":" in text and CREDIT_RE.match(text) is not None
        cta = (not vocab.isdisjoint(CTA_WORDS) or "©" in text) and CTA_RE.search(text) is not None
        furniture = relative_time or date_line or caption or credit or (cta and nw <= 12)
        end = text[-1]
        flags.append(
            (
                relative_time,
                date_line,
                caption,
                credit,
                cta,
                (nw <= 6 or ":" in text) and _is_tail_heading(text, nw),
                nw <= 14 and BYLINE_RE.match(text) is not None,
                (not vocab.isdisjoint(URL_WORDS) or "@" in text)
                and URLISH_RE.search(text) is not None,
                BULLET_RE.match(text) is not None,
                nw >= 12 and (end in TERMINALS or breaks > 0) and not furniture,
                3 <= nw <= 30 and len(text) <= 250 and end != ":" and not furniture,
                end in TERMINALS,
                end == ":",
            )
        )
    numbers = np.array(counts, dtype=np.float32).reshape(-1, 3)
    return _Facts(
        keys,
        contents,
        numbers[:, 0],
        numbers[:, 1],
        numbers[:, 2],
        np.array(flags, dtype=np.float32).reshape(-1, len(_FLAG_NAMES) + 2),
    )


def headline_among(page: PageFeatures, allowed: np.ndarray) -> int | None:
    """The headline ``page.title`` would be if only the ``allowed`` lines could be it."""
    return _find_title(page.facts, allowed)


def _find_title(facts: _Facts, allowed: np.ndarray | None = None) -> int | None:
    """Score early headline-like lines by how much the prose after them talks about them.

    Each candidate is scored by how many of its content words the next prose
    lines use, with bonuses for being printed twice (sites often repeat the
    headline) and for heading much prose, and a penalty for running long (a
    standfirst is longer than its headline).
    """
    keys, contents, n_words = facts.keys, facts.contents, facts.n_words
    n = len(keys)
    counts = Counter(keys)
    prose_at = np.flatnonzero(facts.flag("prose")).tolist()
    headline = facts.flag("headline") if allowed is None else facts.flag("headline") * allowed
    signed = (facts.flag("byline") > 0) | (facts.flag("date_line") > 0)
    scored: list[tuple[int, float]] = []
    p = 0
    for i in range(min(n, max(20, int(n * 0.7)))):
        if not headline[i] or len(contents[i]) < 2 or _in_numbered_list(keys, i):
            continue
        while p < len(prose_at) and prose_at[p] <= i:
            p += 1
        key = keys[i]
        following: set[str] = set()
        prose_words = 0.0
        for j in prose_at[p:]:
            if j >= i + 25:
                break
            if keys[j] != key:
                following |= contents[j]
                prose_words += n_words[j]
        if not following:
            continue
        overlap = len(contents[i] & following) / len(contents[i])
        if overlap < 0.3:
            continue
        score = (
            overlap
            + (0.25 if counts[key] > 1 else 0.0)
            + 0.1 * min(prose_words / 100, 3.0)
            + (BYLINE_BONUS if signed[i + 1 : i + 1 + BYLINE_REACH].any() else 0.0)
            - 0.02 * max(0.0, n_words[i] - 20)
        )
        scored.append((i, score))
    if not scored:
        return None
    best = max(score for _, score in scored)
    # Teasers below the article can outscore the headline (each sits on its own
    # summary); the headline is the first line that scores near the best.
    return next(i for i, score in scored if score >= best - TITLE_MARGIN)


def _in_numbered_list(keys: list[str], i: int) -> bool:
    """A numbered item next to another: a breadcrumb ("1. Home", "2. News") or a list."""
    return _NUMBERED_RE.match(keys[i]) is not None and any(
        0 <= j < len(keys) and _NUMBERED_RE.match(keys[j]) is not None for j in (i - 1, i + 1)
    )


@cache
def _char_table() -> np.ndarray:
    table = np.zeros(_TABLE_SIZE + 1, dtype=np.uint8)
    for cp in range(_TABLE_SIZE):
        c = chr(cp)
        table[cp] = (
            _ALPHA * c.isalpha()
            | _UPPER * c.isupper()
            | _DIGIT * c.isdigit()
            | _SPACE * c.isspace()
            | _PUNCT * (not c.isalnum() and not c.isspace())
        )
    table[_TABLE_SIZE] = _ALPHA
    return table


#: Names of the per-line features, in column order (stored with the model).
BASE_FEATURES = [
    "log_chars",
    "log_words",
    "ends_terminal",
    "ends_colon",
    "upper_ratio",
    "digit_ratio",
    "punct_ratio",
    "titlecase_ratio",
    "stopword_ratio",
    "log_sentences",
    *_FLAG_NAMES,
    "separators",
    "log_repeats",
    "repeat_nearby",
    "is_title",
    "title_overlap",
    "core_overlap",
    "blank_before",
    "blank_after",
    "mean_word_len",
    "log_commas",
]
_CONTEXT_COLUMNS = [
    "log_chars",
    "ends_terminal",
    "stopword_ratio",
    "relative_time",
    "log_repeats",
    "core_overlap",
    "title_overlap",
    "prose",
    "headline",
    "caption",
]
_OFFSETS = (-3, -2, -1, 1, 2, 3)
GLOBAL_FEATURES = [
    "rel_position",
    "rel_char_position",
    "before_title",
    "title_distance",
    "tail_headings_after_title",
    "relative_times_after_title",
    "prose_share_before",
    "prose_window_3",
    "prose_window_10",
    "chars_window_3",
    "core_window_5",
    "page_log_lines",
    "lines_to_prev_prose",
    "lines_to_next_prose",
    # The block (lines between blank lines) and the run of prose lines a line is in.
    "block_log_lines",
    "block_log_chars",
    "block_prose_share",
    "block_core_overlap",
    "block_position",
    "prose_run_log_lines",
    "prose_run_log_chars",
    "prose_run_share_before",
]
FEATURE_NAMES = [
    *BASE_FEATURES,
    *(f"{c}@{o:+d}" for o in _OFFSETS for c in _CONTEXT_COLUMNS),
    *GLOBAL_FEATURES,
]
COLUMN = {name: k for k, name in enumerate(FEATURE_NAMES)}


@dataclass(slots=True)
class PageFeatures:
    """A page's feature matrix, its headline and the per-line facts later passes reuse."""

    matrix: np.ndarray
    title: int | None
    #: Block (run of lines between blank lines) of each line.
    blocks: np.ndarray
    #: What the per-line pass found (words, flags): later passes and the headline search reuse it.
    facts: _Facts

    @property
    def keys(self) -> list[str]:
        """Each line's identity for repeat detection (:func:`normalise`)."""
        return self.facts.keys

    @property
    def contents(self) -> list[set[str]]:
        """Each line's content words, cut to their first five letters."""
        return self.facts.contents

    def column(self, name: str) -> np.ndarray:
        """One feature's values, by name."""
        return self.matrix[:, COLUMN[name]]


def featurize_page(lines: list[Line]) -> PageFeatures:
    """Every line's feature vector (columns ``FEATURE_NAMES``) with the page's headline."""
    n = len(lines)
    texts = [line.text for line in lines]
    facts = _line_facts(texts)
    title = _find_title(facts)
    keys, contents = facts.keys, facts.contents
    prose = facts.flag("prose")

    title_content = contents[title] if title is not None else set()
    core = set(title_content)
    for j in np.flatnonzero(prose[title + 1 if title is not None else 0 :])[:5]:
        core |= contents[j + (title + 1 if title is not None else 0)]
    title_overlap = np.array(
        [len(c & title_content) / len(title_content) if title_content else 0.0 for c in contents],
        dtype=np.float32,
    )
    core_overlap = np.array(
        [len(c & core) / len(c) if c else 0.0 for c in contents], dtype=np.float32
    )

    # Character statistics over the whole page at once: one code-point array,
    # per-line sums at the line starts.
    chars = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(chars[:-1] + 1, out=starts[1:])
    points = np.frombuffer("\n".join(texts).encode("utf-32-le"), dtype=np.uint32)
    classes = _char_table()[np.minimum(points, _TABLE_SIZE)]

    def per_line(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask.astype(np.int32), starts).astype(np.float32)

    letters = np.maximum(per_line(classes & _ALPHA), 1)
    upper = classes & _UPPER
    token_start = (classes & _SPACE) == 0
    token_start[1:] &= (classes[:-1] & _SPACE) != 0
    tokens = per_line(token_start)
    slash = points == 47
    slash[1:-1] &= (points[:-2] == 32) & (points[2:] == 32)
    separators = per_line((points == 124) | (points == 187) | (points == 8250) | slash)
    word_chars = per_line((classes & (_ALPHA | _DIGIT)) != 0)

    key_ids = np.array(_ids(keys), dtype=np.int64)
    counts = np.bincount(key_ids)[key_ids]
    nearby = np.zeros(n, dtype=bool)
    for gap in (1, 2):
        same = key_ids[gap:] == key_ids[:-gap]
        nearby[gap:] |= same
        nearby[:-gap] |= same

    n_words = facts.n_words
    blank_before = np.fromiter((x.blank_before for x in lines), dtype=bool, count=n)
    base = np.column_stack(
        [
            np.log1p(chars),
            np.log1p(n_words),
            facts.flags[:, -2:],
            per_line(upper != 0) / letters,
            per_line(classes & _DIGIT) / chars,
            per_line(classes & _PUNCT) / chars,
            per_line(token_start & (upper != 0)) / np.maximum(tokens, 1),
            facts.stopwords / np.maximum(n_words, 1),
            np.log1p(facts.sentences),
            facts.flags[:, :-2],
            separators,
            np.log(counts),
            nearby,
            (key_ids == key_ids[title]) if title is not None else np.zeros(n),
            title_overlap,
            core_overlap,
            blank_before,
            [x.blank_after for x in lines],
            word_chars / np.maximum(n_words, 1),
            np.log1p(per_line(points == 44)),
        ]
    ).astype(np.float32)

    cols = [COLUMN[c] for c in _CONTEXT_COLUMNS]
    context = [shift(base[:, cols], offset) for offset in _OFFSETS]

    index = np.arange(n, dtype=np.float32)
    after_title = index > (title if title is not None else -1)
    prose_chars = chars * prose
    blocks = np.cumsum(blank_before) - 1
    block_lines = np.bincount(blocks)
    block_chars = np.bincount(blocks, chars)
    runs, run_lines, run_chars = _runs(prose, chars)
    glob = np.column_stack(
        [
            index / max(n - 1, 1),
            (np.cumsum(chars) - chars) / max(chars.sum(), 1),
            ~after_title if title is not None else np.zeros(n, dtype=bool),
            np.clip(index - title, -30, 300) if title is not None else np.full(n, -31.0),
            np.cumsum(facts.flag("tail_heading") * after_title),
            np.cumsum(facts.flag("relative_time") * after_title),
            (np.cumsum(prose_chars) - prose_chars) / max(float(prose_chars.sum()), 1.0),
            window_mean(prose, 3),
            window_mean(prose, 10),
            window_mean(base[:, COLUMN["log_chars"]], 3),
            window_mean(core_overlap, 5),
            np.full(n, np.log1p(n)),
            distance_to(prose, backwards=True),
            distance_to(prose, backwards=False),
            np.log(block_lines)[blocks],
            np.log1p(block_chars)[blocks],
            (np.bincount(blocks, prose) / block_lines)[blocks],
            (np.bincount(blocks, core_overlap) / block_lines)[blocks],
            index - np.searchsorted(blocks, blocks),
            np.log1p(run_lines),
            np.log1p(run_chars),
            runs,
        ]
    ).astype(np.float32)
    matrix = np.hstack([base, *context, glob])
    return PageFeatures(matrix, title, blocks, facts)


def featurize(lines: list[Line]) -> tuple[np.ndarray, int | None]:
    """The feature matrix (one row per line, columns ``FEATURE_NAMES``) and the title index."""
    page = featurize_page(lines)
    return page.matrix, page.title


def _ids(keys: list[str]) -> list[int]:
    seen: dict[str, int] = {}
    return [seen.setdefault(key, len(seen)) for key in keys]


def _runs(flags: np.ndarray, chars: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each flagged line: the share of prose runs before its own, its run's lines and chars.

    Unflagged lines get zeros.
    """
    on = flags > 0
    starts = on.copy()
    starts[1:] &= ~on[:-1]
    run = np.cumsum(starts) - 1
    total = max(int(starts.sum()), 1)
    lines = np.zeros(len(flags), dtype=np.float32)
    size = np.zeros(len(flags), dtype=np.float32)
    if on.any():
        ids = run[on]
        lines[on] = np.bincount(ids)[ids]
        size[on] = np.bincount(ids, chars[on])[ids]
    return np.where(on, run / total, 0.0), lines, size


def shift(values: np.ndarray, offset: int, fill: float = -1.0) -> np.ndarray:
    """``values`` moved ``offset`` rows (row i gets row i+offset), ``fill`` past the ends."""
    out = np.full(values.shape, fill, dtype=np.float32)
    n = len(values)
    if offset < 0 and n > -offset:
        out[-offset:] = values[:offset]
    elif offset > 0 and n > offset:
        out[:-offset] = values[offset:]
    return out


def distance_to(flags: np.ndarray, *, backwards: bool, cap: int = 20) -> np.ndarray:
    """Lines from each line to the nearest earlier (or later) flagged line, capped."""
    n = len(flags)
    index = np.arange(n)
    if backwards:
        seen = np.maximum.accumulate(np.where(flags > 0, index, -(10**6)))
        nearest = np.concatenate([[-(10**6)], seen[:-1]])
        distance = index - nearest
    else:
        seen = np.minimum.accumulate(np.where(flags > 0, index, 10**6)[::-1])[::-1]
        nearest = np.concatenate([seen[1:], [10**6]])
        distance = nearest - index
    return np.minimum(distance, cap).astype(np.float32)


def furniture_mask(features: np.ndarray) -> np.ndarray:
    """Lines whose pattern alone marks them as page furniture, never article text.

    Timestamps, date lines, photo captions and credits, short calls to action
    and related-content headings: the segmenter's score for these is capped.
    """
    short = features[:, COLUMN["log_words"]] <= np.log1p(12)
    return (
        (features[:, COLUMN["relative_time"]] > 0)
        | (features[:, COLUMN["caption"]] > 0)
        | (features[:, COLUMN["credit"]] > 0)
        | (features[:, COLUMN["tail_heading"]] > 0)
        | (features[:, COLUMN["date_line"]] > 0)
        | ((features[:, COLUMN["call_to_action"]] > 0) & short)
    )


def window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of ``values`` over a window of ``radius`` lines either side (clipped at the ends)."""
    n = len(values)
    sums = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    lo = np.clip(np.arange(n) - radius, 0, n)
    hi = np.clip(np.arange(n) + radius + 1, 0, n)
    return ((sums[hi] - sums[lo]) / (hi - lo)).astype(np.float32)


#: Second-pass features: what the first pass thinks of a line, its neighbours, its block
#: and the body it found (stacking: the second pass sees the first pass's whole page).
STACK_FEATURES = [
    "p1",
    *(f"p1@{o:+d}" for o in _OFFSETS),
    "p1_window_2",
    "p1_window_5",
    "p1_window_15",
    "p1_block_mean",
    "p1_block_max",
    "before_body",
    "after_body",
    "body_distance",
    "body_chars_before",
    "body_coherence",
    "body_log_lines",
    "lines_to_prev_body",
    "lines_to_next_body",
    "furniture_since_body",
]


def stack_features(page: PageFeatures, first: np.ndarray) -> np.ndarray:
    """The second pass's extra columns (``STACK_FEATURES``) from first-pass probabilities."""
    n = len(first)
    first = first.astype(np.float32)
    body = first > 0.5
    index = np.arange(n)
    at = np.flatnonzero(body)
    if len(at):
        lo, hi = at[0], at[-1]
        distance = np.where(index < lo, index - lo, np.where(index > hi, index - hi, 0))
    else:
        lo, hi = n, -1
        distance = np.full(n, -50)
    chars = np.exp(page.column("log_chars")) - 1
    body_chars = chars * body
    before = (np.cumsum(body_chars) - body_chars) / max(float(body_chars.sum()), 1.0)
    counts: Counter[str] = Counter()
    for i in at:
        counts.update(page.contents[i])
    # The share of a line's content words the body uses (other body lines, for a body line).
    elsewhere = {w for w, c in counts.items() if c > 1}
    seen = counts.keys()
    coherence = np.array(
        [
            len(c & (elsewhere if b else seen)) / len(c) if c else 0.0
            for c, b in zip(page.contents, body.tolist(), strict=True)
        ],
        dtype=np.float32,
    )
    blocks = page.blocks
    block_lines = np.bincount(blocks)
    block_max = np.zeros(len(block_lines), dtype=np.float32)
    np.maximum.at(block_max, blocks, first)
    return np.column_stack(
        [
            first,
            *(shift(first, o) for o in _OFFSETS),
            window_mean(first, 2),
            window_mean(first, 5),
            window_mean(first, 15),
            (np.bincount(blocks, first) / block_lines)[blocks],
            block_max[blocks],
            index < lo,
            index > hi,
            np.clip(distance, -50, 50),
            before,
            coherence,
            np.full(n, np.log1p(len(at))),
            distance_to(body, backwards=True),
            distance_to(body, backwards=False),
            np.cumsum(furniture_mask(page.matrix) & (index > lo)),
        ]
    ).astype(np.float32)
