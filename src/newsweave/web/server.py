"""Serving the app with uvicorn, with a deadline on the request head.

uvicorn closes a keep-alive connection left idle, but not one whose request
head never ends: 300 clients each sending a header line now and then
(slowloris) hold 300 connections for as long as they like. Its h11 protocol is
extended here with a deadline from a request's first byte (or the connection's
opening) to the blank line that ends its headers; past it the connection is
closed. A body sent too slowly is the app's to refuse (see
:class:`newsweave.web.app.Guard`), so any ASGI server gets that part.
"""

from __future__ import annotations

import asyncio

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from newsweave.config import Settings
from newsweave.web.app import create_app

#: Seconds a client has to send a request's line and headers.
HEADER_TIMEOUT = 10.0


class HeadTimedProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request head is not done in time."""

    header_timeout = HEADER_TIMEOUT
    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        # Bytes of a next request on a kept-alive connection start its clock.
        if self._head_deadline is None and self.conn.their_state is h11.IDLE:
            self._arm()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._head_deadline = self.loop.call_later(self.header_timeout, self._timed_out)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _timed_out(self) -> None:
        self._head_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def serve(
    db: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    settings: Settings | None = None,
    header_timeout: float = HEADER_TIMEOUT,
) -> None:
    """Run the app with uvicorn until interrupted.

    ``settings`` as :func:`~newsweave.web.app.create_app` takes them. A client
    has ``header_timeout`` seconds to send each request's head.
    """
    protocol = type("HeadTimedProtocol", (HeadTimedProtocol,), {"header_timeout": header_timeout})
    app = create_app(db, settings=settings)
    uvicorn.run(app, host=host, port=port, http=protocol, proxy_headers=False, server_header=False)
