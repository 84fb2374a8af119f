"""Who said what: sources of figure-less statements, read from the parse (invented sentences)."""

from __future__ import annotations

import pytest

from newsweave.claims import extract_claims
from newsweave.claims.attribution import same_speaker
from newsweave.claims.lexicon import (
    CLAUSE_VERBS,
    CUE_PRECISION,
    CUE_SCORES,
    MUTE_HEADS,
    SAY_CUE_RE,
    SAY_VERBS,
    cue_score,
)
from newsweave.claims.parse import needs_parse
from tests.test_claims import _article


def _sources(*paragraphs: str) -> list[str | None]:
    return [c.source for c in extract_claims(_article(*paragraphs))]


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        # apposition: the name, not the title beside it
        ("Jane Roe, the company's spokeswoman, said the plant would close.", "Jane Roe"),
        # inverted quotation: the speaker after the verb, without "of ..."
        ('"We will appeal," said Jane Roe of the Marlow Institute.', "Jane Roe"),
        # passive: the agent speaks, not the one told
        ("The board was told by Harold Finch that the plan had failed.", "Harold Finch"),
        ("The plan has failed, according to the Marlow Institute.", "Marlow Institute"),
        # "in a statement" is where it was said, not who said it
        ("In a statement, the Marlow Institute said the plan had failed.", "Marlow Institute"),
        # a subject the cue shares with the verb it hangs off
        ("Harold Finch declined to comment on the plan.", "Harold Finch"),
    ],
)
def test_the_source_is_who_speaks(sentence: str, source: str) -> None:
    assert _sources(sentence) == [source]


def test_a_time_or_a_byline_credit_is_no_source() -> None:
    assert _sources("John Doe reported from Paris.") == []
    assert _sources("Earlier this week said nothing new to voters.") == []


def test_a_dateline_is_no_source() -> None:
    assert _sources("SAN JOSE — The mayor said the bridge would reopen.") == ["mayor"]


def test_each_cue_of_a_sentence_gives_its_own_source() -> None:
    assert _sources("Harold Finch said that the Marlow Institute had warned of a collapse.") == [
        "Harold Finch",
        "Marlow Institute",
    ]
    # two cues of one speaker are one claim
    assert _sources("Harold Finch said the plan had failed, adding that he would resign.") == [
        "Harold Finch"
    ]


def test_pronouns_are_the_speaker_named_before() -> None:
    assert _sources(
        "Jane Roe said the plant would close.",
        "She added that workers would be paid until June.",
    ) == ["Jane Roe", "Jane Roe"]
    # a quoted "I" or a reader's "you" names no one; "he" with no one before neither
    assert _sources('"I think you know the answer," he said.') == []


def test_cue_verbs_are_learned_and_forms_found() -> None:
    assert {"say", "tell", "accuse", "insist"} <= SAY_VERBS
    assert "be" not in SAY_VERBS and CUE_SCORES["say"] > CUE_SCORES["call"]
    assert SAY_CUE_RE.search("She insisted on it").group(0) == "insisted"
    assert SAY_CUE_RE.search("the statesman left") is None


def test_sentences_with_a_cue_are_parsed() -> None:
    assert needs_parse(["The mayor insisted the bridge was safe.", "The bridge is old."]) == [
        True,
        False,
    ]


def test_names_of_one_speaker_are_the_same() -> None:
    assert same_speaker("Nance", "Penny Nance")
    assert same_speaker("the Clinton campaign", "Clinton campaign's")
    assert not same_speaker("Bill Clinton", "Hillary Clinton")


def test_a_pronoun_agrees_with_the_speaker_it_stands_for() -> None:
    # "she" skips a man the article calls "Mr.", "it" skips a person for an organisation
    assert _sources(
        "Ms. Roe runs the Marlow Institute.",
        "Jane Roe said the plan had failed.",
        "Mr. Finch disagreed. Harold Finch said it would work.",
        "She said the board would vote in June.",
    ) == ["Jane Roe", "Harold Finch", "Jane Roe"]
    assert _sources(
        "Harold Finch said the plant was safe.",
        "The Marlow Institute said the plant was unsafe.",
        "It said the river was polluted.",
    ) == ["Harold Finch", "Marlow Institute", "Marlow Institute"]


def test_a_pronoun_with_no_earlier_speaker_is_the_person_mentioned() -> None:
    assert _sources(
        "Harold Finch arrived at the plant on Monday.",
        "He said the plant would close.",
    ) == ["Harold Finch"]


def test_a_description_with_no_earlier_source_of_its_kind_stays() -> None:
    # "the ministry" is not the official who spoke before; "the company" is the
    # organisation named before
    assert _sources(
        "A senior official said the plan had failed.",
        "The ministry said the plan would go ahead.",
    ) == ["senior official", "ministry"]
    assert _sources(
        "Marlow Corporation said the plan had failed.",
        "The company said the plant would close.",
    ) == ["Marlow Corporation", "Marlow Corporation"]


def test_a_colon_attributes_what_follows() -> None:
    assert _sources("Jane Roe: The plan has failed and the plant will close.") == ["Jane Roe"]
    assert _sources('Harold Finch continued: "The plant will close in June."') == ["Harold Finch"]
    # a colon after a clause, or after a common noun, names no speaker
    assert _sources("The reason is simple: the plant will close in June.") == []
    assert needs_parse(["Jane Roe: The plan has failed."]) == [True]


def test_a_verb_is_a_cue_in_the_frames_it_reports_in() -> None:
    # learned by frame: "found that ..." reports, "found the keys" does not
    assert cue_score("find", "c") >= CUE_PRECISION > cue_score("find", "o")
    assert "find" in CLAUSE_VERBS and "say" not in CLAUSE_VERBS
    assert _sources("Harold Finch found that the plant was unsafe.") == ["Harold Finch"]
    assert _sources("Harold Finch testified that the plant was unsafe.") == ["Harold Finch"]
    assert _sources("Harold Finch found the keys near the plant.") == []


def test_a_clause_verb_is_parsed_only_next_to_a_clause() -> None:
    assert needs_parse(
        [
            "Harold Finch found that the plant was unsafe.",
            '"The plant is unsafe," Harold Finch testified.',
            "Harold Finch found the keys.",
        ]
    ) == [True, True, False]


def test_a_subject_that_rarely_speaks_is_no_source() -> None:
    # learned heads: "the speech" is hardly ever a labelled source, an official often is
    assert "speech" in MUTE_HEADS and "official" not in MUTE_HEADS
    assert _sources("The speech showed that the plan had failed.") == []
    assert _sources("A senior official showed that the plan had failed.") == ["senior official"]
    # "people" rarely speaks, unless described: "people briefed on the talks"
    assert _sources("People said the plan had failed.") == []
    assert _sources("People briefed on the talks said the plan had failed.") == ["People"]


def test_a_quoted_transcript_speaker_before_a_colon_is_the_source() -> None:
    line = '"Jane Roe: The plan has failed and the plant will close.'
    assert needs_parse([line]) == [True]
    assert _sources(line) == ["Jane Roe"]


def test_a_cue_inside_what_another_reports_needs_its_own_learned_rate() -> None:
    # "called" is a cue on its own, but rarely a labelled one inside a report
    assert cue_score("call", "n") < CUE_PRECISION <= cue_score("call", "o")
    assert _sources("The Marlow Institute called the plan a failure.") == ["Marlow Institute"]
    assert _sources("Harold Finch said the Marlow Institute had called the plan a failure.") == [
        "Harold Finch"
    ]
