"""A story's categories from its reports' categories."""

from __future__ import annotations

from wirebrief.classify import Classifier, aggregate, load_taxonomy
from wirebrief.records import CategoryScore, IptcTopic
from wirebrief.settings import Settings


def _score(slug: str, score: float, *evidence: str) -> CategoryScore:
    category = load_taxonomy().category(slug)
    return CategoryScore(slug, category.label, score, category.iptc, evidence)


def test_mean_over_reports_with_missing_counting_zero() -> None:
    reports = [
        (_score("war-and-conflicts", 0.9, "troops", "shelling"), _score("humanitarian-aid", 0.6, "aid")),
        (_score("war-and-conflicts", 0.7, "shelling", "army"),),
    ]
    story = aggregate(reports, threshold=0.3)
    assert [(s.slug, s.score) for s in story] == [("war-and-conflicts", 0.8), ("humanitarian-aid", 0.3)]
    assert story[0].iptc[0] == IptcTopic("medtop:16000000", "conflict, war and peace")
    assert story[0].evidence[0] == "shelling"  # shared by both reports, so first


def test_a_category_one_report_of_many_mentions_does_not_pass() -> None:
    reports = (
        [(_score("sports", 0.8, "goal"),)]
        + [(_score("terrorism", 0.5, "bomb"), _score("sports", 0.8))]
        + [(_score("sports", 0.7, "match"),)] * 3
    )
    slugs = [s.slug for s in aggregate(reports, threshold=0.3)]
    assert slugs == ["sports"]


def test_nothing_passing_gives_general_news_with_the_reason() -> None:
    reports = [(_score("general-news", 0.9, "no topic keywords found"),), (_score("energy", 0.4, "oil"),)]
    story = aggregate(reports, threshold=0.3)
    assert [s.slug for s in story] == ["general-news"]
    assert "energy" in story[0].evidence[0]
    assert 0.0 <= story[0].score <= 1.0


def test_no_reports_no_categories() -> None:
    assert aggregate([]) == ()


def test_aggregate_is_order_independent_and_sorted() -> None:
    a = (_score("politics", 0.6, "parliament"), _score("elections", 0.5, "voters"))
    b = (_score("elections", 0.9, "ballot"), _score("politics", 0.4, "minister"))
    forward, backward = aggregate([a, b]), aggregate([b, a])
    assert [(s.slug, s.score) for s in forward] == [(s.slug, s.score) for s in backward]
    assert list(forward) == sorted(forward, key=lambda s: (-s.score, s.slug))


def test_classifier_aggregate_on_real_reports() -> None:
    classifier = Classifier(Settings())
    first = (
        "Voters queued at polling stations as the campaign ended, with polls showing the candidates level."
    )
    second = "Turnout was high in the election, and the count begins tonight in every constituency."
    reports = [
        classifier.classify("Polls open in tight race", first),
        classifier.classify("Turnout high", second),
    ]
    story = classifier.aggregate(reports)
    assert story[0].slug == "elections"
    assert story[0].evidence
