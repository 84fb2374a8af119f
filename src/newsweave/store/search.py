"""Full-text search over article titles and bodies, per backend.

SQLite uses the FTS5 table the migrations keep in step with ``articles``
(bm25 ranking, ``snippet()``); PostgreSQL the generated ``search`` tsvector
(``ts_rank``, ``ts_headline``). Both treat the query as plain words that must
all appear: user input is never parsed as query syntax, so it cannot raise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

#: Marks around matched words in snippets.
MARK_START, MARK_END = "[", "]"
_WORD = re.compile(r"\w")

# Title matches weigh more than body matches (bm25 weights per FTS5 column:
# article_id, title, body).
_SQLITE = sa.text(
    f"""
    SELECT a.id, a.title, a.outlet, a.published,
           snippet(articles_fts, -1, '{MARK_START}', '{MARK_END}', '…', 24) AS snippet,
           -bm25(articles_fts, 0.0, 5.0, 1.0) AS score
    FROM articles_fts JOIN articles AS a ON a.id = articles_fts.article_id
    WHERE articles_fts MATCH :query
    ORDER BY score DESC, a.id
    LIMIT :limit
    """
)

# Rank in the inner query, headline only the rows returned: ts_headline
# re-parses the whole body and is the expensive part.
_POSTGRES = sa.text(
    f"""
    WITH q AS (SELECT plainto_tsquery('english', :query) AS query),
    ranked AS (
        SELECT a.id, a.title, a.outlet, a.published, a.body,
               ts_rank(a.search, q.query) AS score, q.query
        FROM articles AS a, q
        WHERE a.search @@ q.query
        ORDER BY score DESC, a.id
        LIMIT :limit
    )
    SELECT id, title, outlet, published,
           ts_headline('english', body, query,
                       'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15')
               AS snippet,
           score
    FROM ranked
    ORDER BY score DESC, id
    """
)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One article matching a search, best first; ``snippet`` marks the match in [ ]."""

    article_id: str
    title: str
    outlet: str | None
    published: datetime | None
    snippet: str
    score: float


def terms(query: str) -> list[str]:
    """The words of a user's query: whitespace-separated, quotes removed, no bare symbols."""
    words = (chunk.replace('"', "") for chunk in query.split())
    return [word for word in words if _WORD.search(word)]


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH expression requiring every word, each quoted as a literal.

    Quoting turns operators (AND, NEAR), prefixes (*), column filters (:) and
    parentheses into plain text; a word with punctuation inside becomes a
    phrase of its tokens, as FTS5 would have split it anyway.
    """
    return " ".join(f'"{word}"' for word in words)


def statement(dialect: str) -> sa.TextClause:
    """The search query for ``dialect``, taking ``:query`` and ``:limit``."""
    return _SQLITE if dialect == "sqlite" else _POSTGRES
