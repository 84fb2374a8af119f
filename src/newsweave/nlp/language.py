"""Language identification with lingua, loaded once and lazily.

lingua's high-accuracy mode loads every language's n-gram models up to
fivegrams: about ten seconds and a GB before the first answer. Its low-accuracy
mode (trigrams only) loads in milliseconds and, by lingua's own evaluation, is
as good on texts of more than about 120 characters, which article bodies are.

``$NEWSWEAVE_LANGUAGES`` ("en,de,id") restricts the candidates to the languages
a collection holds, as lingua advises when they are known: fewer candidates are
fewer confusions (Indonesian and Malay) and much less work per text.
"""

from __future__ import annotations

import os
from functools import cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from newsweave.errors import NewsweaveError

#: Below this confidence the text is too short or mixed to name a language.
MIN_CONFIDENCE = 0.5
#: lingua gains nothing past a few thousand characters; cutting keeps it fast.
MAX_CHARS = 4000


def configured_languages() -> tuple[str, ...] | None:
    """``$NEWSWEAVE_LANGUAGES`` as ISO 639-1 codes, or ``None``: every language lingua knows.

    Raises :class:`~newsweave.errors.NewsweaveError` when it names fewer than two
    languages or one lingua does not know.
    """
    value = os.environ.get("NEWSWEAVE_LANGUAGES", "")
    codes = tuple(sorted({code.strip().lower() for code in value.split(",") if code.strip()}))
    if not codes:
        return None
    unknown = [c for c in codes if not hasattr(IsoCode639_1, c.upper())]
    if unknown or len(codes) < 2:
        raise NewsweaveError(
            "NEWSWEAVE_LANGUAGES must name two or more languages by ISO 639-1 code "
            f"(en, de, id...); it has {', '.join(codes)}"
            + (f", and lingua knows no {', '.join(unknown)}" if unknown else "")
        )
    return codes


@cache
def _detector(codes: tuple[str, ...] | None) -> LanguageDetector:
    if codes is None:
        builder = LanguageDetectorBuilder.from_all_languages()
    else:
        isos = (getattr(IsoCode639_1, c.upper()) for c in codes)
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*isos)
    return builder.with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or ``None`` when unsure."""
    sample = text[:MAX_CHARS].strip()
    if not sample:
        return None
    values = _detector(configured_languages()).compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return values[0].language.iso_code_639_1.name.lower()
