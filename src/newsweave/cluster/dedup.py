"""Finding syndicated copies: the same report carried by several sites.

Exact copies (after normalising case, punctuation and spacing) are found by
hash; near copies (a wire story with a changed headline, an added line, a
trimmed ending) by MinHash over word shingles with LSH, so finding one costs
the same however many bodies are indexed.
"""

from __future__ import annotations

import hashlib

from datasketch import MinHash, MinHashLSH

from newsweave.cluster.config import GroupingConfig
from newsweave.cluster.text import normalised_text

# LSH is probabilistic: it is set below the Jaccard threshold so that pairs just
# over it are not missed, and every candidate is then checked against it.
_LSH_MARGIN = 0.15


class CopyFinder:
    """An index of article bodies that answers "which earlier body is this a copy of"."""

    def __init__(self, config: GroupingConfig) -> None:
        self._config = config
        self._by_hash: dict[str, str] = {}
        self._hash_of: dict[str, str] = {}
        self._sketches: dict[str, MinHash] = {}
        self._lsh = MinHashLSH(
            threshold=max(0.1, config.syndication_jaccard - _LSH_MARGIN),
            num_perm=config.num_perm,
        )

    def _sketch(self, words: list[str]) -> MinHash:
        size = self._config.shingle_words
        shingles = {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
        sketch = MinHash(num_perm=self._config.num_perm)
        sketch.update_batch([s.encode() for s in sorted(shingles)])
        return sketch

    def find_and_add(self, article_id: str, body: str) -> str | None:
        """The id of an indexed body ``body`` copies (the closest), then index it.

        A copy is not indexed itself: its original already stands for it, and
        later copies match the original at least as well.
        """
        normalised = normalised_text(body)
        if not normalised:
            return None
        words = normalised.split()
        digest = hashlib.sha256(normalised.encode()).hexdigest()
        if (original := self._by_hash.get(digest)) is not None:
            return original
        sketch = None
        if len(words) >= self._config.min_shingle_words:
            sketch = self._sketch(words)
            best: tuple[float, str] | None = None
            for key in sorted(self._lsh.query(sketch)):
                similarity = float(sketch.jaccard(self._sketches[key]))
                if similarity >= self._config.syndication_jaccard and (
                    best is None or similarity > best[0]
                ):
                    best = (similarity, key)
            if best is not None:
                return best[1]
        self._by_hash[digest] = article_id
        self._hash_of[article_id] = digest
        if sketch is not None:
            self._sketches[article_id] = sketch
            self._lsh.insert(article_id, sketch)
        return None

    def remove(self, article_id: str) -> None:
        """Forget an indexed body (its story went dormant)."""
        digest = self._hash_of.pop(article_id, None)
        if digest is not None:
            del self._by_hash[digest]
        if self._sketches.pop(article_id, None) is not None:
            self._lsh.remove(article_id)
