"""How well extraction recovers a news-please record's fields, and whether given ones survive.

Usage: python bench/record_fields.py [STORIES_DIR] [--store]

STORIES_DIR (default ``../shared/stories``) holds ``articles/*.json``, news-please
records of real articles; skipped with a message when absent. Two measures:

- **Extraction path**: each record's maintext alone, as a plain text page with
  the record's url (no title, no date known), through newsweave's text
  extraction. Scored against the record's own metadata: the outlet against a
  hand-labelled canonical name per domain (``bench/data/outlet_gold.csv``;
  case and a leading "The " ignored), the publication day against
  ``date_publish``'s, the byline's names against the first author, and the title
  against the record's (the maintext holds no title, so few are expected).
  Pages extraction rejects (``PageError``) are counted as failures.
- **Given-metadata path**: the records read by newsweave's news-please reader
  (``newsweave.ingest.records``) and extracted as ingest does; counts the
  articles whose title and publication date are the record's exactly. With
  ``--store`` the records are instead ingested into a temporary SQLite store and
  the stored articles are checked (slower: claims and grouping run too).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from newsweave.errors import PageError
from newsweave.extract import extract
from newsweave.ingest.records import read_json
from newsweave.models import Article, Page, Rejection, content_hash
from newsweave.pipeline import extract_page

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "bench" / "data" / "outlet_gold.csv"
TITLE_KEYS = ("title", "title_rss", "title_page")
SEPARATORS = re.compile(r",|;|&|\band\b|\|", re.IGNORECASE)


def name_key(name: str) -> str:
    """A name compared ignoring case and spacing."""
    return " ".join(name.split()).casefold()


def outlet_key(name: str) -> str:
    """An outlet name compared ignoring case, spacing and a leading "The "."""
    name = name_key(name)
    return name.removeprefix("the ")


def byline_names(byline: str) -> set[str]:
    """The names of a byline: "By A, B and C" -> {a, b, c}."""
    byline = re.sub(r"^\s*by\s+", "", byline, flags=re.IGNORECASE)
    return {name_key(part) for part in SEPARATORS.split(byline) if part.strip()}


def outlet_verdict(article: Article, want: str) -> str:
    """right, missing, wrong, or wire: a wire's copy whose republisher is ``want``."""
    if not article.outlet:
        return "missing"
    if outlet_key(article.outlet) == outlet_key(want):
        return "right"
    return "wire" if outlet_key(article.republished_by or "") == outlet_key(want) else "wrong"


def text_page(path: Path, record: dict) -> Page:
    text = record.get("maintext") or record.get("text") or ""
    raw = text.encode("utf-8")
    return Page(
        content_hash(raw), f"{path.stem}.txt", raw, text, "utf-8", "text", url=record["url"]
    )


def day(value: str | None) -> object:
    return datetime.fromisoformat(value).date() if value else None


def extraction_path(records: dict[Path, dict], gold: dict[str, str]) -> list[tuple[str, str]]:
    failures, wrong, missing_outlet, reasons = 0, [], 0, {}
    outlet_right = dates_found = dates_right = dated = 0
    bylines_found = bylines_right = authored = titles_found = titles_right = 0
    for path, record in records.items():
        dated += bool(record.get("date_publish"))
        authored += bool(record.get("authors"))
        try:
            article = extract(text_page(path, record))
        except PageError as error:
            failures += 1
            reasons[error.reason] = reasons.get(error.reason, 0) + 1
            continue
        domain = record["source_domain"]
        verdict = outlet_verdict(article, gold[domain])
        missing_outlet += verdict == "missing"
        outlet_right += verdict == "right"
        if verdict in ("wrong", "wire"):
            wrong.append((domain, article.outlet, gold[domain], verdict == "wire"))
        if record.get("date_publish") and article.published is not None:
            dates_found += 1
            dates_right += article.published.date() == day(record["date_publish"])
        if record.get("authors") and article.byline:
            bylines_found += 1
            bylines_right += name_key(record["authors"][0]) in byline_names(article.byline)
        if article.title.strip():
            titles_found += 1
            titles_right += name_key(article.title) == name_key(record.get("title") or "")
    total = len(records)
    wires = sum(w[3] for w in wrong)
    rows = [
        ("text pages rejected (PageError)", f"{failures}/{total} {reasons}".replace("'", "")),
        ("outlet right / wrong / missing", f"{outlet_right} / {len(wrong)} / {missing_outlet}"),
        ("of the wrong: wire copy, republished_by = gold", f"{wires}"),
        (
            "publication day agreeing / found / dated records",
            f"{dates_right}/{dates_found}/{dated}",
        ),
        (
            "byline has first author / byline found / with authors",
            f"{bylines_right}/{bylines_found}/{authored}",
        ),
        (
            "title equal to record's / non-empty / articles",
            f"{titles_right}/{titles_found}/{total - failures}",
        ),
    ]
    if wrong:
        print("Wrong outlets (domain: got | gold):")
        for domain, got, want, wire in sorted(wrong):
            note = " (credited to the wire; republished_by is the gold outlet)" if wire else ""
            print(f"- {domain}: {got} | {want}{note}")
        print()
    return rows


def given_articles(articles_dir: Path, store: bool) -> list[Article]:
    if store:
        from newsweave import Newsweave

        with (
            tempfile.TemporaryDirectory() as tmp,
            Newsweave(f"sqlite:///{tmp}/nw.db", embedder="none") as nw,
        ):
            nw.ingest([articles_dir])
            return nw.articles()
    articles = []
    for path in sorted(articles_dir.glob("*.json")):
        for item in read_json(path.read_bytes(), path.name):
            result = item if isinstance(item, Rejection) else extract_page(item)
            if isinstance(result, Article):
                articles.append(result)
    return articles


def given_path(
    articles_dir: Path, records: dict[Path, dict], gold: dict[str, str], store: bool
) -> list[tuple[str, str]]:
    by_url = {article.url: article for article in given_articles(articles_dir, store)}
    exact = 0
    verdicts: dict[str, int] = {}
    for record in records.values():
        article = by_url.get(record["url"])
        if article is None:
            continue
        want = (
            datetime.fromisoformat(record["date_publish"]) if record.get("date_publish") else None
        )
        title = next((t.strip() for t in map(record.get, TITLE_KEYS) if t and t.strip()), "")
        exact += article.title == title and article.published == want
        verdict = outlet_verdict(article, gold[record["source_domain"]])
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
        if verdict != "right":
            print(f"given path, outlet {verdict}: {article.outlet} | {record['source_domain']}")
    where = "stored" if store else "extracted"
    outlets = " / ".join(str(verdicts.get(v, 0)) for v in ("right", "wire", "wrong", "missing"))
    return [
        (f"given path: articles {where}", f"{len(by_url)}/{len(records)}"),
        ("given path: title and date exactly the record's", f"{exact}/{len(records)}"),
        ("given path: outlet right / wire copy / wrong / missing", outlets),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("stories", nargs="?", type=Path, default=REPO.parent / "shared" / "stories")
    parser.add_argument("--store", action="store_true", help="check the given path through a store")
    args = parser.parse_args()
    articles_dir = args.stories / "articles"
    if not articles_dir.is_dir():
        print(f"{articles_dir} is not here: skipped")
        return 0
    records = {
        p: json.loads(p.read_text(encoding="utf-8")) for p in sorted(articles_dir.glob("*.json"))
    }
    with GOLD.open(encoding="utf-8", newline="") as handle:
        gold = {row["domain"]: row["outlet"] for row in csv.DictReader(handle)}
    rows = extraction_path(records, gold) + given_path(articles_dir, records, gold, args.store)
    domains = {record["source_domain"] for record in records.values()}
    print(f"{len(records)} news-please records, {len(domains)} domains\n")
    print("| measure | result |\n|---|---|")
    for measure, result in rows:
        print(f"| {measure} | {result} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
