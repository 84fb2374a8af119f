"""Language identification with lingua, loaded once and lazily.

lingua's high-accuracy mode loads every language's n-gram models up to
fivegrams: about ten seconds and a GB before the first answer. Its low-accuracy
mode (trigrams only) loads in milliseconds and, by lingua's own evaluation, is
as good on texts of more than about 120 characters, which article bodies are.

The candidates can be restricted to the languages a collection holds
(``Settings.languages``, ``$NEWSWEAVE_LANGUAGES`` "en,de,id"), as lingua
advises when they are known: fewer candidates are fewer confusions (Indonesian
and Malay) and much less work per text.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from newsweave.errors import NewsweaveError

#: Below this confidence the text is too short or mixed to name a language.
MIN_CONFIDENCE = 0.5
#: lingua gains nothing past a few thousand characters; cutting keeps it fast.
MAX_CHARS = 4000


def checked_languages(codes: Iterable[str]) -> tuple[str, ...]:
    """``codes`` as sorted lower-case ISO 639-1 codes lingua knows.

    Raises :class:`~newsweave.errors.NewsweaveError` when they are fewer than
    two (one candidate is no identification) or one is unknown to lingua.
    """
    return _checked(tuple(sorted({code.strip().lower() for code in codes if code.strip()})))


@cache
def _checked(found: tuple[str, ...]) -> tuple[str, ...]:
    # Cached: asking lingua about each code costs about 0.3 ms, and the
    # settings and every detection check the same few codes again.
    unknown = [c for c in found if not hasattr(IsoCode639_1, c.upper())]
    if unknown or len(found) < 2:
        raise NewsweaveError(
            "the languages (NEWSWEAVE_LANGUAGES) must be two or more ISO 639-1 codes "
            f"(en, de, id...); they are {', '.join(found) or 'none'}"
            + (f", and lingua knows no {', '.join(unknown)}" if unknown else "")
        )
    return found


@cache
def _detector(codes: tuple[str, ...] | None) -> LanguageDetector:
    if codes is None:
        builder = LanguageDetectorBuilder.from_all_languages()
    else:
        isos = (getattr(IsoCode639_1, c.upper()) for c in codes)
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*isos)
    return builder.with_low_accuracy_mode().build()


def detect_language(text: str, languages: Iterable[str] | None = None) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or ``None`` when unsure.

    ``languages`` are the candidates (see :func:`checked_languages`); ``None``:
    every language lingua knows.
    """
    sample = text[:MAX_CHARS].strip()
    if not sample:
        return None
    codes = None if languages is None else checked_languages(languages)
    values = _detector(codes).compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return values[0].language.iso_code_639_1.name.lower()
