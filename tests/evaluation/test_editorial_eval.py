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


def test_the_reports_own_voice_in_real_shapes_is_counted() -> None:
    own_voice = [
        "It's time to celebrate the reopening of the old harbour bridge.",
        "As rats go, this one is pretty cute.",
        "Shopping for a new phone on a Sunday afternoon?",
        "Talk about bad timing: the ferry left port an hour before the storm.",
        "It was a bizarre end to a night that had begun with a parade.",
        "The mayor wants a second term, and she is not shy about it!",
        # a verb that also tells what happened names no speaker
        "The body was found in a stunning location near the river.",
        # and "review" alone is not a reviewer
        "The stunning review of the case took three years.",
    ]
    brief = measure_brief(_export(article=[[_s(text)] for text in own_voice]))
    assert brief.unattributed_voice == own_voice


def test_voice_with_its_speaker_or_a_source_is_not_counted() -> None:
    attributed = [
        'Pacific Signal wrote: "The numbers are staggering."',
        "The study found that the rise was staggering.",
        "Mr. Comey shared the memo with senior F.B.I. officials on Tuesday.",
        "Traffic on I-70 was stopped for six hours after the crash.",
        "OPAL LEE: I kept telling family and friends that the day would come.",
        "It was a stunning reversal, notes the Harbour Ledger.",
    ]
    brief = measure_brief(_export(article=[[_s(text)] for text in attributed]))
    assert brief.unattributed_voice == []


def test_a_quotation_over_sentences_keeps_the_speaker_that_opened_it() -> None:
    paragraph = [
        'The mayor, Ines Varga, said: "We paid for every bolt of this bridge ourselves.',
        "I am proud of every worker who kept going.",
        'Nobody thought we would get here."',
        '"It is a great day," she added.',
        '"We will celebrate tonight."',
        '"And we will pay the last bill on Monday."',
    ]
    brief = measure_brief(_export(article=[[_s(text) for text in paragraph]]))
    assert brief.unattributed_voice == []
    # the same words with the speaker's sentence gone lose their speaker
    alone = measure_brief(_export(article=[[_s(text) for text in paragraph[1:3]]]))
    assert alone.unattributed_voice == paragraph[1:3]


def test_a_superlative_that_describes_is_no_judgement() -> None:
    brief = measure_brief(
        _export(
            article=[
                [_s("Commuter lines around Paris were among the worst affected by the strike.")],
                [_s("It was the best film of the festival.")],
            ]
        )
    )
    assert brief.unattributed_voice == ["It was the best film of the festival."]


def test_a_photo_caption_dated_in_full_is_a_junk_line() -> None:
    caption = "The premier raises his hand in parliament, in Rome, Friday, Oct. 14, 2011."
    brief = measure_brief(
        _export(
            event_title={"text": "Premier survives confidence vote", "citations": []},
            headline={"text": caption, "citations": []},
            article=[[_s("The premier survived a confidence vote on Friday, 14 October.")]],
        )
    )
    assert brief.junk_lines == [caption]


def test_an_empty_headline_is_a_hard_defect() -> None:
    brief = measure_brief(_export(headline={"text": "", "citations": []}))
    assert brief.empty_headline and brief.hard_defects == 1


def test_a_title_or_headline_in_the_briefs_own_voice_is_counted() -> None:
    guess = "The approval almost certainly did not anticipate fortified waffles."
    brief = measure_brief(_export(event_title={"text": guess, "citations": []}))
    assert brief.unattributed_voice == [guess]


def test_a_columnists_asides_are_counted_in_the_eval_s_own_lists() -> None:
    asides = [
        "Caffeine is America's favorite drug, bar none.",
        "Plus, it's wayyy cheaper than the canned drinks.",
        "If this is relatable, consider an EKG.",
    ]
    brief = measure_brief(_export(article=[[_s(a) for a in asides]]))
    assert brief.unattributed_voice == asides
