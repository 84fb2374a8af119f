"""Claims from an article: each figure with who gave it, what it counts and when.

Figures are found by pattern (:mod:`~newsweave.claims.numbers`), which reads
ranges and hedges more reliably than a tagger; the dependency parse then says
what each figure counts (the noun it modifies, "the number of X", or the noun
an earlier figure in the sentence counted: "4,000, though U.S. estimates were
lower at around 1,200") and who gave it (:mod:`~newsweave.claims.attribution`).
Sentences that attribute a statement but hold no figure give one claim per
attributing verb, without a quantity.

Three readings go beyond one figure in one sentence:

- parts summed into a total ("about 300 died and another 2,700 were injured")
  give one claim of the total (3,000 killed or wounded), not the parts too;
- a statement that an amount is not known ("how many ... unknown", "the scale
  remains unknown", "trying to determine how many") is a claim whose quantity
  has no bounds and reads "unknown", measured by the noun it is about;
- a figure whose sentence names no source takes one from the same paragraph:
  the next sentence when it opens with a named speaker whose statement refers
  back ("X stated that this was ..."), or the previous sentence's source when
  this one says it goes on ("Additionally, ...", "reportedly").

Only sentences that can hold such a claim are parsed in full (see
:mod:`~newsweave.claims.parse`); the others' attributions are read by pattern.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from spacy.language import Language
from spacy.tokens import Span, Token

from newsweave.claims.attribution import (
    Attribution,
    attribute,
    attributions,
    same_speaker,
    say_verbs,
)
from newsweave.claims.lexicon import (
    ADDITIONAL,
    CASUALTY_EVENTS,
    CURRENCY_NOUNS,
    EVENT_CLASSES,
    FIGURE_OBJECTS,
    PRONOUNS,
    SCALE_NOUNS,
    TIME_NOUNS,
    UNKNOWN_RE,
    event_class,
    format_measure,
    noun_class,
)
from newsweave.claims.mentions import paragraph_mentions
from newsweave.claims.numbers import Figure, find_figures
from newsweave.claims.parse import Piece, parse, parse_body, prepare
from newsweave.claims.timex import TimeExpr, find_times
from newsweave.claims.units import TIME_KINDS, display, kind_of
from newsweave.config import MAX_PARSED_CHARS
from newsweave.models import Article, Claim, Mention, Quantity
from newsweave.nlp import load_spacy

_ARGS = ("nsubj", "nsubjpass", "dobj", "attr", "pobj", "appos", "conj")
#: Entity labels whose numbers are not counts (dates, times, ordinals).
_NOT_COUNTS = frozenset({"DATE", "TIME", "ORDINAL"})
#: Entity labels of names a number can be part of.
_NAMES = frozenset({"ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "FAC", "PERSON"})
_BACK = frozenset({"the", "these", "those", "both"})
_DEMONSTRATIVES = frozenset({"this", "that", "it", "these", "those"})
#: A sentence that says it goes on with the previous one's report.
_CONTINUES = re.compile(
    r"^(?:also|in addition|additionally|moreover|furthermore|further)\b"
    r"|\b(?:reportedly|allegedly|also (?:said|says|estimated|reported))\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Counted:
    """What a figure counts, as far as the parse tells."""

    noun: Token | None = None
    events: set[str] = field(default_factory=set)
    additional: bool = False


#: Titles that tell a person's gender, for "he" and "she" ("Ms. Roe", "Mr. Doe").
_TITLES = {"mr": False, "mrs": True, "ms": True, "miss": True}


def _surname(name: str) -> str:
    return name.split()[-1].lower().removesuffix("'s").removesuffix("’s") if name else ""


@dataclass(slots=True)
class _Sources:
    """The sources named so far in an article, to resolve "he" or "the agency", and
    the people and organisations mentioned, for a pronoun no speaker fits."""

    named: list[Attribution] = field(default_factory=list)
    mentioned: list[Attribution] = field(default_factory=list)
    #: surname -> whether a title ("Ms.", "Mr.") calls that person a woman
    female: dict[str, bool] = field(default_factory=dict)

    def see(self, span: Span) -> None:
        """Remember the people and organisations ``span`` names, and their titles."""
        for ent in span.ents:
            if ent.label_ not in ("PERSON", "ORG"):
                continue
            name = ent.text.removeprefix("the ").removesuffix("'s").removesuffix("’s")
            person = ent.label_ == "PERSON"
            # a name matched in an unparsed sentence has no lemma and no root
            head = (ent.root.lemma_ or ent[-1].lower_).lower()
            self.mentioned.append(Attribution(name, person=person, head=head, org=not person))
            before = ent.doc[ent.start - 1].lower_.rstrip(".") if ent.start else ""
            if person and before in _TITLES:
                self.female[_surname(name)] = _TITLES[before]

    def _fits(self, word: str, found: Attribution, among: list[Attribution]) -> list[Attribution]:
        if word in ("he", "she"):
            # a person, unless a title says the other gender
            woman = word == "she"
            return [
                a for a in among if a.person and self.female.get(_surname(a.source), woman) == woman
            ]
        if word in ("they", "we"):
            return [a for a in among if a.plural or not a.person]
        if word == "it":
            return [a for a in among if not a.person and not a.plural]
        # "the agency": the last source called an agency, else a bare "the company"
        # the last organisation named as one, of its number ("the ministry" is no
        # official who spoke before)
        same = [a for a in among if a.head == found.head]
        if same or len(word.split()) > 1:
            return same
        return [a for a in among if a.org and a.plural == found.plural]

    def resolve(self, found: Attribution) -> Attribution | None:
        """The attribution with "he" or "the agency" replaced by whom it stands for.

        A pronoun stands for the last speaker that agrees with it ("she" a person
        no title calls a man, "it" an organisation, "they" a group or one), else
        the last person or organisation mentioned that does; a description with
        no earlier source of its head ("the ministry") stays as it is. An
        unresolved pronoun gives ``None``, and "I" or "you" (a speaker quoted, or
        the reader) name no earlier source.
        """
        if not found.refers_back:
            self.named.append(found)
            return found
        word = found.source.lower()
        if word in ("i", "you"):
            return None
        fits = self._fits(word, found, self.named)
        if not fits and word in PRONOUNS:
            fits = self._fits(word, found, self.mentioned)
        if not fits and word in PRONOUNS:
            return None
        if not fits:
            # "the ministry" names itself, and what "it" may stand for next
            self.named.append(replace(found, refers_back=False))
            return found
        earlier = fits[-1]
        return replace(earlier, cites=found.cites, via=found.via)


def _own_clause(verb: Token) -> bool:
    """Whether a coordinated verb has its own subject or its own counted object."""
    for child in verb.children:
        if child.dep_.startswith("nsubj"):
            return True
        if child.dep_ == "dobj" and (
            child.like_num or any(g.dep_ == "nummod" or g.like_num for g in child.children)
        ):
            return True
    return False


def _event(tokens: list[Token]) -> set[str]:
    """The event classes named by some tokens and their coordinated words."""
    found: set[str] = set()
    for token in tokens:
        # "killed or wounded" is one event; "died and 2,700 were injured" and
        # "killed 54 and injured over 150" are two
        conj = [c for c in token.children if c.dep_ == "conj" and not _own_clause(c)]
        for t in (token, *conj):
            if cls := event_class(t.lemma_) or event_class(t.lower_):
                found.add(cls)
    if {"killed", "wounded"} <= found:
        found -= {"killed", "wounded"}
        found.add("killed or wounded")
    return found


def _number_of(root: Token, inside: set[int]) -> _Counted | None:
    """The count named by "the number of X" or "their numbers" above the figure."""
    ancestors = {a.i for a in root.ancestors}
    for token in root.sent:
        if token.lemma_.lower() not in FIGURE_OBJECTS or token.head.i not in ancestors:
            continue
        for prep in token.children:
            if prep.dep_ != "prep" or prep.lower_ != "of":
                continue
            for obj in prep.children:
                if obj.i in inside:
                    continue  # "a total of HK$216,925": the figure itself
                if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN"):
                    return _Counted(obj, _event([obj, *obj.children]))
                if obj.dep_ in ("pobj", "pcomp") and obj.pos_ == "VERB":
                    # "the number of killed or wounded North Koreans"
                    verbs = [obj, *(c for c in obj.children if c.dep_ == "conj")]
                    nouns = [c for v in verbs for c in v.children if c.dep_ in ("dobj", "nsubj")]
                    return _Counted(nouns[0] if nouns else None, _event([obj]))
        if any(c.dep_ == "poss" and c.lower_ in ("their", "its") for c in token.children):
            # "their numbers": the clause's subject is what is counted
            for anc in token.ancestors:
                subj = [c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass")]
                if subj and subj[0].pos_ == "NOUN":
                    return _Counted(subj[0], _event([anc, subj[0]]))
    return None


def _counted(span: Span) -> _Counted:
    """What the figure ``span`` counts: its noun, events and "additional"."""
    root = span.root
    inside = {t.i for t in span}
    noun = None
    # the noun the figure modifies ("300 soldiers"); "%" in the figure is a unit
    if (
        root.head.i not in inside
        and root.head.pos_ in ("NOUN", "PROPN")
        and root.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod", "det", "npadvmod")
    ):
        noun = root.head
        after = span.doc[span.end] if span.end < len(span.doc) else None
        if (
            after is not None
            and after.i < noun.i
            and after.tag_ == "NN"
            and after.head == noun
            and noun.tag_ in ("NN", "NNP")
        ):
            # "the 12 page document": twelve cannot count one document, it counts
            # pages, as "12-page" would ("six shipping companies" counts companies)
            noun = after
    if noun is None:
        for token in span:
            for prep in token.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    noun = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if noun is None and (named := _number_of(root, inside)) is not None:
        return named
    around = [root, *(c for c in root.children if c.i not in inside)]
    if root.dep_ in _ARGS:
        around.append(root.head)
    if noun is not None:
        around += [noun, *(c for c in noun.children if c.dep_ in ("acl", "amod", "relcl"))]
        if noun.dep_ in _ARGS:
            around.append(noun.head)
        if noun.dep_ in ("nsubj", "nsubjpass"):
            # "two people suffered minor injuries": the object names what befell them
            around += [c for c in noun.head.children if c.dep_ == "dobj"]
    additional = noun is not None and any(
        c.dep_ == "amod" and c.lower_ in ADDITIONAL and c.i not in inside for c in noun.children
    )
    return _Counted(noun, _event(around), additional)


def _refers_back(noun: Token, span: Span) -> bool:
    """Whether a count repeats an earlier one: "the two soldiers", "these 300"."""
    return any(
        c.dep_ in ("det", "predet") and c.lower_ in _BACK and c.i < span.start
        for c in noun.children
    )


def _noun_text(noun: Token) -> str:
    if noun.pos_ == "PROPN":
        parts = [c for c in noun.children if c.dep_ == "compound" and c.i < noun.i]
        return " ".join(t.text for t in [*parts, noun])
    return noun.lower_


def _is_count(span: Span, figure: Figure, times: list[TimeExpr]) -> bool:
    """Whether a figure is an amount rather than part of a date or of a name.

    A figure in a unit of time is a duration or an age ("the past two years",
    "a 65-year-old"), an amount even where it also dates something.
    """
    duration = kind_of(figure.unit) in TIME_KINDS or (figure.unit or "").endswith(" of age")
    if not duration and any(t.start < figure.end and figure.start < t.end for t in times):
        return False
    for ent in span.doc.ents:
        # "Euro 2020", "the S&P/ASX 200", "Model 3": a number inside a name
        if (
            ent.label_ in _NAMES
            and ent.start <= span.start
            and span.end <= ent.end
            and any(t.is_alpha and t.is_title for t in ent if t.i < span.start or t.i >= span.end)
        ):
            return False
    if re.fullmatch(r"(?:1[89]|20)\d\d", figure.quantity.text):
        return not any(t.ent_type_ == "DATE" for t in span)
    if duration or figure.unit is not None:
        return True  # "last year's $32,280": a unit says it is an amount
    if _labels(span, figure):
        return False
    # The tagger's DATE/TIME is trusted only where it reaches past the figure
    # ("just one week"); a lone "at 45" it calls a date is usually a count.
    return not any(_dates(span, ent) for ent in span.doc.ents if ent.label_ in _NOT_COUNTS)


def _dates(span: Span, ent: Span) -> bool:
    """Whether a DATE or TIME entity makes the figure ``span`` part of a date.

    Only its words next to the figure count: "one to two years and 95800" does
    not date 95800, and "20 per week" is a rate.
    """
    if not (ent.start < span.end and span.start < ent.end):
        return False
    doc = span.doc
    before = ent.start < span.start and not (
        doc[span.start - 1].lower_ in (",", ";") or doc[span.start - 1].dep_ == "cc"
    )
    after = ent.end > span.end and doc[span.end].lower_ not in ("per", ",", "and", "or")
    return before or after


def _labels(span: Span, figure: Figure) -> bool:
    """Whether a bare number is part of a name: "update 5.50", "Game 6", "787 Dreamliner".

    Counts stand before what they count, and a count of a singular name is no
    count: a number right after a singular noun it hangs from, or an integer
    right before a singular proper noun, names one of its kind.
    """
    head = span.root.head
    if head.tag_ not in ("NN", "NNP"):
        return False
    if head.i == span.start - 1:
        return True
    return head.i == span.end and head.is_title and figure.quantity.text.isdigit()


def _years(figure: Figure, span: Span) -> bool:
    """A span of years ("between 1600 and 1900"), unless a plural noun follows it."""
    q = figure.quantity
    if figure.unit is not None or q.low is None or q.high is None or q.low == q.high:
        return False
    if not all(v == int(v) and 1000 <= v <= 2100 for v in (q.low, q.high)):
        return False
    return span.end >= len(span.doc) or span.doc[span.end].tag_ not in ("NNS", "NNPS")


def _when(start: int, end: int, times: list[TimeExpr]) -> str | None:
    """The resolved time expression nearest the figure, if the sentence has one."""
    if not times:
        return None
    nearest = min(times, key=lambda t: max(t.start - end, start - t.end, 0))
    return nearest.value


def _chain(outlet: str | None, found: Attribution | None) -> list[str]:
    chain = [outlet] if outlet else []
    if found is None:
        return chain
    if found.via and found.via != found.source:
        chain.append(found.via)
    chain.append(found.source)
    chain.extend(found.cites)
    return chain


@dataclass(slots=True)
class _Fig:
    figure: Figure
    span: Span
    counted: _Counted


def _sum_casualties(a: _Fig, b: _Fig, text: str) -> Quantity | None:
    """The casualty total of "300 died and another 2,700 were injured": 3,000."""
    if {*a.counted.events, *b.counted.events} != {"killed", "wounded"}:
        return None
    between = text[a.figure.end : b.figure.start]
    if " and " not in f" {between} " or ";" in between:
        return None
    qa, qb = a.figure.quantity, b.figure.quantity
    if qa.low is None or qa.high is None or qb.low is None or qb.high is None:
        return None
    if qa.low != qa.high or qb.low != qb.high:
        return None  # "seven died and dozens were hurt": no total to state
    return Quantity(
        qa.low + qb.low,
        qa.high + qb.high,
        qa.approximate or qb.approximate,
        text[a.figure.start : b.figure.end],
    )


def _unknown_noun(sent: Span, cue: Span) -> Token | None:
    """What an unknown amount counts: "how many troops", else the sentence's
    likeliest counted noun ("deployed additional troops, but the scale ... unknown")."""
    for token in cue:
        if token.lower_ == "many" and token.head.pos_ == "NOUN":
            return token.head
    nouns = [
        t
        for t in sent
        if t.pos_ == "NOUN"
        and t.lemma_.lower() not in FIGURE_OBJECTS
        and t.lemma_.lower() not in TIME_NOUNS
        and t.lemma_.lower() not in SCALE_NOUNS
    ]
    # an "additional" count, then a noun of a known class, then whatever is "of" the scale
    ranked = sorted(
        nouns,
        key=lambda t: (
            not any(c.dep_ == "amod" and c.lower_ in ADDITIONAL for c in t.children),
            noun_class(t.lemma_) == t.lemma_.lower(),
            t.head.lower_ != "of",
        ),
    )
    return ranked[0] if ranked else None


def _unknown_counted(sent: Span, cue: Span) -> _Counted | None:
    """The count an "unknown" statement is about, or ``None`` if it names none."""
    noun = _unknown_noun(sent, cue)
    if noun is None:
        return None
    between = sent.doc[min(cue.start, noun.i) : max(cue.end, noun.i)]
    additional = any(c.dep_ == "amod" and c.lower_ in ADDITIONAL for c in noun.children) or any(
        t.lower_ in ADDITIONAL for t in between
    )
    around = [noun, *(c for c in noun.children if c.dep_ in ("acl", "amod", "relcl"))]
    if noun.dep_ in _ARGS:
        around.append(noun.head)
    return _Counted(noun, _event(around), additional)


def _measure(c: _Counted, unit: str | None) -> str | None:
    """The measure string of what a figure counts."""
    if c.noun is not None and (currency := CURRENCY_NOUNS.get(c.noun.lemma_.lower())):
        # "half a million dollars" is an amount in dollars, as "$500,000" is
        c = _Counted(None, c.events, c.additional)
        unit = unit or currency
    # a figure under two events ("sent ... and killed") is named by the gravest
    events = sorted(c.events, key=list(EVENT_CLASSES).index)
    noun = _noun_text(c.noun) if c.noun is not None else None
    if events and events[0] in CASUALTY_EVENTS and c.noun is not None and c.noun.pos_ == "PROPN":
        # "killed or wounded North Koreans": the nationality is not the measure
        noun = None
    return format_measure(noun, events[0] if events else None, c.additional, unit)


def _sentence_claims(
    sent: Span, base: int, article: Article, sources: _Sources, before: Attribution | None
) -> list[Claim]:
    """The claims of one sentence; ``before`` is the previous sentence's source, if any."""
    doc = sent.doc
    text = sent.text
    times = find_times(text, article.published)
    figs: list[_Fig] = []
    for figure in find_figures(text):
        span = doc.char_span(
            sent.start_char + figure.start, sent.start_char + figure.end, alignment_mode="expand"
        )
        if span is None or not _is_count(span, figure, times):
            continue
        counted = _counted(span)
        if _years(figure, span):
            continue
        if counted.noun is None and figs and figs[-1].counted.noun is not None:
            # ellipsis: "300 soldiers died and another 2,700 were injured"
            prev = figs[-1].counted
            counted = _Counted(prev.noun, counted.events or prev.events, prev.additional)
        if counted.noun is not None and (
            figure.unit is None
            and (counted.noun.lemma_.lower() in TIME_NOUNS or _refers_back(counted.noun, span))
        ):
            continue
        if figure.spelled and figure.unit is None and counted.noun is None and not counted.events:
            continue
        if (
            figure.spelled
            and figure.unit is None
            and figure.quantity.high == 1
            and not counted.events
        ):
            # "one video", "one user quipped": a determiner, not a count
            continue
        figs.append(_Fig(figure, span, counted))

    start, end = base + sent.start_char, base + sent.end_char
    claims: list[Claim] = []
    # the previous sentence speaks for this one only where this one says it goes on
    carried = before if before is not None and _CONTINUES.search(text) else None

    def claim(quantity: Quantity | None, measure: str | None, at: Token, lo: int, hi: int) -> None:
        found = attribute(at, sent)
        found = sources.resolve(found) if found else None
        if found is not None and quantity is not None and quantity.text in found.source:
            return  # "according to two people familiar with the matter" counts the sources
        if found is None and quantity is not None:
            found = carried
        claims.append(
            Claim(
                article_id=article.id,
                sentence=text,
                start=start,
                end=end,
                outlet=article.outlet,
                source=found.source if found else None,
                chain=_chain(article.outlet, found),
                quantity=quantity,
                measure=measure,
                when=_when(lo, hi, times),
            )
        )

    i = 0
    while i < len(figs):
        fig = figs[i]
        c = fig.counted
        if i + 1 < len(figs) and (total := _sum_casualties(fig, figs[i + 1], text)):
            # "300 died and another 2,700 were injured" is one claim of 3,000
            # casualties: the parts are not counts of their own to compare
            both = _measure(_Counted(c.noun, {"killed or wounded"}, c.additional), None)
            claim(total, both, fig.span.root, fig.figure.start, figs[i + 1].figure.end)
            i += 2
            continue
        q = fig.figure.quantity
        unit = display(fig.figure.unit) if fig.figure.unit else None
        claim(q, _measure(c, unit), fig.span.root, fig.figure.start, fig.figure.end)
        i += 1
    if figs:
        return claims
    for m in UNKNOWN_RE.finditer(text):
        cue = doc.char_span(
            sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand"
        )
        if cue is not None and (of := _unknown_counted(sent, cue)) is not None:
            unknown = Quantity(None, None, False, "unknown")
            claim(unknown, _measure(of, None), cue.root, m.start(), m.end())
    return claims


def _statements(
    sent: Span, base: int, article: Article, sources: _Sources, claims: list[Claim]
) -> list[Claim]:
    """A claim without a figure for each cue whose source ``claims`` do not name yet:
    "X said Y had claimed ..." gives X's and Y's, "X said ..., adding" one."""
    named = [c.source for c in claims if c.source]
    found = []
    for cue, attribution in attributions(sent):
        resolved = sources.resolve(attribution)
        if resolved is None or any(same_speaker(resolved.source, n) for n in named):
            continue
        named.append(resolved.source)
        lo = cue.idx - sent.start_char
        found.append(
            Claim(
                article_id=article.id,
                sentence=sent.text,
                start=base + sent.start_char,
                end=base + sent.end_char,
                outlet=article.outlet,
                source=resolved.source,
                chain=_chain(article.outlet, resolved),
                when=_when(lo, lo + len(cue), find_times(sent.text, article.published)),
            )
        )
    return found


def _confirmer(sent: Span, sources: _Sources) -> Attribution | None:
    """A source that the next sentence says gave the figure before it.

    "Ukraine captured two soldiers. Zelenskiy stated that this was the first
    time ...": a sentence opening with a named speaker whose statement refers
    back ("this", "that", "it", "these") speaks for the sentence before.
    """
    for verb in say_verbs(sent):
        said = [c for c in verb.children if c.dep_ in ("ccomp", "dobj")]
        back = any(
            t.lower_ in _DEMONSTRATIVES and t.dep_ in ("nsubj", "nsubjpass", "dobj")
            for c in said
            for t in (c, *c.children)
        )
        found = attribute(verb, sent)
        if (
            back
            and found is not None
            and not found.refers_back
            and found.source.split()[0].lower() not in _DEMONSTRATIVES
        ):
            return sources.resolve(found)
    return None


def _said(claims: list[Claim], sent: Span, sources: _Sources) -> Attribution | None:
    """The named source a sentence's own statement comes from, to carry to the next."""
    if not claims or claims[-1].source is None:
        return None
    verbs = say_verbs(sent)
    if not verbs:
        return None
    found = attribute(verbs[0], sent)
    return sources.resolve(found) if found is not None else None


def extract_claims(article: Article, *, nlp: Language | None = None) -> list[Claim]:
    """Every claim in ``article``: one per figure, or per attribution without one.

    ``nlp`` is a spaCy pipeline with a parser and NER (default: the default
    model). Offsets are into ``article.text``; ``when`` is resolved against
    ``article.published`` (see :mod:`~newsweave.claims.timex` for its format).
    """
    return read_article(article, nlp=nlp)[0]


def read_article(
    article: Article, *, nlp: Language | None = None, recognise_all: bool = False
) -> tuple[list[Claim], list[Mention]]:
    """``article``'s claims (:func:`extract_claims`) and the names it mentions
    (:func:`~newsweave.claims.mentions.find_mentions`), from one pass over its parse.

    ``recognise_all`` runs the entity recogniser on every sentence rather than
    on the lede and the claims' sentences (see :func:`~newsweave.claims.parse.parse_body`).

    Each paragraph's parse is read for both and let go: a long body never
    holds all its docs at once (see :func:`~newsweave.claims.parse.parse_body`).
    """
    nlp = nlp or load_spacy()
    reader = _ClaimReader(article)
    mentions: list[Mention] = []
    for base, pieces in parse_body(nlp, article.body, recognise_all=recognise_all):
        reader.paragraph(base, pieces)
        mentions += paragraph_mentions(article.id, base, pieces)
    claims = reader.claims + _headline_claims(article, nlp)
    return _distinct(claims), mentions


class _ClaimReader:
    """The claims of an article's paragraphs, read in order: who spoke is carried over."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.sources = _Sources()
        self.claims: list[Claim] = []

    def paragraph(self, base: int, pieces: list[Piece]) -> None:
        """Read one paragraph, which starts at ``base`` in the article's text."""
        article, sources = self.article, self.sources
        before: Attribution | None = None
        previous: list[Claim] = []
        for piece in pieces:
            at = base + piece.offset
            if not piece.parsed:
                # no figure and no cue: nothing is claimed or attributed here
                before, previous = None, []
                sources.see(piece.doc[:])
                continue
            for sent in piece.doc.sents:
                found = _sentence_claims(sent, at, article, sources, before)
                found += _statements(sent, at, article, sources, found)
                orphans = [c for c in previous if c.quantity is not None and c.source is None]
                if orphans and (confirmer := _confirmer(sent, sources)) is not None:
                    for c in orphans:
                        c.source = confirmer.source
                        c.chain = _chain(article.outlet, confirmer)
                before = _said(found, sent, sources)
                sources.see(sent)
                self.claims.extend(found)
                previous = found


def _headline_claims(article: Article, nlp: Language) -> list[Claim]:
    """The figures of the title and the standfirst: the ones an outlet puts first.

    Read on their own (a headline's "Seven killed" names no one the body has not
    yet introduced); offsets are into the title or the summary (``Claim.part``).
    """
    found: list[Claim] = []
    said: set[tuple[Quantity, str | None]] = set()
    body = article.text
    for part, text in (("title", article.title), ("summary", article.summary)):
        if not text or not text.strip() or text.strip() in body:
            continue  # a standfirst that is the lede's first sentence is read there
        for piece in parse(nlp, [text[:MAX_PARSED_CHARS]])[0]:
            if not piece.parsed:
                continue
            for sent in piece.doc.sents:
                for claim in _sentence_claims(sent, piece.offset, article, _Sources(), None):
                    # a standfirst that repeats the title's figure says it once
                    if claim.quantity is not None and (claim.quantity, claim.measure) not in said:
                        said.add((claim.quantity, claim.measure))
                        claim.part = part
                        found.append(claim)
    return found


def _distinct(claims: list[Claim]) -> list[Claim]:
    """The claims less repeats: "43 degrees north and 43 degrees south" says 43 degrees once.

    Two equal claims of one sentence are one row to compare; counting both would
    make the article corroborate itself.
    """
    seen: set[tuple[object, ...]] = set()
    out = []
    for c in claims:
        key = (c.part, c.start, c.quantity, c.measure, c.source, c.when)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def extract_all(articles: Sequence[Article], *, nlp: Language | None = None) -> list[list[Claim]]:
    """The claims of each of ``articles``, as :func:`extract_claims` gives them.

    Parses every article's paragraphs in one batch first: spaCy runs a few
    large batches faster than many small ones (about a fifth on short news).
    """
    nlp = nlp or load_spacy()
    prepare(nlp, [article.body for article in articles])
    parse(
        nlp,
        [t for article in articles for t in (article.title, article.summary or "") if t.strip()],
    )
    return [extract_claims(article, nlp=nlp) for article in articles]
