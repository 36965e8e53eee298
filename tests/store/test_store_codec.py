"""The JSON codec gives back records equal to those encoded, through real JSON text."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from wirebrief.errors import InputError
from wirebrief.records import (
    BriefPart,
    Citation,
    DedupeDecision,
    DedupeStatus,
    EntityKind,
    IptcTopic,
    Stakeholder,
)
from wirebrief.store import codec


def _through_text(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data, ensure_ascii=False))


def _samples(make) -> list[tuple[object, Any]]:
    article = make.article("a1", "Ünïcödé text — “quoted”.", family="fam-1", byline=None)
    story = make.story("s1", article, make.article("a2", hours=2))
    extraction = make.extraction(article)
    brief = make.brief(story, version=4)
    return [
        (article, codec.article_from_json),
        (
            DedupeDecision("a2", DedupeStatus.NEAR_DUPLICATE, "fam-1", "a1", 0.875),
            codec.dedupe_decision_from_json,
        ),
        (story, codec.story_from_json),
        (extraction.sentences[0], codec.report_sentence_from_json),
        (extraction.mentions[1], codec.mention_from_json),
        (extraction.quotes[0], codec.quote_from_json),
        (extraction, codec.extraction_from_json),
        (make.entity(), codec.entity_from_json),
        (make.fact(), codec.fact_from_json),
        (replace(make.fact(), as_of=None, value_label=None), codec.fact_from_json),
        (IptcTopic("medtop:16000000", "conflict, war and peace"), codec.iptc_topic_from_json),
        (make.categories()[0], codec.category_score_from_json),
        (Citation("fact", "fact-1"), codec.citation_from_json),
        (brief.sentences[3], codec.brief_sentence_from_json),
        (
            Stakeholder("Travel desk", "Plans staff travel", ("IQ",), (EntityKind.COUNTRY,), ("conflict",)),
            codec.stakeholder_from_json,
        ),
        (brief.support.verdicts[1], codec.verdict_from_json),
        (brief.support, codec.support_report_from_json),
        (brief, codec.brief_from_json),
        (replace(brief, support=None, metadata={}, version=None), codec.brief_from_json),
    ]


def test_every_record_round_trips_through_json_text(make) -> None:
    for record, decode in _samples(make):
        data = codec.to_json(record)
        assert isinstance(data, dict)
        decoded = decode(_through_text(data))
        assert decoded == record, type(record).__name__
        assert type(decoded) is type(record)


def test_nested_values_come_back_with_their_types(make) -> None:
    brief = make.brief(make.story("s1", make.article("a1")))
    decoded = codec.brief_from_json(_through_text(codec.to_json(brief)))
    assert isinstance(decoded.sentences, tuple)
    assert decoded.sentences[0].part is BriefPart.TITLE
    assert isinstance(decoded.sentences[0].citations[0], Citation)
    assert decoded.categories[0].score == 0.1 + 0.2  # floats are exact
    assert decoded.as_of.tzinfo is not None


def test_times_keep_their_offset(make) -> None:
    offset = timezone(timedelta(hours=-4))
    article = make.article("a1", published=datetime(2025, 3, 1, 4, 0, tzinfo=offset))
    data = codec.to_json(article)
    assert data["published"] == "2025-03-01T04:00:00-04:00"
    decoded = codec.article_from_json(data)
    assert decoded.published == datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    assert decoded.published.utcoffset() == timedelta(hours=-4)


def test_lists_of_records_and_tuples_of_scores(make) -> None:
    scores = make.categories()
    assert codec.category_scores_from_json(_through_text({"x": codec.to_json_list(scores)})["x"]) == scores
    citations = (Citation("sentence", "a1#s0"), Citation("fact", "f"))
    assert codec.citations_from_json(codec.to_json_list(citations)) == citations


def test_invalid_data_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"not a valid BriefSentence \(part: "):
        codec.brief_sentence_from_json({"part": "epilogue", "text": "x", "citations": []})
    with pytest.raises(InputError, match="not a valid Citation"):
        codec.citation_from_json({"kind": "rumour", "ref": "x"})
    with pytest.raises(TypeError, match="is not a record"):
        codec.to_json("just a string")


def test_the_content_hash_ignores_only_the_version(make) -> None:
    brief = make.brief(make.story("s1", make.article("a1")))
    same = codec.brief_content_hash(brief)
    assert codec.brief_content_hash(replace(brief, version=9)) == same
    assert codec.brief_content_hash(replace(brief, writer="llm")) != same
    changed = replace(brief.sentences[0], text="Border closure, day two")
    assert codec.brief_content_hash(replace(brief, sentences=(changed, *brief.sentences[1:]))) != same
    reordered_metadata = replace(brief, metadata=dict(reversed(list(brief.metadata.items()))))
    assert codec.brief_content_hash(reordered_metadata) == same  # a mapping has no order
