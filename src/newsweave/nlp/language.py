"""Language identification with lingua, loaded once and lazily.

lingua's high-accuracy mode loads every language's n-gram models up to
fivegrams: about ten seconds and a GB before the first answer. Its low-accuracy
mode (trigrams only) loads in milliseconds and, by lingua's own evaluation, is
as good on texts of more than about 120 characters, which article bodies are.
"""

from __future__ import annotations

from functools import cache

from lingua import LanguageDetector, LanguageDetectorBuilder

#: Below this confidence the text is too short or mixed to name a language.
MIN_CONFIDENCE = 0.5
#: lingua gains nothing past a few thousand characters; cutting keeps it fast.
MAX_CHARS = 4000


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or ``None`` when unsure."""
    sample = text[:MAX_CHARS].strip()
    if not sample:
        return None
    values = _detector().compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return values[0].language.iso_code_639_1.name.lower()
