"""The server-rendered pages: story list, story, article, search, API docs.

Pages are built from the same data as the API (see :mod:`newsweave.web.views`)
and rendered by autoescaping Jinja templates; htmx only swaps in search
results, so every page also works without script.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from newsweave.api import outlet_name
from newsweave.models import Article, Claim
from newsweave.story.render import display_date
from newsweave.web import charts, views
from newsweave.web.api import search_all
from newsweave.web.state import WebState, get_state

State = Annotated[WebState, Depends(get_state)]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _render(state: WebState, request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
    return state.templates.TemplateResponse(request, name, context)


@router.get("/")
def index(request: Request, state: State) -> HTMLResponse:
    """Every story: its outlets, first and last report, and coverage over time."""
    stories = state.nw.stories()
    articles = {a.id: a for a in state.nw.articles()}
    rows = []
    for story in stories:
        members = [articles[i] for i in story.article_ids if i in articles]
        rows.append(
            {
                "story": views.story_summary(story, articles),
                "coverage": charts.coverage([a.published for a in members]),
            }
        )
    every = list(articles.values())
    context = {
        "rows": rows,
        "stats": state.nw.stats(),
        "outlets": len({outlet_name(a) for a in every}),
        "coverage": charts.coverage([a.published for a in every], width=640, height=64),
    }
    return _render(state, request, "index.html", context)


@router.get("/stories/{story_id}")
def story_page(story_id: str, request: Request, state: State) -> HTMLResponse:
    """One story: where the sources differ first, then what they share and each adds."""
    report = state.reports.get(state.nw, story_id)
    story = state.nw.story(story_id)
    articles = {a.id: a for a in state.nw.articles(story.article_ids)}
    claims: dict[str, list[Claim]] = defaultdict(list)
    for claim in state.nw.claims(story.article_ids):
        claims[claim.article_id].append(claim)
    relations = views.relations_by_sentence(report["claim_groups"])
    outlets = [outlet_name(articles[a["id"]]) for a in report["articles"] if a["id"] in articles]
    shown = [g for g in report["claim_groups"] if not g.get("folded")]
    groups = [_figure_table(g) for g in views.group_views(shown)]
    folded = views.group_views([g for g in report["claim_groups"] if g.get("folded")])
    everyone = set(outlets)
    context = {
        "report": report,
        "colours": views.outlet_colours(outlets),
        "outlets": list(dict.fromkeys(outlets)),
        "groups": groups,
        "folded": folded,
        "published": {a["id"]: a["published"] for a in report["articles"]},
        "follow_ups": sum(bool(a.get("follow_up_days")) for a in report["articles"]),
        "conflicts": [g for g in groups if g["group"].relation == "conflict"],
        "counts": {r: sum(g["group"].relation == r for g in groups) for r in views.RELATION_ORDER},
        # Agreement needs two voices at least.
        "agreed": [
            s for s in report["summary"] if len(everyone) > 1 and everyone <= set(s["outlets"])
        ],
        "columns": [
            {
                "article": articles[a["id"]],
                "outlet": outlet_name(articles[a["id"]]),
                "paragraphs": views.highlight(articles[a["id"]], claims[a["id"]], relations),
                "claims": len(claims[a["id"]]),
                "follow_up_days": a.get("follow_up_days"),
            }
            for a in report["articles"]
            if a["id"] in articles
        ],
        "coverage": charts.coverage([a.published for a in articles.values()], width=240, height=40),
    }
    return _render(state, request, "story.html", context)


def _figure_table(group: views.GroupView) -> dict[str, Any]:
    """A claim group with each figure's bar on one scale shared by the group."""
    scale = charts.scale([v for row in group.rows for v in (row.low, row.high)])
    return {
        "group": group,
        "scale": scale,
        "rows": [(row, scale.bar(row.low, row.high) if scale else None) for row in group.rows],
    }


@router.get("/articles/{article_id}")
def article_page(article_id: str, request: Request, state: State) -> HTMLResponse:
    """One article: clean text with its claims marked, what was dropped, where it came from."""
    article = state.nw.article(article_id)
    story_id = state.nw.story_of(article.id)
    relations = (
        views.relations_by_sentence(state.reports.get(state.nw, story_id)["claim_groups"])
        if story_id
        else {}
    )
    page = state.nw.page(article.page_id)
    context = {
        "article": article,
        "story": state.nw.story(story_id) if story_id else None,
        "paragraphs": views.highlight(article, state.nw.claims([article.id]), relations),
        "page": page and views.page_meta(page, []),
        "meta": _meta(article),
    }
    return _render(state, request, "article.html", context)


def _meta(article: Article) -> list[tuple[str, str]]:
    fields = (
        ("Outlet", article.outlet),
        ("Republished by", article.republished_by),
        ("Published", article.published_iso and display_date(article.published_iso)),
        ("Byline", article.byline),
        ("Dateline", article.dateline),
        ("Language", article.language),
    )
    return [(name, value) for name, value in fields if value]


@router.get("/search")
def search_page(
    request: Request,
    state: State,
    q: Annotated[str, Query(max_length=500)] = "",
) -> HTMLResponse:
    """Full-text search over articles and stories; htmx asks for the results alone."""
    results = search_all(state, q, 30) if q.strip() else None
    partial = (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )
    response = _render(
        state,
        request,
        "_results.html" if partial else "search.html",
        {"q": q, "results": results},
    )
    response.headers["vary"] = "HX-Request"
    return response


@router.get("/docs")
def docs(request: Request, state: State) -> HTMLResponse:
    """Swagger UI for the API, from the vendored copy."""
    return _render(state, request, "docs.html", {"spec_url": request.app.openapi_url})
