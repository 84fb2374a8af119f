"""Finding syndicated copies: the same report carried by several sites.

Exact copies (after normalising case, punctuation and spacing) are found by
hash; near copies (a wire story with a changed headline, an added line, a
trimmed ending) by MinHash over word shingles with LSH, so finding one costs
the same however many bodies are indexed.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

from newsweave.cluster.config import GroupingConfig
from newsweave.cluster.text import normalised_text

# LSH is probabilistic: it is set below the Jaccard threshold so that pairs just
# over it are not missed, and every candidate is then checked against it.
_LSH_MARGIN = 0.15
# How datasketch hashes by default (scheme) and the dtype of its hash values,
# for saving sketches as bytes and reading them back only under the same scheme.
_DEFAULT = MinHash(num_perm=1)
_SCHEME, _HASH_DTYPE = _DEFAULT.scheme, _DEFAULT.hashvalues.dtype


class CopyFinder:
    """An index of article bodies that answers "which earlier body is this a copy of"."""

    def __init__(self, config: GroupingConfig) -> None:
        self._config = config
        self._by_hash: dict[str, str] = {}
        self._hash_of: dict[str, str] = {}
        self._sketches: dict[str, MinHash] = {}
        # New sketches are copies of a blank one: making the random
        # permutations for each would cost as much as hashing the shingles.
        self._blank = MinHash(num_perm=config.num_perm)
        self._lsh = MinHashLSH(
            threshold=max(0.1, config.syndication_jaccard - _LSH_MARGIN),
            num_perm=config.num_perm,
        )

    def _sketch(self, words: list[str]) -> MinHash:
        size = self._config.shingle_words
        shingles = {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
        sketch = self._blank.copy()
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

    def state(self) -> dict[str, object]:
        """The indexed bodies in the order indexed: id, hash and sketch (base64) or ``None``."""
        bodies = [
            [
                article_id,
                digest,
                None
                if (sketch := self._sketches.get(article_id)) is None
                else base64.b64encode(sketch.hashvalues.tobytes()).decode("ascii"),
            ]
            for article_id, digest in self._hash_of.items()
        ]
        return {"scheme": _SCHEME, "bodies": bodies}

    def restore(self, saved: dict[str, Any]) -> None:
        """Index again the bodies :meth:`state` listed, in the same order.

        Raises :class:`ValueError` for sketches hashed another way (another
        datasketch scheme): they could not be compared with new ones.
        """
        if saved["scheme"] != _SCHEME:
            raise ValueError(f"sketches of hashing scheme {saved['scheme']!r}, not {_SCHEME!r}")
        for article_id, digest, packed in saved["bodies"]:
            self._by_hash[digest] = article_id
            self._hash_of[article_id] = digest
            if packed is not None:
                values = np.frombuffer(base64.b64decode(packed), dtype=_HASH_DTYPE)
                sketch = MinHash(num_perm=self._config.num_perm, hashvalues=values, scheme=_SCHEME)
                self._sketches[article_id] = sketch
                self._lsh.insert(article_id, sketch)
