"""The checks added for the subtle errors a word list cannot see: who acts, who said it, which number
goes where, planned or done, and specific words the cited text does not contain; and those for errors
made only of the cited text's own words: a negated word asserted, a label's number changed, words
tied crosswise, a statement given to the country named beside the real source, an actor taken from
another clause.

Every case is an invented report sentence and a brief sentence written against it; each rejection is
paired with a faithful restatement of the same material that must pass, so that no check can pass its
test by rejecting everything.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pytest
from numpy.typing import NDArray

from wirebrief.evaluation.verifier import item_records, parse_item
from wirebrief.records import Verdict
from wirebrief.verify import EmbeddingSimilarity, Verifier, VerifierConfig


def _verdict(sentence: str, *cited: str, verifier: Verifier | None = None) -> Verdict:
    record = {
        "id": "case",
        "sentence": sentence,
        "cited": [{"kind": "sentence", "text": text, "outlet": "Test Wire"} for text in cited],
        "supported": True,
        "error": "none",
    }
    brief_sentence, sentences, articles, facts = item_records(parse_item(record, "test"))
    return (verifier or Verifier()).check(brief_sentence, sentences, articles, facts)


CUP = "Easton Rovers beat Northgate 3-1 in the cup final on Sunday, their first trophy in 12 years."
ACCORD = (
    '"We will sign nothing that closes the plant," union leader Mara Keller said, while Industry '
    'Minister Tomas Berg called the offer "generous and final".'
)
TOLLS = (
    "At least 9 people were killed in the landslide above Valdoro on Friday.",
    "The landslide above Valdoro killed 11 people, according to the regional hospital.",
)
BRIDGE = "The new rail bridge over the Lessa is due to open in May, the transport ministry said."
FIRE = "Firefighters put out a blaze at a warehouse in the harbour district after six hours."
CAUSE = (
    "Flights were grounded across the country on Monday, the airport operator said, adding that the "
    "cause was not yet known."
)
CASUALTIES = "At least 9 people were killed and 20 wounded when a bus overturned near Tarsa on Monday."
BARRED = "Mayor Lina Okafor was barred from standing in the city election by the electoral court on Friday."
STORM = "The storm damaged about 300 homes along the coast of Verna on Sunday, the civil defence agency said."
FORECAST = "The central bank of Dorva said inflation was likely to fall to 3 percent next year."
# Errors made only of words the cited text contains (the third batch of the labelled set).
REACTOR = "The ministry said there was no sign of damage to the reactor after the earthquake on Sunday."
HURRICANE = "The storm was upgraded to Category 4 on Monday, three days after it formed in the gulf."
HARVEST = "Frost cut the rice harvest in the valley by half, while maize yields held steady, growers said."
DRONES = "The Greek defence ministry said two of its drones were shot down over the border with Turkey."
HIGHWAY = "Protesters blocked the highway to the port on Monday, and police arrived hours later."


@pytest.mark.parametrize(
    ("unsupported", "faithful", "cited", "reason"),
    [
        (
            "Northgate beat Easton Rovers 3-1 in the cup final on Sunday.",
            "Easton Rovers beat Northgate 3-1 in the cup final on Sunday.",
            (CUP,),
            "as the one who 'beat'",
        ),
        (
            'Industry Minister Tomas Berg said: "We will sign nothing that closes the plant."',
            'Union leader Mara Keller said: "We will sign nothing that closes the plant."',
            (ACCORD,),
            "as the one who 'say'",
        ),
        (
            "The regional hospital said at least 9 people were killed in the landslide above Valdoro.",
            "The regional hospital said 11 people were killed in the landslide above Valdoro.",
            TOLLS,
            "not the source of the number 9",
        ),
        (
            "At least 20 people were killed and 9 wounded when a bus overturned near Tarsa on Monday.",
            "At least 9 people were killed and 20 wounded when a bus overturned near Tarsa.",
            (CASUALTIES,),
            "takes the place of",
        ),
        (
            "Northgate beat Easton Rovers 1-3 in the cup final on Sunday.",
            "Easton Rovers won the cup final 3-1 against Northgate on Sunday.",
            (CUP,),
            "score or tally 1-3",
        ),
        (
            "The new rail bridge over the Lessa opened in May, the transport ministry said.",
            "The transport ministry said the new rail bridge over the Lessa is due to open in May.",
            (BRIDGE,),
            "states as done what the cited material gives as planned",
        ),
        (
            "Firefighters put out a blaze at a chemical warehouse in the harbour district after six hours.",
            "Firefighters put out a blaze at a warehouse in the harbour district after six hours.",
            (FIRE,),
            "'chemical'",
        ),
        (
            "Mayor Lina Okafor barred the electoral court from standing in the city election on Friday.",
            "The electoral court barred Mayor Lina Okafor from standing in the city election on Friday.",
            (BARRED,),
            "is the one who is 'bar'-ed",
        ),
        (
            "The storm destroyed about 300 homes along the coast of Verna on Sunday, the agency said.",
            "About 300 homes along the coast of Verna were damaged by the storm on Sunday, the agency said.",
            (STORM,),
            "'destroy' contradicts 'damag'",
        ),
        (
            "The central bank of Dorva said inflation fell to 3 percent.",
            "The central bank of Dorva said inflation could fall to 3 percent next year.",
            (FORECAST,),
            "gives as planned or possible",
        ),
        (
            "The airport operator said it knew the cause of the grounding of flights on Monday.",
            "The airport operator said the cause of the grounding of flights was not yet known.",
            (CAUSE,),
            "drops a negation",
        ),
        (
            "The ministry said the earthquake on Sunday caused damage to the reactor.",
            "The ministry said there was no sign of damage to the reactor after Sunday's earthquake.",
            (REACTOR,),
            "only under a negation (damag",
        ),
        (
            "The storm was upgraded to Category 3 on Monday.",
            "The storm was upgraded to Category 4 on Monday, three days after it formed.",
            (HURRICANE,),
            "gives 4, not 3, after 'categori'",
        ),
        (
            "Frost cut the maize harvest in the valley by half, while rice yields held steady, growers said.",
            "Growers said frost cut the rice harvest in the valley by half.",
            (HARVEST,),
            "goes with",
        ),
        (
            "Turkey said two of its drones were shot down over the border.",
            "Greece said two of its drones were shot down over the border with Turkey.",
            (DRONES,),
            "not 'Turkey'",
        ),
        (
            "Police blocked the highway to the port on Monday.",
            "Protesters blocked the highway to the port on Monday.",
            (HIGHWAY,),
            "not 'Police'",
        ),
    ],
)
def test_each_check_rejects_the_error_and_keeps_the_faithful_sentence(
    unsupported: str, faithful: str, cited: tuple[str, ...], reason: str
) -> None:
    rejected = _verdict(unsupported, *cited)
    assert not rejected.supported
    assert any(reason in r for r in rejected.reasons), rejected.reasons
    kept = _verdict(faithful, *cited)
    assert kept.supported, kept.reasons


def test_a_done_event_cannot_become_planned_but_planned_may_be_reworded() -> None:
    claim = "The new rail bridge over the Lessa is set to open in May, the transport ministry said."
    opened = "The new rail bridge over the Lessa opened in May, the transport ministry said."
    verdict = _verdict(claim, opened)
    assert not verdict.supported
    assert any("adds future or conditional" in r for r in verdict.reasons), verdict.reasons
    # "set to" and "due to" both give a plan: the same claim rests on the planned opening.
    verdict = _verdict(claim, BRIDGE)
    assert verdict.supported, verdict.reasons


def test_against_is_a_stance_but_a_count_of_votes_against_is_not() -> None:
    voted = "The council voted 30 to 12 on Tuesday to build a new tram line to the airport."
    assert not _verdict("The council voted against building a new tram line to the airport.", voted).supported
    tally = "The assembly approved the budget by 48 votes to 21 on Thursday."
    verdict = _verdict("With 48 votes in favour and 21 against, the assembly approved the budget.", tally)
    assert not any("'against'" in r for r in verdict.reasons), verdict.reasons


def test_a_verbatim_copy_is_kept_without_parsing() -> None:
    verdict = _verdict(CUP, CUP)
    assert verdict.supported, verdict.reasons


def test_without_a_parser_only_the_lexical_checks_run() -> None:
    lexical = Verifier(VerifierConfig(spacy_model=None))
    swapped = "Northgate beat Easton Rovers 3-1 in the cup final on Sunday."
    # The same words in another order: only the parse can tell, so without it the sentence passes.
    assert _verdict(swapped, CUP, verifier=lexical).supported
    assert not _verdict(swapped, CUP).supported


class _WordCountEmbedder:
    """A real, tiny embedder: unit vectors of hashed lower-case word counts (no model needed)."""

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        rows = np.zeros((len(texts), 256), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                rows[row, zlib.crc32(word.strip('.,"').encode()) % 256] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1, norms)


def test_the_similarity_check_drops_a_sentence_far_from_what_it_cites() -> None:
    backend = EmbeddingSimilarity(_WordCountEmbedder())
    near = backend.similarity("Easton Rovers beat Northgate in the cup final.", [CUP])
    far = backend.similarity("Rovers beat Northgate.", ["Tax receipts in Lorvia rose sharply in March."])
    assert near > 0.5 > far
    strict = Verifier(VerifierConfig(min_similarity=0.99), similarity=backend)
    paraphrase = "Easton Rovers won the cup final 3-1 against Northgate on Sunday."
    verdict = _verdict(paraphrase, CUP, verifier=strict)
    assert not verdict.supported
    assert any("far from the cited material" in r for r in verdict.reasons), verdict.reasons
    lenient = Verifier(VerifierConfig(min_similarity=0.3), similarity=backend)
    verdict = _verdict(paraphrase, CUP, verifier=lenient)
    assert verdict.supported, verdict.reasons
    assert verdict.similarity is not None and verdict.similarity < 1.0


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


def test_a_weekday_may_be_written_as_its_date_but_not_as_another() -> None:
    """Cited reports are published on Monday 2 March 2026 (the labelled set's default): their "on
    Sunday" is 1 March, and "reopens on Thursday" is 5 March."""
    reopened = "The Kessel bridge reopened to traffic on Sunday after six weeks of repairs, the city said."
    assert _verdict("The Kessel bridge reopened to traffic on 1 March, the city said.", reopened).supported
    assert _verdict(
        "The Kessel bridge reopened on March 1, 2026 after six weeks of repairs.", reopened
    ).supported
    wrong = _verdict("The Kessel bridge reopened to traffic on 2 March, the city said.", reopened)
    assert not wrong.supported and any("2" in r for r in wrong.reasons), wrong.reasons
    ahead = "The city said the Kessel bridge reopens to traffic on Thursday after six weeks of repairs."
    assert _verdict("The Kessel bridge reopens to traffic on 5 March, the city said.", ahead).supported
    assert not _verdict("The Kessel bridge reopens to traffic on 6 March, the city said.", ahead).supported
