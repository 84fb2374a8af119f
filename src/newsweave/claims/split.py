"""Sentence bounds by rule, cheap enough to run before deciding what to parse.

The claims parse only some sentences and the report compares sentences across
outlets; both need bounds before (or without) the parser, so a light
rule-based splitter gives them.
"""

from __future__ import annotations

import re

# A sentence ends at . ! or ? (maybe closed by a quote or bracket) before a
# space and a capital, digit or quote, unless the word is a known abbreviation
# or an initial ("U.S.", "Feb.", "J.").
_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREV = re.compile(
    r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|Maj|Adm|St|Jr|Sr"
    r"|Inc|Corp|Co|Ltd|No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)$"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in ``text``."""
    spans = []
    start = 0
    for m in _END.finditer(text):
        head = text[start : m.start()].rstrip("\"'”’)]")
        if _ABBREV.search(head):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]
