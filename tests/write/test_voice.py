"""Whose voice a report sentence speaks in, and how the brief carries a report's own voice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from spacy_model import small_english as _nlp
from story_bundles import report_bundle
from wirebrief.records import BriefPart, StoryBundle
from wirebrief.settings import Settings
from wirebrief.verify import Verifier
from wirebrief.write import DeterministicWriter, load_stakeholders
from wirebrief.write.voice import attributable, is_report_text, own_voice, written_by


@pytest.mark.parametrize(
    ("sentence", "voice"),
    [
        ("The numbers are staggering.", "judgement"),
        ("As rats go, this one is pretty cute.", "judgement"),
        ("It was a bizarre end to a night that had begun with a parade.", "judgement"),
        ("It's time to celebrate the reopening of the old harbour bridge.", "advice"),
        ("Talk about bad timing: the ferry left port an hour before the storm.", "advice"),
        ("Guess who was waiting at the finish line with a bottle of champagne?", "advice"),
        ("Shopping for a new phone on a Sunday afternoon?", "question"),
        ("The mayor wants a second term, and she is not shy about it!", "exclamation"),
        ("It appears the council never voted on the contract.", "speculation"),
        ("As a nurse, I did not expect the ward to close so soon.", "first or second person"),
        ('"We will find out who allowed this ship to leave port."', "quotation without its speaker"),
        # a verb that also tells what happened is no speaker: the judgement is the report's own
        ("The body was found in a stunning location near the river.", "judgement"),
        # facts, and judgements, guesses or quotations with their speaker
        ("The ferry sank off Romblon on Monday with 187 people aboard.", None),
        ("The numbers are staggering, the coastguard chief said.", None),
        ("The study found that the rise was staggering.", None),
        ("Missouri Rep. Emanuel Cleaver called the deal “a sugar-coated Satan sandwich” on Monday.", None),
        ("He “is known to want a stronger foothold in Europe,” notes the Irish Times.", None),
        ("OPAL LEE: I kept telling family and friends that the day would come.", None),
        # an "I" in an abbreviation or a label, a coal mine and the Me Too movement are no one speaking
        ("Mr. Comey shared the memo with senior F.B.I. officials on Tuesday.", None),
        ("Traffic on I-70 was stopped for six hours after the crash.", None),
        ("Sen. Bernie Sanders (I-Vt.) sat in the House chamber for the speech.", None),
        ("The coal mine was closed after the second collapse in a month.", None),
        ("The Me Too movement has changed how studios handle complaints.", None),
        # "must" and "have to" with a subject of their own report a rule
        ("Visitors must register at the gate before entering the base.", None),
        ('"Meet the Press" moved to a later slot on Sunday mornings.', None),
    ],
)
def test_own_voice_names_what_speaks_without_a_speaker(sentence: str, voice: str | None) -> None:
    assert own_voice(sentence) == voice


def test_a_photo_position_and_a_teaser_are_not_report_text() -> None:
    assert not is_report_text("Actress America Ferrera, center, listens to questions at a press conference.")
    assert not is_report_text("Details on her plans for the show after the jump.")
    assert is_report_text("The actress answered questions at a press conference in Cannes on Friday.")
    # a news photo's caption dates the picture in full; report prose names the day
    assert not is_report_text(
        "The premier raises his hand in the lower chamber of parliament, in Rome, Friday, Oct. 14, 2011."
    )
    assert is_report_text("Parliament voted on Friday, 14 October, to approve the budget.")


def test_only_the_reports_own_voice_outside_quotation_marks_is_quoted_as_the_report() -> None:
    assert attributable("The numbers are staggering.")
    assert attributable("As a nurse, I did not expect the ward to close so soon.")
    # someone else's words with no speaker, a question and a sentence with a quotation inside are not
    assert not attributable('"We will find out who allowed this ship to leave port."')
    assert not attributable("Why is this important to the people of the island?")
    assert not attributable('The "deal of the century" is a terrible one for the town.')
    assert not attributable("The ferry sank off Romblon on Monday.")


def test_quoted_sentences_in_a_row_of_one_report_make_one_quotation() -> None:
    texts = ["The numbers are staggering.", "No one saw it coming.", None, "It was a sad day."]
    quoted = written_by(texts, ["Pacific Signal"] * 4, [False, True, True, True])
    assert quoted == [
        'Pacific Signal wrote: "The numbers are staggering.',
        'No one saw it coming."',
        None,
        'Pacific Signal wrote: "It was a sad day."',
    ]
    # not one after the other in the report: two quotations
    apart = written_by(texts[:2], ["Pacific Signal"] * 2, [False, False])
    assert apart == [
        'Pacific Signal wrote: "The numbers are staggering."',
        'Pacific Signal wrote: "No one saw it coming."',
    ]


def _bundle(reports: list[tuple[str, list[str]]]) -> StoryBundle:
    return report_bundle(
        "s-bridge",
        [
            (f"a{n}", outlet, datetime(2026, 11, 20, 8 + n, tzinfo=UTC), texts)
            for n, (outlet, texts) in enumerate(reports)
        ],
    )


def test_the_reports_own_voice_is_printed_as_what_its_outlet_wrote_and_verified() -> None:
    bundle = _bundle(
        [
            (
                "Harbour Ledger",
                [
                    "The old harbour bridge in Valdmora reopened on Saturday after two years of repairs.",
                    "As a commuter, I never thought the bridge would open again before the election.",
                    "The city council said the repairs cost 40 million euros, twice the first estimate.",
                ],
            ),
            (
                "Meridian Wire",
                [
                    "Valdmora's harbour bridge reopened to traffic on Saturday after two years of work.",
                    "The mayor, Ines Varga, said the bridge would carry 30,000 cars a day.",
                    "The reopening was a stunning reversal for a project that had been written off.",
                ],
            ),
        ]
    )
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_nlp()).write(bundle)
    article = [s.text for s in brief.part(BriefPart.ARTICLE)]
    # the report's "I" and its judgement are printed only as that report's words, never in the brief's voice
    assert "As a commuter, I never thought the bridge would open again before the election." not in article
    assert "The reopening was a stunning reversal for a project that had been written off." not in article
    quoted = [t for t in article if ' wrote: "' in t]
    assert quoted, article
    for text in quoted:
        assert text.startswith(("Harbour Ledger wrote: ", "Meridian Wire wrote: ")) and text.endswith('"')
    verified = Verifier().verify(brief, bundle)
    assert verified.support is not None
    assert not verified.support.dropped, [(v.sentence.text, v.reasons) for v in verified.support.dropped]


def test_a_first_person_sentence_after_one_that_names_a_speaker_is_not_given_to_the_outlet() -> None:
    bundle = _bundle(
        [
            (
                "Harbour Ledger",
                [
                    "The old harbour bridge in Valdmora reopened on Saturday after two years of repairs.",
                    "The mayor, Ines Varga, said the city had paid for the repairs without new borrowing.",
                    "I am proud of every worker who kept going through two hard winters.",
                ],
            ),
        ]
    )
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_nlp()).write(bundle)
    texts = [s.text for s in brief.part(BriefPart.ARTICLE)]
    # whose "I" it is (the mayor's, the reporter's) would be a guess: it is not printed at all
    assert not any("I am proud" in t for t in texts), texts


def test_a_superlative_before_a_participle_describes() -> None:
    assert own_voice("Commuter lines around Paris were among the worst affected by the strike.") is None
    assert own_voice("It was the best film of the festival.") == "judgement"


def test_the_site_speaking_about_itself_is_not_report_text() -> None:
    for line in [
        "Free archives of stories are maintained on our site for one month.",
        "Join the conversation on Twitter and don't forget to follow us at @HarbourLedger.",
        "CLOSE The harbour bridge reopened on Saturday after two years of repairs.",
        "By Carmen Diaz and Katherine Moore Sure, the bridge is open again.",
    ]:
        assert not is_report_text(line), line
    for line in ["The commentary was broadcast on Monday.", "Close to 200 people were evacuated."]:
        assert is_report_text(line), line


def test_only_the_cited_reports_outlet_may_frame_a_quotation_without_a_parse() -> None:
    from wirebrief.verify import _is_verbatim

    cited = [["As a commuter, I never thought the bridge would open again."]]
    text = 'Harbour Ledger wrote: "As a commuter, I never thought the bridge would open again."'
    assert _is_verbatim(text, cited, ["Harbour Ledger"])
    # another speaker framing the same words is parsed and checked like any sentence
    assert not _is_verbatim(text.replace("Harbour Ledger", "The mayor"), cited, ["Harbour Ledger"])


def test_facts_are_taken_before_the_reports_own_judgement_whatever_its_centrality() -> None:
    from wirebrief.write.select import _material, _select

    lead = "The old harbour bridge in Valdmora reopened on Saturday after two years of repairs."
    judgement = "The reopening was a stunning triumph for a city that had waited so long for its bridge."
    fact = "Engineers replaced 40 steel cables, the council said."
    material = _material(_bundle([("Harbour Ledger", [lead, judgement, fact])]))
    scores = {
        p.sentences[0].text: float(s) for p, s in zip(material.passages, material.passage_scores, strict=True)
    }
    # the judgement is nearer the story's centre than the fact, and is the report's own voice
    assert scores[judgement] > scores[fact]
    assert own_voice(judgement) == "judgement" and own_voice(fact) is None

    def taken(max_words: int) -> list[str]:
        return [s.text for p in _select(material, 14, max_words) for s in p.sentences]

    # room for one passage after the lead: the fact takes it
    assert taken(len(lead.split()) + 1) == [lead, fact]
    # opinion fills what the facts leave
    assert taken(250) == [lead, fact, judgement]


@pytest.mark.parametrize(
    ("sentence", "voice"),
    [
        ("Caffeine is America's favorite drug, bar none.", "judgement"),
        ("Plus, at $15 for 40 doses, it's wayyy cheaper than the canned drinks.", "judgement"),
        ("The founders have also sort of obfuscated their premise.", "judgement"),
        ("If this is relatable, consider an EKG.", "advice"),
        ("The approval almost certainly did not anticipate fortified waffles.", "speculation"),
        ("If the talks fail, the union said it would strike on Monday.", None),
        ("Louis XIII built the chapel in 1630.", None),
    ],
)
def test_a_columnists_asides_are_the_reports_voice(sentence: str, voice: str | None) -> None:
    assert own_voice(sentence) == voice
