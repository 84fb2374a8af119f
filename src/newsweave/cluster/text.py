"""Turning an article into weighted terms and names for grouping.

Terms are lower-cased, lightly stemmed words minus stop words, counted with a
higher weight in the title and lead. Names are the capitalised terms (people,
places, organisations) and adjacent pairs of them ("north korea"), found
without a tagger: spaCy is too slow for hundreds of articles a second, and
capitalisation mid-sentence is a strong signal in edited news copy. Headlines
in Title Case hide it, so a running tally of how each word is capitalised in
ordinary sentences (:class:`NameLexicon`) decides there.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newsweave.cluster.config import GroupingConfig
from newsweave.models import Article

_WORD = re.compile(r"[^\W_]+(?:['’.&][^\W_]+)*")
# Sentence ends, colons and quotes start a new segment: the next word may be
# capitalised for grammar, not because it is a name.
_SEGMENT = re.compile(r"(?<=[.!?:;])\s+|[\"“”]|\s[-–—|]\s|\n+")
_POSSESSIVE = re.compile(r"['’]s$")
_STOP = frozenset(ENGLISH_STOP_WORDS)
# A segment is Title Case when at least this share of its content words is capitalised.
_TITLE_CASE_SHARE = 0.75


def stem(word: str) -> str:
    """A cheap plural-stripping stemmer: "troops" and "troop" should match."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# News vocabulary repeats heavily, so the per-word work is done once per word.
@lru_cache(maxsize=1 << 17)
def normalise_token(raw: str) -> str | None:
    """The term a raw word counts as, or ``None`` for stop words and single letters."""
    word = _POSSESSIVE.sub("", raw).lower().replace("’", "'")
    if len(word) < 2 or word in _STOP:
        return None
    return word if any(ch.isdigit() for ch in word) else stem(word)


@dataclass(slots=True)
class Token:
    """One content word of a segment, with what its capitalisation says."""

    term: str
    capitalised: bool
    initial: bool
    #: Whether it follows the previous token with nothing but a space between:
    #: only then can the two be one name.
    adjacent: bool


def segments(text: str) -> list[list[Token]]:
    """Content words of ``text`` split into sentence-like segments."""
    out: list[list[Token]] = []
    for part in _SEGMENT.split(text):
        tokens: list[Token] = []
        previous_end = -1
        for i, match in enumerate(_WORD.finditer(part)):
            raw = match.group()
            term = normalise_token(raw)
            if term is not None:
                adjacent = previous_end >= 0 and part[previous_end : match.start()].isspace()
                tokens.append(Token(term, raw[0].isupper(), i == 0, adjacent))
                previous_end = match.end()
            else:
                previous_end = -1
        if tokens:
            out.append(tokens)
    return out


def is_title_case(segment: list[Token]) -> bool:
    """Whether capitalisation in ``segment`` is style (Title Case), not names."""
    words = [t for t in segment if not t.term[0].isdigit()]
    if len(words) < 3:
        return False
    return sum(t.capitalised for t in words) >= _TITLE_CASE_SHARE * len(words)


class NameLexicon:
    """How often each word is capitalised mid-sentence in ordinary text.

    Learned online from the articles themselves, so it needs no word list and
    follows the names of the day; used to find names in Title Case headlines.
    """

    def __init__(self) -> None:
        self._upper: Counter[str] = Counter()
        self._lower: Counter[str] = Counter()

    def learn(self, segment: list[Token]) -> None:
        """Count the non-initial words of a sentence-case segment."""
        for token in segment:
            if token.initial or token.term[0].isdigit():
                continue
            if token.capitalised:
                self._upper[token.term] += 1
            else:
                self._lower[token.term] += 1

    def counts(self) -> dict[str, dict[str, int]]:
        """The tallies, for saving a grouper's state."""
        return {"upper": dict(self._upper), "lower": dict(self._lower)}

    def restore(self, counts: dict[str, dict[str, int]]) -> None:
        """Continue from tallies :meth:`counts` returned."""
        self._upper = Counter(counts["upper"])
        self._lower = Counter(counts["lower"])

    def is_name(self, term: str) -> bool:
        """Whether ``term`` is mostly written capitalised mid-sentence."""
        upper = self._upper[term]
        return upper >= 2 and upper >= 2 * self._lower[term]


@dataclass(slots=True)
class Features:
    """What grouping compares: weighted term counts and name counts."""

    terms: dict[str, float]
    names: dict[str, float]


def _add_segments(
    text: str,
    weight: float,
    lexicon: NameLexicon,
    terms: defaultdict[str, float],
    names: defaultdict[str, float],
) -> None:
    for segment in segments(text):
        title_case = is_title_case(segment)
        if not title_case:
            lexicon.learn(segment)
        previous: str | None = None
        for token in segment:
            terms[token.term] += weight
            if title_case or token.initial:
                name = lexicon.is_name(token.term)
            else:
                name = token.capitalised and not token.term[0].isdigit()
            if name:
                names[token.term] += weight
                if previous is not None and token.adjacent:
                    names[f"{previous} {token.term}"] += weight
                previous = token.term
            else:
                previous = None


# A slug is the path segment with the most word separators; ids and numbers in it are noise.
_SLUG_SPLIT = re.compile(r"[-_+]+")
_SLUG_NOISE = re.compile(r"[0-9a-f]{6,}|\d+|(?=(?:\D*\d){3})\w+", re.IGNORECASE)
_SLUG_MIN_WORDS = 3


def url_words(url: str | None) -> str:
    """The words of a URL's slug ("rihanna-cousin-shot-dead"), or "" when it has none.

    A page whose title and body were lost still names its event there, as
    editors write slugs from the headline.
    """
    if not url:
        return ""
    parts = [unquote(p) for p in urlsplit(url).path.split("/") if p]
    if not parts:
        return ""
    slug = max(parts, key=lambda p: len(_SLUG_SPLIT.findall(p)))
    slug = re.sub(r"\.[a-z]{2,5}$", "", slug, flags=re.IGNORECASE)
    words = [w for w in _SLUG_SPLIT.split(slug) if w and not _SLUG_NOISE.fullmatch(w)]
    return " ".join(words) if len(words) >= _SLUG_MIN_WORDS else ""


def features(article: Article, config: GroupingConfig, lexicon: NameLexicon) -> Features:
    """Weighted, sublinear term and name counts of ``article``'s title and body.

    The summary (the standfirst, when the page has one) is read
    as part of the lead; the body is read up to ``max_body_words``, its first
    ``lead_words`` counting as the lead. An article with no title is read by
    its URL's slug instead. Counts are damped (``log1p``) so a word repeated
    in a long article does not outweigh several distinct shared words.
    """
    # Weighted counts are floats, which typeshed's Counter does not hold.
    terms: defaultdict[str, float] = defaultdict(float)
    names: defaultdict[str, float] = defaultdict(float)
    title = article.title or url_words(article.url)
    _add_segments(title, config.title_weight, lexicon, terms, names)
    if article.summary:
        _add_segments(article.summary, config.lead_weight, lexicon, terms, names)
    words = " ".join(article.body).split(" ")[: config.max_body_words]
    lead, rest = words[: config.lead_words], words[config.lead_words :]
    # A word count rather than a paragraph count: wire copy runs one sentence
    # a paragraph, some pages put the whole story in one.
    _add_segments(" ".join(lead), config.lead_weight, lexicon, terms, names)
    _add_segments(" ".join(rest), config.body_weight, lexicon, terms, names)
    return Features(
        {t: math.log1p(c) for t, c in terms.items()},
        {n: math.log1p(c) for n, c in names.items()},
    )


def normalised_text(text: str) -> str:
    """``text`` reduced to lower-case words: what two copies of one report share."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))
