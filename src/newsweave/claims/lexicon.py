"""Word lists for attribution and for what a figure counts, and measure keys.

These are general English news lexicons, not tuned to any story: verbs that
attribute speech or estimates, nouns that stand for a report rather than its
author, and classes of counted nouns and events so that "troops" and
"soldiers", or "killed" and "dead", compare as the same measure.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources


def _forms(lemma: str) -> set[str]:
    """The inflected forms of a regular verb: states, stated, stating."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    forms = {lemma, lemma + "s", stem + "ed", stem + "ing"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    return forms


def _trie(words: set[str]) -> str:
    """A regular expression for any of ``words``, factored by common prefixes.

    Python's ``re`` tries the branches of a flat alternation one by one at each
    position; sharing prefixes makes a search about ten times faster.
    """
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    return build(root)


#: How often a verb lemma must be a labelled cue to count as one, and the occurrences
#: added to each lemma's count so that a lemma seen three times needs more than luck.
CUE_PRECISION = 0.3
CUE_PRIOR = 5
#: Occurrences of the lemma's overall rate added to each frame's count: a frame seen
#: rarely keeps about the lemma's rate, one seen often its own.
FRAME_PRIOR = 5
#: The least precision for a cue inside a quotation or inside what another cue reports,
#: by its learned rate there (PolNeAR leaves most such verbs unlabelled: "X said Y
#: blamed ..."), and for one that gives a figure its source.
NESTED_PRECISION = CUE_PRECISION
FIGURE_PRECISION = 0.5
_LEARNED = json.loads(
    resources.files(__package__).joinpath("cues.json").read_text(encoding="utf-8")
)
#: Learned by bench/learn_cues.py: lemma -> [times a labelled cue, times a verb, forms,
#: {frame: [times a labelled cue, times a verb]}] (frames as attribution.cue_frame).
_CUES: dict[str, list] = _LEARNED["verbs"]
#: Verbs that attribute an estimate, too rare in the learned cues to be among them.
ESTIMATE_VERBS = frozenset("estimate assess calculate count tally put reckon record".split())
#: How often each verb lemma is a labelled cue where it occurs, smoothed by ``CUE_PRIOR``.
CUE_SCORES = {lemma: row[0] / (row[1] + CUE_PRIOR) for lemma, row in _CUES.items()}
#: How often each verb lemma is a labelled cue in each frame, backed off to its overall
#: rate: "believes that ..." reports, "believes in ..." does not.
FRAME_SCORES = {
    (lemma, frame): (cues + FRAME_PRIOR * CUE_SCORES[lemma]) / (seen + FRAME_PRIOR)
    for lemma, row in _CUES.items()
    for frame, (cues, seen) in (row[3] if len(row) > 3 else {}).items()
}


def cue_score(lemma: str, frame: str) -> float:
    """How often ``lemma`` in ``frame`` is a labelled cue, as the package uses it.

    A verb that is a cue overall stays one in every frame (its rarer frames, "said
    it", are too mixed to drop); one that is not may still be one with a clause or a
    quotation ("found that ...", "continued: ..."), which a cheap pattern finds
    before parsing (:data:`CLAUSE_CUE_RE`). Its other frames are learned too, but
    passing there would put every form of it through the parser (8 % more
    sentences) for no gain in F1.
    """
    overall = CUE_SCORES.get(lemma, 0.0)
    if frame == "n":
        # nested in a quotation or in what another cue reports: its own, lower rate
        return FRAME_SCORES.get((lemma, frame), overall)
    if frame != "c":
        return overall
    return max(FRAME_SCORES.get((lemma, frame), 0.0), overall)


PRONOUNS = frozenset("he she it they we i you".split())
#: How often a subject head of a kind must be the labelled source of the cue it is the
#: subject of; only common nouns and words like "that" are judged (names, entities
#: and pronouns are speakers). About half the F1 of the sources: a head below it
#: costs more in false sources than it gives in true ones. Each head's count gets
#: ``HEAD_PRIOR`` occurrences at the common nouns' overall rate, so a head seen a
#: few times and never a source ("the pope") is not judged on that alone.
HEAD_PRECISION = 0.35
HEAD_PRIOR = 5
#: Learned by bench/learn_cues.py: subject head (see attribution.head_key) -> [times the
#: labelled source, times the subject of a cue verb].
_HEADS: dict[str, list[int]] = {
    key: row for key, row in _LEARNED.get("heads", {}).items() if not key.startswith("=")
}
_NOUNS = [row for key, row in _HEADS.items() if key not in PRONOUNS]
_NOUN_RATE = sum(r[0] for r in _NOUNS) / max(1, sum(r[1] for r in _NOUNS))
#: The subject heads that rarely speak: "Global trade offers ...", "That makes ...".
MUTE_HEADS = frozenset(
    key
    for key, (spoke, seen) in _HEADS.items()
    if (spoke + HEAD_PRIOR * _NOUN_RATE) / (seen + HEAD_PRIOR) < HEAD_PRECISION
)


#: Lemmas of verbs that attribute a statement or an estimate to their subject: those that
#: PolNeAR's annotators (political news) marked as a cue often enough, and the estimate verbs.
SAY_VERBS = ESTIMATE_VERBS | {lemma for lemma in _CUES if cue_score(lemma, "c") >= CUE_PRECISION}
#: Those that attribute only with a clause or a quotation ("found that ..."): their
#: forms make a sentence worth parsing only next to one.
CLAUSE_VERBS = frozenset(
    lemma for lemma in SAY_VERBS - ESTIMATE_VERBS if CUE_SCORES[lemma] < CUE_PRECISION
)
_SAY_FORMS = {f for v in ESTIMATE_VERBS for f in _forms(v)} | {
    f for lemma in SAY_VERBS - CLAUSE_VERBS if lemma in _CUES for f in _CUES[lemma][2]
}
_CLAUSE_FORMS = {f for lemma in CLAUSE_VERBS for f in _CUES[lemma][2]}
#: Any form of an attributing verb, or "according to": a sentence that may attribute.
SAY_CUE_RE = re.compile(r"\b(?:according\s+to|" + _trie(_SAY_FORMS) + r")\b", re.IGNORECASE)
#: A form of a verb that attributes only with a clause or a quotation, next to one:
#: "that", a quotation mark or a colon after it, a subject pronoun opening the clause
#: ("found they had"), or a quotation closing just before it ('," she testified').
#: An article after it ("found the child") is far more often an object.
_CLAUSE_TRIE = _trie(_CLAUSE_FORMS) if _CLAUSE_FORMS else "(?!)"
CLAUSE_CUE_RE = re.compile(
    r"\b" + _CLAUSE_TRIE + r"(?=\s*[:\"“]|\s+(?:that|i|he|she|we|they)\b)"
    r"|[\"”’],?\s+(?:[\w.]+\s+){0,3}" + _CLAUSE_TRIE + r"\b",
    re.IGNORECASE,
)
#: A statement that an amount is not known: "how many", "the scale ... remains unknown".
UNKNOWN_RE = re.compile(
    r"\bhow\s+many\b"
    r"|\b(?:number|scale|size|extent|toll|total|count|tally)\b[^.;]{0,80}?"
    r"\b(?:unknown|unclear|not\s+(?:yet\s+)?(?:known|clear|disclosed|confirmed|specified))\b"
    r"|\b(?:unknown|undisclosed|unspecified)\s+number\b",
    re.IGNORECASE,
)
#: "put" attributes only with a figure-like object: "put the number at 4,000".
FIGURE_OBJECTS = frozenset("number toll figure total count tally estimate casualty".split())
#: Nouns that are a statement, not its author: the author is their modifier.
REPORT_NOUNS = frozenset(
    """report statement study survey estimate figure assessment data analysis article post
    tally count account briefing announcement release document memo record assessment
    census poll projection calculation intelligence""".split()
)
#: Common nouns for organisations and people, which "the agency" or "he" can refer back to.
ORG_NOUNS = frozenset(
    """agency ministry service office government military army department company firm
    newspaper paper outlet broadcaster network council committee commission court police
    authority administration bureau organization organisation group spokesperson
    spokesman spokeswoman official minister president leader""".split()
)

#: Counted nouns that mean the same thing in a count, by class.
NOUN_CLASSES = {
    "troops": """troop soldier force fighter serviceman servicemember personnel marine
    conscript mercenary militant combatant recruit infantryman paratrooper unit""",
    "people": """people person civilian resident citizen individual man woman child adult
    inhabitant spectator reveller onlooker bystander visitor tourist pedestrian""",
    "prisoners": "prisoner pow captive hostage detainee",
    "refugees": "refugee migrant evacuee asylum-seeker",
    "weapons": "weapon missile shell rocket drone munition round",
}
_NOUN_CLASS = {w: cls for cls, words in NOUN_CLASSES.items() for w in words.split()}

#: Events a count can be of, by class; verbs, adjectives and nouns alike.
EVENT_CLASSES = {
    "killed": "kill die dead death fatality slay perish execute killed",
    "wounded": "wound injure hurt injury injured wounded",
    "killed or wounded": "casualty casualties",
    "captured": "capture detain arrest seize imprison",
    "deployed": """send deploy dispatch station move transfer redeploy sent deployment
    mobilize mobilise""",
    "missing": "missing disappear",
    "displaced": "displace flee evacuate",
}
_EVENT_CLASS = {w: cls for cls, words in EVENT_CLASSES.items() for w in words.split()}
#: Casualty events compare whatever noun they count: dead soldiers and dead people.
CASUALTY_EVENTS = frozenset({"killed", "wounded", "killed or wounded"})
#: Adjectives that make a count an increment on an earlier one.
ADDITIONAL = frozenset("additional more extra further new fresh".split())
#: Currency words, which make a figure an amount in that unit rather than a count.
CURRENCY_NOUNS = {"dollar": "dollars", "euro": "euros", "pound": "pounds", "yen": "yen"}
#: Nouns that name an amount itself ("the scale of ..."), never what is counted.
SCALE_NOUNS = frozenset("scale size extent amount number total level magnitude".split())
#: Nouns that name a span of time or a rate, never something counted in a claim.
TIME_NOUNS = frozenset(
    """second minute hour day week month year decade century time age percent point
    kilometer kilometre mile meter metre km inch foot feet""".split()
)


def noun_class(lemma: str) -> str:
    """The class of a counted noun's lemma, or the lemma itself when it has none."""
    lemma = lemma.lower()
    return _NOUN_CLASS.get(lemma, _NOUN_CLASS.get(lemma.rstrip("s"), lemma))


def event_class(lemma: str) -> str | None:
    """The event class of a verb, adjective or noun lemma, if it names one."""
    return _EVENT_CLASS.get(lemma.lower())


@dataclass(frozen=True, slots=True)
class MeasureKey:
    """What a measure counts, reduced to comparable parts."""

    noun: str | None
    event: str | None
    additional: bool
    unit: str | None


def measure_key(measure: str | None) -> MeasureKey:
    """The comparable parts of a measure string made by :func:`format_measure`."""
    if not measure:
        return MeasureKey(None, None, False, None)
    text = measure.lower()
    unit = None
    if m := re.search(r"\(in ([^)]+)\)", text):
        unit = m.group(1)
        text = text[: m.start()].strip()
    additional = text.startswith("additional ")
    if additional:
        text = text.removeprefix("additional ")
    event = None
    for cls in sorted(EVENT_CLASSES, key=len, reverse=True):
        if text.endswith(" " + cls) or text == cls:
            event = cls
            text = text[: len(text) - len(cls)].strip()
            break
    noun = noun_class(text.split()[-1]) if text else None
    return MeasureKey(noun, event, additional, unit)


def format_measure(
    noun: str | None, event: str | None, additional: bool, unit: str | None
) -> str | None:
    """The measure string for a claim: "[additional] noun [event] [(in unit)]"."""
    parts = ["additional"] if additional and (noun or event) else []
    parts += [p for p in (noun, event) if p]
    if unit:
        parts.append(f"(in {unit})")
    return " ".join(parts) or None
