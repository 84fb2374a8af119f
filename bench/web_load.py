"""Read latency of the web app under load, without and while an ingest runs (issue #21).

The goal: the app keeps answering reads, p99 under 1 s at 20 concurrent
clients on the sample store, while ``POST /api/ingest`` is at work. This
measures it over loopback against the real server:

* the sample store: a temporary SQLite file ingested from ``examples/pages``;
* the server: ``newsweave serve`` in a subprocess (uvicorn, as a user runs it,
  access log and all), with ``NEWSWEAVE_TOKEN`` set so that writes are allowed;
* readers: ``--clients`` closed-loop clients (each sends its next request as
  soon as the last one answered, after ``--think`` ms), one connection each, over
  a mix of reads: ``/``, ``/stories/{id}``, ``/api/stories``,
  ``/api/stories/{id}``, ``/api/articles``, ``/api/search?q=`` a title word,
  ``/api/stats``. Story ids come from the ``/api/stories`` answers as they go,
  so a regroup's new ids are followed. Latency is the client's wall time of a
  request, body read; a 5xx or a connection error is an error (a 404 is not);
* phases of ``--seconds`` each: ``reads`` alone, then ``ingest``: the same reads
  while a writer posts batches of ``--batch`` new pages to ``/api/ingest`` one
  after the other. Its pages are the news-please records of ``--data``
  (``../shared/stories/articles``), then, or when that is absent, copies of the
  sample pages made new by a line added to each.

Before the phases the server is warmed: every route read once, and one batch
ingested, so that the ingest phase measures ingests rather than the one-off
loading of the language models (``--cold`` leaves that to the ingest phase;
the warm-up's figures are printed apart).

Everything, clients and server, shares the machine's cores: pin both to the
same ones to compare runs, e.g.

    taskset -c 0,1 .venv/bin/python bench/web_load.py [--clients 20] [--seconds 20]
        [--batch 5] [--think 0] [--json build/web_load.json]

A run takes about ``2 * --seconds`` plus some 20 s (the store's build, the
server's start, the warm-up, the writer's last ingest): about a minute by
default. It prints, per phase, requests, req/s, p50/p95/p99/max latency in ms,
errors and 404s, the same per route, the cores the server and the clients kept
busy (flagged when other processes kept the machine busy too: the figures are
then low), the writer's figures, and the verdict on the reads sent while an
ingest request was in flight. A server held to one core by its GIL answers 20
closed-loop clients by queueing them: from one run to the next on a shared
machine the rates move by a third or so, the verdict less.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from newsweave import Newsweave

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "pages"
DEFAULT_DATA = ROOT.parent / "shared" / "stories"
# The venv's console script, next to the interpreter running this.
NEWSWEAVE = Path(sys.executable).with_name("newsweave")
GOAL_P99_MS = 1000.0
#: Cores busy outside the server and the clients above which a run is flagged.
OTHERS_CORES = 0.2

#: The read mix: route template, relative weight. Pages and reports weigh most,
#: as a person browsing clicks from the front page to stories.
MIX: list[tuple[str, int]] = [
    ("/", 3),
    ("/stories/{id}", 3),
    ("/api/stories", 2),
    ("/api/stories/{id}", 3),
    ("/api/articles", 1),
    ("/api/search", 2),
    ("/api/stats", 1),
]
_WORD = re.compile(r"[^\W\d_]{5,}")


@dataclass
class Sample:
    """One request as the client saw it."""

    route: str
    start: float  # seconds since the phase began
    ms: float
    status: int  # 0: a connection error or timeout


@dataclass
class Shared:
    """What the readers learn as they go: story ids to visit, words to search."""

    story_ids: list[str]
    words: list[str]


@dataclass
class Writer:
    """The ingest side of a phase."""

    requests: int = 0
    added: int = 0
    already_stored: int = 0
    rejected: int = 0
    errors: int = 0
    ms: list[float] = field(default_factory=list)
    spans: list[tuple[float, float]] = field(default_factory=list)  # (start, end) in the phase

    @property
    def busy_s(self) -> float:
        return sum(b - a for a, b in self.spans)


# -- the store and the server -------------------------------------------------------


def build_store(folder: Path) -> str:
    """A SQLite store of the sample pages, as the web tests build theirs."""
    url = f"sqlite:///{folder / 'sample.db'}"
    with Newsweave(url) as nw:
        report = nw.ingest([SAMPLES])
    if not report.added:
        raise SystemExit(f"the sample pages gave no article: {report}")
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, token: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NEWSWEAVE_TOKEN": token}
    command = [str(NEWSWEAVE), "serve", "--db", url, "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        # A session of its own: Ctrl+C reaches this script, which then stops the server.
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_ready(server: subprocess.Popen[bytes], base: str, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/api/stats", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer in {timeout:.0f} s:\n{log.read_text()[-2000:]}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGINT (uvicorn's graceful stop), then SIGKILL if it lingers."""
    if server.poll() is not None:
        return
    try:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far; NaN where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time every process on the machine has used (not idle, not iowait); NaN if unknown."""
    try:
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return math.nan
    # user nice system idle iowait irq softirq steal (guest time is in user already)
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


# -- the writer's pages -------------------------------------------------------------


def new_pages(data: Path) -> Iterator[dict[str, Any]]:
    """Records the store does not hold: news-please records, then sample copies, endlessly."""
    folder = data / "articles"
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            # A news-please record is read as it is: post it unchanged.
            yield json.loads(path.read_text(encoding="utf-8"))
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.txt"))]
    for n in itertools.count(1):
        for stem, text in texts:
            # One line more, so a new content hash: a new page, still the same news.
            yield {"url": f"https://bench.example/{stem}/{n}", "text": f"{text}\n\nUpdate {n}."}


# -- the load ------------------------------------------------------------------------


def target(route: str, shared: Shared, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The path and query of one request of ``route``."""
    if "{id}" in route:
        return route.replace("{id}", rng.choice(shared.story_ids)), {}
    if route == "/api/search":
        return route, {"q": rng.choice(shared.words)}
    return route, {}


def learn(shared: Shared, body: dict[str, Any]) -> None:
    """Take story ids and title words from a ``/api/stories`` answer."""
    items = body.get("items") or []
    if items:
        shared.story_ids = [s["id"] for s in items]
        words = {w.casefold() for s in items for w in _WORD.findall(s.get("title") or "")}
        shared.words = sorted(words) or shared.words


async def reader(
    n: int,
    client: httpx.AsyncClient,
    shared: Shared,
    t0: float,
    deadline: float,
    think: float,
    out: list[Sample],
) -> None:
    rng = random.Random(n)  # the same sequence in every phase
    routes, weights = zip(*MIX, strict=True)
    while (now := time.perf_counter()) < deadline:
        route = rng.choices(routes, weights)[0]
        path, params = target(route, shared, rng)
        try:
            response = await client.get(path, params=params)
            status = response.status_code
        except httpx.HTTPError:
            status = 0
        out.append(Sample(route, now - t0, (time.perf_counter() - now) * 1000, status))
        if route == "/api/stories" and status == 200:
            learn(shared, response.json())
        if think:
            await asyncio.sleep(think / 1000)


async def writer(
    client: httpx.AsyncClient,
    pages: Iterator[dict[str, Any]],
    batch: int,
    t0: float,
    deadline: float,
    out: Writer,
    once: bool = False,
) -> None:
    while once or time.perf_counter() < deadline:
        records = list(itertools.islice(pages, batch))
        started = time.perf_counter()
        try:
            response = await client.post("/api/ingest", json=records)
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        ended = time.perf_counter()
        out.requests += 1
        out.ms.append((ended - started) * 1000)
        out.spans.append((started - t0, ended - t0))
        if ok:
            body = response.json()
            out.added += len(body["added"])
            out.already_stored += body["already_stored"]
            out.rejected += len(body["rejected"])
        else:
            out.errors += 1
        if once:
            return


async def run_phase(
    readers: list[httpx.AsyncClient],
    shared: Shared,
    seconds: float,
    think: float,
    write: tuple[httpx.AsyncClient, Iterator[dict[str, Any]], int] | None,
) -> tuple[list[Sample], Writer | None, float]:
    """Readers (and the writer) until the deadline; the seconds the readers ran."""
    samples: list[Sample] = []
    t0 = time.perf_counter()
    deadline = t0 + seconds
    tasks = [reader(n, c, shared, t0, deadline, think, samples) for n, c in enumerate(readers)]
    written = Writer() if write else None
    if write and written:
        client, pages, batch = write
        tasks.append(writer(client, pages, batch, t0, deadline, written))
    await asyncio.gather(*tasks)
    # The writer's last ingest may end after the deadline; the readers stopped at it.
    return samples, written, max(seconds, max((s.start + s.ms / 1000 for s in samples), default=0))


async def warm_up(readers: list[httpx.AsyncClient], shared: Shared) -> None:
    """Every route read, every connection opened, before the clock starts.

    First uses (templates, caches) stay out of the phases, and so does making 20
    clients and their connections at once, which stalls this event loop for a
    while and would count as server latency.
    """
    first = readers[0]
    learn(shared, (await first.get("/api/stories", params={"limit": 500})).json())
    rng = random.Random(0)
    for route, _ in MIX:
        for _ in range(2):
            path, params = target(route, shared, rng)
            await first.get(path, params=params)
    await asyncio.gather(*(c.get("/api/stats") for c in readers))


# -- figures -------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least ``q`` of them at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(samples: list[Sample], seconds: float) -> dict[str, Any]:
    ms = [s.ms for s in samples]
    return {
        "requests": len(samples),
        "req_per_s": len(samples) / seconds if seconds else math.nan,
        "p50_ms": percentile(ms, 0.50),
        "p95_ms": percentile(ms, 0.95),
        "p99_ms": percentile(ms, 0.99),
        "max_ms": max(ms, default=math.nan),
        "errors": sum(1 for s in samples if s.status == 0 or s.status >= 500),
        "not_found": sum(1 for s in samples if s.status == 404),
    }


def during_ingest(samples: list[Sample], spans: list[tuple[float, float]]) -> list[Sample]:
    """The requests that began while an ingest request was in flight."""
    return [s for s in samples if any(a <= s.start < b for a, b in spans)]


def writer_summary(w: Writer) -> dict[str, Any]:
    return {
        "requests": w.requests,
        "pages_added": w.added,
        "already_stored": w.already_stored,
        "rejected": w.rejected,
        "errors": w.errors,
        "p50_ms": percentile(w.ms, 0.5),
        "max_ms": max(w.ms, default=math.nan),
        "busy_s": w.busy_s,
    }


def print_table(title: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
    print(f"\n{title}")
    head = (
        f"{'':<24}{'requests':>9}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}"
        f"{'errors':>7}{'404':>5}"
    )
    print(head + "  (latency in ms)")
    for name, r in rows:
        print(
            f"{name:<24}{r['requests']:>9}{r['req_per_s']:>8.1f}{r['p50_ms']:>8.0f}"
            f"{r['p95_ms']:>8.0f}{r['p99_ms']:>8.0f}{r['max_ms']:>8.0f}{r['errors']:>7}"
            f"{r['not_found']:>5}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent readers")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--batch", type=int, default=5, help="pages per ingest request")
    parser.add_argument("--think", type=float, default=0, help="ms a reader waits between reads")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="news-please stories")
    parser.add_argument("--cold", action="store_true", help="no warm-up ingest before the phases")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()

    token = secrets.token_urlsafe(16)
    pages = new_pages(args.data)
    with tempfile.TemporaryDirectory(prefix="newsweave-web-load-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        url = build_store(folder)
        print(f"sample store built in {time.perf_counter() - started:.1f} s", flush=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = folder / "server.log"
        server = start_server(url, port, token, log)
        try:
            started = time.perf_counter()
            wait_ready(server, base, log)
            print(f"server up on {base} in {time.perf_counter() - started:.1f} s", flush=True)
            figures = asyncio.run(load(args, base, token, pages, server.pid))
        except KeyboardInterrupt:
            raise SystemExit("interrupted") from None
        finally:
            stop_server(server)
    report(args, figures)


async def load(
    args: argparse.Namespace,
    base: str,
    token: str,
    pages: Iterator[dict[str, Any]],
    server_pid: int,
) -> dict[str, Any]:
    shared = Shared([], ["news"])
    figures: dict[str, Any] = {
        "clients": args.clients,
        "seconds": args.seconds,
        "batch": args.batch,
        "think_ms": args.think,
        "cores": len(os.sched_getaffinity(0)),
        "phases": {},
    }
    async with contextlib.AsyncExitStack() as stack:
        # One client, so one kept-alive connection, per reader, for the whole run.
        readers = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=base, timeout=30))
            for _ in range(args.clients)
        ]
        # An ingest may take long, and a timeout would only hide it.
        auth = {"Authorization": f"Bearer {token}"}
        ingester = await stack.enter_async_context(
            httpx.AsyncClient(base_url=base, timeout=600, headers=auth)
        )
        await warm_up(readers, shared)
        if not args.cold:
            warm = Writer()
            await writer(ingester, pages, args.batch, time.perf_counter(), 0, warm, once=True)
            figures["warm_up_ingest"] = writer_summary(warm)
            # The ingest regrouped: start the phases from the stories as they are now.
            learn(shared, (await readers[0].get("/api/stories", params={"limit": 500})).json())
        for name, write in (("reads", None), ("ingest", (ingester, pages, args.batch))):
            print(f"phase {name}: {args.seconds:.0f} s ...", flush=True)
            # Cores busy: a server held to one by its GIL shows about 1.0 on any machine.
            server_cpu, client_cpu = cpu_seconds(server_pid), time.process_time()
            machine_cpu, wall = machine_cpu_seconds(), time.perf_counter()
            samples, written, seconds = await run_phase(
                readers, shared, args.seconds, args.think, write
            )
            wall = time.perf_counter() - wall
            phase: dict[str, Any] = {
                "all": summary(samples, seconds),
                "routes": {},
                "server_cores": (cpu_seconds(server_pid) - server_cpu) / wall,
                "client_cores": (time.process_time() - client_cpu) / wall,
                "machine_cores": (machine_cpu_seconds() - machine_cpu) / wall,
            }
            for route, _ in MIX:
                chosen = [s for s in samples if s.route == route]
                phase["routes"][route] = summary(chosen, seconds)
            if written:
                phase["writer"] = writer_summary(written)
                overlapping = during_ingest(samples, written.spans)
                # The rate over the time both ran: the readers stop at the deadline.
                both = sum(max(0.0, min(b, seconds) - a) for a, b in written.spans)
                phase["during_ingest"] = summary(overlapping, both)
            figures["phases"][name] = phase
    return figures


def report(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    phases = figures["phases"]
    print(
        f"\n{args.clients} clients, {args.seconds:.0f} s a phase, think {args.think:g} ms, "
        f"{figures['cores']} cores; latency per request on the client"
    )
    rows = [(name, p["all"]) for name, p in phases.items()]
    rows.append(("ingest, in flight", phases["ingest"]["during_ingest"]))
    print_table("all reads", rows)
    for name, p in phases.items():
        print(
            f"  {name}: server busy {p['server_cores']:.2f} cores, "
            f"clients {p['client_cores']:.2f}, whole machine {p['machine_cores']:.2f}"
        )
        if p["machine_cores"] - p["server_cores"] - p["client_cores"] > OTHERS_CORES:
            print("    (something else kept the machine busy too: these figures are low)")
    for name, p in phases.items():
        print_table(f"phase {name}, per route", list(p["routes"].items()))
    if "warm_up_ingest" in figures:
        w = figures["warm_up_ingest"]
        print(f"\nwarm-up ingest: {w['pages_added']} pages in {w['max_ms'] / 1000:.1f} s")
    w = phases["ingest"]["writer"]
    print(
        f"writer: {w['requests']} ingest requests of {args.batch} pages, {w['pages_added']} pages "
        f"stored ({w['already_stored']} already, {w['rejected']} rejected, {w['errors']} errors); "
        f"ingest p50 {w['p50_ms'] / 1000:.1f} s, max {w['max_ms'] / 1000:.1f} s, "
        f"busy {w['busy_s']:.1f} s"
    )
    # "While an ingest runs": the reads sent while an ingest request was in flight.
    p99 = phases["ingest"]["during_ingest"]["p99_ms"]
    errors = sum(p["all"]["errors"] for p in phases.values())
    held = p99 < GOAL_P99_MS and errors == 0
    figures["goal_met"] = held
    print(
        f"\ngoal p99 < {GOAL_P99_MS / 1000:.0f} s while ingesting: "
        f"{'met' if held else 'NOT met'} (p99 {p99:.0f} ms, {errors} errors)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
