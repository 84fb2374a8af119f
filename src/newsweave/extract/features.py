"""Per-line features of a plain-text page dump, shared by training and extraction.

A scraped page's text is a column of blocks: menus, the headline, the article,
captions, related-story teasers, footers. What tells them apart is partly in the
line (length, punctuation, function words, timestamp and caption patterns) and
partly in its surroundings: where it sits relative to the headline, whether its
neighbours are prose, whether it repeats, and whether it talks about what the
headline and the opening paragraphs talk about. Each line gets a vector of both.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from newsweave.extract.dates import find_date
from newsweave.extract.patterns import (
    BULLET_RE,
    BYLINE_RE,
    CAPTION_RE,
    CREDIT_RE,
    CTA_RE,
    RELATIVE_TIME_RE,
    RELATIVE_WORD_RE,
    SENTENCE_BREAK_RE,
    STOPWORDS,
    TAIL_HEADING_RE,
    TERMINALS,
    URLISH_RE,
    WORD_RE,
)

#: Only the start of a very long line is inspected for character profiles: it is enough.
_PREFIX = 240
_SPACES_RE = re.compile(r"\s+")
#: How far below the best headline score the chosen (earliest) headline may be.
TITLE_MARGIN = 0.3
#: A timestamp line is short: the expression (at most ~30 characters) plus a little.
_RELATIVE_MAX_CHARS = 48
_DIGIT_RE = re.compile(r"\d")
_PUNCT_RE = re.compile(r"[^\w\s]")


@dataclass(slots=True)
class Line:
    """One non-blank line of a text page, with its place in the page."""

    text: str
    number: int
    blank_before: bool
    blank_after: bool


def split_lines(text: str) -> list[Line]:
    """The page's non-blank lines, stripped, remembering blank lines around them."""
    raw = text.splitlines()
    lines: list[Line] = []
    for number, value in enumerate(raw):
        stripped = value.strip()
        if not stripped:
            continue
        before = number == 0 or not raw[number - 1].strip()
        after = number + 1 == len(raw) or not raw[number + 1].strip()
        lines.append(Line(stripped, number, before, after))
    return lines


def normalise(text: str) -> str:
    """A line's identity for repeat detection: case and spacing ignored."""
    return _SPACES_RE.sub(" ", text).strip().lower()


@dataclass(slots=True)
class _Info:
    key: str
    words: list[str]
    content: set[str]
    relative_time: bool
    date_line: bool
    caption: bool
    credit: bool
    call_to_action: bool
    prose: bool
    headline: bool


def _content(words: list[str]) -> set[str]:
    # Five-letter prefixes: a crude stem that makes "deploys" meet "deployed" in any language.
    return {w[:5] for w in words if len(w) > 3 and w not in STOPWORDS and not w.isdigit()}


def is_relative_time_line(text: str) -> bool:
    """A timestamp line: a relative time and little else ("2 jam lalu", "time26 minutes ago")."""
    if len(text) > _RELATIVE_MAX_CHARS:
        return False
    if RELATIVE_WORD_RE.match(text):
        return True
    match = RELATIVE_TIME_RE.search(text)
    return match is not None and len(text) - (match.end() - match.start()) <= 16


def is_date_line(text: str, n_words: int) -> bool:
    """A short line carrying an absolute date ("February 27, 2025 | 06:38 pm")."""
    return n_words <= 10 and _DIGIT_RE.search(text) is not None and find_date(text) is not None


def find_title(lines: list[Line], infos: list[_Info] | None = None) -> int | None:
    """The index of the headline: an early headline-like line that the prose after it is about.

    Each candidate is scored by how many of its content words the next prose
    lines use, with bonuses for being printed twice (sites often repeat the
    headline) and for heading much prose, and a penalty for running long (a
    standfirst is longer than its headline).
    """
    infos = infos or [_info(line.text) for line in lines]
    n = len(lines)
    counts = Counter(info.key for info in infos)
    scored: list[tuple[int, float]] = []
    for i in range(min(n, max(20, int(n * 0.7)))):
        info = infos[i]
        if not info.headline or len(info.content) < 2:
            continue
        key = info.key
        following: set[str] = set()
        prose_words = 0
        for j in range(i + 1, min(n, i + 25)):
            if infos[j].prose and infos[j].key != key:
                following |= infos[j].content
                prose_words += len(infos[j].words)
        if not following:
            continue
        overlap = len(info.content & following) / len(info.content)
        if overlap < 0.3:
            continue
        score = (
            overlap
            + (0.25 if counts[key] > 1 else 0.0)
            + 0.1 * min(prose_words / 100, 3.0)
            - 0.02 * max(0, len(info.words) - 20)
        )
        scored.append((i, score))
    if not scored:
        return None
    best = max(score for _, score in scored)
    # Teasers below the article can outscore the headline (each sits on its own
    # summary); the headline is the first line that scores near the best.
    return next(i for i, score in scored if score >= best - TITLE_MARGIN)


def _is_tail_heading(text: str, n_words: int) -> bool:
    """A heading over related stories, alone ("More Stories") or glued to a teaser."""
    match = TAIL_HEADING_RE.match(text)
    if match is None:
        return False
    return n_words <= 6 or text[match.end() :].lstrip().startswith(":")


def _info(text: str) -> _Info:
    words = WORD_RE.findall(text.lower())
    n_words = len(words)
    relative_time = is_relative_time_line(text)
    date_line = is_date_line(text, n_words)
    caption = CAPTION_RE.search(text) is not None
    credit = n_words <= 12 and CREDIT_RE.match(text) is not None
    call_to_action = CTA_RE.search(text[:_PREFIX]) is not None
    furniture = (
        relative_time or date_line or caption or credit or (call_to_action and n_words <= 12)
    )
    prose = n_words >= 12 and (text[-1] in TERMINALS or SENTENCE_BREAK_RE.search(text) is not None)
    headline = 3 <= n_words <= 30 and len(text) <= 250 and not text.endswith(":")
    return _Info(
        key=normalise(text),
        words=words,
        content=_content(words),
        relative_time=relative_time,
        date_line=date_line,
        caption=caption,
        credit=credit,
        call_to_action=call_to_action,
        prose=prose and not furniture,
        headline=headline and not furniture,
    )


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
    "bullet",
    "separators",
    "relative_time",
    "date_line",
    "caption",
    "credit",
    "call_to_action",
    "tail_heading",
    "byline",
    "urlish",
    "log_repeats",
    "repeat_nearby",
    "is_title",
    "title_overlap",
    "core_overlap",
    "prose",
    "headline",
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
]
FEATURE_NAMES = (
    BASE_FEATURES + [f"{c}@{o:+d}" for o in _OFFSETS for c in _CONTEXT_COLUMNS] + GLOBAL_FEATURES
)


def featurize(lines: list[Line]) -> tuple[np.ndarray, int | None]:
    """The feature matrix (one row per line, columns ``FEATURE_NAMES``) and the title index."""
    n = len(lines)
    infos = [_info(line.text) for line in lines]
    title = find_title(lines, infos)
    title_key = infos[title].key if title is not None else None
    title_content = infos[title].content if title is not None else set()
    core = set(title_content)
    start = title + 1 if title is not None else 0
    taken = 0
    for j in range(start, n):
        if infos[j].prose:
            core |= infos[j].content
            taken += 1
            if taken == 5:
                break
    keys = [info.key for info in infos]
    counts = Counter(keys)

    base = np.zeros((n, len(BASE_FEATURES)), dtype=np.float32)
    for i, (line, info) in enumerate(zip(lines, infos, strict=True)):
        text = line.text
        head = text[:_PREFIX]
        n_head = len(head)
        letters = sum(map(str.isalpha, head)) or 1
        words = info.words
        n_words = len(words)
        split = head.split()
        key = keys[i]
        base[i] = (
            np.log1p(len(text)),
            np.log1p(n_words),
            text[-1] in TERMINALS,
            text.endswith(":"),
            sum(map(str.isupper, head)) / letters,
            sum(map(str.isdigit, head)) / n_head,
            len(_PUNCT_RE.findall(head)) / n_head,
            sum(w[0].isupper() for w in split) / len(split) if split else 0.0,
            sum(w in STOPWORDS for w in words[:80]) / n_words if n_words else 0.0,
            np.log1p(len(SENTENCE_BREAK_RE.findall(text))),
            BULLET_RE.match(text) is not None,
            head.count("|") + head.count("»") + head.count("›") + head.count(" / "),
            info.relative_time,
            info.date_line,
            info.caption,
            info.credit,
            info.call_to_action,
            _is_tail_heading(text, n_words),
            BYLINE_RE.match(text) is not None and n_words <= 14,
            URLISH_RE.search(head) is not None,
            np.log(counts[key]),
            any(
                0 < abs(j - i) <= 2 and keys[j] == key for j in range(max(0, i - 2), i + 3) if j < n
            ),
            key == title_key,
            len(info.content & title_content) / len(title_content) if title_content else 0.0,
            len(info.content & core) / len(info.content) if info.content else 0.0,
            info.prose,
            info.headline,
            line.blank_before,
            line.blank_after,
            sum(map(len, words[:80])) / min(n_words, 80) if n_words else 0.0,
            np.log1p(head.count(",")),
        )

    col = {name: k for k, name in enumerate(BASE_FEATURES)}
    context = []
    for offset in _OFFSETS:
        shifted = np.full((n, len(_CONTEXT_COLUMNS)), -1.0, dtype=np.float32)
        cols = [col[c] for c in _CONTEXT_COLUMNS]
        if offset < 0 and n > -offset:
            shifted[-offset:] = base[:offset, cols]
        elif offset > 0 and n > offset:
            shifted[:-offset] = base[offset:, cols]
        context.append(shifted)

    index = np.arange(n, dtype=np.float32)
    chars = np.array([len(line.text) for line in lines], dtype=np.float32)
    prose = base[:, col["prose"]]
    after_title = index > (title if title is not None else -1)
    tail = np.cumsum(base[:, col["tail_heading"]] * after_title)
    reltimes = np.cumsum(base[:, col["relative_time"]] * after_title)
    prose_chars = np.cumsum(chars * prose) - chars * prose
    glob = np.column_stack(
        [
            index / max(n - 1, 1),
            (np.cumsum(chars) - chars) / max(chars.sum(), 1.0),
            ~after_title if title is not None else np.zeros(n, dtype=bool),
            np.clip(index - title, -30, 300) if title is not None else np.full(n, -31.0),
            tail,
            reltimes,
            prose_chars / max(float((chars * prose).sum()), 1.0),
            _window_mean(prose, 3),
            _window_mean(prose, 10),
            _window_mean(base[:, col["log_chars"]], 3),
            _window_mean(base[:, col["core_overlap"]], 5),
            np.full(n, np.log1p(n)),
            _distance_to(prose, backwards=True),
            _distance_to(prose, backwards=False),
        ]
    ).astype(np.float32)
    return np.hstack([base, *context, glob]), title


def _distance_to(flags: np.ndarray, *, backwards: bool, cap: int = 20) -> np.ndarray:
    """Lines from each line to the nearest earlier (or later) flagged line, capped."""
    n = len(flags)
    out = np.full(n, float(cap), dtype=np.float32)
    last = None
    order = range(n) if backwards else range(n - 1, -1, -1)
    for i in order:
        if last is not None:
            out[i] = min(abs(i - last), cap)
        if flags[i]:
            last = i
    return out


def furniture_mask(features: np.ndarray) -> np.ndarray:
    """Lines whose pattern alone marks them as page furniture, never article text.

    Timestamps, date lines, photo captions and credits, short calls to action
    and related-content headings: the segmenter's score for these is capped.
    """
    col = {name: k for k, name in enumerate(FEATURE_NAMES)}
    short = features[:, col["log_words"]] <= np.log1p(12)
    return (
        (features[:, col["relative_time"]] > 0)
        | (features[:, col["caption"]] > 0)
        | (features[:, col["credit"]] > 0)
        | (features[:, col["tail_heading"]] > 0)
        | (features[:, col["date_line"]] > 0)
        | ((features[:, col["call_to_action"]] > 0) & short)
    )


def _window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of ``values`` over a window of ``radius`` lines either side (clipped at the ends)."""
    n = len(values)
    sums = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    lo = np.clip(np.arange(n) - radius, 0, n)
    hi = np.clip(np.arange(n) + radius + 1, 0, n)
    return ((sums[hi] - sums[lo]) / (hi - lo)).astype(np.float32)
