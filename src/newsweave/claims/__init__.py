"""Claims: the figures and statements an article attributes, with who gave them,
and the names it mentions, read from the same parse.

Names are imported on first use (as in :mod:`newsweave`): reading a stored
report needs :func:`parse_quantity`, not spaCy, which :func:`extract_claims`
loads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsweave._lazy import lazy_exports

_EXPORTS = {
    "MeasureKey": "newsweave.claims.lexicon",
    "extract_all": "newsweave.claims.extract",
    "extract_claims": "newsweave.claims.extract",
    "find_figures": "newsweave.claims.numbers",
    "find_mentions": "newsweave.claims.mentions",
    "find_times": "newsweave.claims.timex",
    "measure_key": "newsweave.claims.lexicon",
    "parse_quantity": "newsweave.claims.numbers",
    "read_article": "newsweave.claims.extract",
}

# Written out, not derived from _EXPORTS: type checkers and linters read it statically.
__all__ = [
    "MeasureKey",
    "extract_all",
    "extract_claims",
    "find_figures",
    "find_mentions",
    "find_times",
    "measure_key",
    "parse_quantity",
    "read_article",
]


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:
    from newsweave.claims.extract import extract_all, extract_claims
    from newsweave.claims.lexicon import MeasureKey, measure_key
    from newsweave.claims.mentions import find_mentions
    from newsweave.claims.numbers import find_figures, parse_quantity
    from newsweave.claims.timex import find_times
