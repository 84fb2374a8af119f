"""Sentences of a story's articles, and a TF-IDF space to compare them in.

The report compares sentences across outlets (for the summary, the unique
details and the timeline), so it splits them itself with a light rule-based
splitter: running the parser again just for sentence bounds would double the
cost of a story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from newsweave.models import Article

# A sentence ends at . ! or ? (maybe closed by a quote or bracket) before a
# space and a capital, digit or quote, unless the word is a known abbreviation
# or an initial ("U.S.", "Feb.", "J.").
_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREV = re.compile(
    r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|Maj|Adm|St|Jr|Sr"
    r"|Inc|Corp|Co|Ltd|No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)$"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: its text, place and outlet."""

    article_id: str
    outlet: str
    text: str
    start: int
    end: int


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


def outlet_of(article: Article) -> str:
    """The name to credit an article to: its outlet, else the site it came from."""
    return article.outlet or article.republished_by or article.source


def story_sentences(articles: list[Article]) -> list[Sentence]:
    """Every sentence of the articles, paragraph by paragraph."""
    found = []
    for article in articles:
        base = 0
        outlet = outlet_of(article)
        for paragraph in article.body:
            for s, e in split_sentences(paragraph):
                text = paragraph[s:e].strip()
                found.append(Sentence(article.id, outlet, text, base + s, base + e))
            base += len(paragraph) + 2
    return found


def similarity(texts: list[str]) -> np.ndarray:
    """Cosine similarity of the texts' TF-IDF vectors (stop words left out)."""
    if not texts:
        return np.zeros((0, 0))
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2))
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return np.eye(len(texts))
    return (matrix @ matrix.T).toarray()
