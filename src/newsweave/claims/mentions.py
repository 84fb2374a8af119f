"""Named-entity mentions, read from the parse the claims already made.

The entity recogniser runs where the claims parse and on the lede; the names it
finds there are found again in the other sentences (:mod:`~newsweave.claims.parse`),
so the names cost nothing more here. Keeping them as plain
:class:`~newsweave.models.Mention` rows lets the store and batch runs hold them,
and a story report merge them without running spaCy again.
"""

from __future__ import annotations

from spacy.language import Language

from newsweave.claims.parse import NAME_LABELS, Piece, parse_body
from newsweave.models import Article, Mention
from newsweave.nlp import load_spacy


def find_mentions(
    article: Article, *, nlp: Language | None = None, recognise_all: bool = False
) -> list[Mention]:
    """The names in ``article`` with :data:`~newsweave.claims.parse.NAME_LABELS`, in text
    order, offsets into its text (``recognise_all``: see
    :func:`~newsweave.claims.parse.parse_body`).

    :func:`~newsweave.claims.extract.read_article` gives them with the claims, from one pass.
    """
    nlp = nlp or load_spacy()
    found: list[Mention] = []
    for base, pieces in parse_body(nlp, article.body, recognise_all=recognise_all):
        found += paragraph_mentions(article.id, base, pieces)
    return found


def paragraph_mentions(article_id: str, base: int, pieces: list[Piece]) -> list[Mention]:
    """The names in one parsed paragraph, which starts at ``base`` in the article's text."""
    return [
        Mention(
            article_id,
            base + piece.offset + e.start_char,
            base + piece.offset + e.end_char,
            e.label_,
            e.text,
        )
        for piece in pieces
        for e in piece.doc.ents
        if e.label_ in NAME_LABELS
    ]
