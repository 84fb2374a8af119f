"""Named entities of a story, merged across spellings, forms and outlets.

Mentions come from spaCy's NER (:func:`~newsweave.claims.mentions.find_mentions`);
two forms are the same entity when

- they normalise alike ("the Kursk region" / "Kursk", "North Korea's" / "North Korea");
- they are people's names whose surnames are within a small edit distance
  (Zelenskiy / Zelensky / Zelenskyy) and whose given names, if both give one,
  agree;
- one is a surname (or family name first, as in Korean) that an article uses
  after the full name ("Kim" after "Kim Jong Un" in the same article);
- one is an acronym of the other's capitalised words, or of their tail
  (NIS / National Intelligence Service), or follows it in brackets
  ("Security Service of Ukraine (SBU)");
- one is the first word of a multi-word organisation (JoongAng / JoongAng Ilbo)
  or its tail after a place ("National Intelligence Service" / "South Korean
  National Intelligence Service");
- one is a capital city standing for its country (Pyongyang / North Korea) or a
  common alternative name of a country (U.S. / United States), from a small
  general table.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from newsweave.models import Mention
from newsweave.story.model import Entity

#: Words that only say what kind of place a name is.
_GENERIC = frozenset(
    "region province oblast state city county district territory area republic island".split()
)
_GENERIC_AFTER = re.compile(rf" ({'|'.join(sorted(_GENERIC))})\b")
_BRACKETED = re.compile(r"\s*\(([A-Z][A-Za-z&.]{1,7})\)")
_MINOR = frozenset({"of", "the", "and", "for", "de", "la", "du", "&"})
#: Metonymy and alternative names: general knowledge, not tied to any story.
_COUNTRY_NAMES = {
    "north korea": ("pyongyang",),
    "south korea": ("seoul", "republic of korea", "rok"),
    "russia": ("moscow", "kremlin", "russian federation"),
    "ukraine": ("kyiv", "kiev"),
    "united states": ("us", "u.s.", "usa", "u.s.a.", "america", "washington"),
    "united kingdom": ("uk", "u.k.", "britain", "great britain", "london"),
    "china": ("beijing", "prc", "people's republic of china"),
    "japan": ("tokyo",),
    "france": ("paris",),
    "germany": ("berlin",),
    "israel": ("jerusalem",),
    "iran": ("tehran",),
    "india": ("new delhi",),
    "turkey": ("ankara", "turkiye", "türkiye"),
    "saudi arabia": ("riyadh",),
    "syria": ("damascus",),
    "taiwan": ("taipei",),
    "belarus": ("minsk",),
    "poland": ("warsaw",),
    "european union": ("eu", "e.u.", "brussels"),
}
_CANONICAL = {alias: name for name, aliases in _COUNTRY_NAMES.items() for alias in aliases}


def _surface(text: str) -> str:
    """A mention as it should be listed: no article, possessive or extra spaces."""
    text = re.sub(r"\s+", " ", text).strip(" ,;:-—–\"'“”‘’()")
    text = re.sub(r"['’]s$", "", text)
    return re.sub(r"^(?:the|The)\s+", "", text)


def _key(surface: str) -> str:
    words = [
        w for w in surface.casefold().split() if w not in _GENERIC
    ] or surface.casefold().split()
    key = " ".join(words)
    return _CANONICAL.get(key, key)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, for names short enough that O(len²) is nothing."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _similar_names(a: str, b: str) -> bool:
    """Whether two words are spellings of one name: Zelenskiy / Zelenskyy."""
    a, b = a.casefold(), b.casefold()
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or a[0] != b[0]:
        return False
    return _distance(a, b) / max(len(a), len(b)) <= 0.25


def _same_person(a: list[str], b: list[str]) -> bool:
    if not _similar_names(a[-1], b[-1]):
        return False
    if len(a) > 1 and len(b) > 1:
        return _similar_names(a[0], b[0])
    return True


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.casefold() not in _MINOR and w[:1].isupper())


def _is_acronym(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z&.]{1,6}", word)) and word.upper() == word


def _short_form(short: list[str], full: list[str]) -> bool:
    """ "JoongAng" for "JoongAng Ilbo"; "National Intelligence Service" after a place."""
    if len(short) == 1:
        return full[0] == short[0]
    return full[-len(short) :] == short


class _Union:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {x: x for x in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def merge_entities(articles: Iterable[tuple[str, Iterable[Mention]]]) -> list[Entity]:
    """The entities that (text, mentions) pairs of articles name, merged, most mentioned first."""
    counts: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    per_doc: list[set[str]] = []
    bracketed: list[tuple[str, str]] = []
    for text, mentions in articles:
        seen = set()
        for mention in mentions:
            surface = _surface(mention.text)
            if len(surface) < 2 or not surface[0].isalpha():
                continue
            # the tagger leaves "region" out of "the Kursk region"; keep the form as written
            if kind := _GENERIC_AFTER.match(text, mention.end):
                surface = f"{surface} {kind.group(1)}"
            counts[surface] += 1
            labels[surface][mention.label] += 1
            seen.add(surface)
            # "Security Service of Ukraine (SBU)": the bracket names it whatever its letters
            after = _BRACKETED.match(text, mention.end)
            if after and after.group(1) != surface:
                bracketed.append((surface, after.group(1)))
        per_doc.append(seen)
    for name, short in bracketed:
        if short not in counts:
            labels[short] = Counter(labels[name])
        counts[short] += 0

    forms = list(counts)
    union = _Union(forms)
    for name, short in bracketed:
        union.join(short, name)
    by_key: dict[str, str] = {}
    for form in forms:
        key = _key(form)
        if key in by_key:
            union.join(form, by_key[key])
        else:
            by_key[key] = form
    words = {form: form.split() for form in forms}
    people = [f for f in forms if labels[f]["PERSON"]]
    is_person = set(people)
    # a name the tagger called an organisation once still matches a person
    others = [
        f for f in forms if len(words[f]) <= 3 and not labels[f]["GPE"] and f not in is_person
    ]
    # spellings of one name start alike (see _similar_names): compare only those
    initial = {f: words[f][-1].casefold()[0] for f in [*people, *others]}
    for i, a in enumerate(people):
        for b in [*people[i + 1 :], *others]:
            if initial[a] == initial[b] and _same_person(words[a], words[b]):
                union.join(a, b)
    for seen in per_doc:
        # A lone word after the full name in the same article: "Kim" for "Kim Jong Un".
        full = [f for f in seen if len(words[f]) > 1 and labels[f]["PERSON"]]
        for form in seen:
            if len(words[form]) == 1 and labels[form]["PERSON"]:
                owners = [f for f in full if form in (words[f][0], words[f][-1])]
                if len(owners) == 1:
                    union.join(form, owners[0])
    # the initials of each multi-word form's tails, for "NIS" / "(South Korean) National
    # Intelligence Service"; worked out once per form, not once per pair
    tail_initials = {
        b: {_initials(words[b][i:]) for i in range(len(words[b]) - 1)}
        for b in forms
        if len(words[b]) >= 2
    }
    for a in forms:
        letters = a.replace(".", "") if _is_acronym(a) else None
        for b, initials in tail_initials.items():
            if a == b:
                continue
            acronym = letters is not None and letters in initials
            shortened = labels[a]["ORG"] and labels[b]["ORG"] and _short_form(words[a], words[b])
            if acronym or shortened:
                union.join(a, b)

    groups: dict[str, list[str]] = defaultdict(list)
    for form in forms:
        groups[union.find(form)].append(form)
    entities = []
    for members in groups.values():
        total = sum(counts[m] for m in members)
        label = sum((labels[m] for m in members), Counter()).most_common(1)[0][0]
        name = max(
            members,
            key=lambda m: (
                not _is_acronym(m),
                m.split()[-1] not in _GENERIC,
                len(m.split()) > 1,
                counts[m],
                len(m),
            ),
        )
        aliases = sorted(m for m in members if m != name)
        entities.append(Entity(name, aliases, label, total))
    entities.sort(key=lambda e: (-e.mentions, e.name))
    return entities


#: Words descriptions use for what organisation names say otherwise.
_SYNONYMS = {"spy": "intelligence", "defense": "defence", "defence": "defence"}
#: Words in a description that do not help to tell organisations apart.
_VAGUE_WORDS = frozenset(
    "main top chief national federal state domestic official leading own premier".split()
)
_DESCRIPTION = re.compile(
    r"(?P<owner>[A-Z][\w.]*(?: [A-Z][\w.]*)*)['’]s (?P<words>(?:[a-z]+ )*?)"
    r"(?P<head>agency|service|ministry|bureau|office|department|army|military|newspaper"
    r"|broadcaster|court|police|parliament|government)"
)


def _place_words(owner: str) -> list[str]:
    """Ways the articles may name a place: its name, stem, capital and other names."""
    key = _key(owner)
    stem = key[: max(4, len(key) - 2)]
    return [stem, key, *_COUNTRY_NAMES.get(key, ())]


def _owned_by(owner: str, entity: Entity, texts: list[str]) -> bool:
    """Whether the articles tie ``entity`` to the place ``owner`` ("Seoul's NIS")."""
    places = _place_words(owner)
    for form in [entity.name, *entity.aliases]:
        folded = form.casefold()
        if any(folded.startswith(p) for p in places):
            return True
        pattern = re.compile(
            rf"(?:{'|'.join(re.escape(p) for p in places)})\w*(?:['’]s)?\s+{re.escape(folded)}"
        )
        if any(pattern.search(text.casefold()) for text in texts):
            return True
    return False


def attach_descriptions(entities: list[Entity], phrases: Iterable[str], texts: list[str]) -> None:
    """Add "X's spy agency"-style phrases as aliases of the one organisation they fit.

    A description fits an organisation when the articles tie it to the place X
    and its distinctive words ("spy" read as "intelligence") are in the name.
    """
    for phrase in dict.fromkeys(phrases):
        m = _DESCRIPTION.fullmatch(phrase)
        if m is None or any(phrase == e.name or phrase in e.aliases for e in entities):
            continue
        # with no distinctive word left, the head noun itself must be in the name
        words = {_SYNONYMS.get(w, w) for w in m.group("words").split()} - _VAGUE_WORDS
        words = words or {m.group("head")}
        fits = [
            e
            for e in entities
            if e.label == "ORG"
            and words <= {w.casefold() for f in [e.name, *e.aliases] for w in f.split()}
            and _owned_by(m.group("owner"), e, texts)
        ]
        if len(fits) == 1:
            fits[0].aliases.append(phrase)
            fits[0].aliases.sort()
            fits[0].mentions += 1
