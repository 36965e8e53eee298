"""Extraction parses without attribute_ruler and lemmatizer: what it finds equals the full pipeline's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wirebrief.extract.nlp import SKIPPED_IN_EXTRACTION, SkippedAttributes, load_pipeline
from wirebrief.extract.quotes import find_quotes
from wirebrief.settings import Settings

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "wirebrief" / "samples" / "news" / "reports.jsonl"
QUOTED = (
    '"We will not stand by while our people are attacked," Prime Minister Mohammed Shia al-Sudani said on '
    'Tuesday. The ministry told reporters: "The border crossings are closed until further notice." '
    '"Supplies are running low in every district," according to the Red Crescent.\n\n'
    '"It is a mistake," he warned. Officials have denied that "any soldier crossed the line," and '
    'the governor, writing on X, insisted: "Nobody was hurt in the strike near the airport."\n'
    'There are "legitimate targets" everywhere, the spokesman says. SAYS the statement: "no talks now".'
)


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_pipeline(Settings().spacy_model)


def texts() -> list[str]:
    with SAMPLES.open(encoding="utf-8") as lines:
        return [QUOTED, *(json.loads(line)["text"] for line in lines)]


def _after_expletive(token: Any) -> bool:
    # attribute_ruler's two-token rule: "is"/"are"/... after an expletive "there" is a VERB, not AUX.
    return token.i > 0 and token.doc[token.i - 1].dep_ == "expl"


def test_skipped_attributes_equal_those_of_the_full_pipeline_on_every_token(nlp: Any) -> None:
    skipped = [name for name in SKIPPED_IN_EXTRACTION if name in nlp.pipe_names]
    assert skipped, "the model has the components extraction skips"
    attributes = SkippedAttributes(nlp, skipped)
    compared = 0
    for full, reduced in zip(nlp.pipe(texts()), nlp.pipe(texts(), disable=skipped), strict=True):
        assert [(e.start, e.end, e.label_, e.ent_id_) for e in full.ents] == [
            (e.start, e.end, e.label_, e.ent_id_) for e in reduced.ents
        ]
        assert [(s.start, s.end) for s in full.sents] == [(s.start, s.end) for s in reduced.sents]
        for whole, part in zip(full, reduced, strict=True):
            assert part.lemma_ == "" or part.pos_ == ""  # the reduced parse really lacks them
            if _after_expletive(whole):
                continue
            assert attributes(part) == (whole.pos_, whole.lemma_, whole.dep_), whole.text
            compared += 1
    assert compared > 1000


def test_quotes_and_speakers_equal_those_found_on_the_full_parse(nlp: Any) -> None:
    skipped = [name for name in SKIPPED_IN_EXTRACTION if name in nlp.pipe_names]
    attributes = SkippedAttributes(nlp, skipped)
    full_quotes = [list(find_quotes(doc)) for doc in nlp.pipe(texts())]
    reduced_quotes = [
        list(find_quotes(doc, attributes, text))
        for doc, text in zip(nlp.pipe(texts(), disable=skipped), texts(), strict=True)
    ]
    assert reduced_quotes == full_quotes
    speakers = {q.text: q.speaker for q in full_quotes[0]}
    assert speakers["We will not stand by while our people are attacked"] == "Mohammed Shia al-Sudani"
    assert speakers["It is a mistake"] is None  # a pronoun names no one
    assert sum(q.speaker is not None for quotes in full_quotes for q in quotes) >= 3
