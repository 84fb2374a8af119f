"""Language-general lexicons and patterns for recognising page furniture.

These describe kinds of lines found on any news site (relative timestamps,
photo captions, credits, calls to action, related-article headings) in the
languages newsweave meets most; the segmenter uses them as features and the
field extractors as evidence. Nothing here names a particular site.
"""

from __future__ import annotations

import re

WORD_RE = re.compile(r"\w+")

#: Small function-word lists: a line of running prose is dense in them, a menu is not.
STOPWORDS: frozenset[str] = frozenset(
    # English
    "a an the and or but of to in on at for from by with as is are was were be been has have had "
    "it its this that these those he she they we you i his her their our not no will would can "
    "could said says than then there which who what when where after before over into about "
    # Indonesian / Malay
    "yang dan di ke dari ini itu dengan untuk pada tidak dalam akan juga oleh karena ada atau "
    "sebagai bahwa telah sudah mereka kami kita saat para "
    # German
    "der die das und ist nicht ein eine einer den dem des mit auf für von zu im sich auch es "
    "wird sind war wurde nach bei aus wie noch "
    # French
    "le la les et est un une des du en que qui dans pour pas sur au aux par avec ce il elle ont "
    "sont été plus "
    # Spanish / Portuguese / Italian
    "el los las y es del que en por con para una se su al lo como más o da do dos das em não "
    "uma com os il di che è per gli della sono nel "
    # Dutch
    "het een van en de is dat op te zijn met voor niet aan er ook "
    # Russian
    "и в не на я что с по это как а но из у к за то же от для".split()
)

_UNITS = {
    "second": (
        "s",
        "sec",
        "secs",
        "second",
        "seconds",
        "detik",
        "sekunde",
        "sekunden",
        "seconde",
        "secondes",
        "segundo",
        "segundos",
        "secondi",
        "seconden",
    ),
    "minute": (
        "m",
        "min",
        "mins",
        "minute",
        "minutes",
        "menit",
        "minuten",
        "minuto",
        "minutos",
        "minuti",
    ),
    "hour": (
        "h",
        "hr",
        "hrs",
        "hour",
        "hours",
        "jam",
        "stunde",
        "stunden",
        "heure",
        "heures",
        "hora",
        "horas",
        "ore",
        "ora",
        "uur",
    ),
    "day": (
        "d",
        "day",
        "days",
        "hari",
        "tag",
        "tagen",
        "jour",
        "jours",
        "día",
        "días",
        "dia",
        "dias",
        "giorno",
        "giorni",
        "dag",
        "dagen",
    ),
    "week": (
        "w",
        "wk",
        "wks",
        "week",
        "weeks",
        "minggu",
        "woche",
        "wochen",
        "semaine",
        "semaines",
        "semana",
        "semanas",
        "settimana",
        "settimane",
        "weken",
    ),
    "month": (
        "mo",
        "month",
        "months",
        "bulan",
        "monat",
        "monaten",
        "mois",
        "mes",
        "meses",
        "mese",
        "mesi",
        "maand",
        "maanden",
    ),
    "year": (
        "y",
        "yr",
        "yrs",
        "year",
        "years",
        "tahun",
        "jahr",
        "jahren",
        "an",
        "ans",
        "año",
        "años",
        "ano",
        "anos",
        "anno",
        "anni",
        "jaar",
    ),
}
#: Maps every unit word above to its canonical unit.
UNIT_OF: dict[str, str] = {w: unit for unit, words in _UNITS.items() for w in words}
_UNIT_ALT = "|".join(sorted((re.escape(w) for w in UNIT_OF), key=len, reverse=True))

#: "2 hours ago", "time26 minutes ago", "1 jam lalu", "vor 2 Stunden", "il y a 3 jours",
#: "hace 2 horas", "há 2 horas", "2 ore fa", "3 uur geleden", "29m ago". The number may be
#: glued to a preceding word because scrapers drop the space after an icon label.
RELATIVE_TIME_RE = re.compile(
    rf"(?:(?P<n1>\d+|an?|one)\s*(?P<u1>{_UNIT_ALT})\.?\s+(?:ago|lalu|yang\s+lalu|fa|geleden)"
    rf"|(?:vor|il\s+y\s+a|hace|há)\s+(?P<n2>\d+|einer?|une?|un)\s+(?P<u2>{_UNIT_ALT}))\b",
    re.IGNORECASE,
)
#: Words that can stand for the number in a relative time ("an hour ago", "vor einer Stunde").
RELATIVE_NUMBER_WORDS: frozenset[str] = frozenset("a an one vor il hace há".split())
#: Words for "just now" / "yesterday" that mark a timestamp line too.
RELATIVE_WORD_RE = re.compile(
    r"^(?:just now|yesterday|today|kemarin|hari ini|baru saja|gestern|heute|hier|"
    r"aujourd'hui|ayer|hoy|ontem|hoje|ieri|oggi|gisteren|vandaag)$",
    re.IGNORECASE,
)

#: Photo captions and their credits: "(AP Photo/...)", "FILE - ...", "Photo: ...", "Getty Images".
CAPTION_RE = re.compile(
    r"\((?:AP|AFP|Reuters|EPA|dpa|ANTARA|Xinhua)?\s*(?:Photo|Foto|Picture|Image)\b[^)]*\)"
    r"|^(?:FILE|ARCHIVO|ARCHIV)\s*[-–—:]\s"
    r"|\b(?:Getty Images|Shutterstock|AFP via Getty|iStock(?:photo)?|Bloomberg via Getty)\b"
    r"|^(?:Photo|Foto|Image|Picture|Bild|Gambar|Illustration|Ilustrasi)\s*(?:by|credit|:|/)",
    re.IGNORECASE,
)
#: Every CAPTION_RE match holds one of these words (lower case): lines without one skip it.
CAPTION_WORDS: frozenset[str] = frozenset(
    "photo foto picture image file archivo archiv getty shutterstock istock istockphoto "
    "illustration ilustrasi bild gambar".split()
)
CREDIT_RE = re.compile(
    r"^(?:credit|photo credit|image credit|source|sumber|quelle|crédit|fuente|foto|photo)\s*:"
    r"\s*\S.{0,60}$",
    re.IGNORECASE,
)
#: Calls to action, sharing and app prompts, comment widgets, newsletter boxes.
CTA_RE = re.compile(
    r"\b(?:click here|read (?:entire|full|the full|more)|download (?:the|our) app|get the app|"
    r"subscribe|sign up|sign in|log ?in|newsletter|follow us|share (?:this|on)|"
    r"no comments|leave a comment|comments?\b(?: \(\d+\))?$|add a comment|"
    r"google news|whatsapp|telegram channel|app store|play store|try our|"
    r"advertisement|sponsored|cookie|privacy policy|terms of (?:use|service)|"
    r"all rights reserved|copyright|baca (?:juga|selengkapnya)|klik di sini|unduh aplikasi|"
    r"lesen sie auch|mehr zum thema|jetzt abonnieren|lire aussi|abonnez-vous|"
    r"lee también|suscríbete|leia também|leggi anche|lees ook)\b"
    # a share widget: nothing but the names of the networks to share on
    r"|^(?:(?:share|facebook|twitter|linkedin|pinterest|whatsapp|reddit|e-?mail|print|"
    r"flipboard|tumblr|messenger|telegram|copy link)\W*){2,}$"
    r"|©",
    re.IGNORECASE,
)
#: Every CTA_RE match holds one of these words (lower case) or "©": lines without one skip it.
CTA_WORDS: frozenset[str] = frozenset(
    "click read download app subscribe sign log login newsletter follow share comment comments "
    "google whatsapp telegram store try advertisement sponsored cookie privacy terms rights "
    "copyright baca klik unduh lesen mehr jetzt lire abonnez lee suscríbete leia leggi "
    "lees facebook twitter linkedin pinterest reddit email mail print flipboard tumblr "
    "messenger copy".split()
)
#: Headings that open the tail of a page: related stories, comments, more news.
TAIL_HEADING_RE = re.compile(
    r"^(?:related(?: articles| stories| news| posts| content)?|more (?:stories|news|from .{1,40})|"
    r"keep reading|read (?:more|next|also)|recommended(?: for you)?|you (?:may|might) also like|"
    r"editor[’']?s (?:choice|picks?)|most (?:read|popular|viewed)|trending(?: now)?|the latest|"
    r"latest news|top stories|comments?|featured|popular|"
    r"berita terkait|baca juga|terpopuler|pilihan editor|"
    r"mehr zum thema|weitere artikel|das könnte sie auch interessieren|"
    r"à lire aussi|sur le même sujet|lire aussi|"
    r"noticias relacionadas|te puede interesar|leia também|leggi anche|gerelateerd)\b",
    re.IGNORECASE,
)
#: "By NAME", "Par NAME", "Von NAME", "Oleh NAME", "Por NAME", "Di NAME", "Door NAME".
BYLINE_RE = re.compile(
    r"^(?:by|par|von|oleh|por|di|door|written by|reporting by|text|texto)\s*:?\s+"
    r"(?P<rest>\S.{1,120})$",
    re.IGNORECASE,
)
_BULLETS = r"[*•·▪►»›|\-–—]"
BULLET_RE = re.compile(rf"^{_BULLETS}\s*")
#: A list item: a bullet, or the "+" and "o" that text renders (inscriptis) give nested
#: items. The segmenter's ``bullet`` feature keeps to BULLET_RE: retrained with these
#: two as well, its cross-validated F1 fell from 0.9293 to 0.9278.
LIST_ITEM_RE = re.compile(rf"^(?:{_BULLETS}|[+o] )")
URLISH_RE = re.compile(r"https?://|www\.|\S+@\S+\.\w+|\.(?:com|org|net|co)\b", re.IGNORECASE)
#: Every URLISH_RE match holds one of these words (lower case) or "@".
URL_WORDS: frozenset[str] = frozenset("http https www com org net co".split())
SENTENCE_BREAK_RE = re.compile(r"[.!?][\"”’')]?\s+[\"“‘'(]?[A-ZÀ-ÖØ-ÞА-Я0-9]")
TERMINALS = frozenset(".!?\"”’'»…)")

#: A whole paragraph that is page furniture whichever path found it: a gallery's
#: counter or caption toggle ("Hide Caption 1 of 30", "Image 3 of 12"), a gallery or
#: video label ("Photos: ...", "WATCH: ..."), a wire's legal notice, a print
#: edition's line ("(China Daily 10/03/2017 page4)"). Labels are held to a few words
#: by ``FURNITURE_LABEL_WORDS``, so a sentence opening "Photos:" stays.
FURNITURE_PARAGRAPH_RE = re.compile(
    r"^(?:"
    r"(?:hide|show|expand|close)\s+(?:caption|photo|image)s?\b.*"
    r"|(?:(?:image|photo|picture|slide|foto|bild)s?\s*)?\d{1,3}\s*(?:of|/|von|de|sur|dari)\s*\d{1,3}"
    r"(?:\s*(?:next|previous|prev|back))*"
    r"|(?:photos?|videos?|gallery|watch|pictures|in pictures|listen|audio)\s*[:|]\s*.*"
    r"|.*\bmay not be (?:published|reproduced|copied)\b.*\b(?:broadcast|redistributed)\b.*"
    r"|(?:copyright|\(c\)|©)\s*\d{4}\b.*\ball rights reserved\.?"
    r"|\(\s*[A-Z][\w .&]{1,40}\s\d{1,2}/\d{1,2}/\d{2,4}\s+page\s?\w{1,4}\s*\)"
    r")$",
    re.IGNORECASE,
)
FURNITURE_LABEL_WORDS = 15
#: A wire photo's caption carried into the text, whatever its length: "FILE - In this
#: Oct. 2, 2017, file photo, ..." (AP), "FILE PHOTO: ..." (Reuters).
CAPTION_PARAGRAPH_RE = re.compile(
    r"^(?:FILE\s*[-–—:]\s*(?:In this|This)\b.*\bphoto\b|FILE PHOTO\s*[-–—:])"
)
