"""Sentence bounds by rule, cheap enough to run before deciding what to parse.

The claims parse only some sentences and the report compares sentences across
outlets; both need bounds before (or without) the parser, so a light
rule-based splitter gives them.
"""

from __future__ import annotations

import re

# A sentence ends at . ! or ? (maybe closed by quotes or brackets) before a
# space and a capital, digit or quote, unless the word is a known abbreviation
# or an initial ("U.S.", "Feb.", "J.").
_END = re.compile(r"(?<=[.!?])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREV = re.compile(
    r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|Maj|Adm|St|Jr|Sr"
    r"|Inc|Corp|Co|Ltd|No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)$"
)


# What follows a closing quote when the sentence goes on after it: a comma
# inside it ("... win," he said) or a lower-case word (the “Meth. We're on it.” ad).
_GOES_ON = re.compile(r"\s*(?:[a-z,;:]|—|–)")


def _inside_quotation(text: str, at: int) -> bool:
    """Whether ``at`` is inside a quotation that closes before its sentence ends."""
    opened = text.rfind("“", 0, at)
    if opened >= 0 and text.rfind("”", opened, at) < 0:
        closed = text.find("”", at)
    elif text.count('"', 0, at) % 2:
        closed = text.find('"', at)
    else:
        return False
    return closed > 0 and (text[closed - 1] == "," or _GOES_ON.match(text, closed + 1) is not None)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in ``text``.

    A quotation that the sentence goes on after (“We will fight. We will win,”
    he said) stays whole, so its speaker stays with it.
    """
    spans = []
    start = 0
    for m in _END.finditer(text):
        head = text[start : m.start()]
        if _ABBREV.search(head) or _inside_quotation(text, m.start()):
            continue
        spans.append((start, m.end(1)))  # closing quotes and brackets stay with their sentence
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]
