"""The REST API under ``/api``: a JSON face on :class:`newsweave.Newsweave`.

Reads are open; writes need the bearer token. Every error is a 4xx with a
``{"detail": ...}`` body. Handlers are plain functions: FastAPI runs them in
its thread pool, and the store's engine is safe to share between threads.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import UploadFile

from newsweave.api import merged_entities, search_hit_dict
from newsweave.ingest import inflated_size, read_paths
from newsweave.pipeline import IngestReport
from newsweave.web import schemas, views
from newsweave.web.state import WebState, get_state

State = Annotated[WebState, Depends(get_state)]
Limit = Annotated[int, Query(ge=1, le=500, description="How many items to return.")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="How many items to skip.")]
#: Where pages sent to ``POST /api/ingest`` say they came from.
UPLOAD_SOURCE = "upload:"
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": schemas.Problem, "description": "No such item"}
}

router = APIRouter(prefix="/api", responses={422: {"description": "Invalid parameters"}})
bearer = HTTPBearer(auto_error=False, description="The server's NEWSWEAVE_TOKEN.")


def require_token(
    state: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Let a write through only with the configured token; with none configured, refuse all."""
    if state.token is None:
        raise HTTPException(403, "writes are disabled: the server has no NEWSWEAVE_TOKEN")
    if credentials is None:
        raise HTTPException(
            401, "this needs a bearer token", headers={"WWW-Authenticate": "Bearer"}
        )
    if not hmac.compare_digest(credentials.credentials.encode(), state.token.encode()):
        raise HTTPException(403, "wrong token")


WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": schemas.Problem, "description": "No bearer token"},
    403: {"model": schemas.Problem, "description": "Wrong token, or writes disabled"},
    413: {"model": schemas.Problem, "description": "Body over the size limit"},
}


# -- stories ---------------------------------------------------------------------


@router.get("/stories", response_model=schemas.StoryList, tags=["stories"])
def list_stories(state: State, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Stories, most recently reported first, each with its outlets and articles."""
    stories = state.nw.stories()
    shown = stories[offset : offset + limit]
    articles = {a.id: a for a in state.nw.articles(i for s in shown for i in s.article_ids)}
    return {
        "total": len(stories),
        "limit": limit,
        "offset": offset,
        "items": [views.story_summary(s, articles) for s in shown],
    }


@router.get(
    "/stories/{story_id}", response_model=schemas.Report, responses=NOT_FOUND, tags=["stories"]
)
def get_story(story_id: str, state: State) -> dict[str, Any]:
    """The cross-source report: figures and how they compare, timeline, summary, entities."""
    return state.reports.get(state.nw, story_id)


@router.get(
    "/stories/{story_id}/claims",
    response_model=schemas.StoryClaims,
    responses=NOT_FOUND,
    tags=["stories"],
)
def get_story_claims(story_id: str, state: State) -> dict[str, Any]:
    """The story's claim groups, and every claim with its offsets in its article's text."""
    report = state.reports.get(state.nw, story_id)
    story = state.nw.story(story_id)
    # Newsweave has no claims accessor; the store's is the one the report uses.
    claims = state.nw.claims(story.article_ids)
    return {
        "story_id": story_id,
        "claim_groups": report["claim_groups"],
        "claims": [c.to_dict() for c in claims],
    }


# -- articles and pages ------------------------------------------------------------


@router.get("/articles", response_model=schemas.ArticleList, tags=["articles"])
def list_articles(
    state: State,
    since: Annotated[
        date | datetime | None,
        Query(description="Published on or after: an ISO 8601 date or date-time."),
    ] = None,
    until: Annotated[
        date | datetime | None,
        Query(description="Published on or before; a date (or midnight) takes in that whole day."),
    ] = None,
    outlet: Annotated[str | None, Query(description="Outlet or republishing site.")] = None,
    language: Annotated[str | None, Query(description="ISO 639-1 code, e.g. en.")] = None,
    entity: Annotated[
        str | None, Query(min_length=1, description="A name the title or text mentions.")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Articles by publication date (undated last), filtered, a page at a time."""
    total, chosen = state.nw.find_articles(
        since=_bound(since, end_of_day=False),
        until=_bound(until, end_of_day=True),
        outlet=outlet,
        language=language,
        entity=entity,
        limit=limit,
        offset=offset,
    )
    story_of = _story_index(state)
    items = [views.article_summary(a, story_of.get(a.id)) for a in chosen]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


@router.get(
    "/articles/{article_id}",
    response_model=schemas.ArticleDetail,
    responses=NOT_FOUND,
    tags=["articles"],
)
def get_article(article_id: str, state: State) -> dict[str, Any]:
    """One article: metadata, clean text, and the lines extraction dropped, with why."""
    article = state.nw.article(article_id)
    return views.article_detail(article, state.nw.story_of(article.id))


@router.get(
    "/pages/{page_id}",
    response_model=schemas.PageMeta,
    responses={
        **NOT_FOUND,
        200: {"content": {"text/plain": {}}, "description": "Metadata, or with raw=true the bytes"},
    },
    tags=["articles"],
)
def get_page(
    page_id: str,
    state: State,
    raw: Annotated[bool, Query(description="Return the page's bytes as plain text.")] = False,
) -> Any:
    """A stored page's metadata (source, URL, encoding, size), or its raw bytes as text."""
    page = state.nw.page(page_id)
    if raw:
        # Served as plain text and sandboxed: the page is untrusted markup, never a document.
        return Response(
            page.raw,
            media_type=f"text/plain; charset={page.encoding}",
            headers={"content-security-policy": "sandbox; default-src 'none'"},
        )
    return views.page_meta(page, state.nw.rejections(page_id=page.id))


@router.get("/rejections", response_model=list[schemas.RejectionOut], tags=["articles"])
def list_rejections(state: State) -> list[dict[str, Any]]:
    """Every input kept aside, with the reason it holds no article."""
    return [views.rejection_dict(r) for r in state.nw.rejections()]


# -- entities, search, counts -------------------------------------------------------


@router.get("/entities", response_model=schemas.EntityList, responses=NOT_FOUND, tags=["stories"])
def list_entities(
    state: State,
    story: Annotated[str | None, Query(description="Only this story's entities.")] = None,
) -> dict[str, Any]:
    """People, organisations and places, with their spellings, per story or over all."""
    ids = [story] if story is not None else [s.id for s in state.nw.stories()]
    # Through the app's report cache: the story pages read the same reports.
    reports = ((i, state.reports.get(state.nw, i)) for i in ids)
    return {"story_id": story, "items": merged_entities(reports)}


@router.get("/search", response_model=schemas.SearchResult, tags=["search"])
def search(
    state: State,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words to find.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Articles holding every word, best first, and the stories they or whose titles match."""
    return search_all(state, q, limit)


def search_all(state: WebState, query: str, limit: int) -> dict[str, Any]:
    """Search articles and stories; shared with the search page."""
    found = state.nw.search_all(_printable(query), limit=limit)
    members = (i for s in found.stories for i in s.article_ids)
    articles = {a.id: a for a in state.nw.articles(members)}
    return {
        "query": found.query,
        "articles": [search_hit_dict(h, found.story_of.get(h.article_id)) for h in found.hits],
        "stories": [views.story_summary(s, articles) for s in found.stories],
    }


@router.get("/stats", response_model=dict[str, int], tags=["search"])
def stats(state: State) -> dict[str, int]:
    """How many pages, articles, stories, claims and rejections are stored."""
    return state.nw.stats()


# -- writes -----------------------------------------------------------------------

JSON_TYPES = {"application/json"}
JSONL_TYPES = {"application/x-ndjson", "application/jsonl", "application/jsonlines"}
PAGE_RECORD: dict[str, Any] = {
    "type": "object",
    "properties": {
        "url": {"type": "string"},
        "html": {"type": "string"},
        "text": {"type": "string"},
        "body": {"type": "string", "description": "the article's clean text, a paragraph a line"},
        "fetched_at": {"type": "string", "format": "date-time"},
        "title": {"type": "string"},
        "published": {"type": "string", "description": "ISO 8601 date, or date and time"},
        "outlet": {"type": "string"},
        "authors": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "language": {"type": "string"},
        "summary": {"type": "string"},
    },
    "description": "What a record states (title, published...) wins over extraction and is "
    "marked given; a news-please record is read as it is.",
}
INGEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "Pages as records {url, html or text, fetched_at}: one JSON object or an array "
            "of them, JSON Lines, or files uploaded as multipart (field 'file'; .html, .txt, "
            ".jsonl, .json, .gz of these)."
        ),
        "content": {
            "application/json": {
                "schema": {"oneOf": [PAGE_RECORD, {"type": "array", "items": PAGE_RECORD}]}
            },
            "application/x-ndjson": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "array", "items": {"type": "string", "format": "binary"}}
                    },
                    "required": ["file"],
                }
            },
        },
    }
}


@router.post(
    "/ingest",
    response_model=schemas.IngestResult,
    dependencies=[Depends(require_token)],
    responses={**WRITE_ERRORS, 400: {"model": schemas.Problem}, 415: {"model": schemas.Problem}},
    openapi_extra=INGEST_BODY,
    tags=["writes"],
)
async def ingest(request: Request, state: State) -> dict[str, Any]:
    """Store the pages sent, extract their articles and claims, and regroup the stories.

    Pages go through the same readers and pipeline as ``newsweave ingest``:
    they are written to a temporary folder and read from there, so the same
    checks apply and the same bytes sent twice are stored once. Each is stored
    with the source ``upload:`` and its name in the request (``records.jsonl``
    for a JSON body), never the server's folder.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    with tempfile.TemporaryDirectory(prefix="newsweave-upload-") as tmp:
        folder = Path(tmp)
        if kind == "multipart/form-data":
            await _save_uploads(request, folder, state.max_inflated_bytes)
        elif kind in JSON_TYPES:
            # Escaped to ASCII, a lone surrogate the client sent stays the escape
            # it was, for the reader to reject as a bad record.
            lines = "".join(json.dumps(r) + "\n" for r in _records(await request.body()))
            (folder / "records.jsonl").write_text(lines, encoding="ascii")
        elif kind in JSONL_TYPES:
            (folder / "records.jsonl").write_bytes(await request.body())
        else:
            raise HTTPException(
                415, "send application/json, application/x-ndjson or multipart/form-data"
            )
        report = await run_in_threadpool(_ingest_folder, state, folder)
    return _report_dict(report)


@router.post(
    "/recluster",
    response_model=dict[str, int],
    dependencies=[Depends(require_token)],
    responses=WRITE_ERRORS,
    tags=["writes"],
)
def recluster(state: State) -> dict[str, int]:
    """Rebuild every story from the stored articles."""
    with state.write_lock:
        return {"stories": len(state.nw.recluster())}


def _ingest_folder(state: WebState, folder: Path) -> IngestReport:
    prefix = f"{folder}/"
    items = (
        dataclasses.replace(item, source=UPLOAD_SOURCE + item.source.removeprefix(prefix))
        for item in read_paths([folder], max_bytes=state.nw.settings.max_page_bytes)
    )
    with state.write_lock:
        return state.nw.ingest_pages(items)


def _records(body: bytes) -> Iterator[Any]:
    """The records of a JSON body; a bad record is the pipeline's to reject, with its reason."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise HTTPException(400, f"the body is not valid JSON: {exc}") from None
    records = data if isinstance(data, list) else [data]
    if not records:
        raise HTTPException(400, "no records: send an object {url, html or text} or a list of them")
    return iter(records)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: Longer names are shortened in the middle: every filesystem takes this many bytes.
MAX_NAME_CHARS = 100


async def _save_uploads(request: Request, folder: Path, max_inflated: int) -> None:
    """Write each uploaded file into ``folder`` under a safe version of its name.

    What the files hold, gzip inflated, is capped at ``max_inflated`` bytes for
    the whole request (413 past it): each reader caps its own file, but a
    request of many files must not add up to hours under the write lock.
    """
    async with request.form(max_files=1000, max_fields=100) as form:
        uploads = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
        if not uploads:
            raise HTTPException(400, "no file in the upload: send the pages as the 'file' field")
        left = max_inflated
        for n, upload in enumerate(uploads):
            name = _safe_name(upload.filename or "")
            data = await upload.read()
            if name.lower().endswith(".gz"):
                left -= await run_in_threadpool(inflated_size, data, left + 1)
            else:
                left -= len(data)
            if left < 0:
                raise HTTPException(
                    413, f"the files inflate to more than {max_inflated} bytes (at {name})"
                )
            (folder / f"{n:04d}-{name}").write_bytes(data)


def _safe_name(filename: str) -> str:
    """The client's file name without its path, in safe characters, its suffix (.jsonl.gz) kept."""
    name = _UNSAFE.sub("_", Path(filename).name).lstrip(".") or "upload"
    if len(name) > MAX_NAME_CHARS:
        keep = MAX_NAME_CHARS // 2
        name = f"{name[:keep]}~{name[-(MAX_NAME_CHARS - keep - 1) :]}"
    return name


def _report_dict(report: IngestReport) -> dict[str, Any]:
    return {
        "added": report.added,
        "already_stored": report.already_stored,
        "rejected": [views.rejection_dict(r) for r in report.rejected],
        "stories": report.stories,
        "ok": report.ok,
    }


# -- helpers -------------------------------------------------------------------------


def _story_index(state: WebState) -> dict[str, str]:
    return {aid: s.id for s in state.nw.stories() for aid in s.article_ids}


def _bound(value: date | datetime | None, *, end_of_day: bool) -> datetime | None:
    """A date filter as naive UTC, as the store compares: a date bounds its whole day."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        return datetime.combine(value, time.max if end_of_day else time.min)
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        # An offset that pushes year 1 or 9999 off the calendar: the edge of time will do.
        return datetime.max if value.year == datetime.max.year else datetime.min


def _printable(text: str) -> str:
    """``text`` without control characters, which no search needs and some backends refuse."""
    return "".join(ch if ch.isprintable() else " " for ch in text)
