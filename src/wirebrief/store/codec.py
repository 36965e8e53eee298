"""A lossless JSON codec for the records of ``wirebrief.records``.

``to_json`` turns a record into plain JSON data: dicts, lists, strings,
numbers, booleans and None. Times become ISO 8601 strings with their offset, dates ``YYYY-MM-DD``,
enums their value, tuples lists. The ``*_from_json`` functions are the typed way back; each gives a
record equal to the one encoded. pydantic does the work from the records' own type hints, so a field
added to a record is covered without touching this module.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from wirebrief.errors import InputError
from wirebrief.records import (
    Article,
    Brief,
    BriefSentence,
    CategoryScore,
    Citation,
    DedupeDecision,
    Entity,
    Extraction,
    Fact,
    IptcTopic,
    Mention,
    Quote,
    ReportSentence,
    Stakeholder,
    Story,
    SupportReport,
    Verdict,
)

RecordT = TypeVar("RecordT")


# Building an adapter inspects the type hints once; keep one per type.
_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(record_type: Any) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(record_type)
    if adapter is None:
        adapter = _ADAPTERS[record_type] = TypeAdapter(record_type)
    return adapter


def to_json(record: object) -> dict[str, Any]:
    """JSON data for one record (a dataclass of ``wirebrief.records``)."""
    data = _adapter(type(record)).dump_python(record, mode="json")
    if not isinstance(data, dict):
        raise TypeError(f"{type(record).__name__} is not a record")
    return data


def to_json_list(records: Iterable[object]) -> list[dict[str, Any]]:
    """JSON data for several records, in order."""
    return [to_json(record) for record in records]


def from_json(record_type: type[RecordT], data: Any, *, location: str = "JSON record") -> RecordT:
    """The record of ``record_type`` that ``data`` encodes; ``InputError`` when it does not fit."""
    try:
        record: RecordT = _adapter(record_type).validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or record_type.__name__
        raise InputError(location, f"not a valid {record_type.__name__} ({where}: {first['msg']})") from exc
    return record


def canonical_json(data: Any) -> str:
    """One text for one value: sorted keys, no spaces, unescaped Unicode."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def brief_content_hash(brief: Brief) -> str:
    """Hash of a brief's content: everything but the version the store assigns."""
    payload = canonical_json(to_json(replace(brief, version=None)))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def article_from_json(data: Any) -> Article:
    return from_json(Article, data)


def dedupe_decision_from_json(data: Any) -> DedupeDecision:
    return from_json(DedupeDecision, data)


def story_from_json(data: Any) -> Story:
    return from_json(Story, data)


def report_sentence_from_json(data: Any) -> ReportSentence:
    return from_json(ReportSentence, data)


def mention_from_json(data: Any) -> Mention:
    return from_json(Mention, data)


def quote_from_json(data: Any) -> Quote:
    return from_json(Quote, data)


def extraction_from_json(data: Any) -> Extraction:
    return from_json(Extraction, data)


def entity_from_json(data: Any) -> Entity:
    return from_json(Entity, data)


def fact_from_json(data: Any) -> Fact:
    return from_json(Fact, data)


def iptc_topic_from_json(data: Any) -> IptcTopic:
    return from_json(IptcTopic, data)


def category_score_from_json(data: Any) -> CategoryScore:
    return from_json(CategoryScore, data)


def category_scores_from_json(data: Any) -> tuple[CategoryScore, ...]:
    return from_json(tuple[CategoryScore, ...], data)


def citation_from_json(data: Any) -> Citation:
    return from_json(Citation, data)


def citations_from_json(data: Any) -> tuple[Citation, ...]:
    return from_json(tuple[Citation, ...], data)


def brief_sentence_from_json(data: Any) -> BriefSentence:
    return from_json(BriefSentence, data)


def stakeholder_from_json(data: Any) -> Stakeholder:
    return from_json(Stakeholder, data)


def verdict_from_json(data: Any) -> Verdict:
    return from_json(Verdict, data)


def support_report_from_json(data: Any) -> SupportReport:
    return from_json(SupportReport, data)


def brief_from_json(data: Any) -> Brief:
    return from_json(Brief, data)


__all__ = [
    "article_from_json",
    "brief_content_hash",
    "brief_from_json",
    "brief_sentence_from_json",
    "canonical_json",
    "category_score_from_json",
    "category_scores_from_json",
    "citation_from_json",
    "citations_from_json",
    "dedupe_decision_from_json",
    "entity_from_json",
    "extraction_from_json",
    "fact_from_json",
    "from_json",
    "iptc_topic_from_json",
    "mention_from_json",
    "quote_from_json",
    "report_sentence_from_json",
    "stakeholder_from_json",
    "story_from_json",
    "support_report_from_json",
    "to_json",
    "to_json_list",
    "verdict_from_json",
]
