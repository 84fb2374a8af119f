"""The web app in a real browser: headless Chromium, driven by Playwright, against uvicorn.

Skipped when Chromium (``apt-get install chromium``) or the ``playwright``
package is missing. Screenshots go to ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from newsweave import Newsweave
from newsweave.web import create_app

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "pages"
ARTIFACTS = ROOT / "test-artifacts"
SEED = "000_c5fdda3d84432073"

if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")

# A text page whose title and body carry markup and script: it must render as text.
XSS_PAGE = "\n\n".join(
    [
        'Flood <script>window.pwned = 1; alert("title")</script> waters recede in river town',
        "Home | News | Regions",
        "RIVERTON (Wire) - Flood waters in Riverton began to recede on Monday, officials said, "
        "after the river peaked at 10.6 metres on Sunday evening "
        '<img id="injected" src=x onerror="window.pwned = 2; alert(2)"> '
        "and forced about 1,200 residents from their homes.",
        "The fire brigade worked through the night. More than 400 volunteers filled sandbags "
        "<script>window.pwned = 3</script> and secured the old town, where many cellars flooded. "
        "The mayor called it an exceptional situation and thanked the crews.",
        "The weather service said drier days were expected, but the authorities warned people to "
        "stay away from the flooded river paths because the current remained strong.",
    ]
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the sample pages plus the XSS page, served by uvicorn in a thread."""
    import uvicorn

    folder = tmp_path_factory.mktemp("browser")
    (folder / "flood.txt").write_text(XSS_PAGE, encoding="utf-8")
    url = f"sqlite:///{folder / 'store.db'}"
    with Newsweave(url) as nw:
        assert len(nw.ingest([SAMPLES, folder / "flood.txt"]).added) >= 4
    port = _free_port()
    config = uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    yield base
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records dialogs, console errors and requests leaving the app."""
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    tab = context.new_page()
    tab.dialogs, tab.errors, tab.requests = [], [], []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    tab.on("console", lambda m: m.type == "error" and tab.errors.append(m.text))
    tab.on("request", lambda r: tab.requests.append(r.url))
    yield tab
    context.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-first-screen.png"))


def _seed_story(base: str) -> dict[str, Any]:
    stories = httpx.get(f"{base}/api/stories", params={"limit": 500}).json()["items"]
    return next(s for s in stories if any(SEED in a["source"] for a in s["articles"]))


def _stays_local(page: Any, base: str) -> None:
    assert all(url.startswith((base, "data:")) for url in page.requests), page.requests
    assert not page.errors, page.errors


def test_story_shows_where_the_sources_differ(page: Any, server: str) -> None:
    story = _seed_story(server)
    page.goto(f"{server}/stories/{story['id']}")
    page.wait_for_load_state("networkidle")
    _shot(page, "story")
    glance = page.locator("aside.glance")
    assert "disagree" in glance.inner_text()
    assert glance.locator("q.said").first.is_visible()
    conflict = page.locator("section.group.conflict").first
    assert conflict.is_visible()
    text = conflict.inner_text()
    assert "4,000" in text and "1,200" in text
    # Conflicts come first, before any agreeing or single-outlet figure.
    assert "conflict" in page.locator("section.group").first.get_attribute("class")
    outlets = page.locator(".story-head .outlets").inner_text()
    for outlet in ("Tempo", "Associated Press", "The Hill"):
        assert outlet in outlets
    assert page.locator("section.group.conflict svg.range").count() >= 2
    assert page.locator(".columns article.column").count() == 3
    assert page.locator("mark.claim.conflict").count() >= 1
    _stays_local(page, server)


def test_index_and_search(page: Any, server: str) -> None:
    page.goto(server)
    page.wait_for_load_state("networkidle")
    _shot(page, "index")
    assert page.locator(".story-row").count() >= 2
    assert page.locator(".story-row svg.coverage").count() >= 1
    page.goto(f"{server}/search")
    # htmx swaps in results as one types, without reloading the page.
    page.locator(".big-search input").fill("Kursk troops")
    page.wait_for_selector("#results .hits li")
    assert "q=Kursk" in page.url
    _shot(page, "search")
    results = page.locator("#results").inner_text()
    assert "North Korea" in results
    page.locator("#results .hits a[href^='/stories/']").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("section.differ").is_visible()
    _stays_local(page, server)


def test_article_page_shows_dropped_lines_on_demand(page: Any, server: str) -> None:
    story = _seed_story(server)
    article = next(a for a in story["articles"] if SEED in a["source"])
    page.goto(f"{server}/articles/{article['id']}")
    dropped = page.locator("details.dropped")
    assert not dropped.locator("table").is_visible()
    dropped.locator("summary").click()
    assert dropped.locator("table").is_visible()
    _shot(page, "article")
    _stays_local(page, server)


def test_markup_in_articles_stays_inert(page: Any, server: str) -> None:
    hits = httpx.get(f"{server}/api/search", params={"q": "Riverton flood"}).json()["articles"]
    article_id = hits[0]["article_id"]
    story_id = hits[0]["story_id"]
    for path in (f"/articles/{article_id}", f"/stories/{story_id}", "/", "/search?q=riverton"):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.pwned") is None
        assert page.locator("#injected").count() == 0
        assert page.locator("main script").count() == 0
    assert "<script>" in page.locator("main").inner_text()
    page.goto(f"{server}/articles/{article_id}")
    assert "onerror=" in page.locator(".text").inner_text()
    _shot(page, "xss-article")
    assert page.dialogs == []


def test_api_docs_work_offline(page: Any, server: str) -> None:
    page.goto(f"{server}/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/stories/{story_id}" in paths
    _shot(page, "docs")
    _stays_local(page, server)
