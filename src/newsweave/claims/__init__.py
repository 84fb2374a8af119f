"""Claims: the figures and statements an article attributes, with who gave them,
and the names it mentions, read from the same parse."""

from newsweave.claims.extract import extract_all, extract_claims
from newsweave.claims.lexicon import MeasureKey, measure_key
from newsweave.claims.mentions import find_mentions
from newsweave.claims.numbers import find_figures, parse_quantity
from newsweave.claims.timex import find_times

__all__ = [
    "MeasureKey",
    "extract_all",
    "extract_claims",
    "find_figures",
    "find_mentions",
    "find_times",
    "measure_key",
    "parse_quantity",
]
