"""The report as JSON-ready data and as a readable Markdown brief."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time
from typing import Any

from newsweave.claims import parse_quantity
from newsweave.models import Claim
from newsweave.story.model import StoryReport


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def claim_to_dict(claim: Claim) -> dict[str, Any]:
    """A claim as the report lists it: who, the figure's words, its range, where."""
    q = claim.quantity
    return {
        "outlet": claim.outlet,
        "source": claim.source,
        "chain": list(claim.chain),
        "text": q.text if q else None,
        "low": _number(q.low) if q else None,
        "high": _number(q.high) if q else None,
        "approximate": q.approximate if q else None,
        "measure": claim.measure,
        "when": claim.when,
        "sentence": claim.sentence,
        "article_id": claim.article_id,
    }


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
                "claims": [claim_to_dict(c) for c in g.claims],
            }
            for g in report.claim_groups
        ],
        "unique_details": {k: list(v) for k, v in report.unique_details.items()},
        "timeline": [asdict(t) for t in report.timeline],
        "summary": [asdict(s) for s in report.summary],
    }


def _figure(claim: Claim) -> str:
    q = claim.quantity
    text = q.text if q else "(no figure)"
    if q and q.low is not None and q.low == q.high and parse_quantity(q.text) != q:
        # a total of the parts the text gives: "300 died and another 2,700" (= 3,000)
        text += f" (= {_number(q.low):,})"
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
        out.append(f"- {a.title} — {a.outlet or a.source}{via}{when}{link}")
    return "\n".join(out).rstrip() + "\n"
