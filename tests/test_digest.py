"""The summary's choice of sentences: statements that read alone, corroborated first."""

from __future__ import annotations

import pytest

from newsweave.story.digest import summarize, well_formed
from newsweave.story.sentences import Sentence, similarity


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("The state paid an advertising agency $449,000 for the campaign.", True),
        ("“The campaign raises awareness,” the governor said on Monday.", True),
        ("While we focus on South Dakota’s “Meth.", False),  # cut inside a quotation
        ("South Dakota spends $449K on new anti-meth ad campaign", False),  # a headline
        ("Remember New Jersey’s epic quest to find a state slogan?", False),
        ("and yes the state spent nearly half a million dollars on it.", False),
        ("See the full list of winners at https://example.com/winners today.", False),
        ("Too short to say much.", False),
        (" ".join(["The governor defended the campaign"] * 11) + ".", False),  # run together
    ],
)
def test_well_formed(text: str, ok: bool) -> None:
    assert well_formed(text) is ok


def _sentences(items: list[tuple[str, str]]) -> list[Sentence]:
    return [Sentence(f"a{k}", outlet, text, 0, len(text)) for k, (outlet, text) in enumerate(items)]


def test_summary_leads_with_what_outlets_share_and_does_not_repeat_itself() -> None:
    sentences = _sentences(
        [
            ("A", "The council approved the new riverside park on Tuesday after a long debate."),
            ("B", "On Tuesday the council approved the new riverside park after a long debate."),
            ("A", "The mayor said construction of the park would start in the spring."),
            ("A", "Local shops on the river said they hoped the park would bring more visitors."),
        ]
    )
    sim = similarity([s.text for s in sentences])
    summary = summarize(sentences, sim, size=3)
    assert summary[0].outlets in (["A", "B"], ["B", "A"])
    texts = [c.text for c in summary]
    # the paraphrase of the first sentence is not picked again
    assert sum("riverside park on Tuesday" in t or "On Tuesday" in t for t in texts) == 1
