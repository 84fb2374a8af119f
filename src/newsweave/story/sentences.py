"""Sentences of a story's articles, and a TF-IDF space to compare them in.

The report compares sentences across outlets (for the summary, the unique
details and the timeline), so it splits them itself with a light rule-based
splitter: running the parser again just for sentence bounds would double the
cost of a story.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from newsweave.claims.split import split_sentences
from newsweave.models import Article


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: its text, place and outlet."""

    article_id: str
    outlet: str
    text: str
    start: int
    end: int


def outlet_of(article: Article) -> str:
    """The name to credit an article to: its outlet, else the site it came from."""
    return article.outlet or article.republished_by or article.source


def story_sentences(articles: list[Article]) -> list[Sentence]:
    """Every sentence of the articles, paragraph by paragraph."""
    found = []
    for article in articles:
        outlet = outlet_of(article)
        for base, paragraph in article.paragraphs():
            for s, e in split_sentences(paragraph):
                text = paragraph[s:e].strip()
                found.append(Sentence(article.id, outlet, text, base + s, base + e))
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
