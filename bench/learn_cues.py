"""Learn the attribution cue verbs from PolNeAR's training split: src/newsweave/claims/cues.json.

Every gold cue of ``../shared/claims/polnear/train`` (read by the shared scorer's loader)
is parsed in its line; the cue's root token, when a verb, counts one cue for its lemma.
Every verb token of the same texts counts one occurrence for its lemma (and gives the
lemma a written form, for the pattern that decides what to parse), so a lemma's
precision is how often its verbs are labelled cues. Both are also counted by the
verb's frame (:func:`newsweave.claims.attribution.cue_frame`: with a clause or
quotation, an infinitive, an object, a preposition, bare) and, as frame ``n``, for
verbs inside a quotation or inside what another cue reports. Lemmas seen as a cue at
least ``--min-cues`` times are written; the package picks its cue verbs from them by
precision (:data:`newsweave.claims.lexicon.CUE_PRECISION`).

``heads``: for the subject of each verb the package would take for a cue, its kind
(:func:`newsweave.claims.attribution.head_key`: an entity label, a pronoun, a common
noun's lemma) and whether it is that cue's gold source; kinds seen ``--min-heads``
times are written, for the package to drop subjects that rarely speak. No text is kept.

    CLAIMS_SPLIT=train python bench/learn_cues.py [--min-cues 3] [--min-heads 3]

Skips with a message when ``../shared/claims`` is absent.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from spacy.tokens import Token

from newsweave.claims.attribution import (
    FRAMES,
    _author,
    _quoted,
    _subject,
    cue_frame,
    head_key,
)
from newsweave.claims.lexicon import CUE_PRECISION, CUE_PRIOR, CUE_SCORES, FRAME_PRIOR
from newsweave.claims.parse import annotating
from newsweave.nlp import load_spacy

HERE = Path(__file__).resolve().parent
SCORER = HERE.parent.parent / "shared" / "claims" / "score_attribution.py"
OUT = HERE.parent / "src" / "newsweave" / "claims" / "cues.json"
_VERBS = ("VERB", "AUX")


def _scorer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score_attribution", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _nested(token: Token) -> bool:
    """Inside a quotation, or inside what a verb that is a cue overall reports: the
    speaker's own words ("X said Y blamed ..."), which PolNeAR labels less often."""
    if token.i in _quoted(token.sent):
        return True
    return any(
        a.lower_ == "according" or CUE_SCORES.get(a.lemma_.lower(), 0.0) >= CUE_PRECISION
        for a in token.ancestors
    )


def _score(row: list[Any], frame: str) -> float:
    """:func:`newsweave.claims.lexicon.cue_score` from a row of the table being learned."""
    overall = row[0] / (row[1] + CUE_PRIOR)
    cues, seen = row[3].get(frame, (0, 0))
    return max(overall, (cues + FRAME_PRIOR * overall) / (seen + FRAME_PRIOR))


def learn(min_cues: int, min_heads: int) -> dict[str, Any]:
    """Verbs ``{lemma: [cues, occurrences, forms, {frame: [cues, occurrences]}]}`` and
    subject heads ``{key: [times the gold source, times a candidate cue's subject]}``."""
    scorer = _scorer()
    nlp = load_spacy()
    cues: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    framed: Counter[tuple[str, str, bool]] = Counter()
    forms: dict[str, set[str]] = {}
    # (lemma, frame, head key, whether the subject is the gold source of that verb's cue)
    subjects: list[tuple[str, str, str, bool]] = []
    docs = scorer.load()
    for d in docs:
        lines = scorer.paragraphs(d.text)
        with annotating():
            parsed = list(nlp.pipe([p for _, p in lines]))
        for (offset, _), doc in zip(lines, parsed, strict=True):
            # the cue roots of this line, with the character spans of their sources
            sources: dict[int, list[tuple[int, int]]] = {}
            for g in d.golds:
                start = g.cue_start - offset
                if not 0 <= start < len(doc.text):
                    continue
                span = doc.char_span(start, start + len(g.cue), "expand")
                if span is not None and span.root.pos_ in _VERBS:
                    s0 = g.source_start - offset
                    sources.setdefault(span.root.i, []).append((s0, s0 + len(g.source)))
            for token in doc:
                if token.pos_ not in _VERBS:
                    continue
                lemma = token.lemma_.lower()
                is_cue = token.i in sources
                seen[lemma] += 1
                cues[lemma] += is_cue
                frame = cue_frame(token)
                framed[lemma, frame, is_cue] += 1
                if _nested(token):
                    framed[lemma, "n", is_cue] += 1
                forms.setdefault(lemma, set()).add(token.lower_)
                subject = _subject(token)
                if subject is not None:
                    author, _ = _author(subject)
                    spoke = any(a <= author.idx < b for a, b in sources.get(token.i, ()))
                    subjects.append((lemma, frame, head_key(author), spoke))
    print(f"{len(docs)} articles, {sum(cues.values())} verb cues", file=sys.stderr)
    verbs = {
        lemma: [
            n,
            seen[lemma],
            sorted(forms[lemma]),
            {
                f: [framed[lemma, f, True], framed[lemma, f, True] + framed[lemma, f, False]]
                for f in (*FRAMES, "n")
                if framed[lemma, f, True] + framed[lemma, f, False]
            },
        ]
        for lemma, n in sorted(cues.items())
        if n >= min_cues
    }
    spoke: Counter[str] = Counter()
    subject_of: Counter[str] = Counter()
    for lemma, frame, key, said in subjects:
        # the subjects of the verbs the package takes for cues, by the same scores
        if lemma in verbs and _score(verbs[lemma], frame) >= CUE_PRECISION:
            subject_of[key] += 1
            spoke[key] += said
    heads = {k: [spoke[k], n] for k, n in sorted(subject_of.items()) if n >= min_heads}
    return {"verbs": verbs, "heads": heads}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--min-cues", type=int, default=3)
    parser.add_argument("--min-heads", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not SCORER.exists():
        print(f"{SCORER} not found: nothing to learn from", file=sys.stderr)
        return
    os.environ.setdefault("CLAIMS_SPLIT", "train")
    table = {
        "about": "PolNeAR v1.0.0 train. verbs: lemma -> [gold cue roots, verb occurrences,"
        " forms, {frame: [cue roots, occurrences]}]; heads: subject head -> [times the"
        " gold source, times a cue verb's subject]",
        **learn(args.min_cues, args.min_heads),
    }
    args.out.write_text(
        json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    print(
        f"wrote {len(table['verbs'])} lemmas, {len(table['heads'])} heads to {args.out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
