"""Learn the attribution cue verbs from PolNeAR's training split: src/newsweave/claims/cues.json.

Every gold cue of ``../shared/claims/polnear/train`` (read by the shared scorer's loader)
is parsed in its line; the cue's root token, when a verb, counts one cue for its lemma.
Every verb token of the same texts counts one occurrence for its lemma (and gives the
lemma a written form, for the pattern that decides what to parse), so a lemma's
precision is how often its verbs are labelled cues. Lemmas seen as a cue at least
``--min-cues`` times are written with both counts; the package picks its cue verbs from
them by precision (:data:`newsweave.claims.lexicon.CUE_PRECISION`). No text is kept.

    CLAIMS_SPLIT=train python bench/learn_cues.py [--min-cues 3]

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


def learn(min_cues: int) -> dict[str, list[Any]]:
    """``{lemma: [times a gold cue, verb occurrences, forms]}`` over the training split."""
    scorer = _scorer()
    nlp = load_spacy()
    cues: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    forms: dict[str, set[str]] = {}
    docs = scorer.load()
    for d in docs:
        lines = scorer.paragraphs(d.text)
        with annotating():
            parsed = list(nlp.pipe([p for _, p in lines], disable=["ner"]))
        for (offset, _), doc in zip(lines, parsed, strict=True):
            for token in doc:
                if token.pos_ in _VERBS:
                    seen[token.lemma_.lower()] += 1
                    forms.setdefault(token.lemma_.lower(), set()).add(token.lower_)
            for g in d.golds:
                start = g.cue_start - offset
                if not 0 <= start < len(doc.text):
                    continue
                span = doc.char_span(start, start + len(g.cue), "expand")
                if span is not None and span.root.pos_ in _VERBS:
                    cues[span.root.lemma_.lower()] += 1
    print(f"{len(docs)} articles, {sum(cues.values())} verb cues", file=sys.stderr)
    return {
        lemma: [n, seen[lemma], sorted(forms[lemma])]
        for lemma, n in sorted(cues.items())
        if n >= min_cues
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--min-cues", type=int, default=3)
    args = parser.parse_args()
    if not SCORER.exists():
        print(f"{SCORER} not found: nothing to learn from", file=sys.stderr)
        return
    os.environ.setdefault("CLAIMS_SPLIT", "train")
    table = {
        "about": "PolNeAR v1.0.0 train: lemma -> [gold cue roots, verb occurrences, forms]",
        "verbs": learn(args.min_cues),
    }
    OUT.write_text(
        json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(table['verbs'])} lemmas to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
