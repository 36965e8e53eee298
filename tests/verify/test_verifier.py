"""The verifier rejects what its citations do not support and keeps what they do."""

from __future__ import annotations

import dataclasses

import pytest

from wirebrief.records import Brief, BriefPart, BriefSentence, Citation, StoryBundle
from wirebrief.verify import Verifier


def _check(bundle: StoryBundle, text: str, *refs: str) -> tuple[bool, tuple[str, ...]]:
    citations = tuple(Citation("fact" if r.startswith("f-") else "sentence", r) for r in refs)
    sentence = BriefSentence(BriefPart.ARTICLE, text, citations)
    verdict = Verifier().check(
        sentence, bundle.sentence_index(), {a.id: a for a in bundle.articles}, bundle.fact_index()
    )
    return verdict.supported, verdict.reasons


def test_an_extracted_sentence_is_supported_by_itself(bundle: StoryBundle) -> None:
    text = bundle.extractions["a-one"].sentences[0].text
    assert _check(bundle, text, "a-one#s0") == (True, ())


def test_the_injected_advice_sentence_is_rejected(bundle: StoryBundle) -> None:
    supported, reasons = _check(
        bundle, "The government must carefully consider its actions.", "a-one#s0", "a-two#s1"
    )
    assert not supported
    assert any("adds advice or obligation" in r for r in reasons)


@pytest.mark.parametrize(
    ("text", "refs", "expected_reason"),
    [
        ("An Iraqi militia threatened US citizens in Iraq on Tuesday.", (), "cites nothing"),
        ("An Iraqi militia threatened US citizens in Iraq.", ("a-one#s99",), "does not resolve"),
        ("An Iraqi militia threatened US citizens in Iraq.", ("f-missing",), "does not resolve"),
        (
            "At least 14 people were killed in a drone attack near the Ain al-Asad base.",
            ("a-one#s3",),
            "number 14",
        ),
        ("Kata'ib Hezbollah threatened US citizens in Iraq on Tuesday.", ("a-one#s0",), "name 'Kata'ib"),
        ("An Iraqi militia did not threaten US citizens in Iraq on Tuesday.", ("a-one#s0",), "negation"),
        ("The group said when it would act.", ("a-one#s2",), "drops a negation"),
        ('The militia said Americans were "legitimate targets everywhere".', ("a-two#s0",), "quoted words"),
        (
            "A military conflict between the US and Iran remains a real possibility.",
            ("a-one#s0",),
            "speculation",
        ),
        ("The US State Department rates Iraq at Level 3.", ("f-advisory-iq",), "number 3"),
        ("Iraq faces sweeping economic sanctions and hunger this winter.", ("a-one#s0",), "content words"),
    ],
)
def test_unsupported_sentences_are_rejected_with_a_reason(
    bundle: StoryBundle, text: str, refs: tuple[str, ...], expected_reason: str
) -> None:
    supported, reasons = _check(bundle, text, *refs)
    assert not supported
    assert any(expected_reason in r for r in reasons), reasons


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("Harakat al-Nujaba said American citizens would become targets.", ("a-one#s1",)),
        (
            "Reports give different figures: Meridian Wire reported 12 on 2026-11-18 and The Harbour Ledger "
            "reported 15 on 2026-11-19.",
            ("a-one#s3", "a-two#s2"),
        ),
        ('The U.S. Department of State rates Iraq at Level 4, "Do Not Travel".', ("f-advisory-iq",)),
        ("Iraqi militia threatens US citizens", ("a-one#s0",)),
    ],
)
def test_faithful_restatements_and_framed_attributions_pass(
    bundle: StoryBundle, text: str, refs: tuple[str, ...]
) -> None:
    supported, reasons = _check(bundle, text, *refs)
    assert supported, reasons


def test_verify_drops_only_the_unsupported_sentence_and_reports_it(bundle: StoryBundle) -> None:
    good = BriefSentence(
        BriefPart.ARTICLE, bundle.extractions["a-two"].sentences[0].text, (Citation("sentence", "a-two#s0"),)
    )
    bad = dataclasses.replace(good, text="The government must carefully consider its actions.")
    brief = Brief(
        story_id="s-test",
        story_version="sv",
        sentences=(good, bad),
        categories=(),
        as_of=bundle.articles[-1].published,
        writer="test",
        report_count=2,
        independent_sources=2,
    )
    verified = Verifier().verify(brief, bundle)
    assert verified.sentences == (good,)
    assert verified.support is not None
    assert verified.support.supported == 1
    assert [v.sentence.text for v in verified.support.dropped] == [bad.text]


def test_a_quoted_title_case_label_is_not_a_negation(bundle: StoryBundle) -> None:
    supported, reasons = _check(
        bundle, 'The U.S. Department of State rates Iraq at Level 4, "Do Not Travel".', "f-advisory-iq"
    )
    assert supported, reasons
    supported, reasons = _check(
        bundle, "The U.S. Department of State rates travel to Iraq at Level 4.", "f-advisory-iq"
    )
    assert supported, reasons
