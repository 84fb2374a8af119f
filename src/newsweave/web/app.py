"""The FastAPI app: the REST API under ``/api``, the pages, the guards around both.

The guards are one small ASGI middleware rather than several, because each
has to see every response: a size limit that answers 413 before a body is
read, and the security headers (a strict CSP: no inline script or style
anywhere, so untrusted article text cannot run even if it slipped through).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsweave import __version__
from newsweave.api import Newsweave
from newsweave.config import Settings
from newsweave.errors import NewsweaveError, NotFoundError, StoreError
from newsweave.web import api, pages
from newsweave.web.state import WebState, make_templates

log = logging.getLogger(__name__)

#: Largest request body accepted: a batch of pages, not an archive.
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
#: Largest an upload's files may inflate to, all together: news text gzips 3
#: to 10 times, so a body at the limit of real pages fits.
DEFAULT_MAX_INFLATED_BYTES = 10 * DEFAULT_MAX_BODY_BYTES
#: Seconds to wait for the next part of a request body before answering 408.
DEFAULT_BODY_TIMEOUT = 20.0

SECURITY_HEADERS = {
    # Swagger UI draws its icons from data: URIs; nothing else may come from elsewhere.
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def create_app(
    db: str | None = None,
    *,
    settings: Settings | None = None,
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_inflated_bytes: int = DEFAULT_MAX_INFLATED_BYTES,
    body_timeout: float = DEFAULT_BODY_TIMEOUT,
) -> FastAPI:
    """The web app over the store at ``db`` (default: ``$NEWSWEAVE_DB``, as the CLI).

    ``settings`` configure the store and the stages of ``POST /api/ingest``
    (default: from the environment, ``db`` overriding its store); one that
    cannot work fails here, before a server starts, or for a model that does
    not load, answers 503.

    Writes (``POST /api/ingest``, ``POST /api/recluster``) need ``token``, or
    ``$NEWSWEAVE_TOKEN``, as a bearer token; with neither they are refused.
    A request body over ``max_body_bytes``, or an upload whose files inflate
    to more than ``max_inflated_bytes``, is refused with 413; one whose next
    part takes over ``body_timeout`` seconds to come, with 408.
    The store is opened here, so a bad URL fails before a server starts, and
    closed when the app shuts down.
    """
    nw = Newsweave(db, settings=settings)
    state = WebState(
        nw=nw,
        token=token or os.environ.get("NEWSWEAVE_TOKEN") or None,
        templates=make_templates(),
        max_inflated_bytes=max_inflated_bytes,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            nw.close()

    app = FastAPI(
        title="newsweave",
        version=__version__,
        description="Corroborated news stories: what outlets agree on, where their figures differ.",
        lifespan=lifespan,
        # The stock docs page loads Swagger UI from a CDN with inline script; ours is vendored.
        docs_url=None,
        redoc_url=None,
    )
    app.state.web = state
    app.add_middleware(Guard, max_body_bytes=max_body_bytes, body_timeout=body_timeout)
    app.mount("/static", StaticFiles(directory=str(files("newsweave.web") / "static")), "static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _add_error_handlers(app)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/openapi"))


def _add_error_handlers(app: FastAPI) -> None:
    """API errors as ``{"detail": ...}`` JSON, page errors as a page."""

    def problem(request: Request, status: int, detail: Any, headers: Any = None) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": detail}, status, headers=headers)
        templates = request.app.state.web.templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "detail": detail if isinstance(detail, str) else "Bad request"},
            status_code=status,
            headers=headers,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return problem(request, exc.status_code, exc.detail, exc.headers)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return problem(request, 404, str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        log.error("store error on %s: %s", request.url.path, exc)
        return problem(request, 503, "the store is unavailable; try again later")

    @app.exception_handler(NewsweaveError)
    async def cannot_process(request: Request, exc: NewsweaveError) -> Response:
        # A setting that cannot work (a missing spaCy model, a bad NEWSWEAVE_LANGUAGES).
        log.error("cannot process %s: %s", request.url.path, exc)
        return problem(request, 503, f"the server cannot process pages: {exc}")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, 422)
        return problem(
            request, 400, "Bad request: " + "; ".join(_describe(e) for e in exc.errors())
        )


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in error.get("loc", ())[1:])
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))


class _BodyRefused(StarletteHTTPException):
    """The request body outgrew the limit, or stalled, while being read.

    An HTTP error, so that code reading the body which turns other errors
    into a 400 passes this one through as the 413 or 408 it is. The answer
    closes the connection: the rest of the body is never read, so the next
    bytes on it would not start a request (uvicorn would hold it open for
    its keep-alive time).
    """

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(status, detail, headers={"connection": "close"})


def _too_large(limit: int) -> _BodyRefused:
    return _BodyRefused(413, f"request body over the {limit}-byte limit")


class Guard:
    """Refuse oversized or stalled bodies and add the security headers to every response.

    A body must keep coming: a wait of ``body_timeout`` seconds for its next
    part is answered 408, so a client sending a byte now and then cannot hold
    a request (and the upload's memory) open for ever.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int, body_timeout: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _refuse(send, 400, "invalid Content-Length")
                return
            if int(declared) > self.max_body_bytes:
                await _refuse(send, 413, _too_large(self.max_body_bytes).detail)
                return
        received = 0
        body_done = False
        started = False

        async def limited() -> Message:
            # A chunked body has no Content-Length: count it as it arrives.
            nonlocal received, body_done
            if body_done:
                # Past the body, a receive waits for the client to leave: no deadline.
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError:
                raise _BodyRefused(
                    408, f"request body stalled for {self.body_timeout:g} seconds"
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if received > self.max_body_bytes:
                    raise _too_large(self.max_body_bytes)
            return message

        async def secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(
                        (name.encode(), value.encode())
                        for name, value in SECURITY_HEADERS.items()
                        if name.encode() not in present
                    ),
                ]
            await send(message)

        try:
            await self.app(scope, limited, secured)
        except _BodyRefused as exc:
            if started:
                raise
            await _refuse(send, exc.status_code, exc.detail)


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),  # what was refused is never read
    ]
    headers += [(n.encode(), v.encode()) for n, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
