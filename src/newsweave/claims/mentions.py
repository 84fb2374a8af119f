"""Named-entity mentions, read from the parse the claims already made.

Every sentence of an article goes through the entity recogniser when its claims
are read (:mod:`~newsweave.claims.parse`), so the names cost nothing more here.
Keeping them as plain :class:`~newsweave.models.Mention` rows lets the store and
batch runs hold them, and a story report merge them without running spaCy again.
"""

from __future__ import annotations

from spacy.language import Language

from newsweave.claims.parse import Piece, parse_body
from newsweave.models import Article, Mention
from newsweave.nlp import load_spacy

#: The recogniser's labels for things a story is about: people, organisations,
#: places, events and works. Dates, amounts and nationalities are left out.
LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})


def find_mentions(article: Article, *, nlp: Language | None = None) -> list[Mention]:
    """The names in ``article`` with :data:`LABELS`, in text order, offsets into its text.

    :func:`~newsweave.claims.extract.read_article` gives them with the claims, from one pass.
    """
    nlp = nlp or load_spacy()
    found: list[Mention] = []
    for base, pieces in parse_body(nlp, article.body):
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
        if e.label_ in LABELS
    ]
