"""Hostile and careless requests to the web app (issue 21): bodies that do not
encode, names too long to store, uploads that inflate without end, clients that
send a request a byte at a time (slowloris). None may get a 5xx or hold the
server.

Request tests run on each backend; the timing tests run a real uvicorn on
loopback, with the deadlines shortened.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from newsweave.web import create_app
from newsweave.web.server import HeadTimedProtocol

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "pages"
PAGE = (SAMPLES / "000_c5fdda3d84432073.txt").read_bytes()
TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(store_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(store_url, token=TOKEN, max_inflated_bytes=1_000_000)) as c:
        yield c


def test_a_lone_surrogate_in_a_json_body_is_a_rejected_record(client: TestClient) -> None:
    # Valid JSON, but "\ud800" decodes to a string no UTF-8 can hold.
    body = b'[{"url": "https://example.org/a", "text": "\\ud800 flood"}, {"\\udfff": 1, "text": 2}]'
    response = client.post(
        "/api/ingest", content=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    rejected = response.json()["rejected"]
    assert [(r["source"], r["reason"]) for r in rejected] == [
        ("upload:records.jsonl:1", "bad_record"),
        ("upload:records.jsonl:2", "bad_record"),
    ]
    assert "surrogate" in rejected[0]["detail"]
    assert client.get("/api/stats").json()["rejected"] == 2


def test_a_file_name_too_long_for_the_filesystem_is_shortened(client: TestClient) -> None:
    name = "a" * 150 + "-" + "b" * 150 + ".txt"
    response = client.post(
        "/api/ingest", files=[("file", (name, PAGE, "text/plain"))], headers=AUTH
    )
    assert response.status_code == 200, response.text
    (added,) = response.json()["added"]
    source = client.get(f"/api/articles/{added}").json()["source"]
    # The upload is named as the client named it, not by the server's folder.
    assert source.startswith("upload:0000-aaaa") and source.endswith("bbbb.txt")
    assert len(source) <= len("upload:0000-") + 100


def test_uploads_that_inflate_past_the_request_budget_are_refused_whole(
    client: TestClient,
) -> None:
    # Each file alone is within its own cap (100 times its size); together they are not.
    bomb = gzip.compress(b"\n" * 400_000)
    files = [("file", ("good.txt", PAGE, "text/plain"))]
    files += [("file", (f"blank-{n}.jsonl.gz", bomb, "application/gzip")) for n in range(3)]
    response = client.post("/api/ingest", files=files, headers=AUTH)
    assert response.status_code == 413
    assert "inflate to more than 1000000 bytes (at blank-2.jsonl.gz)" in response.json()["detail"]
    assert client.get("/api/stats").json()["pages"] == 0
    # Under the budget, the same kind of upload goes through.
    ok = client.post("/api/ingest", files=files[:2], headers=AUTH)
    assert ok.status_code == 200 and len(ok.json()["added"]) == 1


def test_a_damaged_gzip_upload_is_rejected_by_name(client: TestClient) -> None:
    broken = gzip.compress(b'{"text": "x"}\n' * 100)[:-20]
    response = client.post(
        "/api/ingest", files=[("file", ("cut.jsonl.gz", broken, "application/gzip"))], headers=AUTH
    )
    assert response.status_code == 200
    assert {r["source"].split(":")[1] for r in response.json()["rejected"]} == {"0000-cut.jsonl.gz"}


# -- a real server, for what only a socket shows ------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A uvicorn on a free loopback port with deadlines of half a second."""
    app = create_app(f"sqlite:///{tmp_path / 'served.db'}", token=TOKEN, body_timeout=0.5)
    protocol = type("Quick", (HeadTimedProtocol,), {"header_timeout": 0.5})
    config = uvicorn.Config(app, host="127.0.0.1", port=0, http=protocol, log_level="error")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    (sock,) = instance.servers[0].sockets
    try:
        yield sock.getsockname()[:2]
    finally:
        instance.should_exit = True
        thread.join(10)


def _closed(conn: socket.socket, within: float) -> bytes | None:
    """What the server sent before closing ``conn`` within ``within`` seconds; None if still open."""
    conn.settimeout(within)
    received = b""
    try:
        while chunk := conn.recv(4096):
            received += chunk
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return received


def test_half_sent_request_heads_are_closed_at_the_deadline(server: tuple[str, int]) -> None:
    host, port = server
    slow = [socket.create_connection((host, port)) for _ in range(50)]
    for conn in slow:
        conn.sendall(b"GET /api/stats HTTP/1.1\r\nHost: x\r\nX-a: ")
    time.sleep(0.3)
    for conn in slow:
        conn.sendall(b"b\r\nX-c: d")  # still coming, never done
    assert all(_closed(conn, within=3) == b"" for conn in slow)
    # A client that idles before its first byte is timed from the connection.
    idle = socket.create_connection((host, port))
    assert _closed(idle, within=3) == b""
    # Meanwhile, and after, a whole request is answered.
    assert httpx.get(f"http://{host}:{port}/api/stats").status_code == 200


def test_a_kept_alive_connection_times_its_next_head_too(server: tuple[str, int]) -> None:
    host, port = server
    conn = socket.create_connection((host, port))
    conn.sendall(b"GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n")
    conn.settimeout(5)
    answer = b""
    while not answer.endswith(b"}"):  # the whole first response, head and JSON body
        answer += conn.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200")
    conn.sendall(b"GET /api/stats HTTP/1.1\r\nHo")
    assert _closed(conn, within=3) == b""


def test_a_stalled_body_is_answered_408(server: tuple[str, int]) -> None:
    host, port = server
    conn = socket.create_connection((host, port))
    conn.sendall(
        b"POST /api/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-token\r\n"
        b"Content-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n" + b'{"text": '
    )
    # Answered and closed at once: the rest of the body is never read.
    answer = _closed(conn, within=3)
    assert answer is not None and answer.startswith(b"HTTP/1.1 408")
    assert b"connection: close" in answer.lower() and b"stalled for 0.5 seconds" in answer
