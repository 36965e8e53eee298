"""Classifier behaviour on short reports written for these tests."""

from __future__ import annotations

import pytest

from wirebrief.classify import Classifier, load_taxonomy
from wirebrief.records import CategoryScore
from wirebrief.settings import Settings

WAR = (
    "Troops push towards the capital as shelling intensifies",
    "Artillery shelling hit the frontline town overnight as troops pushed to retake the ridge. The army said "
    "its soldiers had destroyed rocket launchers, while rebel fighters claimed to have shot down two drones. "
    "Dozens of civilians were reported wounded in the fighting, and talk of a ceasefire has faded.",
)
FOOTBALL = (
    "Late winner sends United top of the league",
    "A stoppage-time goal from the captain gave the home side a 2-1 win over the champions on Saturday. "
    "The striker had missed a penalty in the first half before the goalkeeper's save kept the match level. "
    "The manager praised his players, and the fans stayed in the stadium long after the final whistle.",
)
EMPTY_ISH = ("Update", "More to follow.")


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(Settings())


def test_a_war_report_is_war_and_conflicts(classifier: Classifier) -> None:
    assert classifier.classify(*WAR)[0].slug == "war-and-conflicts"


def test_a_football_report_is_sports(classifier: Classifier) -> None:
    scores = classifier.classify(*FOOTBALL)
    assert scores[0].slug == "sports"
    assert scores[0].iptc[0].code == "medtop:15000000"


def test_empty_ish_text_is_general_news_alone(classifier: Classifier) -> None:
    for title, text in (EMPTY_ISH, ("", ""), ("Weather", "It was a quiet day in the village.")):
        scores = classifier.classify(title, text)
        assert [s.slug for s in scores] == ["general-news"], (title, scores)
        assert scores[0].evidence  # says why: nothing, or what came closest


def test_scores_are_in_unit_range_sorted_and_above_threshold(classifier: Classifier) -> None:
    for title, text in (WAR, FOOTBALL, EMPTY_ISH):
        scores = classifier.classify(title, text)
        assert all(0.0 <= s.score <= 1.0 for s in scores)
        assert list(scores) == sorted(scores, key=lambda s: (-s.score, s.slug))
        if scores[0].slug != "general-news":
            assert all(s.score >= classifier.threshold for s in scores)


def test_classification_is_deterministic(classifier: Classifier) -> None:
    first = classifier.classify(*WAR)
    assert classifier.classify(*WAR) == first
    assert Classifier(Settings()).classify(*WAR) == first


def test_a_report_can_carry_several_categories() -> None:
    title = "Aid convoys reach refugees fleeing the fighting"
    text = (
        "Aid agencies delivered food and medical supplies to thousands of refugees who fled the shelling. "
        "The army and rebel forces fought for a third day near the border, and the UN warned of famine "
        "as humanitarian access remained blocked by the fighting."
    )
    slugs = [s.slug for s in Classifier(Settings(classify_threshold=0.2)).classify(title, text)]
    assert {"humanitarian-aid", "war-and-conflicts"} <= set(slugs)


def test_top_categories_carry_evidence_terms_found_in_the_report(classifier: Classifier) -> None:
    title, text = WAR
    for score in classifier.classify(title, text):
        assert score.evidence
        for term in score.evidence:
            assert term.lower() in f"{title} {text}".lower()


def test_explain_gives_terms_and_the_best_sentence(classifier: Classifier) -> None:
    title, text = FOOTBALL
    explanations = classifier.explain(title, text, top=2)
    top = explanations[0]
    assert top.slug == "sports" and top.terms and top.sentence
    assert top.sentence in f"{title} {text}"
    assert top.mass >= sum(t.contribution for t in top.terms) - 1e-9
    assert "sports" in top.describe()


def test_higher_threshold_never_adds_categories() -> None:
    low = Classifier(Settings(classify_threshold=0.1)).classify(*WAR)
    high = Classifier(Settings(classify_threshold=0.6)).classify(*WAR)
    assert {s.slug for s in high} <= {s.slug for s in low}


def test_each_category_recognises_its_own_examples(classifier: Classifier) -> None:
    for category in load_taxonomy().categories:
        if category.slug == "general-news":
            continue
        scores = classifier.classify("", " ".join(category.examples))
        assert category.slug in [s.slug for s in scores[:2]], (category.slug, scores)


def test_case_sensitive_entries_keep_proper_names_apart(classifier: Classifier) -> None:
    party = classifier.classify("Labour", "Labour MPs voted with the government on the bill in parliament.")
    assert party[0].slug == "politics"
    work = classifier.classify(
        "", "Farms face a labour shortage as workers demand higher wages and the unions threaten a strike."
    )
    assert work[0].slug == "labour"


def test_scores_are_category_scores_with_labels_and_iptc(classifier: Classifier) -> None:
    for score in classifier.classify(*WAR):
        assert isinstance(score, CategoryScore)
        assert score.label and score.iptc
