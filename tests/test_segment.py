"""The line segmenter and the field helpers it relies on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from newsweave.extract.assemble import LANGUAGE_SAMPLE_CHARS, language_sample
from newsweave.extract.dates import find_date, find_relative, resolve_relative
from newsweave.extract.features import (
    COLUMN,
    FEATURE_NAMES,
    STACK_FEATURES,
    distance_to,
    featurize,
    featurize_page,
    furniture_mask,
    is_relative_time_line,
    stack_features,
)
from newsweave.extract.fields import normal_case, outlet_before_date, parse_byline, split_dateline
from newsweave.extract.lines import Line, paragraphs, split_lines
from newsweave.extract.outlets import from_url, readable, same_outlet
from newsweave.extract.patterns import CAPTION_RE, CTA_RE, URLISH_RE
from newsweave.extract.segmenter import (
    BODY_BIAS,
    META_FILE,
    SegmenterModel,
    _trim_edges,
    load_models,
    predict,
    segment,
    stacked,
)
from newsweave.extract.training import DevPage, fit, label_lines, save

HERE = Path(__file__).parent

PAGE = """\
Menu
Home | World | Business

Council approves new budget for city schools

The city council approved a new budget for schools on Monday, adding money for teachers.
Council members said the budget would also pay for repairs to older school buildings.
The vote was nine to two, with the two members against saying the plan cost too much.

Related
Council approves new budget for city schools
2 hours ago
"""


def test_split_lines_keeps_numbers_and_blank_neighbours() -> None:
    lines = split_lines("a\n\n  b  \nc\n")
    assert [(x.text, x.number, x.blank_before, x.blank_after) for x in lines] == [
        ("a", 0, True, True),
        ("b", 2, True, False),
        ("c", 3, False, True),
    ]


SENTENCE = "The council approved the budget on Monday after a long debate over its cost."
LAYOUT = f"""\
Home        Council approves new budget
World       {SENTENCE}  Advertisement
Business
Sports      {SENTENCE.replace("Monday", "Tuesday")}
"""


def test_a_layout_row_is_read_as_cells_with_the_article_column_first() -> None:
    lines = split_lines(LAYOUT)
    assert [x.text for x in lines] == [
        "Home        Council approves new budget",
        SENTENCE,
        SENTENCE.replace("Monday", "Tuesday"),
        "World",
        "Advertisement",
        "Business",
        "Sports",
    ]
    assert [x.number for x in lines] == [0, 1, 3, 1, 1, 2, 3]
    assert [x.piece for x in lines] == [False, True, True, True, True, False, True]
    # A cell read out of its row's order opens a block.
    assert [x.blank_before for x in lines] == [True, False, True, True, False, False, False]


def test_data_tables_and_double_spaces_in_short_lines_stay_whole() -> None:
    table = "Pos.  Driver       Points  Wins  Poles\n1     Kyle Busch   5040    5     1\n"
    assert [x.text for x in split_lines(table)] == table.splitlines()
    assert not any(x.piece for x in split_lines("Home    World\n"))


def test_a_giant_line_is_cut_into_paragraph_sized_runs_and_joined_again() -> None:
    giant = " ".join([SENTENCE] * 40)
    assert len(split_lines(f"Menu\n{giant}\n")) == 2
    lines = split_lines(f"Menu\n{giant}\n", cut_long=True)
    runs = lines[1:]
    assert len(runs) > 1 and all(x.piece and x.blank_before and x.blank_after for x in runs)
    assert all(len(x.text.split()) >= 80 for x in runs[:-1])
    assert " ".join(x.text for x in runs) == giant
    assert paragraphs(lines, list(range(len(lines)))) == ["Menu", giant]
    assert paragraphs(lines, [1, 3]) == [runs[0].text, runs[2].text]


def test_the_layout_model_reads_pages_split_into_pieces() -> None:
    models = load_models()
    assert models.layout.version != models.plain.version
    assert models.choose(split_lines(PAGE)) is models.plain
    assert models.choose(split_lines(LAYOUT)) is models.layout
    assert segment(split_lines(LAYOUT)).model == models.layout.version


def test_featurize_shape_and_title() -> None:
    lines = split_lines(PAGE)
    features, title = featurize(lines)
    assert features.shape == (len(lines), len(FEATURE_NAMES))
    assert np.isfinite(features).all()
    assert lines[title].text == "Council approves new budget for city schools"
    assert featurize_page(lines).title == title


def test_a_signed_headline_beats_an_earlier_teaser_on_the_same_story() -> None:
    # A teaser on the same story above the article (express.co.uk's layout):
    # the headline is the line with the byline under it.
    page = """\
* Senator threatened on Facebook and Twitter, court hears
* Council debates new rules for city parking
Politics

Man pleads guilty to threatening senator

By Jane Roe - 11/18/19 11:04 PM EST

A man pleaded guilty on Monday to threatening to kill a senator, prosecutors said.
He had posted the threat on Facebook and repeated it on Twitter, the court heard.
His sentencing is scheduled for February, according to the prosecutors' statement.
"""
    lines = split_lines(page)
    assert lines[featurize_page(lines).title].text == "Man pleads guilty to threatening senator"


@pytest.mark.parametrize(
    ("text", "share_bar"),
    [
        ("Facebook Twitter LinkedIn", True),
        ("Share: Facebook | Twitter | Email", True),
        ("Print Email", True),
        ("Facebook", False),
        ("He posted it on Facebook and Twitter.", False),
    ],
)
def test_share_bars_are_calls_to_action(text: str, share_bar: bool) -> None:
    assert (CTA_RE.search(text) is not None) == share_bar


def test_furniture_is_capped_and_body_found() -> None:
    lines = split_lines(PAGE)
    features, _ = featurize(lines)
    furniture = [lines[i].text for i in np.flatnonzero(furniture_mask(features))]
    assert "2 hours ago" in furniture
    seg = segment(lines)
    body = [x.text for x, y in zip(lines, seg.labels, strict=True) if y]
    assert body[0].startswith("The city council approved")
    assert body[-1].startswith("The vote was nine to two")


def test_model_loads_once() -> None:
    assert load_models() is load_models()
    assert load_models().plain.version.startswith("lgb2-hmm-")


def test_early_stopping_only_settles_confident_lines() -> None:
    # A line whose evaluation stops early keeps a confident score; every other line
    # gets the full model's score.
    model = load_models().plain
    text = (HERE.parent / "examples" / "pages" / "rt-bolivia-protests.txt").read_text()
    page = featurize_page(split_lines(text))
    second_input = stacked(page, model.first_pass(page))
    for booster, matrix in ((model.first, page.matrix), (model.second, second_input)):
        full = booster.predict(matrix, num_threads=1)
        early = predict(booster, matrix)
        stopped = ~np.isclose(full, early)
        assert stopped.any()
        assert np.all((early[stopped] < 0.05) | (early[stopped] > 0.95))


def test_a_model_trained_with_other_early_stopping_is_refused() -> None:
    # Its second pass learned from first-pass scores that run time would not give.
    model = load_models().plain
    meta = json.loads((resources.files("newsweave.extract") / META_FILE).read_text())
    assert SegmenterModel.from_parts(model.first, model.second, meta).version == model.version
    meta["early_stop"] = {"every": 10, "margin": 6.0}
    with pytest.raises(ValueError, match="early stopping"):
        SegmenterModel.from_parts(model.first, model.second, meta)


def test_viterbi_smooths_a_lone_dip() -> None:
    model = load_models().plain
    labels = model.decode(np.array([0.01, 0.02, 0.95, 0.97, 0.4, 0.96, 0.98, 0.01, 0.02]))
    assert labels.tolist() == [0, 0, 1, 1, 1, 1, 1, 0, 0]


def _viterbi_reference(model, probabilities: np.ndarray) -> list[int]:
    p = np.clip(probabilities, 1e-6, 1 - 1e-6)
    emit = np.column_stack([np.log1p(-p), np.log(p) + BODY_BIAS]) - model.log_prior
    score, back = model.log_start + emit[0], []
    for row in emit[1:]:
        cand = score[:, None] + model.log_transition
        back.append(cand.argmax(axis=0))
        score = cand.max(axis=0) + row
    labels = [int(score.argmax())]
    for pointers in reversed(back):
        labels.append(int(pointers[labels[-1]]))
    return labels[::-1]


def test_viterbi_matches_the_matrix_form() -> None:
    model = load_models().plain
    rng = np.random.default_rng(3)
    for n in (1, 2, 40, 300):
        probabilities = rng.random(n) ** rng.uniform(0.3, 3)
        assert model.decode(probabilities).tolist() == _viterbi_reference(model, probabilities)


def test_distance_to_nearest_flag() -> None:
    flags = np.array([0, 1, 0, 0, 1, 0], dtype=np.float32)
    assert distance_to(flags, backwards=True, cap=20).tolist() == [20, 20, 1, 2, 3, 1]
    assert distance_to(flags, backwards=False, cap=3).tolist() == [1, 3, 2, 1, 3, 3]


@pytest.mark.parametrize(
    "text",
    [
        "Rescue workers at the scene on Monday. (AP Photo/Jane Doe)",
        "FILE - The harbour in 2019.",
        "Subscribe to our newsletter",
        "© 2025 Example Media",
        "Contact us at desk@example.org",
        "Facebook Twitter LinkedIn",
        "Read it at www.example.com today",
        "The council met on Monday and agreed the plan, the mayor said.",
    ],
)
def test_trigger_words_never_hide_a_pattern(text: str) -> None:
    # Patterns only run on lines holding a trigger word: the flags must agree with them.
    row = featurize_page(split_lines(text)).matrix[0]
    assert row[COLUMN["caption"]] == (CAPTION_RE.search(text) is not None)
    assert row[COLUMN["call_to_action"]] == (CTA_RE.search(text) is not None)
    assert row[COLUMN["urlish"]] == (URLISH_RE.search(text) is not None)


def test_stack_features_shape() -> None:
    page = featurize_page(split_lines(PAGE))
    first = load_models().plain.first_pass(page)
    extra = stack_features(page, first)
    assert extra.shape == (len(page.keys), len(STACK_FEATURES))
    assert np.isfinite(extra).all()


def test_label_lines() -> None:
    lines = split_lines(PAGE)
    gold = (
        "The city council approved a new budget for schools on Monday, adding money for "
        "teachers.\nCouncil members said the budget would also pay for repairs to older "
        "school buildings."
    )
    body = [x.text for x, y in zip(lines, label_lines(lines, gold), strict=True) if y]
    assert [b[:20] for b in body] == ["The city council app", "Council members said"]


def _tiny_dev_set() -> list[DevPage]:
    return [
        DevPage(str(i), PAGE.replace("nine", str(i)), HERE, PAGE.split("\n\n")[2]) for i in range(6)
    ]


def test_training_is_deterministic() -> None:
    pages = _tiny_dev_set()
    *_, meta = fit(pages, rounds=3)
    assert meta["features"] == FEATURE_NAMES and meta["stack_features"] == STACK_FEATURES
    assert fit(pages, rounds=3)[2]["version"] == meta["version"]


def test_save_creates_the_model_folder(tmp_path: Path) -> None:
    paths = save(*fit(_tiny_dev_set(), rounds=3), tmp_path / "new" / "model")
    assert all(path.is_file() for path in paths)


def test_language_sample_prefers_a_long_paragraph() -> None:
    body = ["Short subhead", "x" * (LANGUAGE_SAMPLE_CHARS + 50)]
    assert language_sample(body) == "x" * LANGUAGE_SAMPLE_CHARS
    assert language_sample(["One.", "Two."]) == "One.\n\nTwo."


@pytest.mark.parametrize(
    ("text", "ago"),
    [
        ("1 hour ago", timedelta(hours=1)),
        ("time26 minutes ago", timedelta(minutes=26)),
        ("2 jam lalu", timedelta(hours=2)),
        ("1 hari lalu", timedelta(days=1)),
        ("vor 3 Stunden", timedelta(hours=3)),
        ("il y a 2 jours", timedelta(days=2)),
        ("hace 5 minutos", timedelta(minutes=5)),
        ("29m ago", timedelta(minutes=29)),
    ],
)
def test_relative_times(text: str, ago: timedelta) -> None:
    assert is_relative_time_line(text)
    assert find_relative(text) == ago


def test_prose_mentioning_time_is_not_a_timestamp_line() -> None:
    assert not is_relative_time_line(
        "The fire started 2 hours ago and is still burning, police said."
    )


def test_resolve_relative_precision() -> None:
    ref = datetime(2025, 2, 27, 12, 0, tzinfo=UTC)
    assert resolve_relative(timedelta(hours=2), ref) == (ref - timedelta(hours=2), "time")
    assert resolve_relative(timedelta(days=1), ref)[1] == "day"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("February 27, 2025 | 06:38 pm", (datetime(2025, 2, 27, 18, 38), "time")),
        ("date 2025-02-27 Section", (datetime(2025, 2, 27), "day")),
        ("Outlet27-02-2025", (datetime(2025, 2, 27), "day")),
        ("Feb. 26, 2025", (datetime(2025, 2, 26), "day")),
        ("Selasa, 5 Maret 2024 10:15 WIB", (datetime(2024, 3, 5, 10, 15), "time")),
        ("12.03.2024, 14:30 Uhr", (datetime(2024, 3, 12, 14, 30), "time")),
        ("02/27/2025", (datetime(2025, 2, 27), "day")),
    ],
)
def test_find_date(text: str, expected: tuple) -> None:
    assert find_date(text) == expected


def test_bylines() -> None:
    assert parse_byline("By HYUNG-JIN KIM – Associated Press").names == "Hyung-Jin Kim"
    assert parse_byline("By HYUNG-JIN KIM – Associated Press").organisation == "Associated Press"
    assert parse_byline("By Jane Doe and John Smith").names == "Jane Doe, John Smith"
    assert parse_byline("Di Jakarta hari ini hujan turun deras sekali") is None
    assert normal_case("SEAN MCDONALD") == "Sean McDonald"
    assert normal_case("PAT O'BRIEN") == "Pat O'Brien"
    assert normal_case("Ursula von der Leyen") == "Ursula von der Leyen"


@pytest.mark.parametrize(
    ("paragraph", "place", "outlet", "rest"),
    [
        (
            "SEOUL, South Korea (AP) — South Korea's spy agency said",
            "SEOUL, South Korea",
            "Associated Press",
            "South Korea's spy agency said",
        ),
        (
            "NEWSSITE.CO, Jakarta -  Sources said on Thursday",
            "Jakarta",
            "Newssite",
            "Sources said on Thursday",
        ),
        ("Jakarta (ANTARA) - The ministry said", "Jakarta", "Antara", "The ministry said"),
        ("WASHINGTON — The Senate voted", "WASHINGTON", None, "The Senate voted"),
    ],
)
def test_datelines(paragraph: str, place: str, outlet: str | None, rest: str) -> None:
    split = split_dateline(paragraph)
    assert split is not None
    assert (split.place, split.outlet, split.rest) == (place, outlet, rest)


def test_prose_with_a_dash_is_not_a_dateline() -> None:
    assert split_dateline("The minister - who spoke on Monday - said no.") is None


def test_outlets() -> None:
    assert readable("TEMPO.CO") == "Tempo"
    assert readable("AP") == "Associated Press"
    assert readable("BBC") == "BBC"
    assert from_url("https://www.example-news.com/a/b") == "example-news"
    assert same_outlet("The Hill", "the hill")
    assert outlet_before_date("The Hill27-02-2025") == "The Hill"
    assert outlet_before_date("Updated 27-02-2025") is None


def test_the_body_opens_and_ends_on_prose() -> None:
    texts = [
        "* Markets",
        "+ Stocks",
        "* Oil drops 3% as supply worries ease, the dollar climbs against the yen.",  # a teaser
        "NEW YORK (Reuters) - Oil prices fell sharply on Tuesday as supply worries eased.",
        "Tables",  # inside the article: kept
        "Brent crude fell 2.5% to settle at $62.44 a barrel, its lowest in two weeks.",
        "* Traders now expect the cartel to hold output steady through the spring.",  # its own
        "More from Reuters",
        "Read next",
    ]
    lines = [Line(t, i, True, True) for i, t in enumerate(texts)]
    labels = np.ones(len(lines), dtype=np.int8)
    _trim_edges(lines, labels)
    assert labels.tolist() == [0, 0, 0, 1, 1, 1, 1, 0, 0]


def test_a_body_of_list_items_keeps_them() -> None:
    texts = [
        "* Preheat the oven to 200C and line a tray with baking paper before you start.",
        "* Toss the squash with oil, salt and the chilli flakes, then roast for 40 minutes.",
        "* Blend with the stock until smooth, season, and serve with the toasted seeds.",
        "Share",
    ]
    lines = [Line(t, i, True, True) for i, t in enumerate(texts)]
    labels = np.ones(len(lines), dtype=np.int8)
    _trim_edges(lines, labels)
    assert labels.tolist() == [1, 1, 1, 0]
