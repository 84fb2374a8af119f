"""Article fields read from lines: bylines, datelines, outlet credits.

Both extraction paths (text dumps and HTML) end here, so an article gets the
same byline, dateline and outlet whichever form its page came in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsweave.extract.dates import MONTHS, WEEKDAYS, find_date, locate_date
from newsweave.extract.outlets import agency, readable
from newsweave.extract.patterns import BYLINE_RE, LIST_ITEM_RE

#: Separators between a byline's names and the credit that follows them.
_CREDIT_SPLIT_RE = re.compile(r"\s+[–—|-]\s+|\s*[|/]\s*|,\s+(?=[A-Z][\w.&' -]*$)")
_NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bdan\b|\bet\b|\by\b|\be\b)\s*")
_NAME_PARTICLES = frozenset(
    "de da di del della dos du van von der den le la al el bin binti ibn".split()
)
#: A dateline: "SEOUL, South Korea (AP) —", "TEMPO.CO, Jakarta -", "Jakarta (ANTARA) -".
_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][\w.'’&-]*(?:[ ,]+[\w.'’&-]+){0,5}?)\s*"
    r"(?:\((?P<code>[^()]{1,30})\)\s*)?(?P<dash>[—–]|--?)\s+(?=\S)"
)
#: Words that introduce a date rather than name a publisher ("Updated 27-02-2025").
DATE_LABELS = frozenset(
    "published updated posted date on last modified diterbitkan diperbarui veröffentlicht "
    "publiziert aktualisiert publié mis à jour publicado actualizado pubblicato aggiornato "
    "gepubliceerd bijgewerkt".split()
)
#: Words that belong to a date, not to a name: labels, months, weekdays.
DATE_WORDS = DATE_LABELS | MONTHS.keys() | WEEKDAYS
#: Where a byline's names end: a social handle ("By Jane Roe @janeroe Nov 18") or a date
#: label ("By Jane Roe On 11/13/19", "Von Jan Rot publiziert am 25. September").
_NAMES_END_RE = re.compile(
    r"\s+(?:@\w|(?:" + "|".join(sorted(DATE_LABELS, key=len, reverse=True)) + r")\b)",
    re.IGNORECASE,
)


def normal_case(name: str) -> str:
    """A name in capitals made readable: "HYUNG-JIN KIM" → "Hyung-Jin Kim", "MCDONALD" → "McDonald".

    Names already in mixed case are left as written.
    """
    if not name.isupper():
        return name
    words = name.title().split()
    return " ".join(
        re.sub(r"^(Ma?c)([a-z])", lambda m: m.group(1) + m.group(2).upper(), w) if len(w) > 3 else w
        for w in words
    )


@dataclass(frozen=True, slots=True)
class Byline:
    """Who wrote it (names, in normal case) and the credited organisation, if any."""

    names: str | None
    organisation: str | None


def parse_byline(text: str, *, require_prefix: bool = True) -> Byline | None:
    """Read "By NAME – Associated Press" (or an author field) into names and organisation."""
    text = LIST_ITEM_RE.sub("", text.strip()).lstrip()
    match = BYLINE_RE.match(text)
    if match:
        rest = match.group("rest")
    elif require_prefix:
        return None
    else:
        rest = text
    rest = _before_date(_NAMES_END_RE.split(rest, maxsplit=1)[0])
    parts = [p.strip() for p in _CREDIT_SPLIT_RE.split(rest) if p.strip()]
    if not parts or len(parts[0].split()) > 12:
        return None
    names_part, organisation = parts[0], None
    if len(parts) > 1:
        if _person_like(parts[-1]) and "," in rest:  # "By A, B, Grace Segers": one more name
            names_part = rest
        else:
            organisation = _organisation(parts[-1])
    known = agency(names_part)
    if known:
        return Byline(None, known)
    unroled = _ROLE_SUFFIX_RE.sub("", names_part)  # "Meg James Staff Writer", not "Tom Writer"
    names_part = unroled if len(unroled.split()) >= 2 else names_part
    names = [normal_case(n) for n in _NAME_SPLIT_RE.split(names_part) if n]
    if not all(_looks_like_name(n) for n in names):
        return None
    return Byline(", ".join(names) if names else None, organisation)


def _before_date(text: str) -> str:
    """``text`` up to a date printed after the names ("Mike Wall 2019-11-18T20:51Z Science")."""
    found = locate_date(text)
    return text[: found[0]].rstrip(" ,|·-–—") if found and found[0] else text


def _organisation(text: str) -> str | None:
    """The publisher in a byline's credit: "IGN Staff" → "IGN", "Special to the Pioneer Press".

    A time, a short date or a weekday is no publisher ("By Tess Bonn - 11/19/19 06:56 AM").
    """
    if _CLOCK_RE.search(text) or text[0].isdigit():
        return None
    name = _ROLE_RE.sub("", text).strip(" ,-–—")
    words = [w.strip(".,").lower() for w in name.split()]
    if not words or all(w in WEEKDAYS or w in MONTHS for w in words):
        return None
    return readable(name)


def _looks_like_name(text: str) -> bool:
    """Two to five capitalised words, name particles allowed ("Ursula von der Leyen")."""
    words = text.split()
    return (
        1 <= len(words) <= 5
        and all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in words)
        and words[0][0].isupper()
    )


@dataclass(frozen=True, slots=True)
class Dateline:
    """The place a report was filed from, the outlet or agency it names, and the text after it."""

    place: str | None
    outlet: str | None
    rest: str


def split_dateline(paragraph: str) -> Dateline | None:
    """Split a leading dateline off a paragraph ("SEOUL, South Korea (AP) — South Korea's...").

    The place must be short and either in capitals or followed by an agency code;
    a capitalised domain in front ("TEMPO.CO, Jakarta") names the outlet.
    """
    match = _DATELINE_RE.match(paragraph)
    if match is None:
        return None
    place, code = match.group("place").strip(" ,"), match.group("code")
    parts = [p.strip() for p in place.split(",") if p.strip()]
    outlet = None
    if parts and _is_outlet_token(parts[0]) and len(parts) > 1:
        outlet = readable(parts[0])
        parts = parts[1:]
    first = parts[0] if parts else ""
    if code:
        code_outlet = agency(code) or readable(code)
        outlet = outlet or code_outlet
    elif outlet is None and not (first.isupper() and len(first) > 1):
        # Without an agency code, only a place in capitals marks a dateline
        # ("WASHINGTON —"); "The minister - who..." is ordinary prose.
        return None
    if len(" ".join(parts).split()) > 6:
        return None
    rest = paragraph[match.end() :].strip()
    return Dateline(", ".join(parts) or None, outlet, rest)


def _is_outlet_token(text: str) -> bool:
    return (
        bool(
            re.fullmatch(
                r"[A-Za-z0-9-]+\.(?:co|com|net|org|id|news)(?:\.[a-z]{2})?", text, re.IGNORECASE
            )
        )
        or agency(text) is not None
    )


_CLOCK_RE = re.compile(r"\d{1,2}:\d{2}|\d{1,2}/\d{1,2}/\d{2}")
#: A writer's role around the publisher's name in a credit.
_ROLE_RE = re.compile(
    r"^special to (?:the )?|\s*\b(?:senior |staff |contributing |chief )?"
    r"(?:staff|contributor|correspondent|reporter|writer|editor|columnist)s?$",
    re.IGNORECASE,
)
_ROLE_SUFFIX_RE = re.compile(
    r"\s+(?:senior |staff |contributing |chief )?"
    r"(?:staff|contributor|correspondent|reporter|writer|editor|columnist)s?$",
    re.IGNORECASE,
)
_ARTICLES = frozenset("the la le les el los las der die das il lo".split())
_PERSON_WORD_RE = re.compile(r"^[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?$")
#: Words of publications' names: a credit holding one names an outlet, not a person.
_PUBLICATION_WORDS = frozenset(
    "news times post press journal daily herald tribune media tv radio network magazine today "
    "world report gazette star sun mail telegraph express review insider wire online weekly "
    "business science live international channel digital observer chronicle courier guardian "
    "standard independent bulletin monitor record globe mirror examiner sentinel dispatch "
    "register inquirer enquirer sports tech group staff".split()
)
_BY_RE = re.compile(r"^(?:by|von|par|por|oleh|di|door)\s", re.IGNORECASE)


def _name_before_date(text: str) -> str | None:
    """The name heading a dated credit line ("Reuters | Feb. 26, 2025"), else ``None``.

    The caller has found a date in ``text``.
    """
    # "By Mike Wall 2019-11-18": a dated byline names a writer, not an outlet.
    if len(text.split()) > 10 or _BY_RE.match(text):
        return None
    match = re.match(
        r"^(?P<name>[A-Z][\w&.'’ -]{1,40}?)\s*[|·,–—-]?\s*(?=\d|[A-Z][a-z]{2,}\.?\s+\d)", text
    )
    if match is None:
        return None
    name = match.group("name").strip(" .-–—|,")
    return None if not name or _has_date_word(name) else name


def _has_date_word(name: str) -> bool:
    """Whether a would-be name holds a date's word: "Published Wed", "Updated Monday"."""
    return any(w.strip(".,") in DATE_WORDS for w in name.lower().split())


def _person_like(name: str) -> bool:
    """Two or three capitalised words and no word of a publication's name: a writer.

    "Chris Davies - Nov 19, 2019" credits a person; "The Hill", "Fox News",
    "Al Jazeera" and "Reuters" are outlets.
    """
    words = name.split()
    return (
        2 <= len(words) <= 3
        and len(words[0]) >= 3
        and words[0].lower() not in _ARTICLES
        and all(_PERSON_WORD_RE.match(w) for w in words)
        and not any(w.lower() in _PUBLICATION_WORDS for w in words)
    )


def outlet_before_date(text: str) -> str | None:
    """The outlet in a credit line like "The Hill27-02-2025" or "Reuters | Feb. 26, 2025"."""
    name = _name_before_date(text) if find_date(text) else None
    return None if name is None or _person_like(name) else readable(name)


def author_byline(author: str) -> Byline | None:
    """The byline in an HTML page's author field (trafilatura joins several with "; ").

    Writers' names are kept, one per person ("Troy Smith; Troy L Smith" is one); a
    publisher among them is the organisation ("Amy Kuperinsky; NJ Advance Media",
    "Tom Krisher; Ap Auto Writer", "Finian Cunningham Sputnik International"); site
    accounts ("Admin", "Editorial") and what trails a name ("Malcolm Owen Monday;
    November", "Phil Helsel is a reporter") are dropped.
    """
    names: list[str] = []
    organisation = None
    parts = [
        _AUTHOR_TAIL_RE.split(part.strip(), maxsplit=1)[0].strip(" ,") for part in author.split(";")
    ]
    parts = [p for p in parts if p and not _ACCOUNT_RE.fullmatch(p)]
    for part in parts:
        people, publisher = _author_part(part, alone=len(parts) == 1)
        names += [n for n in people if not any(_same_person(n, m) for m in names)]
        organisation = organisation or publisher
    if not names and organisation is None:
        return None
    return Byline(", ".join(names) or None, organisation)


def _author_part(part: str, *, alone: bool) -> tuple[list[str], str | None]:
    """The writers and the publisher one entry of an author field names.

    A role after a wire's code ("Ap Auto Writer") names the wire, and a word of a
    publication's name ("NJ Advance Media") a publisher, after a writer's name or
    alone. A single word beside other entries is a publisher ("Victor Tangermann;
    Futurism"), alone a writer ("Regan"); a name with a leading article is a
    publisher alone ("The Water Coolest"), beside others nothing ("The Russian;
    Syrian defense ministries").
    """
    words = part.split()
    if _ROLE_RE.search(part) and agency(words[0]):
        return [], agency(words[0])
    for k in (2, 3):  # "Finian Cunningham Sputnik International"
        head, rest = " ".join(words[:k]), words[k:]
        if rest and _person_like(head) and any(w.lower() in _PUBLICATION_WORDS for w in rest):
            return [head], readable(" ".join(rest))
    if any(w.lower() in _PUBLICATION_WORDS for w in words):
        return [], readable(part)
    if len(words) == 1 and not alone:
        return [], readable(part)
    if words[0].lower() in _ARTICLES:
        return [], (readable(part) if alone else None)
    found = parse_byline(part, require_prefix=False)
    if found is None:
        return [], None
    return (found.names.split(", ") if found.names else []), found.organisation


def _same_person(a: str, b: str) -> bool:
    """ "Troy Smith" and "Troy L Smith": the same first and last name."""
    x, y = a.lower().split(), b.lower().split()
    return x[0] == y[0] and x[-1] == y[-1]


#: What trails a name in an author field: a weekday, a date label, "is a reporter"; or
#: an entry that is a month alone. A month after a name is no cut: "Theresa May".
_AUTHOR_TAIL_RE = re.compile(
    r"\s+(?:(?:"
    + "|".join(sorted({*(w for w in WEEKDAYS if len(w) > 4), *DATE_LABELS}, key=len, reverse=True))
    + r")\b|(?:is|was)\s+(?:a|an|the)\b)|^(?:"
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")$",
    re.IGNORECASE,
)
#: A site's own account, no writer: "admin", "jdadmin", "Editorial", "Staff".
_ACCOUNT_RE = re.compile(r"\w*admin\w*|editorial|editors?|staff|webmaster|guest", re.IGNORECASE)


#: A bare name's line holds little else: a handle, an agency, a credit.
BARE_BYLINE_WORDS = 6
#: Where a name printed with its social handle ends: "Natasha Turak@NatashaTurak".
_HANDLE_RE = re.compile(r"\s*@|\s+/\s+")


def bare_byline(text: str, headline: str) -> Byline | None:
    """A writer's name alone on a line under the headline, as many sites print it.

    "Anna Menin", "Natasha Turak@NatashaTurak", "Catherine Shu @catherineshu / 2 days",
    "Tom Davies Associated Press", "VICTOR TANGERMANN, FUTURISM". Only two or three
    capitalised words count as a name, and none the headline holds: "Hong Kong" under
    "Hong Kong chaos: ..." is a topic, not a writer.
    """
    if len(text.split()) > BARE_BYLINE_WORDS:
        return None
    name = _HANDLE_RE.split(_NAMES_END_RE.split(text.strip(), maxsplit=1)[0], maxsplit=1)[0]
    name, _, credit = (part.strip(" ,|-–—") for part in name.partition(","))
    organisation = readable(credit) if credit else None
    words = name.split()
    for size in (3, 2, 1):  # "Tom Davies Associated Press": an agency after the name
        known = agency(" ".join(words[-size:])) if len(words) > size else None
        if known:
            name, organisation = " ".join(words[:-size]), known
            break
    name = normal_case(name)
    if not _person_like(name) or name.lower() in headline.lower():
        return None
    if _has_date_word(name):
        return None
    return Byline(name, organisation)


def dated_byline(text: str) -> Byline | None:
    """A writer credited with a date and no "By" before the name: "Chris Davies - Nov 19,
    2019, 10:31 pm", "2019-11-20 17:27:46 Marcus De Guzman", "November 18, 2019 7:45 am
    PST by Joe Rossignol"."""
    found = locate_date(text)
    if found is None:
        return None
    name = _name_before_date(text) or _name_after_date(text, found[1])
    return Byline(name, None) if name is not None and _person_like(name) else None


#: What may follow a date before the writer's name: a time zone, "by".
_AFTER_DATE_NAME_RE = re.compile(
    r"(?:[A-Z]{2,4}\s+)?(?:[Bb]y\s+)?(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,2})"
)


def _name_after_date(text: str, date_end: int) -> str | None:
    """The name that is all a dated line holds after its date (ending at ``date_end``)."""
    if len(text.split()) > 12:
        return None
    match = _AFTER_DATE_NAME_RE.fullmatch(text[date_end:].strip(" ,|·-–—"))
    return None if match is None or _has_date_word(match.group("name")) else match.group("name")
