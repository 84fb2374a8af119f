"""A standing adversarial suite (issue 21): generated bad inputs of every class,
on each backend.

Folders of hostile entries (names in any bytes, empty, binary, invalid UTF-8,
damaged or bomb gzip, JSON Lines of any JSON, broken WARC and HTML, symbolic link
loops, dangling links) are ingested beside good pages through the CLI; upload
bodies of any bytes and names are posted to the web app. Whatever is generated,
a run ends with exit status 0 or 1, never an internal error; the good pages are
stored; a second run stores nothing twice; the web app answers no 5xx.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from fastapi.testclient import TestClient
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.store import Store
from newsweave.web import create_app
from tests.conftest import BACKENDS, database

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "pages"
GOOD = [SAMPLES / "rt-bolivia-protests.txt", SAMPLES / "nj-com-meth-campaign.txt"]
SUFFIXES = [".txt", ".html", ".jsonl", ".jsonl.gz", ".json", ".warc", ".warc.gz", ".gz", ".rss", ""]
runner = CliRunner()

# -- what a hostile folder holds -----------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
record = st.fixed_dictionaries(
    {},
    optional={
        "url": st.text(max_size=30) | st.integers(),
        "text": st.text(max_size=300) | json_values,
        "html": st.text(max_size=300),
        "title": st.text(max_size=60) | json_values,
        "published": st.text(max_size=30) | st.integers(),
        "authors": json_values,
        "maintext": st.text(max_size=300),
    },
)
jsonl_line = (
    record.map(json.dumps)
    | json_values.map(json.dumps)
    | st.just('{"text": "\\ud800 lone"}')
    | st.text(max_size=80)
)
jsonl = st.lists(jsonl_line, max_size=6).map(
    lambda lines: "\n".join(lines).encode("utf-8", "replace")
)


def _cut(data: bytes) -> bytes:
    return data[: max(1, len(data) // 2)]


contents = st.one_of(
    st.just(b""),
    st.binary(max_size=3000),
    st.text(max_size=3000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=2000).map(gzip.compress),
    st.binary(min_size=10, max_size=2000).map(gzip.compress).map(_cut),
    st.just(gzip.compress(b"\n" * 3_000_000)),
    jsonl,
    jsonl.map(gzip.compress),
    st.binary(max_size=500).map(
        lambda b: b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999\r\n\r\n" + b
    ),
    st.text(max_size=500).map(lambda t: f"<html><body><p>{t}</p>".encode("utf-8", "replace")),
    st.text(max_size=200).map(
        lambda t: f"<?xml version='1.0'?><rss><channel><item>{t}".encode("utf-8", "replace")
    ),
)
names = st.binary(min_size=1, max_size=80).filter(
    lambda b: b"/" not in b and b"\0" not in b and b.strip(b".") != b""
)
entries = st.lists(st.tuples(names, st.sampled_from(SUFFIXES), contents), min_size=1, max_size=6)
shapes = st.fixed_dictionaries(
    {"nested": st.booleans(), "loop": st.booleans(), "dangling": st.booleans()}
)


def _write_folder(
    folder: Path, files: list[tuple[bytes, str, bytes]], shape: dict[str, bool]
) -> None:
    where = folder / "deeper" / "still" if shape["nested"] else folder
    where.mkdir(parents=True, exist_ok=True)
    for n, (name, suffix, data) in enumerate(files):
        # Numbered, so two entries never share a name; the rest of the name is any bytes.
        path = os.fsencode(where) + b"/" + str(n).encode() + name[:150] + suffix.encode()
        Path(os.fsdecode(path)).write_bytes(data)
    if shape["loop"]:
        (folder / "loop-a").symlink_to("loop-b")
        (folder / "loop-b").symlink_to("loop-a")
    if shape["dangling"]:
        (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    for page in GOOD:
        shutil.copy(page, folder / page.name)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_hostile_folder_never_sinks_a_run_or_its_good_pages(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    @hypothesis.given(files=entries, shape=shapes)
    @hypothesis.settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[hypothesis.HealthCheck.too_slow],
        database=None,
    )
    def run(files: list[tuple[bytes, str, bytes]], shape: dict[str, bool]) -> None:
        tmp = tmp_path_factory.mktemp("hostile")
        folder = tmp / "in"
        _write_folder(folder, files, shape)
        with database(backend, tmp) as url:
            first = runner.invoke(app, ["ingest", str(folder), "--db", url])
            assert first.exit_code in (0, 1), first.output
            assert "Internal error" not in first.output and "\x1b" not in first.output
            with Store.open(url) as store:
                sources = {Path(a.source).name for a in store.articles()}
                assert {p.name for p in GOOD} <= sources
                before = store.stats()
            again = runner.invoke(app, ["ingest", str(folder), "--db", url])
            assert again.exit_code == first.exit_code, again.output
            with Store.open(url) as store:
                assert store.stats() == before  # nothing stored twice, rejections included

    run()


# -- what a hostile client sends -----------------------------------------------------------

TOKEN = "adversary"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
KINDS = [
    "application/json",
    "application/x-ndjson",
    "multipart/form-data; boundary=x",
    "text/plain",
]
uploads = st.lists(
    st.tuples(st.text(max_size=300), st.sampled_from(SUFFIXES), contents), min_size=1, max_size=4
)
bodies = st.one_of(
    st.tuples(st.sampled_from(KINDS), st.binary(max_size=2000)),
    st.tuples(st.sampled_from(KINDS[:2]), jsonl),
    st.tuples(
        st.just(KINDS[0]), st.lists(record, max_size=4).map(lambda r: json.dumps(r).encode())
    ),
    st.tuples(st.just(KINDS[0]), st.just(b'[{"\\udfff": "\\ud800", "text": "\\udc00"}]')),
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_request_body_or_upload_gets_a_5xx(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("web")
    with database(backend, tmp) as url, TestClient(create_app(url, token=TOKEN)) as client:

        @hypothesis.given(body=bodies, files=uploads, as_files=st.booleans())
        @hypothesis.settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=[hypothesis.HealthCheck.too_slow],
            database=None,
        )
        def post(
            body: tuple[str, bytes], files: list[tuple[str, str, bytes]], as_files: bool
        ) -> None:
            options: dict[str, Any]
            if as_files:
                options = {
                    "files": [("file", (name + suffix, data)) for name, suffix, data in files]
                }
            else:
                options = {"content": body[1], "headers": {**AUTH, "Content-Type": body[0]}}
            response = client.post("/api/ingest", **{"headers": AUTH, **options})
            assert response.status_code < 500, response.text
            assert client.get("/api/stats").status_code == 200

        post()
