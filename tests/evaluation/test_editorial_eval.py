"""`wirebrief eval editorial` counts the defects an editor would strike in a brief's JSON export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wirebrief.evaluation.editorial import measure_brief, read_exports, summarise_figures


def _export(**parts: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "story_id": "s1",
        "event_title": {"text": "Rescuers pull survivors from the ferry", "citations": ["sentence:a"]},
        "headline": {"text": "Ferry sinks off the coast with 187 aboard", "citations": ["sentence:b"]},
        "article": [],
        "insights": [],
        "stakeholders": [],
        "sources": {},
    }
    base.update(parts)
    return base


def _s(text: str, cite: str = "sentence:x") -> dict[str, Any]:
    return {"text": text, "citations": [cite]}


def test_a_clean_brief_has_no_defects() -> None:
    brief = measure_brief(
        _export(
            article=[[_s("The ferry sank on Monday with 187 people aboard, officials said.")]],
            stakeholders=[{"name": "Travellers", "sentences": [_s("Ferry services were suspended.")]}],
        )
    )
    assert brief.hard_defects == 0
    assert brief.restatements == [] and brief.record_led_paragraphs == []


def test_each_hard_defect_is_counted() -> None:
    headline = "Ferry sinks off the coast with 187 aboard"
    brief = measure_brief(
        _export(
            event_title={"text": headline, "citations": []},
            article=[
                [_s(headline + "."), _s("Image copyright Reuters Image caption Rescuers at work.")],
                [_s("The numbers are staggering."), _s('"We will find them all, every one of them."')],
            ],
            insights=[_s("The capital of Greece is Athens, according to GeoNames.", "fact:f")],
        )
    )
    assert brief.title_is_headline
    assert len(brief.verbatim_repeats) == 1
    assert len(brief.junk_lines) == 1
    assert len(brief.background_insights) == 1
    assert brief.unattributed_voice == [
        "The numbers are staggering.",
        '"We will find them all, every one of them."',
    ]


def test_attributed_judgements_and_restatements() -> None:
    brief = measure_brief(
        _export(
            article=[
                [
                    _s("The ferry carrying 187 people sank near Lesbos on Monday."),
                    _s("The numbers are staggering, the coastguard chief said."),
                    _s("A ferry with 187 people sank near Lesbos."),
                ]
            ],
            stakeholders=[{"name": "Shipping", "sentences": [_s("Greece advises caution.", "fact:f")]}],
        )
    )
    assert brief.unattributed_voice == []
    assert brief.restatements == ["A ferry with 187 people sank near Lesbos."]
    assert len(brief.record_led_paragraphs) == 1
    figures = summarise_figures([brief])
    assert figures.restating_share == round(1 / 3, 4) and figures.record_led_share == 1.0


def test_read_exports_skips_other_json(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(_export()), "utf-8")
    (tmp_path / "notes.json").write_text(json.dumps({"other": 1}), "utf-8")
    assert [e["story_id"] for e in read_exports(tmp_path)] == ["s1"]
