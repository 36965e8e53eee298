"""Which entities a story is about (and so which bring reference records), and how records rank."""

from __future__ import annotations

from datetime import UTC, datetime

from wirebrief.enrich import salient_entities
from wirebrief.records import Article, Extraction, Mention, ReportSentence, content_hash


def _report(
    article_id: str, outlet: str, sentences: list[str], names: dict[str, str]
) -> tuple[Article, Extraction]:
    text = " ".join(sentences)
    article = Article(
        id=article_id,
        outlet=outlet,
        title=sentences[0],
        text=text,
        published=datetime(2026, 11, 22, 9, tzinfo=UTC),
        language="en",
        content_hash=content_hash(text),
        source="test",
    )
    parts = tuple(
        ReportSentence(ReportSentence.make_id(article_id, i), article_id, i, t)
        for i, t in enumerate(sentences)
    )
    mentions = tuple(
        Mention(s.id, article_id, name, "GPE", s.text.index(name), s.text.index(name) + len(name), entity)
        for s in parts
        for name, entity in names.items()
        if name in s.text
    )
    return article, Extraction(article_id, parts, mentions)


NAMES = {"Wellington": "geonames:2179537", "Nelson": "geonames:2179670", "Australian": "iso3166:AU"}


def test_an_entity_named_in_a_lead_or_by_two_sources_is_salient_one_named_once_in_passing_is_not() -> None:
    first = _report(
        "a-1",
        "Harbour Ledger",
        [
            "Tasman Rovers won the cup final in Wellington on Sunday.",
            "The crowd of 11,400 was a record for the competition.",
            "The captain, linked with a move to an Australian club, said he would decide over the summer.",
        ],
        NAMES,
    )
    second = _report(
        "a-2",
        "Pacific Signal",
        [
            "Hundreds of fans welcomed the cup winners home on Monday.",
            "The players arrived by bus just after 10 a.m.",
            "They paraded the trophy around Trafalgar Park in Nelson.",
        ],
        NAMES,
    )
    third = _report(
        "a-3",
        "Coast Post",
        [
            "The club said it would hold an open training session next week.",
            "Season tickets for next year go on sale in Nelson in December.",
        ],
        NAMES,
    )
    reports = [first, second, third]
    salient = salient_entities([e for _, e in reports], {a.id: a for a, _ in reports})
    # Wellington: in a lead. Nelson: in two independent reports. "Australian": once, in passing.
    assert salient == {"geonames:2179537", "geonames:2179670"}


def test_copies_of_one_report_are_one_source() -> None:
    """Two copies of a wire report (one syndication family) do not make a passing mention salient."""
    from dataclasses import replace

    article, extraction = _report(
        "a-1",
        "Harbour Ledger",
        ["The cup final was played on Sunday.", "A fan said.", "The captain may move to an Australian club."],
        NAMES,
    )
    copy, copy_extraction = _report(
        "a-2",
        "Coast Post",
        ["The cup final was played on Sunday.", "A fan said.", "The captain may move to an Australian club."],
        NAMES,
    )
    copy = replace(copy, family=article.id)
    article = replace(article, family=article.id)
    salient = salient_entities([extraction, copy_extraction], {article.id: article, copy.id: copy})
    assert salient == set()
