"""Named-entity mentions, read from the parse the claims already made.

Every sentence of an article goes through the entity recogniser when its claims
are read (:mod:`~newsweave.claims.parse`), so the names cost nothing more here.
Keeping them as plain :class:`~newsweave.models.Mention` rows lets the store and
batch runs hold them, and a story report merge them without running spaCy again.
"""

from __future__ import annotations

from spacy.language import Language

from newsweave.claims.parse import parse_body
from newsweave.models import Article, Mention
from newsweave.nlp import load_spacy

#: The recogniser's labels for things a story is about: people, organisations,
#: places, events and works. Dates, amounts and nationalities are left out.
LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})


def find_mentions(article: Article, *, nlp: Language | None = None) -> list[Mention]:
    """The names in ``article`` with :data:`LABELS`, in text order, offsets into its text."""
    nlp = nlp or load_spacy()
    found: list[Mention] = []
    for base, pieces in parse_body(nlp, article.body):
        for piece in pieces:
            at = base + piece.offset
            found.extend(
                Mention(article.id, at + e.start_char, at + e.end_char, e.label_, e.text)
                for e in piece.doc.ents
                if e.label_ in LABELS
            )
    return found
