"""Who said it: the source of each statement a sentence attributes, from its parse.

A cue is a verb of saying (the learned :data:`~newsweave.claims.lexicon.SAY_VERBS`,
scored by the frame it is used in, :func:`cue_frame`; "put ... at"), "according to",
a verb before a colon ("X continued:") or a headline's colon ("X: ..."); its source
is the verb's subject, the agent of a passive ("was told by X"), the subject it
shares with the verb it hangs off ("X declined to comment", "X said ... and added",
"..., saying"), the owner of a report ("a statement from X saying") or the object of
"according to". A source is named by its entity ("Jane Roe, the company's
spokeswoman" -> Jane Roe) and must be a noun, a name or a pronoun: never a time, an
adjective, a dateline or a common noun learned to rarely speak
(:data:`~newsweave.claims.lexicon.MUTE_HEADS`). :func:`attributions` gives one per
cue, so a sentence can have several ("X said Y had claimed ..."); :func:`attribute`
the one a figure belongs to, by walking up its heads to the nearest cue. Pronouns
and definite descriptions ("the agency") are left to the caller, who knows the
earlier sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from newsweave.claims.lexicon import (
    CUE_PRECISION,
    ESTIMATE_VERBS,
    FIGURE_OBJECTS,
    FIGURE_PRECISION,
    MUTE_HEADS,
    NESTED_PRECISION,
    ORG_NOUNS,
    PRONOUNS,
    REPORT_NOUNS,
    SAY_VERBS,
    cue_score,
    event_class,
)

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_NAMED = ("PERSON", "ORG", "NORP", "GPE", "FAC", "PRODUCT", "WORK_OF_ART", "LOC")
#: Entity labels a source is better named by than the noun phrase around it.
_AUTHORS = ("PERSON", "ORG")
_LEADING = frozenset({"the", "a", "an", "'s", "’s"})
_DROP_DEPS = ("relcl", "acl", "punct", "advcl", "prep", "appos", "cc", "conj")


@dataclass(frozen=True, slots=True)
class Attribution:
    """A source found for a statement: its name and what it cites, if anything.

    ``refers_back`` is true when the name is a pronoun or a description ("the
    agency") that stands for a source named earlier; ``person`` whether the
    source is (or the pronoun stands for) a person, ``org`` whether it is named
    as an organisation; ``head`` the lemma of the word naming it and ``plural``
    its number, to match "the agency" to the earlier source it stands for.
    """

    source: str
    cites: tuple[str, ...] = ()
    via: str | None = None
    refers_back: bool = False
    person: bool = False
    head: str = ""
    plural: bool = False
    org: bool = False


#: The frames :func:`cue_frame` tells apart.
FRAMES = ("c", "x", "o", "p", "b")
_QUOTES = frozenset({'"', "“", "”", "‘", "’", "``", "''"})


def cue_frame(verb: Token) -> str:
    """The frame a verb is used in, which decides whether it reports: ``c`` with a
    clause or a quotation ("believes that ...", '"...," he said'), ``x`` with an
    infinitive ("wants to"), ``o`` with a direct object only, ``p`` with a
    preposition ("believes in"), ``b`` bare."""
    deps = {c.dep_ for c in verb.children}
    doc = verb.doc
    near = doc[max(verb.i - 2, verb.sent.start) : min(verb.i + 3, verb.sent.end)]
    if (
        deps & {"ccomp", "parataxis"}
        or verb.dep_ == "parataxis"
        or any(t.text in _QUOTES or t.text == ":" for t in near)
    ):
        return "c"
    if "xcomp" in deps:
        return "x"
    if "dobj" in deps:
        return "o"
    if "prep" in deps:
        return "p"
    return "b"


def head_key(token: Token) -> str:
    """What kind of word a subject is, for how often that kind speaks (learned in
    cues.json): a pronoun, an entity's label ("=PERSON"), "=PROPN" for a name the
    recogniser missed, else a common noun's lemma ("official", "trade")."""
    if token.lower_ in PRONOUNS:
        return token.lower_
    if token.ent_type_:
        return "=" + token.ent_type_
    if token.pos_ == "PROPN":
        return "=PROPN"
    return token.lemma_.lower()


def is_say_verb(token: Token, least: float = CUE_PRECISION, nested: bool = False) -> bool:
    """Whether ``token`` attributes a statement: a verb of saying, or "put ... at".

    ``least`` is how often its lemma must be a labelled cue in the frame it is used
    in (:func:`cue_frame`), or, ``nested`` in a quotation or in what another cue
    reports, there: "agreed to inject $6.5 billion" is a position PolNeAR labels, not
    a figure's source; "found that ..." reports, "found the keys" does not.
    """
    lemma = token.lemma_.lower()
    if token.pos_ not in ("VERB", "AUX") or lemma not in SAY_VERBS:
        return False
    if lemma == "put":
        return any(c.dep_ == "dobj" and c.lemma_.lower() in FIGURE_OBJECTS for c in token.children)
    frame = "n" if nested else cue_frame(token)
    return lemma in ESTIMATE_VERBS or cue_score(lemma, frame) >= least


def _clean(tokens: list[Token]) -> str:
    """The text of a run of tokens without leading articles or trailing punctuation."""
    while tokens and tokens[0].lower_ in _LEADING:
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ == "case"):
        tokens = tokens[:-1]
    if not tokens:
        return ""
    doc = tokens[0].doc
    return doc[tokens[0].i : tokens[-1].i + 1].text


def _entity_of(token: Token) -> Span | None:
    if not token.ent_type_:
        return None
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def _phrase(head: Token) -> str:
    """The name a subject token stands for, as short as stays exact."""
    conj = [c for c in head.children if c.dep_ == "conj"]
    if conj:
        # "Kyiv and its Western allies": the whole coordination is the source.
        sub = [
            t for t in head.subtree if t.dep_ not in ("relcl", "acl") and t.i >= head.left_edge.i
        ]
        return _clean(sub)
    ent = _entity_of(head)
    if ent is not None and ent.label_ in _NAMED:
        return _clean(list(ent))
    # A common noun with a person or organisation inside ("sources in the NIS",
    # "South Korea's JoongAng Ilbo newspaper") is best named by that entity.
    inner = [
        e
        for e in head.doc.ents
        if e.label_ in _AUTHORS and head.left_edge.i <= e.start and e.end <= head.right_edge.i + 1
    ]
    if inner:
        return _clean(list(inner[0]))
    keep = [head]
    for child in head.children:
        if child.dep_ not in _DROP_DEPS:
            keep.extend(child.subtree)
    keep.sort(key=lambda t: t.i)
    return _clean(keep)


def _refers_back(head: Token) -> bool:
    """Whether a subject is a pronoun or "the <noun>" standing for an earlier name."""
    if head.lower_ in PRONOUNS:
        return True
    if head.ent_type_ or head.pos_ == "PROPN":
        return False
    has_the = any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in head.children)
    named_inside = any(t.ent_type_ in _AUTHORS for t in head.subtree)
    lemma = head.lemma_.lower()
    return has_the and not named_inside and (lemma in ORG_NOUNS or lemma in REPORT_NOUNS)


def _owner_noun(token: Token) -> bool:
    """A common noun that can own an estimate ("police estimates"), not its topic."""
    lemma = token.lemma_.lower()
    return (
        token.pos_ == "NOUN"
        and token.dep_ != "amod"
        and event_class(lemma) is None
        and lemma not in REPORT_NOUNS
        and lemma not in FIGURE_OBJECTS
    )


def _owner(noun: Token) -> Token | None:
    """The named owner of a report-like noun: "U.S. estimates", "a report in X"."""
    for child in noun.children:
        if child.dep_ in ("poss", "compound", "nmod", "amod") and (
            child.ent_type_ or child.pos_ == "PROPN" or _owner_noun(child)
        ):
            return child
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "by", "from", "of"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def _own_subject(verb: Token) -> Token | None:
    """The verb's speaker among its own children, or ``None``."""
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            # a passive's subject is what was said; its speaker is the agent, if any
            agent = [c for c in verb.children if c.dep_ == "agent"]
            return next((o for a in agent for o in a.children if o.dep_ == "pobj"), None)
        if child.dep_ in _SUBJECTS:
            return child
    return None


def _subject(verb: Token, share: bool = True) -> Token | None:
    """Who speaks through ``verb``: its subject, or (``share``) the one it shares with
    the verb it hangs off."""
    if (own := _own_subject(verb)) is not None:
        return own
    # "..., South Korea's main spy agency said Thursday." parsed as an object of
    # the clause before: the noun right before the verb, after a comma, speaks.
    before = verb.doc[verb.i - 1] if verb.i > verb.sent.start else None
    if before is not None and before.pos_ in ("NOUN", "PROPN"):
        left = before.left_edge.i
        if left > verb.sent.start and verb.doc[left - 1].text in (",", "'", "’", '"', "”"):
            return before
    head = verb.head
    if verb.dep_ in ("advcl", "pcomp", "acl"):
        # "with the White House saying ...": the subject is the object of "with".
        for sib in head.children:
            if sib.dep_ == "prep" and sib.lower_ == "with" and sib.i < verb.i:
                for pobj in sib.children:
                    if pobj.dep_ == "pobj":
                        return pobj
    if verb.dep_ == "acl" and head.lemma_.lower() in REPORT_NOUNS:
        return head  # "a statement from the agency saying ...": the report's owner
    if share and verb.dep_ in ("xcomp", "conj", "advcl") and head.pos_ in ("VERB", "AUX"):
        # "X declined to comment", "X said ... and added", "X hit back, saying ...";
        # "X is expected to say" raises the passive's subject
        shared = _own_subject(head)
        passive = [c for c in head.children if c.dep_ == "nsubjpass"]
        if shared is None and passive and verb.dep_ == "xcomp":
            return passive[0]
        return shared
    return None


def _author(subject: Token) -> tuple[Token, bool]:
    """The token naming who speaks, following relative pronouns and report nouns."""
    if subject.tag_ in ("WDT", "WP") and subject.head.dep_ == "relcl":
        subject = subject.head.head
    if subject.lemma_.lower() in REPORT_NOUNS and (owner := _owner(subject)) is not None:
        # the newspaper's name may hang off "newspaper" as an apposition
        for child in owner.children:
            if child.dep_ == "appos" and child.ent_type_ in _AUTHORS:
                return child, False
        return owner, False
    return subject, _refers_back(subject)


def _cites(verb: Token) -> tuple[str, ...]:
    """Who the speaker cites: "X, citing unidentified sources, reported"."""
    cited = []
    for child in verb.children:
        if child.lemma_.lower() in ("cite", "quote") and child.dep_ in ("advcl", "xcomp", "conj"):
            cited += [_phrase(o) for o in child.children if o.dep_ == "dobj"]
    return tuple(c for c in cited if c)


def _via(sent: Span) -> str | None:
    """A relaying outlet: "..., as reported by The Associated Press"."""
    for token in sent:
        if token.lemma_.lower() == "report" and any(c.lower_ == "as" for c in token.children):
            for child in token.children:
                if child.dep_ == "agent":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            return _phrase(pobj) or None
    return None


def _according(token: Token) -> Token | None:
    """The object of "according to" when ``token`` is its "according"."""
    if token.lower_ != "according" or token.i + 1 >= len(token.doc):
        return None
    return next((c for c in token.doc[token.i + 1].children if c.dep_ == "pobj"), None)


#: Entity labels that are never a speaker: "earlier this week said", "5 million say".
_NOT_SPEAKERS = frozenset({"DATE", "TIME", "MONEY", "QUANTITY", "ORDINAL"})
#: Pronouns that are never a speaker: objects ("let me tell you") and question words.
_NOT_SPEAKING = frozenset("me him her us them what whatever this there".split())
_DASHES = frozenset({"—", "–", "-", "--"})
_OPEN = frozenset({"“", "‘", "``"})
_CLOSE = frozenset({"”", "’", "''"})


def _dateline(sent: Span) -> int:
    """Where a dateline ("SAN JOSE (Reuters) —") ends in ``sent``: the index after its
    dash, or the sentence start when it has none."""
    for token in sent[:8]:
        if token.text in _DASHES:
            head = [t for t in sent if t.i < token.i and t.is_alpha]
            if head and all(t.is_upper or t.lower_ in ("reuters", "ap", "afp") for t in head):
                return token.i + 1
            break
    return sent.start


def _quoted(sent: Span) -> frozenset[int]:
    """The indices of the tokens inside quotation marks in ``sent``."""
    inside: set[int] = set()
    opened = False
    for token in sent:
        text = token.text
        if text in _OPEN or (text == '"' and not opened):
            opened = True
        elif text in _CLOSE or text == '"':
            opened = False
        elif opened:
            inside.add(token.i)
    return frozenset(inside)


def _speaks(token: Token) -> bool:
    """Whether a token can name a speaker: a noun, a name or a pronoun, not a time,
    an adjective ("Australian"), an object pronoun or a dateline ("SAN JOSE —")."""
    if token.ent_type_ in _NOT_SPEAKERS or token.pos_ not in ("NOUN", "PROPN", "PRON", "NUM"):
        return False
    if token.lower_ in _NOT_SPEAKING or (token.ent_type_ == "PERCENT" and not token.children):
        return False
    return token.i >= _dateline(token.sent)


def _after_quote(verb: Token, subject: Token) -> Token | None:
    """The speaker of '"...," said Jane Roe' when the parse took the quotation's subject
    for the verb's: the first noun after the verb that hangs off it."""
    quoted = _quoted(verb.sent)
    if subject.i not in quoted or verb.i in quoted:
        return subject
    for child in verb.rights:
        if child.pos_ in ("NOUN", "PROPN") and child.dep_ not in ("ccomp", "prep", "punct"):
            return child
    return None


def _byline(verb: Token) -> bool:
    """A reporter's credit, not a statement: "John Doe reported from Paris", "John Doe
    contributed reporting"."""
    if verb.lemma_.lower() not in ("report", "write", "contribute"):
        return False
    if any(c.dep_ == "dobj" and c.lower_ in ("reporting", "research") for c in verb.children):
        return True  # "Jane Roe contributed reporting."
    said = [c for c in verb.children if c.dep_ in ("ccomp", "dobj", "xcomp", "advcl", "conj")]
    places = [c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("from", "in", "at")]
    return not said and bool(places)


def _named(author: Token, back: bool, sent: Span, cites: tuple[str, ...]) -> Attribution | None:
    """The attribution to ``author``, if it can speak."""
    if not _speaks(author):
        return None
    name = author.text if author.lower_ in PRONOUNS else _phrase(author)
    if not name:
        return None
    person = author.ent_type_ == "PERSON" or author.lower_ in ("he", "she")
    plural = author.tag_ in ("NNS", "NNPS") or author.lower_ in ("they", "we")
    org = author.ent_type_ == "ORG"
    return Attribution(name, cites, _via(sent), back, person, author.lemma_.lower(), plural, org)


def _from_according(pobj: Token, sent: Span) -> Attribution | None:
    # "according to a report in X" is X's; "the report" later stands for it
    author, back = _author(pobj)
    found = _named(author, back, sent, ())
    if found is None or author.i == pobj.i:
        return found
    return Attribution(found.source, (), found.via, False, found.person, pobj.lemma_.lower())


def _mute(author: Token) -> bool:
    """Whether the subject is of a kind that rarely speaks ("Global trade offers ..."):
    a common noun or a word like "that" learned as rarely a labelled source."""
    key = head_key(author)
    if key.startswith("=") or key in PRONOUNS:
        return False
    # a head described by what follows ("people briefed on the talks") names someone
    described = any(c.dep_ in ("acl", "relcl", "prep") for c in author.children)
    return key in MUTE_HEADS and not described


def _from_verb(verb: Token, sent: Span, share: bool = True) -> Attribution | None:
    subject = _subject(verb, share)
    if subject is not None:
        subject = _after_quote(verb, subject)
    if subject is None or _byline(verb):
        return None
    author, back = _author(subject)
    if _mute(author):
        return None
    return _named(author, back, sent, _cites(verb))


#: The most words a headline's speaker before its colon has ("Sen. Jane Roe: ...").
_COLON_NAME = 6


def _colon_speaker(sent: Span) -> Token | None:
    """The speaker of a headline-style "Jane Roe: The plan has failed.": a name or a
    report ("Poll:") with no verb, alone before a colon that a statement follows."""
    colon = next((t for t in sent[: _COLON_NAME + 1] if t.text == ":"), None)
    if colon is None or colon.i == sent.start or sent.end - colon.i < 4:
        return None
    name = sent.doc[sent.start : colon.i]
    if any(t.pos_ in ("VERB", "AUX") for t in name):
        return None
    head = name.root
    lemma = head.lemma_.lower()
    if head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or lemma in REPORT_NOUNS:
        return head if _speaks(head) else None
    return None


def _colon_cue(token: Token) -> bool:
    """A verb that introduces what follows its colon: "Jane Roe continued:"."""
    doc = token.doc
    after = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if token.pos_ != "VERB" or after is None or after.text != ":":
        return False
    rest = doc[after.i + 1 : token.sent.end]
    return not rest or rest[0].text in _OPEN or rest[0].text in ('"', "'")


def _cue_source(token: Token, sent: Span) -> Attribution | None:
    """The source a cue names, if ``token`` is one and names one."""
    if (pobj := _according(token)) is not None:
        return _from_according(pobj, sent)
    if is_say_verb(token) or _colon_cue(token):
        return _from_verb(token, sent)
    return None


def _nested(token: Token) -> bool:
    """Whether a cue is inside what another cue reports: "X said Y rejected ..."."""
    return any(is_say_verb(a) or a.lower_ == "according" for a in token.ancestors)


def attributions(sent: Span) -> list[tuple[Token, Attribution]]:
    """Every cue of a sentence that names its source, with that source, in order.

    Inside a quotation, or inside what another cue reports, a pronoun's cue ("I
    think", "he rejected") is the quoted speaker's own words, and a verb must be
    a likelier cue (:data:`~newsweave.claims.lexicon.NESTED_PRECISION`) to count.
    """
    quoted = _quoted(sent)
    found = []
    if (speaker := _colon_speaker(sent)) is not None and (
        named := _named(*_author(speaker), sent, ())
    ) is not None:
        found.append((sent.doc[speaker.i + 1], named))
    for token in sent:
        source = _cue_source(token, sent)
        if source is None:
            continue
        inner = token.i in quoted or _nested(token)
        if inner and (
            (source.refers_back and source.source.lower() in PRONOUNS)
            or not (token.lower_ == "according" or is_say_verb(token, NESTED_PRECISION, True))
        ):
            continue
        found.append((token, source))
    return found


def attribute(token: Token, sent: Span) -> Attribution | None:
    """The source of the statement ``token`` belongs to, if the sentence names one.

    A subject the cue shares with the verb it hangs off ("..., initially estimating
    their numbers") gives way to an "according to" in the sentence.
    """
    return _walk(token, sent, False) or _according_in(sent) or _walk(token, sent, True)


def _according_in(sent: Span) -> Attribution | None:
    for candidate in sent:
        if (pobj := _according(candidate)) is not None and (found := _from_according(pobj, sent)):
            return found
    return None


def _walk(token: Token, sent: Span, share: bool) -> Attribution | None:
    """The source of the nearest cue above ``token``, or of a parenthetical one."""
    node = token
    while True:
        for child in node.children:
            # "U.S. estimates were lower at around 1,200"
            if (
                child.dep_ in _SUBJECTS
                and child.lemma_.lower() in REPORT_NOUNS
                and (owner := _owner(child)) is not None
            ):
                return Attribution(_phrase(owner), (), _via(sent))
        if is_say_verb(node, FIGURE_PRECISION) and (found := _from_verb(node, sent, share)):
            return found
        if node.head.i == node.i or node.head.i < sent.start or node.head.i >= sent.end:
            break
        node = node.head
    if not share:
        return None
    # A parenthetical "..., officials said." the parse did not put above the figure;
    # a verb inside a relative clause ("the light they release") attributes nothing.
    for candidate in sent:
        inside = any(t.dep_ in ("relcl", "acl") for t in (candidate, *candidate.ancestors))
        if (
            not inside
            and is_say_verb(candidate, FIGURE_PRECISION)
            and (found := _from_verb(candidate, sent))
        ):
            return found
    return None


def say_verbs(sent: Span) -> list[Token]:
    """The attributing verbs of a sentence that have a subject, in order."""
    return [t for t in sent if is_say_verb(t) and _subject(t) is not None]


def _words(name: str) -> list[str]:
    words = re.sub(r"[^\w\s]", " ", re.sub(r"['’]s\b", "", name.casefold())).split()
    return words[1:] if words[:1] == ["the"] else words


def same_speaker(a: str, b: str) -> bool:
    """Whether two source names can be one speaker: "Nance" in "Penny Nance"."""
    x, y = _words(a), _words(b)
    short, long = sorted((x, y), key=len)
    return bool(short) and any(
        long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1)
    )
