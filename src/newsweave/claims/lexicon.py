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
#: The least precision for a cue inside a quotation or inside what another cue reports,
#: and for one that gives a figure its source.
NESTED_PRECISION = 0.5
FIGURE_PRECISION = 0.5
#: Learned by bench/learn_cues.py: lemma -> [times a labelled cue, times a verb, forms].
_CUES: dict[str, list] = json.loads(
    resources.files(__package__).joinpath("cues.json").read_text(encoding="utf-8")
)["verbs"]
#: Verbs that attribute an estimate, too rare in the learned cues to be among them.
ESTIMATE_VERBS = frozenset("estimate assess calculate count tally put reckon record".split())
#: How often each verb lemma is a labelled cue where it occurs, smoothed by ``CUE_PRIOR``.
CUE_SCORES = {lemma: cues / (seen + CUE_PRIOR) for lemma, (cues, seen, _) in _CUES.items()}
#: Lemmas of verbs that attribute a statement or an estimate to their subject: those that
#: PolNeAR's annotators (political news) marked as a cue often enough, and the estimate verbs.
SAY_VERBS = ESTIMATE_VERBS | {lemma for lemma, p in CUE_SCORES.items() if p >= CUE_PRECISION}
_SAY_FORMS = {f for v in ESTIMATE_VERBS for f in _forms(v)} | {
    f for lemma in SAY_VERBS & _CUES.keys() for f in _CUES[lemma][2]
}
#: Any form of an attributing verb, or "according to": a sentence that may attribute.
SAY_CUE_RE = re.compile(r"\b(?:according\s+to|" + _trie(_SAY_FORMS) + r")\b", re.IGNORECASE)
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
PRONOUNS = frozenset("he she it they we i you".split())

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
