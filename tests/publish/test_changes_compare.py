"""`wirebrief.publish.changes` on briefs and records built here."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from wirebrief.errors import NotFoundError
from wirebrief.publish.changes import (
    choose_versions,
    cited_fact_ids,
    compare_briefs,
    figures,
)
from wirebrief.records import (
    Article,
    Brief,
    BriefPart,
    BriefSentence,
    CategoryScore,
    Citation,
    Fact,
    content_hash,
)


def _article(article_id: str, hour: int, outlet: str = "Wire") -> Article:
    text = f"Report {article_id}."
    return Article(
        id=article_id,
        outlet=outlet,
        title=f"Title {article_id}",
        text=text,
        published=datetime(2026, 11, 20, hour, tzinfo=UTC),
        language="en",
        content_hash=content_hash(text),
        source="test",
    )


def _fact(fact_id: str, value: str, predicate: str = "advisory level") -> Fact:
    return Fact(
        id=fact_id,
        subject_id="Q1",
        subject_name="Valdora",
        predicate=predicate,
        value=value,
        issuer="Test Office",
        source_url="https://tests.example/advice",
        as_of=date(2026, 11, 1),
        retrieved_at=date(2026, 11, 20),
        statement=f"Test Office rates Valdora at level {value}.",
        provider="test",
    )


def _sentence(part: BriefPart, text: str, *refs: str) -> BriefSentence:
    citations = tuple(Citation("fact" if ref.startswith("f-") else "sentence", ref) for ref in refs)
    return BriefSentence(part=part, text=text, citations=citations)


def _brief(
    version: int,
    as_of: datetime,
    sentences: tuple[BriefSentence, ...],
    categories: tuple[CategoryScore, ...],
    reports: int,
) -> Brief:
    return Brief(
        story_id="s-1",
        story_version=f"sv-{version}",
        sentences=sentences,
        categories=categories,
        as_of=as_of,
        writer="test",
        report_count=reports,
        independent_sources=reports,
        version=version,
    )


DISASTER = CategoryScore("disaster", "Disaster and accidents", 0.9)
POLITICS = CategoryScore("politics", "Politics", 0.5)
WEATHER = CategoryScore("weather", "Weather", 0.6)

OLD = _brief(
    1,
    datetime(2026, 11, 20, 11, tzinfo=UTC),  # its newest report: a2
    (
        _sentence(BriefPart.TITLE, "Floods in Valdora kill 9", "a1#title"),
        _sentence(BriefPart.ARTICLE, "Rescuers evacuated 1,200 residents from Calvino.", "a1#1"),
        _sentence(BriefPart.ARTICLE, "The governor declared a state of emergency.", "a2#2"),
        _sentence(BriefPart.INSIGHT, "Valdora is at advisory level 2.", "f-old-level"),
        _sentence(BriefPart.INSIGHT, "Valdora's capital is Calvino.", "f-capital"),
    ),
    (DISASTER, POLITICS),
    reports=2,
)
NEW = _brief(
    2,
    datetime(2026, 11, 20, 20, tzinfo=UTC),  # its newest report: a3
    (
        _sentence(BriefPart.TITLE, "Floods in Valdora kill 14", "a3#title"),
        _sentence(BriefPart.ARTICLE, "Rescuers evacuated 2,500 residents from Calvino.", "a3#1"),
        _sentence(BriefPart.ARTICLE, "The governor declared a state of emergency.", "a2#2"),
        _sentence(BriefPart.ARTICLE, "The river receded on Friday after 3 days.", "a3#2"),
        _sentence(BriefPart.INSIGHT, "Valdora is at advisory level 3.", "f-new-level"),
        _sentence(BriefPart.INSIGHT, "Valdora has 40 dams.", "f-dams"),
    ),
    (DISASTER, WEATHER),
    reports=3,
)
FACTS = {
    "f-old-level": _fact("f-old-level", "2"),
    "f-new-level": _fact("f-new-level", "3"),
    "f-capital": _fact("f-capital", "Calvino", predicate="capital"),
    "f-dams": _fact("f-dams", "40", predicate="dams"),
}
ARTICLES = [_article("a1", 8), _article("a2", 11, outlet="Herald"), _article("a3", 20, outlet="Gazette")]


def test_figures_reads_numbers_with_separators_and_percent() -> None:
    assert figures("Toll rises to 14; 1,200 evacuated, rate 6.5 % or 3.2%.") == (
        "14",
        "1,200",
        "6.5%",
        "3.2%",
    )
    assert figures("No numbers here, COVID-19 aside.") == ()


def test_new_reports_are_those_published_between_the_two_briefs() -> None:
    later = _article("a4", 22)  # after the newer brief: not part of it
    changes = compare_briefs(OLD, NEW, articles=[*ARTICLES, later], facts=FACTS)
    assert [(r.article_id, r.outlet, r.title) for r in changes.new_reports] == [("a3", "Gazette", "Title a3")]
    assert (changes.from_report_count, changes.to_report_count) == (2, 3)
    assert changes.story_changed


def test_new_and_removed_facts_by_id_with_their_statements() -> None:
    changes = compare_briefs(OLD, NEW, articles=ARTICLES, facts=FACTS)
    assert [(f.fact_id, f.statement) for f in changes.new_facts] == [
        ("f-new-level", "Test Office rates Valdora at level 3."),
        ("f-dams", "Test Office rates Valdora at level 40."),
    ]
    assert [f.fact_id for f in changes.removed_facts] == ["f-old-level", "f-capital"]


def test_a_fact_no_longer_stored_is_shown_by_its_id() -> None:
    changes = compare_briefs(OLD, NEW, articles=ARTICLES, facts={})
    assert [(f.fact_id, f.statement) for f in changes.removed_facts][1] == ("f-capital", "f-capital")


def test_changed_figures_pair_sentences_whose_wording_is_the_same() -> None:
    changes = compare_briefs(OLD, NEW, articles=ARTICLES, facts=FACTS)
    found = {(c.where, c.old_figures, c.new_figures) for c in changes.changed_figures}
    assert found == {
        ("title", ("9",), ("14",)),
        ("article", ("1,200",), ("2,500",)),
        ("insight", ("2",), ("3",)),  # the advisory sentence
        ("fact advisory level", ("2",), ("3",)),  # the cited fact's value
    }
    # A new sentence with a number but no older counterpart is not a changed figure.
    assert not any("3 days" in c.new_text for c in changes.changed_figures)


def test_categories_gained_and_lost() -> None:
    changes = compare_briefs(OLD, NEW, articles=ARTICLES, facts=FACTS)
    assert [c.slug for c in changes.new_categories] == ["weather"]
    assert [c.slug for c in changes.removed_categories] == ["politics"]


def test_a_brief_compared_with_itself_has_no_changes() -> None:
    changes = compare_briefs(OLD, OLD, articles=ARTICLES, facts=FACTS)
    assert not changes.has_changes
    assert not changes.story_changed


def test_briefs_of_two_stories_are_refused() -> None:
    other = replace(NEW, story_id="s-2")
    with pytest.raises(ValueError, match="two stories"):
        compare_briefs(OLD, other, articles=ARTICLES, facts=FACTS)


def test_cited_fact_ids_in_citation_order() -> None:
    assert cited_fact_ids(NEW) == ("f-new-level", "f-dams")


def test_choose_versions_defaults_to_the_latest_two() -> None:
    assert choose_versions([1, 2, 3], None, None) == (2, 3)
    assert choose_versions([1, 2, 3], 1, None) == (1, 3)
    assert choose_versions([1, 2, 3], None, 2) == (1, 2)
    assert choose_versions([1], None, None) is None
    with pytest.raises(NotFoundError, match="no brief version 7"):
        choose_versions([1, 2], 7, None)
    with pytest.raises(ValueError, match="older"):
        choose_versions([1, 2], 2, 1)


def test_a_count_told_in_new_words_is_a_changed_figure() -> None:
    """12 dead in one version, 17 in the next, in sentences too different to pair: still a change."""
    old = replace(
        OLD,
        sentences=(
            _sentence(BriefPart.TITLE, "Ferry capsizes off Romblon", "a1#title"),
            _sentence(BriefPart.ARTICLE, "At least 12 people were killed when the ferry capsized.", "a1#1"),
        ),
    )
    new = replace(
        NEW,
        sentences=(
            _sentence(BriefPart.TITLE, "Ferry capsizes off Romblon", "a1#title"),
            _sentence(
                BriefPart.ARTICLE,
                "The coast guard said on Thursday the toll had risen: 17 people died.",
                "a3#1",
            ),
        ),
    )
    changes = compare_briefs(old, new, articles=ARTICLES, facts=FACTS)
    (count,) = [c for c in changes.changed_figures if c.where == "dead count"]
    assert (count.old_figures, count.new_figures) == (("12",), ("17",))
