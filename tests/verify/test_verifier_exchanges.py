"""Checks for errors made only of words the cited text contains: a negated word asserted, a label's
number changed, words tied crosswise, a statement given to the
country named beside the real source, an actor taken from another clause.

As in test_verifier_structure, each rejection is paired with a faithful sentence on the same material
that must pass, so that no check can pass its test by rejecting everything.
"""

from __future__ import annotations

import pytest

from wirebrief.evaluation.verifier import item_records, parse_item
from wirebrief.records import Verdict
from wirebrief.verify import Verifier


def _verdict(sentence: str, *cited: str) -> Verdict:
    record = {
        "id": "case",
        "sentence": sentence,
        "cited": [{"kind": "sentence", "text": text, "outlet": "Test Wire"} for text in cited],
        "supported": True,
        "error": "none",
    }
    brief_sentence, sentences, articles, facts = item_records(parse_item(record, "test"))
    return Verifier().check(brief_sentence, sentences, articles, facts)


REACTOR = "The ministry said there was no sign of damage to the reactor after the earthquake on Sunday."
STORM = "The storm was upgraded to Category 4 on Monday, three days after it formed in the gulf."
HARVEST = "Frost cut the rice harvest in the valley by half, while maize yields held steady, growers said."
DRONES = "The Greek defence ministry said two of its drones were shot down over the border with Turkey."
HIGHWAY = "Protesters blocked the highway to the port on Monday, and police arrived hours later."


@pytest.mark.parametrize(
    ("unsupported", "faithful", "cited", "reason"),
    [
        (
            "The ministry said the earthquake on Sunday caused damage to the reactor.",
            "The ministry said there was no sign of damage to the reactor after Sunday's earthquake.",
            REACTOR,
            "only under a negation (damag",
        ),
        (
            "The storm was upgraded to Category 3 on Monday.",
            "The storm was upgraded to Category 4 on Monday, three days after it formed.",
            STORM,
            "gives 4, not 3, after 'categori'",
        ),
        (
            "Frost cut the maize harvest in the valley by half, while rice yields held steady, growers said.",
            "Growers said frost cut the rice harvest in the valley by half.",
            HARVEST,
            "goes with",
        ),
        (
            "Turkey said two of its drones were shot down over the border.",
            "Greece said two of its drones were shot down over the border with Turkey.",
            DRONES,
            "not 'Turkey'",
        ),
        (
            "Police blocked the highway to the port on Monday.",
            "Protesters blocked the highway to the port on Monday.",
            HIGHWAY,
            "not 'Police'",
        ),
    ],
)
def test_each_check_rejects_the_error_and_keeps_the_faithful_sentence(
    unsupported: str, faithful: str, cited: str, reason: str
) -> None:
    rejected = _verdict(unsupported, cited)
    assert not rejected.supported
    assert any(reason in r for r in rejected.reasons), rejected.reasons
    kept = _verdict(faithful, cited)
    assert kept.supported, kept.reasons


def test_a_negated_word_may_be_restated_under_its_negation() -> None:
    """ "did not confirm" supports "has not confirmed", never "confirmed"."""
    cited = "The army did not confirm the deaths of the two soldiers, a spokesman said on Friday."
    assert _verdict("The army has not confirmed the deaths of the two soldiers.", cited).supported
    assert not _verdict("The army confirmed the deaths of the two soldiers.", cited).supported


def test_a_negation_is_dropped_only_where_the_sentence_says_what_it_negates() -> None:
    """ "agreed to cut methane" keeps what "failed to agree on a date to end coal" negates; "agreed on a
    date to end coal" drops it. "denied that *it* had rammed" negates the ramming, not the pronoun."""
    summit = "Countries agreed to cut methane emissions but failed to agree on a date to end coal power."
    assert _verdict("Countries agreed to cut methane emissions.", summit).supported
    dropped = _verdict("Countries agreed on a date to end coal power.", summit)
    assert any("drops a negation" in r for r in dropped.reasons), dropped.reasons
    navy = (
        "The navy said its patrol boat was damaged in a collision but denied that it had rammed the trawler."
    )
    assert _verdict("The navy said its patrol boat was damaged in a collision.", navy).supported
    assert not _verdict("The navy said its patrol boat had rammed the trawler.", navy).supported
