"""Who said it: the source of a statement, read from the dependency parse.

For a token (a figure, or an attributing verb) the source is found by walking
up its heads to the nearest verb of saying that has a subject ("the NIS said",
"Zelenskyy earlier put the number ... at"), or to a clause whose subject is an
estimate with a named owner ("U.S. estimates were lower"), falling back to an
"according to X" anywhere in the sentence. "with X saying" and "a report in X
that said" are followed to X. Pronouns and definite descriptions ("the
agency") are left to the caller, who knows the earlier sources.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from newsweave.claims.lexicon import (
    FIGURE_OBJECTS,
    ORG_NOUNS,
    PRONOUNS,
    REPORT_NOUNS,
    SAY_CUE_RE,
    SAY_VERBS,
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
    source is (or the pronoun stands for) a person; ``head`` the lemma of the
    word naming it and ``plural`` its number, to match "the agency" to the
    earlier source it stands for.
    """

    source: str
    cites: tuple[str, ...] = ()
    via: str | None = None
    refers_back: bool = False
    person: bool = False
    head: str = ""
    plural: bool = False


def is_say_verb(token: Token) -> bool:
    """Whether ``token`` attributes a statement: a verb of saying, or "put ... at"."""
    if token.pos_ not in ("VERB", "AUX") or token.lemma_.lower() not in SAY_VERBS:
        return False
    if token.lemma_.lower() == "put":
        return any(c.dep_ == "dobj" and c.lemma_.lower() in FIGURE_OBJECTS for c in token.children)
    return True


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


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            # a passive's subject is what was said; its speaker is the agent, if any
            agent = [c for c in verb.children if c.dep_ == "agent"]
            return next((o for a in agent for o in a.children if o.dep_ == "pobj"), None)
        if child.dep_ in _SUBJECTS:
            return child
    # "..., South Korea's main spy agency said Thursday." parsed as an object of
    # the clause before: the noun right before the verb, after a comma, speaks.
    before = verb.doc[verb.i - 1] if verb.i > verb.sent.start else None
    if before is not None and before.pos_ in ("NOUN", "PROPN"):
        left = before.left_edge.i
        if left > verb.sent.start and verb.doc[left - 1].text in (",", "'", "’", '"', "”"):
            return before
    # "with the White House saying ...": the subject is the object of "with".
    if verb.dep_ in ("advcl", "pcomp", "acl"):
        for sib in verb.head.children:
            if sib.dep_ == "prep" and sib.lower_ == "with" and sib.i < verb.i:
                for pobj in sib.children:
                    if pobj.dep_ == "pobj":
                        return pobj
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


def according_to(sent: Span) -> Token | None:
    """The object of "according to" in a sentence, if it has one."""
    for token in sent:
        if token.lower_ == "according" and token.i + 1 < len(token.doc):
            to = token.doc[token.i + 1]
            for pobj in to.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def _from_verb(verb: Token, sent: Span) -> Attribution | None:
    subject = _subject(verb)
    if subject is None:
        return None
    author, back = _author(subject)
    name = author.text if author.lower_ in PRONOUNS else _phrase(author)
    if not name:
        return None
    person = author.ent_type_ == "PERSON" or author.lower_ in ("he", "she")
    plural = author.tag_ in ("NNS", "NNPS") or author.lower_ in ("they", "we")
    return Attribution(name, _cites(verb), _via(sent), back, person, author.lemma_.lower(), plural)


def attribute(token: Token, sent: Span) -> Attribution | None:
    """The source of the statement ``token`` belongs to, if the sentence names one."""
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
        if is_say_verb(node) and (found := _from_verb(node, sent)):
            return found
        if node.head.i == node.i or node.head.i < sent.start or node.head.i >= sent.end:
            break
        node = node.head
    if (pobj := according_to(sent)) is not None:
        # "according to a report in X" is X's; "the report" later stands for it
        author, _ = _author(pobj)
        person = author.ent_type_ == "PERSON"
        return Attribution(_phrase(author), (), _via(sent), False, person, pobj.lemma_.lower())
    # A parenthetical "..., officials said." the parse did not put above the figure;
    # a verb inside a relative clause ("the light they release") attributes nothing.
    for candidate in sent:
        inside = any(t.dep_ in ("relcl", "acl") for t in (candidate, *candidate.ancestors))
        if not inside and is_say_verb(candidate) and (found := _from_verb(candidate, sent)):
            return found
    return None


def say_verbs(sent: Span) -> list[Token]:
    """The attributing verbs of a sentence that have a subject, in order."""
    return [t for t in sent if is_say_verb(t) and _subject(t) is not None]


#: Words between a speaker and the verb that are not part of its name.
_PLAIN_FILLERS = frozenset(
    """also previously earlier later recently again had has have would will could may might
    then still once first further reportedly formally publicly
    've 're 'd 'll ’ve ’re ’d ’ll""".split()
)
#: Words that make the run before a verb a clause, not a speaker's name.
_PLAIN_VERBS = frozenset("is are was were be been being that who which".split())
_QUOTES = ('"', "“", "”")
_PLAIN_LEADS = frozenset("the but and however so yet meanwhile still by".split())
_CLAUSE_MARKS = frozenset(',;:"“”‘’—–(')


def _plain_attribution(words: list[Token]) -> Attribution | None:
    """An attribution for the tokens naming a speaker, without a parse."""
    while words and (words[0].lower_ in _PLAIN_LEADS or words[0].is_punct):
        words = words[1:]
    while words and (words[-1].lower_ in _PLAIN_FILLERS or words[-1].text in _CLAUSE_MARKS):
        words = words[:-1]
    if not words or len(words) > 8 or any(w.lower_ in _PLAIN_VERBS for w in words):
        return None
    doc = words[0].doc
    span = doc[words[0].i : words[-1].i + 1]
    inner = [e for e in span.ents if e.label_ in _AUTHORS]
    # a named person or organisation inside stands for the phrase, as in _phrase
    if inner and not any(w.text in ("'s", "’s") for w in words):
        name = _clean(list(inner[0]))
    else:
        name = _clean(list(span))
    if not name:
        return None
    last = words[-1].lower_
    person = bool(inner and inner[0].label_ == "PERSON") or last in ("he", "she")
    # "he", or a description ("the South Korean agency") that names no one itself
    described = len(words) <= 3 and last.rstrip("s") in ORG_NOUNS | REPORT_NOUNS
    back = last in PRONOUNS or (described and not inner)
    return Attribution(name, (), None, back, person, last.rstrip("s"), last.endswith("s"))


def attribute_plain(sent: Span) -> Attribution | None:
    """Who a sentence without a parse attributes its statement to, by pattern.

    Reads "according to X", "X said ..." (X from the clause start up to the
    verb) and "..., said X"; entities come from the recogniser. Used where the
    sentence holds no figure, so a miss costs a figure-less claim, not a figure's
    source.
    """
    text = sent.text
    m = SAY_CUE_RE.search(text)
    if m is None:
        return None
    doc = sent.doc
    cue = doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), "expand")
    if cue is None or sum(text[: m.start()].count(q) for q in _QUOTES) % 2:
        return None  # a verb inside a quotation ("we've found") is the quoted speaker's
    if m.group(0).lower().startswith("according"):
        words = []
        for token in doc[cue.end : sent.end]:
            if token.text in _CLAUSE_MARKS or token.text == ".":
                break
            words.append(token)
        # "a report in the Argus Leader": the report's owner speaks
        lowered = [w.lower_ for w in words]
        for i, word in enumerate(lowered[:-1]):
            if word in ("in", "by", "from") and i and lowered[i - 1] in REPORT_NOUNS:
                owner = _plain_attribution(words[i + 1 :])
                if owner is not None:
                    return Attribution(owner.source, (), None, False, owner.person, lowered[i - 1])
        return _plain_attribution(words)
    before = []
    for token in reversed(doc[sent.start : cue.start]):
        if token.text in _CLAUSE_MARKS:
            break
        before.insert(0, token)
    if before and (found := _plain_attribution(before)) is not None:
        return found
    after = []
    for token in doc[cue.end : sent.end]:
        if token.text in _CLAUSE_MARKS or token.text == ".":
            break
        after.append(token)
    return _plain_attribution(after) if after else None
