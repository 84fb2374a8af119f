"""Outlet names: news agencies' codes and domain-like forms made readable.

Pages name their publisher in many forms: an agency code in a dateline
("(AP)"), a wire credit in a byline ("– Associated Press"), a domain in capitals
("TEMPO.CO"), a host ("www.thehill.com"). These helpers turn each into one
readable name so that copies of the same report agree on who wrote it.

A domain → outlet table (``data/outlets.csv``, newsweave's own compilation)
names the common news sites canonically ("washingtonpost.com" → "The Washington
Post"); a user's CSV of the same columns (``$NEWSWEAVE_OUTLETS``,
``Settings.outlets``) adds rows or overrides them. A host matches its own row or
its nearest parent domain's ("edition.cnn.com" → "cnn.com").
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from newsweave.errors import NewsweaveError
from newsweave.extract.patterns import BULLET_RE, STOPWORDS


@dataclass(frozen=True, slots=True)
class Outlet:
    """One row of the outlet table: a domain and the outlet it belongs to."""

    domain: str
    name: str
    country: str | None = None
    owner: str | None = None


def _rows(lines: Iterable[str], source: str) -> dict[str, Outlet]:
    """The outlets of a CSV with ``domain`` and ``name`` columns; ``#`` lines are comments."""
    reader = csv.DictReader(line for line in lines if not line.lstrip().startswith("#"))
    fields = {f.strip().lower() for f in reader.fieldnames or []}
    if not {"domain", "name"} <= fields:
        raise NewsweaveError(f"{source}: an outlet table needs 'domain' and 'name' columns")
    table: dict[str, Outlet] = {}
    for row in reader:
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        domain = _key(row.get("domain", ""))
        if domain and row.get("name"):
            table[domain] = Outlet(
                domain, row["name"], row.get("country") or None, row.get("owner") or None
            )
    return table


@lru_cache(maxsize=4)
def _table(override: str | None) -> dict[str, Outlet]:
    shipped = resources.files("newsweave.extract").joinpath("data/outlets.csv")
    table = _rows(shipped.read_text(encoding="utf-8").splitlines(), "outlets.csv")
    if override:
        try:
            text = Path(override).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise NewsweaveError(f"cannot read the outlet table {override}: {error}") from error
        table.update(_rows(text.splitlines(), override))
    return table


#: The outlet CSV chosen by :func:`use_outlets` (``Settings.outlets``); ``None``: none.
_chosen: str | None = None


def use_outlets(path: str | None) -> None:
    """Read outlets from ``path`` over the shipped table (``None``: the shipped table alone).

    For the whole process: the pipeline sets it from its settings before each page.
    """
    global _chosen
    _chosen = path


def outlet_table() -> dict[str, Outlet]:
    """Domain → outlet: the shipped rows, those of the chosen CSV over them."""
    return _table(_chosen)


def _host(text: str) -> str:
    """``text``'s host in lower case: no scheme, path, port or trailing dot."""
    text = text.strip().lower()
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    return host.rstrip(".")


def _section(text: str) -> str | None:
    """The first segment of ``text``'s path in lower case ("bbc.com/news/uk-1" → "news")."""
    text = text.strip().lower()
    path = urlsplit(text if "//" in text else f"//{text}").path
    return path.strip("/").split("/")[0] or None


def _key(text: str) -> str:
    """A table row's key: its host, and the section when the row names one ("bbc.com/news")."""
    section = _section(text)
    return f"{_host(text)}/{section}" if section else _host(text)


_HOST_RE = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")


def lookup(address: str | None) -> Outlet | None:
    """The table's outlet for a URL, host or bare domain ("TEMPO.CO", "www.thetimes.co.uk").

    The host's own row wins, then its parent domains' in turn: "edition.cnn.com"
    finds "cnn.com", "abcnews.go.com" its own row. At each level a row for the
    address's section comes first: "https://www.bbc.com/news/..." finds "bbc.com/news".
    """
    if not address or " " in address.strip():
        return None
    host = _host(address)
    if not _HOST_RE.match(host):
        return None
    table = outlet_table()
    section = _section(address)
    labels = host.split(".")
    for i in range(len(labels) - 1):
        domain = ".".join(labels[i:])
        found = (table.get(f"{domain}/{section}") if section else None) or table.get(domain)
        if found is not None:
            return found
    return None


def known_name(address: str | None) -> str | None:
    """The canonical outlet name for a URL, host or domain in the table, else ``None``."""
    found = lookup(address)
    return found.name if found else None


#: Suffixes of two labels under which a name is registered ("bbc.co.uk").
TWO_PART_SUFFIXES = frozenset(
    "co.uk org.uk ac.uk gov.uk me.uk com.au net.au org.au co.nz org.nz co.in net.in "
    "co.id or.id co.jp ne.jp or.jp co.kr or.kr com.cn com.hk com.sg com.my com.ph "
    "com.pk com.br com.ar com.mx com.tr co.za org.za co.ke com.ng com.eg org.eg co.il".split()
)


def registered_domain(address: str) -> str:
    """The domain a host is registered under: "edition.cnn.com" → "cnn.com",
    "www.thetimes.co.uk" → "thetimes.co.uk"."""
    labels = _host(address).split(".")
    keep = 3 if ".".join(labels[-2:]) in TWO_PART_SUFFIXES else 2
    return ".".join(labels[-keep:])


#: Byline, section and navigation labels: a name made only of these is no outlet.
NOT_OUTLET_WORDS = frozenset(
    """what who when where why how this that here there it its our your my by for from with
    and or of the a an to in on at us me you more read see view
    reporter reporters writer writers staff author authors opinion opinions news home
    editor editors editorial contributor contributors contributing correspondent columnist
    column columns analysis comment comments commentary share print email follow menu search
    subscribe subscription sign login log newsletter newsletters about contact advertisement
    sponsored latest top stories story video videos photo photos gallery live updates update
    breaking world politics business sport sports tech technology science health culture
    entertainment lifestyle travel local national international section sections page
    features feature review reviews blog blogs guest special wire desk team""".split()
)
#: Roles that mark a byline ("Wired Staff", "Staff Writer") unless the name is a known outlet's.
_ROLE_WORDS = frozenset(
    "reporter reporters writer writers staff author authors editor editors contributor "
    "contributors correspondent columnist".split()
)
#: Longer than this, a name is a headline or a sentence.
MAX_OUTLET_WORDS = 7
MAX_OUTLET_CHARS = 60


@lru_cache(maxsize=4)
def _names(table_id: int) -> frozenset[str]:
    del table_id
    return frozenset(o.name.casefold() for o in outlet_table().values()) | frozenset(
        a.casefold() for a in AGENCIES.values()
    )


def known_outlet_name(name: str) -> bool:
    """Whether ``name`` is an outlet the table or the agency list names."""
    return name.strip().casefold() in _names(id(outlet_table())) or agency(name) is not None


def plausible_outlet(name: str | None) -> bool:
    """Whether ``name`` may be an outlet: no byline, section or navigation label
    ("What", "Reporter", "Wired Staff", "Opinion"), no headline-long string."""
    if not name or not name.strip():
        return False
    if known_outlet_name(name):
        return True
    if len(name) > MAX_OUTLET_CHARS or re.search(r"[?!]|[.:;] ", name):
        return False
    words = [w.strip(".,:;'’\"()[]|-–—").casefold() for w in name.split()]
    words = [w for w in words if w]
    if not words or len(words) > MAX_OUTLET_WORDS:
        return False
    if any(w in _ROLE_WORDS for w in words):
        return False
    return not all(w in NOT_OUTLET_WORDS for w in words)


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
    known = agency(name) or known_name(name)
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
    """A publisher name from a page's address: the table's name for its domain, else
    its host without "www." and suffix."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname
    if not host:
        return None
    return known_name(url) or readable(host)


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
        found = (w.strip(".,;:()") for w in s.split())
        return {
            key(name)
            for w in found
            if _DOMAIN_RE.match(w)
            for name in (readable(w), _DOMAIN_RE.match(w).group("name").split(".")[-1])  # type: ignore[union-attr]
        }

    ka, kb = key(a), key(b)
    return (
        ka == kb
        or (min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka))
        or ka in domains(b)
        or kb in domains(a)
    )
