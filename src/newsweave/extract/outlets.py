"""Outlet names: news agencies' codes and domain-like forms made readable.

Pages name their publisher in many forms: an agency code in a dateline
("(AP)"), a wire credit in a byline ("– Associated Press"), a domain in capitals
("TEMPO.CO"), a host ("www.thehill.com"). These helpers turn each into one
readable name so that copies of the same report agree on who wrote it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from newsweave.extract.patterns import BULLET_RE, STOPWORDS

#: Wire services and agencies, by the codes and spellings they appear under.
AGENCIES: dict[str, str] = {
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "afp": "Agence France-Presse",
    "agence france-presse": "Agence France-Presse",
    "agence france presse": "Agence France-Presse",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "dpa": "dpa",
    "deutsche presse-agentur": "dpa",
    "ani": "ANI",
    "asian news international": "ANI",
    "pti": "Press Trust of India",
    "press trust of india": "Press Trust of India",
    "ians": "IANS",
    "bernama": "Bernama",
    "yonhap": "Yonhap",
    "antara": "Antara",
    "kyodo": "Kyodo News",
    "kyodo news": "Kyodo News",
    "xinhua": "Xinhua",
    "efe": "EFE",
    "ansa": "ANSA",
    "upi": "UPI",
    "united press international": "UPI",
    "tass": "TASS",
    "ria novosti": "RIA Novosti",
    "anadolu": "Anadolu Agency",
    "anadolu agency": "Anadolu Agency",
    "bloomberg": "Bloomberg",
    "apa": "APA",
    "sda": "SDA",
    "belga": "Belga",
    "anp": "ANP",
}

_DOMAIN_RE = re.compile(
    r"^(?:https?://)?(?:www\.|m\.|amp\.)?(?P<name>[\w-]+(?:\.[\w-]+)*?)"
    r"\.(?:co\.uk|co\.id|com\.au|co|com|net|org|id|news|tv|info|de|fr|es|it|uk|in|my|sg|ph)\.?$",
    re.IGNORECASE,
)


def agency(name: str) -> str | None:
    """The agency's readable name when ``name`` is a known wire code or spelling."""
    return AGENCIES.get(re.sub(r"\s+", " ", name.strip(" .()[]–—-")).lower())


#: Short words that are words, not acronyms, in a name printed in capitals.
_SMALL_WORDS = frozenset(
    "the of and a an in on for new sun day now one de la le el der die das di".split()
)


def readable(name: str) -> str:
    """A publisher name for people: "TEMPO.CO" → "Tempo", "TheHill.com" → "The Hill".

    Agencies map to their full names; a domain loses its suffix; a long name in
    capitals is title-cased, while a short one ("BBC") is taken as an acronym.
    """
    name = re.sub(r"\s+", " ", name).strip(" .,;:|-–—")
    known = agency(name)
    if known:
        return known
    match = _DOMAIN_RE.match(name)
    if match and " " not in name:
        name = match.group("name").split(".")[-1]
        known = agency(name)
        if known:
            return known
        if len(name) <= 3:  # "rt.com", "bbc.co.uk": the stem is an acronym
            return name.upper()
        name = re.sub(r"^The(?=[A-Z])", "The ", name)  # "TheHill.com"
    if name.isupper() and len(name.replace(" ", "")) > 4:
        # Word by word: "USA TODAY" → "USA Today", "THE HILL" → "The Hill".
        return " ".join(
            w if len(w) <= 3 and w.lower() not in _SMALL_WORDS else w.title() for w in name.split()
        )
    return name


def from_url(url: str | None) -> str | None:
    """A publisher name from a page's address (its host without "www." and suffix)."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname
    if not host:
        return None
    return readable(host)


#: A publisher's name as a page prints it: capitalised words or a domain, up to five,
#: joined by "of", "the", "and" or "&" but never ending on one.
_NAME = r"(?P<name>[A-Z0-9][\w&'.-]*(?:(?: (?:of|the|and|&))? [A-Z0-9][\w&'.-]*){0,4})"
#: Lines in which a site speaks of itself. Copyright lines are left out: on most
#: development pages they name the owning company ("Future US, Inc.", "Dow Jones &
#: Company"), not the outlet. "More from X" is left out too: X is as often a writer.
#: Each pattern comes with a clue, text its line must hold in lower case: most of a
#: page's dropped lines hold none, and testing for it is cheaper than the pattern.
_SELF_NAMING = tuple(
    (clue, re.compile(pattern))
    for clue, pattern in (
        ("", rf"^(?:Follow|Like) {_NAME} on\b"),  # "Follow RT on"
        (
            "subscribe to",
            rf"\bSubscribe to (?:the )?{_NAME}(?:['’]s)? (?:[Nn]ewsletter|channel|podcast)",
        ),
        (" part of", rf"^{_NAME} is (?:a )?part of\b"),  # "Space is part of Future US Inc"
        (" app", rf"\b(?:[Dd]ownload|[Gg]et) the {_NAME} [Aa]pp\b"),
        # Menu entries that are the whole line: "Search SlashGear", "About CNBC".
        (
            "",
            r"^(?:Search|SEARCH|Browse|About|Advertise (?:on|with|in)|Back to|Continue to"
            rf"|Popular on|Welcome to) {_NAME}$",
        ),
        ("home", rf"^{_NAME} home ?page$"),  # "The Verge homepage"
        ("main menu", rf"^{_NAME} main menu$"),
    )
)
#: A line that is only the site's address, capitalised as a name: "TheHill.com".
#: (Partners' addresses in a footer are mostly lower case: "realtor.com".)
_ADDRESS_LINE = re.compile(r"^[A-Z][\w-]{2,}\.(?:com|co\.uk|net|org|info)$")
#: Words the menu patterns meet in place of a name: "About Us", "Search Quotes".
_NOT_NAMES = frozenset(
    "us top home site search results query quotes gallery blogs menu page".split()
)
#: A possessive or trailing punctuation the name pattern took with it.
_NAME_TAIL = re.compile(r"(?:['’]s)?[.'’-]*$")


def self_named(lines: Iterable[str]) -> str | None:
    """The name a page gives itself in its furniture ("Follow RT on", "About CNBC",
    "TheHill.com"), the most frequent when there are several.

    Text dumps carry no address, so for many pages this is the only trace of
    whose site the article was read on.
    """
    names: Counter[str] = Counter()
    for line in lines:
        text = BULLET_RE.sub("", line, count=1)
        if _ADDRESS_LINE.match(text):
            names[text] += 1
            continue
        low = text.lower()
        for clue, pattern in _SELF_NAMING:
            match = clue in low and pattern.search(text)
            if match:
                name = _NAME_TAIL.sub("", match.group("name"))
                first = name.split()[0].lower()
                if first == "the" or not (first in STOPWORDS or first in _NOT_NAMES):
                    names[name] += 1
    return readable(names.most_common(1)[0][0]) if names else None


def same_outlet(a: str | None, b: str | None) -> bool:
    """Whether two names denote one publisher, ignoring case, spaces and "The"."""
    if not a or not b:
        return False

    def key(s: str) -> str:
        return re.sub(r"[^a-z0-9]|^the", "", s.lower())

    def domains(s: str) -> set[str]:  # "NJ Advance Media for NJ.com" names nj.com
        return {key(readable(w)) for w in s.split() if _DOMAIN_RE.match(w.strip(".,;:()"))}

    ka, kb = key(a), key(b)
    return (
        ka == kb
        or (min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka))
        or ka in domains(b)
        or kb in domains(a)
    )
