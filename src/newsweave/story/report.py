"""Building the report of one story from its articles and their claims."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from spacy.language import Language

from newsweave.claims.mentions import find_mentions
from newsweave.models import Article, Claim, Mention, Story, iso, sort_time
from newsweave.story.digest import summarize, timeline, unique_details
from newsweave.story.entities import attach_descriptions, merge_entities
from newsweave.story.groups import group_claims
from newsweave.story.model import ArticleRef, StoryReport
from newsweave.story.noise import in_spans, noise_spans
from newsweave.story.sentences import Sentence, similarity, story_sentences

#: Days without a report after which the next one is a follow-up. Grouping
#: keeps a story open for months (a trial, a recall): what joined it weeks
#: later is shown as such rather than as more of the first day's coverage.
FOLLOW_UP_DAYS = 3


def _refs(articles: Sequence[Article]) -> list[ArticleRef]:
    """``articles`` (in publication order) as the report lists them, follow-ups marked."""
    refs = []
    previous = None
    for article in articles:
        follow_up = None
        if article.published is not None:
            when = sort_time(article.published)
            if previous is not None and (gap := (when - previous).days) >= FOLLOW_UP_DAYS:
                follow_up = gap
            previous = when
        refs.append(
            ArticleRef(
                id=article.id,
                source=article.source,
                title=article.title,
                outlet=article.outlet,
                republished_by=article.republished_by,
                published=article.published_iso,
                byline=article.byline,
                url=article.url,
                follow_up_days=follow_up,
            )
        )
    return refs


#: Paragraphs of an article that make its lede: news puts what matters first.
LEDE_PARAGRAPHS = 2


def _lede_end(article: Article, noise: Sequence[tuple[int, int, str]] = ()) -> int:
    """Where the lede ends in ``article.text``: its first paragraphs of report text.

    Furniture before the first paragraph ("Scroll down for video", a photo
    credit) is no part of the lede, so it does not count towards its length.
    """
    end = 0
    seen = 0
    for start, paragraph in article.paragraphs():
        if seen == LEDE_PARAGRAPHS:
            break
        if not in_spans(start, noise):
            seen += 1
        end = start + len(paragraph)
    return end


def _report_text(
    sentences: list[Sentence], noise: Mapping[str, list[tuple[int, int, str]]]
) -> list[Sentence]:
    """The sentences outside the articles' furniture (galleries, captions, notices)."""
    return [s for s in sentences if not in_spans(s.start, noise.get(s.article_id, ()))]


def build_report(
    story: Story,
    articles: list[Article],
    claims: list[Claim],
    *,
    mentions: Mapping[str, Sequence[Mention]] | None = None,
    nlp: Language | None = None,
) -> StoryReport:
    """What the story's outlets agree on, where their figures differ, and when.

    ``articles`` are the story's articles (any order) and ``claims`` theirs, as
    :func:`~newsweave.claims.extract_claims` gives them. ``mentions`` holds the
    names found in articles earlier, by article id (as the store keeps them); an
    article not in it is read again with ``nlp``. A syndicated copy
    (``story.syndicated``) is listed but not counted again.
    """
    known = mentions or {}
    wanted = set(story.article_ids)
    chosen = [a for a in articles if a.id in wanted] or list(articles)
    chosen.sort(key=lambda a: sort_time(a.published))
    present = {a.id for a in chosen}
    originals = [a for a in chosen if story.syndicated.get(a.id) not in present]
    ids = {a.id for a in originals}

    named = [
        (a.text, known[a.id] if a.id in known else find_mentions(a, nlp=nlp)) for a in originals
    ]
    noise = {a.id: noise_spans(a) for a in chosen}
    sentences = _report_text(story_sentences(originals), noise)
    sim = similarity([s.text for s in sentences])
    mine = [c for c in claims if c.article_id in present]
    reported = [c for c in mine if c.part != "body" or not in_spans(c.start, noise[c.article_id])]
    figures = {
        (c.article_id, c.start)
        for c in mine
        if c.quantity is not None and c.article_id in ids and c.part == "body"
    }

    entities = merge_entities(named)
    # sources described rather than named ("South Korea's spy agency")
    attach_descriptions(entities, (c.source for c in mine if c.source), [a.text for a in originals])
    dates = [a.published for a in chosen if a.published is not None]
    first = story.first_published or (min(dates, key=sort_time) if dates else None)
    last = story.last_published or (max(dates, key=sort_time) if dates else None)
    return StoryReport(
        id=story.id,
        title=story.title,
        first_published=iso(first),
        last_published=iso(last),
        articles=_refs(chosen),
        entities=entities,
        claim_groups=group_claims(
            reported,
            story.syndicated,
            published={a.id: a.published_iso for a in chosen if a.published_iso},
            ledes={a.id: _lede_end(a, noise[a.id]) for a in chosen},
        ),
        unique_details=unique_details(sentences, sim, figures),
        timeline=timeline(sentences, sim, {a.id: a for a in originals}),
        summary=summarize(sentences, sim),
    )
