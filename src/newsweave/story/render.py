"""The report as JSON-ready data and as a readable Markdown brief."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, fields
from datetime import datetime, time
from functools import cache
from importlib.resources import files
from typing import Any, TypeVar

from newsweave.claims.numbers import parse_quantity
from newsweave.models import Claim, Quantity, json_number
from newsweave.story.model import (
    ArticleRef,
    Cited,
    ClaimGroup,
    Entity,
    StoryReport,
    TimelineEvent,
)

#: The version of the report's dict form below. Stored reports are kept under a key
#: made with it and with :func:`code_fingerprint` (:func:`newsweave.reports.report_key`):
#: a change to the code that builds reports rebuilds them by itself; bump this when
#: a stored report must be rebuilt for another reason.
REPORT_VERSION = 1
#: The packages whose code and data a report is built by.
_REPORT_CODE = ("newsweave.story", "newsweave.claims")


@cache
def code_fingerprint() -> str:
    """A hash of the code and data that build a report (:data:`_REPORT_CODE`).

    Any edit or upgrade of the story or claims code changes it, so no stored
    report outlives the code that built it.
    """
    digest = hashlib.sha256()
    for package in _REPORT_CODE:
        root = files(package)
        stack = [root]
        while stack:
            folder = stack.pop()
            for entry in sorted(folder.iterdir(), key=lambda e: e.name):
                if entry.is_dir():
                    if entry.name != "__pycache__":
                        stack.append(entry)
                elif entry.name.endswith((".py", ".json", ".tsv")):
                    digest.update(entry.name.encode())
                    digest.update(entry.read_bytes())
    return digest.hexdigest()


_D = TypeVar("_D")


def claim_from_dict(data: dict[str, Any]) -> Claim:
    """The claim whose :meth:`~newsweave.models.Claim.to_dict` is ``data``: its inverse."""
    has_quantity = data.get("approximate") is not None or data.get("text") is not None
    quantity = (
        Quantity(
            low=_float(data.get("low")),
            high=_float(data.get("high")),
            approximate=bool(data.get("approximate")),
            text=data.get("text") or "",
        )
        if has_quantity
        else None
    )
    return Claim(
        article_id=data["article_id"],
        sentence=data["sentence"],
        start=data["start"],
        end=data["end"],
        outlet=data.get("outlet"),
        source=data.get("source"),
        chain=list(data.get("chain") or []),
        quantity=quantity,
        measure=data.get("measure"),
        when=data.get("when"),
        part=data.get("part") or "body",
    )


def _float(value: float | None) -> float | None:
    """A bound back as the float the claim held (:func:`_number` wrote 3000.0 as 3000)."""
    return None if value is None else float(value)


def report_to_dict(report: StoryReport) -> dict[str, Any]:
    """The report as plain data, ready for ``json.dumps``."""
    return {
        "id": report.id,
        "title": report.title,
        "first_published": report.first_published,
        "last_published": report.last_published,
        "articles": [asdict(a) for a in report.articles],
        "entities": [asdict(e) for e in report.entities],
        "claim_groups": [
            {
                "measure": g.measure,
                "relation": g.relation,
                "folded": g.folded,
                "claims": [c.to_dict() for c in g.claims],
            }
            for g in report.claim_groups
        ],
        "unique_details": {k: list(v) for k, v in report.unique_details.items()},
        "timeline": [asdict(t) for t in report.timeline],
        "summary": [asdict(s) for s in report.summary],
    }


def report_from_dict(data: dict[str, Any]) -> StoryReport:
    """The report :func:`report_to_dict` gave ``data`` for: its exact inverse.

    What lets a report be stored as JSON (:meth:`newsweave.store.Store.save_report`)
    and served later without building it again:
    ``report_from_dict(report_to_dict(r)) == r``. Raises ``KeyError``,
    ``TypeError`` or ``ValueError`` on data of another shape.
    """
    return StoryReport(
        id=data["id"],
        title=data["title"],
        first_published=data["first_published"],
        last_published=data["last_published"],
        articles=[_dataclass(ArticleRef, a) for a in data["articles"]],
        entities=[_dataclass(Entity, e) for e in data["entities"]],
        claim_groups=[
            ClaimGroup(
                measure=g["measure"],
                relation=g["relation"],
                claims=[claim_from_dict(c) for c in g["claims"]],
                folded=bool(g.get("folded", False)),
            )
            for g in data["claim_groups"]
        ],
        unique_details={k: list(v) for k, v in data["unique_details"].items()},
        timeline=[_dataclass(TimelineEvent, t) for t in data["timeline"]],
        summary=[_dataclass(Cited, s) for s in data["summary"]],
    )


def _dataclass(cls: type[_D], data: dict[str, Any]) -> _D:
    """``cls`` from the fields ``asdict`` wrote (all plain values); other keys are ignored."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


def _figure(claim: Claim) -> str:
    q = claim.quantity
    text = q.text if q else "(no figure)"
    if q and q.low is not None and q.low == q.high and parse_quantity(q.text) != q:
        # a total of the parts the text gives: "300 died and another 2,700" (= 3,000)
        text += f" (= {json_number(q.low):,})"
    who = claim.source or "(own reporting)"
    line = f"**{text}** — {who}, per {claim.outlet or 'unknown outlet'}"
    if len(claim.chain) > 2:
        line += f" (chain: {' → '.join(claim.chain)})"
    if claim.when:
        line += f"; {claim.when}"
    return line


def display_date(value: str | None) -> str:
    """An ISO 8601 date for reading: 27 Feb 2025, with the time when the page gave one."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    day = f"{moment.day} {moment:%b %Y}"
    if len(value) <= 10 or (moment.tzinfo is None and moment.time() == time.min):
        return day
    return f"{day}, {moment:%H:%M}"


def _when(value: str) -> str:
    """:func:`display_date` with the UTC offset when known: "19 Nov 2019, 06:56 (UTC-05:00)"."""
    offset = datetime.fromisoformat(value).utcoffset()
    if offset is None:
        return display_date(value)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    zone = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}" if minutes else "UTC"
    return f"{display_date(value)} ({zone})"


def report_to_markdown(report: StoryReport) -> str:
    """A readable brief: summary, figures and how they compare, timeline, sources."""
    out = [f"# {report.title}", ""]
    span = " to ".join(
        dict.fromkeys(_when(d) for d in (report.first_published, report.last_published) if d)
    )
    outlets = list(dict.fromkeys(a.outlet or a.source for a in report.articles))
    out += [
        f"{len(report.articles)} articles from {', '.join(outlets)}"
        + (f"; {span}" if span else ""),
        "",
    ]
    if follow_ups := sum(bool(a.follow_up_days) for a in report.articles):
        out += [
            f"{follow_ups} of them came after the story had been quiet for days: "
            "follow-ups, marked in the list of articles.",
            "",
        ]
    if report.summary:
        out += ["## Summary", ""]
        out += [f"- {s.text} [{', '.join(s.outlets)}]" for s in report.summary]
        out.append("")
    shown = [g for g in report.claim_groups if not g.folded]
    folded = [g for g in report.claim_groups if g.folded]
    published = {a.id: a.published for a in report.articles}
    if shown:
        out += ["## Figures", ""]
        for group in shown:
            out += [f"### {group.measure} — {group.relation}", ""]
            series = group.relation == "evolving"
            claims = group.claims
            if series:  # an evolving count reads as its series: each value with its time
                claims = sorted(claims, key=lambda c: published.get(c.article_id) or "")
            for c in claims:
                day = published.get(c.article_id) if series else None
                out.append(f"- {display_date(day) + ': ' if day else ''}{_figure(c)}")
            out.append("")
    if folded:
        out += ["## Other figures, each from one outlet", ""]
        out += [f"- {g.measure}: {_figure(g.claims[0])}" for g in folded]
        out.append("")
    if report.unique_details:
        out += ["## Only in one outlet", ""]
        for outlet, details in report.unique_details.items():
            out += [f"**{outlet}**", ""]
            out += [f"- {d}" for d in details]
            out.append("")
    if report.timeline:
        out += ["## Timeline", ""]
        out += [f"- **{t.date}** {t.text} [{', '.join(t.outlets)}]" for t in report.timeline]
        out.append("")
    if report.entities:
        out += ["## Who and where", ""]
        for e in report.entities:
            also = f" (also: {', '.join(e.aliases)})" if e.aliases else ""
            out.append(f"- {e.name} — {e.label}{also}")
        out.append("")
    out += ["## Articles", ""]
    for a in report.articles:
        via = f", on {a.republished_by}" if a.republished_by else ""
        when = f", {a.published}" if a.published else ""
        link = f" <{a.url}>" if a.url else ""
        later = (
            f" — follow-up, {a.follow_up_days} days after the previous report"
            if a.follow_up_days
            else ""
        )
        out.append(f"- {a.title} — {a.outlet or a.source}{via}{when}{link}{later}")
    return "\n".join(out).rstrip() + "\n"
