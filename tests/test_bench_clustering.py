"""The grouping benchmark's scorer and cross-validation, on data small enough to check by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from bench.clustering import (
    DataSet,
    Item,
    b_cubed,
    best_whole,
    folds_of,
    joint_cv,
    load_headlines,
    load_stories,
)
from bench.compare import to_article
from newsweave.models import Article


def test_b_cubed_scores_a_perfect_and_a_lumped_grouping() -> None:
    gold = ["a", "a", "b", "b"]
    assert b_cubed(gold, ["x", "x", "y", "y"]) == (1.0, 1.0, 1.0)
    precision, recall, f1 = b_cubed(gold, ["x", "x", "x", "x"])
    assert (precision, recall) == (0.5, 1.0)
    assert f1 == pytest.approx(2 / 3)
    # All apart: every item is its own cluster.
    assert b_cubed(gold, ["1", "2", "3", "4"])[:2] == (1.0, 0.5)


def _item(event: str, n: int) -> Item:
    article = Article(id=f"{event}{n}", page_id=f"{event}{n}", source="x", title=event, body=[])
    return (event, article)


def _data(name: str, events: int = 10) -> DataSet:
    return DataSet(name, tuple(_item(f"e{e}", n) for e in range(events) for n in range(3)))


def by_event(items: Sequence[Item], params: dict[str, Any]) -> list[str]:
    """A method that is right when ``params["right"]`` and lumps everything otherwise."""
    return [e if params["right"] else "one" for e, _ in items]


def test_folds_split_the_events_without_overlap() -> None:
    folds = folds_of(_data("d"), 5)
    assert len(folds) == 5
    assert set().union(*folds) == {f"e{e}" for e in range(10)}
    assert sum(len(f) for f in folds) == 10


def test_joint_cv_chooses_on_training_events_and_scores_held_out_ones() -> None:
    sets = [_data("one"), _data("two", 7)]
    result = joint_cv(by_event, sets, [{"right": False}, {"right": True}], k=5)
    assert result.chosen == [{"right": True}] * 5
    assert result.per_set["one"]["f1"] == 1.0
    assert result.per_set["two"]["f1_min"] == 1.0
    assert best_whole(by_event, sets, [{"right": False}, {"right": True}]) == {"right": True}


def test_a_record_without_text_is_kept_as_a_title_only_article() -> None:
    record = {"title": "Tram derails", "text": "", "url": "https://x.com/tram-derails-in-croydon"}
    assert to_article("r", record) is None
    article = to_article("r", record, textless=True)
    assert article is not None
    assert (article.title, article.body) == ("Tram derails", [])


def test_the_labelled_sets_load_in_publication_order() -> None:
    try:
        headlines, stories = load_headlines(), load_stories()
    except FileNotFoundError:
        pytest.skip("../shared data is not available")
    assert len(headlines.items) == 3285 and len(headlines.events) == 43
    assert all(a.published is None for _, a in headlines.items)  # time-blind: dates leak
    assert len(stories.items) == 147 and len(stories.events) == 30
    dates = [a.published for _, a in stories.items if a.published is not None]
    assert dates == sorted(dates)
