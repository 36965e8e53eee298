"""`wirebrief eval editorial`'s measures of a brief's top: title, headline and opening sentences."""

from __future__ import annotations

from typing import Any

import pytest

from wirebrief.evaluation.editorial import measure_brief, summarise_figures
from wirebrief.evaluation.editorial_lines import (
    availability_line,
    has_finite_verb,
    leans_back,
    starts_mid_argument,
    unintroduced_subject,
)


def _export(
    title: str, headline: str, article: list[str], stakeholder: list[str] | None = None
) -> dict[str, Any]:
    return {
        "story_id": "s1",
        "event_title": {"text": title, "citations": ["sentence:a"]},
        "headline": {"text": headline, "citations": ["sentence:b"]},
        "article": [[{"text": t, "citations": ["sentence:x"]} for t in article]],
        "insights": [],
        "stakeholders": (
            [
                {
                    "name": "Travellers",
                    "sentences": [{"text": t, "citations": ["sentence:y"]} for t in stakeholder],
                }
            ]
            if stakeholder
            else []
        ),
        "sources": {},
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("BBC News has clips of the crash", True),
        ("Watch: the moment the bridge collapsed", True),
        ("Photo credit: Reuters", True),
        ("Police release video of the suspect's arrest", False),
        ("Reserve Bank cuts repo rate to 6.50 percent", False),
    ],
)
def test_availability_and_credit_lines(line: str, expected: bool) -> None:
    assert availability_line(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("But the council voted against the plan.", True),
        ("Also, the mayor resigned on Monday.", True),
        ("In addition, the hospital treated 40 people.", True),
        ("The ruling was overturned on appeal, however.", True),
        ("Too many reports of users having battery problems.", False),  # "too many" is no connective
        ("The council voted against the plan.", False),
    ],
)
def test_lines_that_start_mid_argument(line: str, expected: bool) -> None:
    assert starts_mid_argument(line) is expected


def test_openings_that_lean_back_and_unintroduced_subjects() -> None:
    assert leans_back("He said the talks would resume on Monday.")
    assert leans_back("This comes after a week of protests.")
    assert not leans_back("This week, the council voted against the plan.")
    assert unintroduced_subject("The suspects were detained in a raid.", "Drones shot down near air base")
    assert not unintroduced_subject("The suspects were detained in a raid.", "Police arrest three suspects")
    assert not unintroduced_subject("The ferry capsized off Romblon.", "Ferry capsizes off Romblon")


def test_finite_verbs() -> None:
    assert has_finite_verb("Navy destroyer collides with merchant ship")
    assert has_finite_verb("Reserve Bank cuts repo rate")
    assert not has_finite_verb("Kira Grunberg in action last year.")
    assert not has_finite_verb("The cabin of a Qatar Airways plane.")


def test_the_top_of_a_brief_is_measured_and_summed() -> None:
    bad = measure_brief(
        _export(
            "BBC News has clips",
            "Additionally, the minister resigned.",
            ["He said the talks had failed.", "The talks in Geneva had failed by Sunday."],
            stakeholder=["Her injuries have left her unable to travel."],
        )
    )
    assert bad.availability_titles == ["BBC News has clips"]
    assert bad.mid_argument_headlines == ["Additionally, the minister resigned."]
    assert bad.leaning_openings == [
        "He said the talks had failed.",
        "Her injuries have left her unable to travel.",
    ]
    assert bad.hard_defects == 4
    good = measure_brief(
        _export(
            "Foreign minister resigns after Geneva talks",
            "The talks in Geneva collapsed on Sunday after a week",
            ["The talks in Geneva collapsed on Sunday, the foreign ministry said."],
        )
    )
    assert good.hard_defects == 0 and good.titles_without_verb == [] and good.unintroduced_openings == []
    figures = summarise_figures([bad, good])
    assert (figures.availability_titles, figures.mid_argument_headlines, figures.leaning_openings) == (
        1,
        1,
        2,
    )
