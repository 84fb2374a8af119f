"""Paragraphs of an article that are not report text: galleries, captions, notices.

Extracted article text (news-please records, the segmenter's body) still holds
page furniture that sat between the paragraphs: photo galleries ("21/30 Pluto
image ..."), captions and credits, related-article links, wire notices, sign-up
and ad lines, date stamps and tables. Their figures are not the story's
(a gallery's "8,000 years" is no claim of the outlet's), and their sentences are
not what a summary or a list of unique details should quote, so the report
leaves them out before it compares anything.

The rules are general shapes of such lines, not sites' names: the patterns the
line segmenter already uses for captions, credits, calls to action, related-
content headings, bylines and date lines (:mod:`newsweave.extract.patterns`,
:mod:`newsweave.extract.features`) are reused, and a few shapes the segmenter
never needed (gallery counters, trailing credits, wire notices) are added here.
Each rule is tried on the whole paragraph; a paragraph either is furniture or is
report text, since a sentence of prose glued to a caption is rare in these
records and would be the caption's anyway.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsweave.extract.features import is_date_line, is_relative_time_line
from newsweave.extract.patterns import (
    BYLINE_RE,
    CAPTION_RE,
    CREDIT_RE,
    CTA_RE,
    TAIL_HEADING_RE,
    TERMINALS,
    URLISH_RE,
    WORD_RE,
)
from newsweave.models import Article

#: A gallery item or its counter: "21/30 Pluto image ...", "1 of 26 Full Screen",
#: "Hide Caption 3 of 12", "34 show all UK news in pictures", "Slideshow (2 Images)",
#: "View Photos". A count out of a total at the very start is a slide number: report
#: text writes "one in three", and "1 of 30 passengers" has no total-then-capital shape.
GALLERY_RE = re.compile(
    r"^\+?\s*\d{1,3}\s*/\s*\d{1,3}\s+\S"
    r"|^\d{1,3} of \d{1,3} (?:Full Screen|Autoplay|Close|Next|Previous|Skip)"
    r"|\bHide Caption \d+ of \d+"
    r"|\bshow all\b"
    r"|\bSlideshow \(\d+ (?:Images?|Photos?)\)"
    r"|\b(?:View|See) (?:Photos|Gallery|all \d+ photos)\b"
    r"|\bEnlarge (?:this )?image\b|\btoggle caption\b"
    r"|\bImage (?:copyright|caption)\b|\bMedia (?:caption|playback is unsupported)\b"
    r"|\bin pictures$",
    re.IGNORECASE,
)
#: Who took a photo, at the end of its caption: "... win the World Series (Getty)",
#: "(Lucy Pasha Robinson / The Independent)", "(University of Oklahoma)". A
#: paragraph of prose closes on its own punctuation; a caption closes on the
#: credit, a parenthesis of capitalised words (a few small words allowed) or of
#: "Name/Agency".
TRAILING_CREDIT_RE = re.compile(
    r"\((?:(?:[A-Z][^\W\d]*[.'’&-]?[^\W\d]*|of|the|via|and|for|de|/)[\s,/]*){1,8}\)$"
    r"|\((?:AP|AFP|Reuters|EPA|Photo|Picture)\b[^()]{0,80}\)$"
    # the Guardian's and others' "... after the Cubs won Game 7. Photograph: Charlie Riedel/AP"
    r"|\b(?:Photograph|Photo|Picture|Image|Illustration)s?: [A-Z][^.!?]{0,60}$"
)
#: A credit alone on its line: "Jae C. Hong/AP", "Stephen Shankland/CNET",
#: "Jim Spellman/WireImage via Getty Images, FILE": capitalised words around a slash.
CREDIT_LINE_RE = re.compile(
    r"^[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4}\s?/\s?[A-Z][\w.'’&-]*(?: [\w.'’&-]+){0,5}"
    r"(?:, FILE)?$"
)
#: Agencies and picture desks that a caption opens with when the credit is printed
#: first: "Getty Images Chicago Cubs celebrate ...", "Reuters Starting pitcher ...",
#: "SWNS • PA Martin Bamford survived ...". Report text names them as subjects
#: ("Reuters reported"), so the rule also wants a caption's unpunctuated end.
LEADING_CREDIT_RE = re.compile(
    r"^(?:Getty(?: Images)?(?: - Contributor)?|GETTY|Reuters|REUTERS|EPA|AFP|AP|PA|SWNS|"
    r"Rex(?: Features)?|Alamy|Shutterstock|Usa Today Sports)(?:\s*[•|/]\s*[A-Z]+)*\s+[A-Z]"
)
#: A credit word alone ("Reuters", "PA", "Photo", "Video", "Advertisement").
LONE_CREDIT_RE = re.compile(
    r"^(?:Getty(?: Images)?|Reuters|AP|AFP|PA|EPA|Rex Features|Photo|Video|Photos|Videos|"
    r"Advertisement|Image)$",
    re.IGNORECASE,
)
#: Wire and legal notices: "Copyright 2018 The Associated Press. All rights reserved.
#: This material may not be published, broadcast, rewritten or redistributed."
LEGAL_RE = re.compile(
    r"\bmay not be (?:published|reproduced|copied)|\ball rights reserved\b|©"
    r"|^copyright\b|\bcontributed (?:to )?(?:this|reporting)\b|\bcontributed from\b"
    r"|^this is a breaking news story|\boriginally appeared on\b"
    r"|^(?:update: )?this (?:article|story|piece) (?:was|has been) (?:amended|updated|corrected)\b",
    re.IGNORECASE,
)
#: Prompts to the reader: newsletters, sign-ups, apps, sharing, ads, embeds the
#: scraper could not show. Each phrase addresses the reader or the page, which the
#: report never does; plain mentions ("players who sign up will get ...",
#: "the app was removed from the App Store") are not imperative and stay.
PROMPT_RE = re.compile(
    r"\bcontinue reading\b|\bnewsletter sign up\b|\bsign(?:ing)? up is easy\b"
    r"|\bget the \w+ newsletter\b|\bby subscribing\b|^subscribe\b|\bsubscribe now\b"
    r"|\bclick here\b|\bscroll down for\b|\byour browser does not support\b"
    r"|\b(?:like|follow) us on\b|\bchat with us\b|\bshare it with a friend\b"
    r"|\bread or share this story\b|\bsend us a note\b|\btop deals\b|^trending\b"
    r"|^(?:Save)+$|^like .{1,60} on facebook\b|^(?:e-?mail|contact)\b.*@"
    r"|\bread the original article\b|\bhave a suggestion\b",
    re.IGNORECASE,
)
#: Links to other stories: "Read more: ...", "More: ...", "Related: ...",
#: "... superpower Read more", "[Five things to remember about the Cubs’ ...]".
RELATED_RE = re.compile(
    r"^(?:read more|read next|more|related|see also|also read|watch|listen)\b\s*(?::|…|\.\.\.|$)"
    r"|\bread more$|^\[[^\[\]]{10,200}\]$|^read more (?:about|here)\b|^more from .{1,50}:$"
    r"|^most (?:read|popular|viewed|shared)\b",
    re.IGNORECASE,
)
#: The longest a paragraph may be and still be called furniture by a rule that
#: looks at its shape only (a trailing credit, a leading agency): captions are a
#: sentence or two, and a long paragraph ending in a parenthesis is prose.
CAPTION_MAX_CHARS = 320
#: Lines of this many words or fewer may be bylines, credits or date stamps.
SHORT_WORDS = 12
#: A line is a table row when this share of its words or more are numbers.
TABLE_NUMBER_SHARE = 0.6
#: ... and it has at least this many cells.
TABLE_MIN_CELLS = 4
#: A clock time alone or with a zone or a date: a live blog's entry stamp ("10:32",
#: "10.32am GMT", "Updated 11:05 a.m. ET").
CLOCK_RE = re.compile(
    r"^(?:(?:updated|posted|published)\s*:?\s*)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?\s?m\.?)?"
    r"\s*(?:[A-Z]{2,4})?(?:\s*[,|]?\s*.{0,30}\d{4})?$",
    re.IGNORECASE,
)
_CLOCK_IN_RE = re.compile(r"\b\d{1,2}:\d{2}\b")
#: A post embedded from a social network, as its widget prints it: the text, then
#: "— Name (@handle) November 3, 2016". The outlet quotes it, but as a widget,
#: not in a sentence of its own, and its figures are the poster's.
EMBED_RE = re.compile(r"[—–-]\s*[^—–]{1,60}\(@\w+\)\s+\w+\.? \d{1,2}, \d{4}$")
_NUMBER_RE = re.compile(r"^[-+$€£]?\d[\d,.:%/-]*[%kmb]?$", re.IGNORECASE)
_CELL_SPLIT_RE = re.compile(r"\s*(?:\t|\|| {2,})\s*")
#: The same rules, in the order they are tried, with the reason each gives.
REASONS = (
    "gallery",
    "caption",
    "credit",
    "notice",
    "prompt",
    "related",
    "byline",
    "link",
    "embed",
    "timestamp",
    "table",
    "list",
)


def _closes_like_prose(text: str) -> bool:
    return text[-1] in TERMINALS


def _is_table_row(text: str) -> bool:
    """Cells or numbers more than words: a row of a results table or a data box."""
    cells = [c for c in _CELL_SPLIT_RE.split(text) if c]
    if len(cells) >= TABLE_MIN_CELLS and ("\t" in text or "|" in text):
        return True
    words = text.split()
    numbers = sum(1 for w in words if _NUMBER_RE.match(w.strip("()[],;")))
    return len(words) >= TABLE_MIN_CELLS and numbers / len(words) >= TABLE_NUMBER_SHARE


def noise_reason(paragraph: str) -> str | None:
    """Why ``paragraph`` is not report text (one of :data:`REASONS`), or ``None``.

    ``None`` is the default: a rule names a paragraph furniture only on a shape
    that prose does not take, so what the report compares loses nothing it needs.
    """
    text = paragraph.strip()
    if not text:
        return None
    n_words = len(WORD_RE.findall(text))
    short = n_words <= SHORT_WORDS
    if GALLERY_RE.search(text):
        return "gallery"
    if CAPTION_RE.search(text) or (
        len(text) <= CAPTION_MAX_CHARS
        and (
            TRAILING_CREDIT_RE.search(text)
            or (LEADING_CREDIT_RE.match(text) and not _closes_like_prose(text))
        )
    ):
        return "caption"
    if short and (
        CREDIT_LINE_RE.match(text) or LONE_CREDIT_RE.match(text) or CREDIT_RE.match(text)
    ):
        return "credit"
    if LEGAL_RE.search(text):
        return "notice"
    if PROMPT_RE.search(text) or (n_words <= 6 and CTA_RE.search(text)):
        return "prompt"
    if RELATED_RE.search(text) or (n_words <= 6 and TAIL_HEADING_RE.match(text)):
        return "related"
    if n_words <= 5 and BYLINE_RE.match(text) and not _closes_like_prose(text):
        return "byline"
    if len(text.split()) <= SHORT_WORDS and URLISH_RE.search(text) and not _closes_like_prose(text):
        # a bare address ("Backpage.com", "www.example.com/tips"): a link, not a statement
        return "link"
    if EMBED_RE.search(text):
        return "embed"
    if CLOCK_RE.match(text) or (
        not _closes_like_prose(text)
        and (
            is_relative_time_line(text)
            or is_date_line(text, n_words)
            or (short and _CLOCK_IN_RE.search(text))
        )
    ):
        # a stamp ("10:32 GMT", "60 Published By - Google News - 2017.12.30. 18:26"):
        # a time in prose comes with a sentence around it, closed by its stop
        return "timestamp"
    if _is_table_row(text):
        return "table"
    return None


#: Headline-like paragraphs in a row that make a list of links to other stories.
LINK_RUN = 3
_HEADLINE_WORDS = (3, 20)


def _headline_like(text: str) -> bool:
    """A line shaped like a story's headline: a few words, no closing stop, no colon."""
    n_words = len(text.split())
    return (
        _HEADLINE_WORDS[0] <= n_words <= _HEADLINE_WORDS[1]
        and not _closes_like_prose(text)
        and not text.endswith(":")
    )


def _unclosed(text: str) -> bool:
    """Neither a closed sentence nor a heading: a teaser, or teasers run together."""
    return bool(text) and not _closes_like_prose(text) and not text.endswith(":")


def noise_reasons(paragraphs: Sequence[str]) -> list[str | None]:
    """:func:`noise_reason` of each paragraph of an article, with what its neighbours show.

    Three rules look past the paragraph: a link heading that ends with a colon
    ("Read more:", "BGR Top Deals:") owns the unclosed lines after it (the
    teasers it introduces); a headline-like line next to a link line is one more
    teaser; and a run of :data:`LINK_RUN` headline-like lines is a ``list``: links
    to other stories, or photo captions one after another (article text does not
    run three unpunctuated lines on end; a list of features in a review does, and
    loses no figures that a claim group would compare).
    """
    texts = [p.strip() for p in paragraphs]
    reasons = [noise_reason(t) for t in texts]
    links = ("related", "prompt")
    for i, text in enumerate(texts):
        if reasons[i] in links and text.endswith(":"):
            j = i + 1
            while j < len(texts) and reasons[j] is None and _unclosed(texts[j]):
                reasons[j] = reasons[i]
                j += 1
    headline = [bool(t) and _headline_like(t) for t in texts]
    for i in range(len(texts)):
        if reasons[i] is None and headline[i]:
            beside = [reasons[j] for j in (i - 1, i + 1) if 0 <= j < len(texts)]
            if "related" in beside:
                reasons[i] = "related"
    start = 0
    for i in range(len(texts) + 1):
        if i < len(texts) and headline[i] and reasons[i] is None:
            continue
        if i - start >= LINK_RUN:
            reasons[start:i] = ["list"] * (i - start)
        start = i + 1
    return reasons


def noise_spans(article: Article) -> list[tuple[int, int, str]]:
    """``(start, end, reason)`` of the article's furniture paragraphs in ``article.text``.

    Offsets are those of claims and sentences (paragraphs joined by a blank line).
    """
    spans = []
    reasons = noise_reasons(article.body)
    for (base, paragraph), reason in zip(article.paragraphs(), reasons, strict=True):
        if reason is not None:
            spans.append((base, base + len(paragraph), reason))
    return spans


def in_spans(offset: int, spans: Sequence[tuple[int, int, str]]) -> bool:
    """Whether ``offset`` falls inside one of ``spans``."""
    return any(start <= offset < end for start, end, _ in spans)
