"""Extraction from plain-text page dumps: segment the lines, then read the fields.

The learned segmenter decides which lines are body. The headline, byline,
dates, outlet credit and standfirst are then read from the lines around the
body, never from the tail of the page (related stories carry their own
headlines and timestamps) nor from photo captions.
"""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np

from newsweave.errors import PageError
from newsweave.extract.assemble import Evidence, build_article, too_short
from newsweave.extract.dates import (
    WEEKDAYS,
    Yearless,
    find_date,
    find_relative,
    find_yearless,
    parse_loose,
    resolve_relative,
    year_for,
)
from newsweave.extract.features import (
    PageFeatures,
    headline_among,
    is_date_line,
    is_relative_time_line,
    normalise,
)
from newsweave.extract.fields import (
    DATE_LABELS,
    DATE_WORDS,
    Byline,
    bare_byline,
    dated_byline,
    outlet_before_date,
    parse_byline,
    split_dateline,
)
from newsweave.extract.lines import LONG_LINE_WORDS, Line, paragraphs, split_lines
from newsweave.extract.outlets import from_url, self_named
from newsweave.extract.patterns import (
    BYLINE_RE,
    CAPTION_RE,
    CREDIT_RE,
    LIST_ITEM_RE,
    TERMINALS,
)
from newsweave.extract.segmenter import Segmentation, SegmenterModel, Segmenters, segment
from newsweave.models import Article, DroppedLine, Page

#: How far (in lines) before the body the headline, byline and dates may sit.
HEADER_REACH = 15
#: Only a text page's first lines are read: the features cost about 2 KB a line, so a
#: page of a million short lines (11 MB) took 2.3 GB and a minute. An article starts
#: far above this (the development pages have 167 lines on average, 623 at most).
MAX_PAGE_LINES = 20_000
#: A standfirst is a full sentence, not a label.
MIN_SUMMARY_WORDS = 8
#: A line with this share of capitalised words is in title case: a headline or names.
TITLE_CASE_SHARE = 0.8
#: How many lines under the headline a writer's bare name may sit (a dek, a date between).
BARE_BYLINE_REACH = 3
#: The most words in a line of metadata that is no sentence: "PUBLISHED: Nov 19, 2019
#: at 8:59 pm | UPDATED: ...", "By X | November 18, 2019 -- 19:14 GMT | Topic: Y".
MAX_METADATA_WORDS = 25
#: A bare date line is short: "Mon 18 Nov 2019 18.54 GMT Last modified on Mon 18 Nov 2019 18.56 GMT"
#: has 69 characters.
BARE_DATE_MAX_CHARS = 80
_LETTERS_RE = re.compile(r"[^\W\d_]+")
#: Words that go with a date without saying anything else: labels, months, weekdays, times.
_DATE_AND_TIME_WORDS = DATE_WORDS | set("at am pm a p m gmt utc est edt et".split())


def extract_text(
    page: Page,
    *,
    reference_time: datetime | None,
    explain: bool,
    model: SegmenterModel | Segmenters | None = None,
) -> Article:
    """The Article in a text page; raises ``PageError(no_article)`` when there is none.

    ``model`` replaces the shipped segmenter (the benchmark's cross-validation).
    """
    text, truncated = _head(page.text, MAX_PAGE_LINES)
    lines = split_lines(text)
    if not lines:
        raise PageError(page.source, "no_article", "the page has no text")
    seg = segment(lines, model)
    if _no_article(seg) and _read_again(seg):
        # A second reading, by the layout model, which also learnt from bodies alone (a
        # crawler's cleaned text has no menus to tell the article from), with long lines
        # cut: a page's paragraphs may render as a few long lines, which read as no body
        # whole. Only now are they cut: an aggregator's related articles render as long
        # lines too (a seed page), and cut they read as body.
        lines = split_lines(text, cut_long=True)
        seg = segment(lines, model, layout=True)
    body_idx = [i for i, label in enumerate(seg.labels) if label]
    if not body_idx:
        raise PageError(page.source, "no_article", "no line of the page reads as article body")

    roles: dict[int, str] = {}
    title_i = _headline(lines, seg.features)
    if title_i is None:
        title_i = _fallback_title(lines, body_idx[0])
    title = lines[title_i].text if title_i is not None else ""
    keys = seg.features.keys
    if title_i is not None:
        key = normalise(title)
        roles.update((i, "title") for i, other in enumerate(keys) if other == key)

    first = next((i for i in body_idx if i not in roles), body_idx[0])
    last = body_idx[-1]
    # A site that prints the headline twice (over a gallery, then over the text) has
    # its byline and date under the first print.
    headline_at = sorted(i for i, role in roles.items() if role == "title") or [first]
    header_start = max(0, min(first, headline_at[0]) - HEADER_REACH)

    byline, byline_i = _find_byline(lines, header_start, first, last, title_i, roles)
    if byline_i is not None:
        roles[byline_i] = "byline"
    summary_i = _find_summary(lines, seg.labels, title_i, roles)
    if summary_i is not None:
        roles[summary_i] = "summary"

    published, precision, date_i = _find_published(
        lines, header_start, first, last, headline_at, seg.labels, reference_time
    )
    if date_i is not None:
        roles.setdefault(date_i, "date")
    credited, credit_i = _find_credit(lines, header_start, first, roles)
    if credit_i is not None:
        roles.setdefault(credit_i, "outlet_credit")

    body = paragraphs(lines, [i for i in body_idx if i not in roles])
    reasons = _reasons(seg.features, title_i, first, last)
    dropped = [
        DroppedLine(line.text, roles.get(i) or reasons[i])
        for i, line in enumerate(lines)
        if not seg.labels[i] or i in roles
    ]
    diagnostics: dict[str, object] = {
        "method": "text-segmenter",
        "model": seg.model,
        "lines": len(lines),
        "body_lines": len(body),
        "dropped_lines": len(dropped),
        "title_line": lines[title_i].number if title_i is not None else None,
        "body_span": [lines[first].number, lines[last].number],
    }
    if truncated:
        diagnostics["read_lines"] = MAX_PAGE_LINES
    if explain:
        diagnostics["line_scores"] = [
            {"line": line.number, "p_body": round(float(p), 4), "body": bool(y), "text": line.text}
            for line, p, y in zip(lines, seg.probabilities, seg.labels, strict=True)
        ]
    found = Evidence(
        title=title,
        body=body,
        byline=byline,
        credited=credited,
        site=from_url(page.url) or self_named(line.text for line in dropped),
        published=published,
        precision=precision,
        summary=lines[summary_i].text if summary_i is not None else None,
        dropped=dropped,
        diagnostics=diagnostics,
    )
    return build_article(page, found)


#: A page of which this share of lines or more are sentences of 8 words or more is
#: an article's text alone (a crawler's cleaned body): on the news-please records the
#: plain model reads as no article, 0.7 to 1.0; on a standings page with menus, 0.39.
PROSE_PAGE_SHARE = 0.6


def _read_again(seg: Segmentation) -> bool:
    """Whether a page read as no article is worth a second reading.

    Only two kinds are: a page of prose alone, and one holding a line longer than a
    long paragraph (its paragraphs rendered as one). Anything else the second
    reading turns into a body would be a guess (a standings table, a list of links).
    """
    words = [len(line.text.split()) for line in seg.lines]
    prose = sum(n >= 8 for n in words)
    return prose >= PROSE_PAGE_SHARE * len(words) or max(words, default=0) > LONG_LINE_WORDS


def _head(text: str, limit: int) -> tuple[str, bool]:
    """``text``'s first ``limit`` lines, and whether there were more."""
    at = -1
    for _ in range(limit):
        at = text.find("\n", at + 1)
        if at < 0:
            return text, False
    return text[:at], bool(text[at:].strip())


def _no_article(seg: Segmentation) -> bool:
    """Whether the lines read as body are too few to be an article (:func:`check_body`)."""
    return too_short(
        [len(line.text.split()) for line, y in zip(seg.lines, seg.labels, strict=True) if y]
    )


def _headline(lines: list[Line], page: PageFeatures) -> int | None:
    """The headline to show: the segmenter's anchor, unless that is a list item.

    A menu entry or breadcrumb can outscore the headline as the anchor (it names
    what the page is about). The anchor itself is left as it is: the segmenter
    was trained with it, and excluding list items from it cost cross-validated
    F1 (0.9262 against 0.9293).
    """
    if page.title is None or not LIST_ITEM_RE.match(lines[page.title].text):
        return page.title
    listed = [LIST_ITEM_RE.match(line.text) is not None for line in lines]
    return headline_among(page, ~np.array(listed, dtype=bool))


def _fallback_title(lines: list[Line], first_body: int) -> int | None:
    """Without a headline the segmenter trusts, the last short line above the body.

    Bylines, photo credits, the caption under a credit and list items (menus,
    breadcrumbs) sit between a headline and its body on many sites; none of them
    is the headline.
    """
    for i in range(first_body - 1, max(-1, first_body - HEADER_REACH), -1):
        text = lines[i].text
        words = len(text.split())
        if not 3 <= words <= 30 or LIST_ITEM_RE.match(text):
            continue
        if is_date_line(text, words) or parse_byline(text):
            continue
        if _date_labelled(text):  # "Updated Nov 19 ..."
            continue
        if _is_photo_credit(text) or (i > 0 and _is_photo_credit(lines[i - 1].text)):
            continue
        return i
    return None


def _is_photo_credit(text: str) -> bool:
    return bool(CAPTION_RE.search(text) or CREDIT_RE.match(text))


def _find_byline(
    lines: list[Line],
    start: int,
    first: int,
    last: int,
    title_i: int | None,
    roles: dict[int, str],
) -> tuple[Byline | None, int | None]:
    for i in range(start, last + 1):
        # Never a sentence of the article: "By the end of the year, ...".
        if i in roles or not _metadata_sized(lines[i].text, 14):
            continue
        byline = parse_byline(lines[i].text)
        if byline is not None:
            return byline, i
    # No "By" line: a writer's name heading a date ("Chris Davies - Nov 19, 2019") above the body.
    for i in range(start, first + 1):
        byline = None if i in roles else dated_byline(lines[i].text)
        if byline is not None:
            return byline, i
    # Or the name alone, right under the headline.
    if title_i is not None:
        for i in range(title_i + 1, min(title_i + 1 + BARE_BYLINE_REACH, first + 1, len(lines))):
            byline = None if i in roles else bare_byline(lines[i].text, lines[title_i].text)
            if byline is not None:
                return byline, i
    return None, None


def _find_summary(
    lines: list[Line], labels, title_i: int | None, roles: dict[int, str]
) -> int | None:
    """The standfirst: a full sentence right under the headline, set apart from the body.

    It is set apart when furniture (a caption, byline, timestamp) separates it
    from the body that follows, or when that body opens with a dateline, which
    marks where the story itself begins. A line of metadata (a date, a byline, a
    list of categories) is no standfirst, nor a line in title case (a second
    headline, names).
    """
    if title_i is None:
        return None
    candidate = next((i for i in range(title_i + 1, len(lines)) if i not in roles), None)
    if candidate is None:
        return None
    text = lines[candidate].text
    words = text.split()
    if (
        len(words) < MIN_SUMMARY_WORDS
        or CAPTION_RE.search(text)
        or is_relative_time_line(text)
        or _date_labelled(text)  # "Updated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM"
        or (text[-1] not in TERMINALS and find_date(text) is not None)  # "X | Updated: <date>"
        or split_dateline(text) is not None
        or sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)
    ):
        return None
    following = next(
        (i for i in range(candidate + 1, len(lines)) if labels[i] and i not in roles), None
    )
    if following is None:
        return None
    separated = following > candidate + 1
    return candidate if separated or split_dateline(lines[following].text) else None


def _find_published(
    lines: list[Line],
    start: int,
    first: int,
    last: int,
    anchors: list[int],
    labels,
    reference_time: datetime | None,
):
    """The page's own date: the absolute date nearest one of the ``anchors`` (the
    headline's prints, else the body's first line), else a relative one.

    Only the header and the article are searched, not the tail (teasers carry
    their own dates), and captions are skipped (a file photo has another date).
    Sentences of the article are skipped too (their dates are the story's), but
    not a line that is only a date, which the segmenter can take into the body.
    """
    candidates = []
    for i in range(start, last + 1):
        text = lines[i].text
        if (labels[i] and not _bare_date(text)) or not _metadata_sized(text, 12):
            continue
        found = find_date(text, short_year=BYLINE_RE.match(text) is not None)
        if found is not None and not CAPTION_RE.search(text):
            candidates.append((min(abs(i - a) for a in anchors), i, *found))
    if candidates:
        _, i, value, precision = min(candidates)
        return value, precision, i
    for i in range(start, min(first + 1, len(lines))):
        found = parse_loose(lines[i].text, ("en",))
        if found is not None and not labels[i]:
            return found[0], found[1], i
    for i in range(start, min(first + 1, len(lines))):
        yearless = None if labels[i] else _yearless_date_line(lines[i].text)
        if yearless is not None:
            page_dates = [d[0] for d in map(find_date, (x.text for x in lines)) if d is not None]
            year = year_for(yearless, page_dates, reference_time)
            found = None if year is None else yearless.in_year(year)
            if found is not None:
                return found[0], found[1], i
    if reference_time is not None:
        for i in range(start, min(first + 3, len(lines))):
            if is_relative_time_line(lines[i].text):
                ago = find_relative(lines[i].text)
                if ago is not None:
                    value, precision = resolve_relative(ago, reference_time)
                    return value, precision, i
    return None, None, None


def _metadata_sized(text: str, short: int) -> bool:
    """Whether a line is short enough to be metadata: ``short`` words, or a longer non-sentence."""
    return len(text.split()) <= (short if text[-1] in TERMINALS else MAX_METADATA_WORDS)


def _bare_date(text: str) -> bool:
    """A date with at most two other words: "19 NOV 2019", "(Published Monday, Nov. 18, 2019)".

    An embedded post's signature ("— Name (@handle) November 18, 2019") is not one.
    """
    if len(text) > BARE_DATE_MAX_CHARS or "@" in text or find_date(text) is None:
        return False
    words = _LETTERS_RE.findall(text.lower())
    return sum(w not in _DATE_AND_TIME_WORDS for w in words) <= 2


def _date_labelled(text: str) -> bool:
    """Whether a line opens with a date label: "Updated Nov 19", "Posted: Nov 18"."""
    return text.split()[0].strip(":;,.").lower() in DATE_LABELS


def _yearless_date_line(text: str) -> Yearless | None:
    """A month and day that is the line's point: labelled, timed, or nearly alone.

    "Posted Nov 18, 8:19 PM" is a date line; "March 3 people died" is not.
    """
    words = text.split()
    if len(words) > 12:
        return None
    found = find_yearless(text)
    if found is None:
        return None
    labelled = _date_labelled(text)
    start, end = found.span
    rest = [
        w
        for w in (text[:start] + " " + text[end:]).split()
        if w.strip(",.|").lower() not in WEEKDAYS
    ]
    if labelled or found.parts.get("hh") is not None or not rest:
        return found
    return None


def _find_credit(
    lines: list[Line], start: int, first: int, roles: dict[int, str]
) -> tuple[str | None, int | None]:
    for i in range(start, first):
        if i in roles and roles[i] != "date":
            continue
        credited = outlet_before_date(lines[i].text)
        if credited:
            return credited, i
    return None, None


def _reasons(page: PageFeatures, title_i: int | None, first: int, last: int) -> list[str]:
    """Why each line would not be body, in the most specific words that fit.

    Read from the flags the segmenter already computed: the first pattern that
    matches (np.select's order), else where the line sits.
    """
    index = np.arange(len(page.keys))
    short = page.column("log_words") <= np.log1p(12)
    before = (index < first) | (index < title_i if title_i is not None else False)
    after = index > last
    return np.select(
        [
            page.column("relative_time") > 0,
            page.column("caption") > 0,
            page.column("credit") > 0,
            page.column("date_line") > 0,
            (page.column("call_to_action") > 0) & short,
            page.column("tail_heading") > 0,
            after & (page.column("prose") > 0),
            after,
            before,
        ],
        [
            "relative_time",
            "caption",
            "credit",
            "date",
            "call_to_action",
            "section_heading",
            "related_content",
            "after_article",
            "before_article",
        ],
        "boilerplate",
    ).tolist()
