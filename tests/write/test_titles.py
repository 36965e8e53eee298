"""Event titles, headlines and the brief's opening: who did what, lines that stand alone, the latest state."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from spacy_model import parse as _parse
from story_bundles import report_bundle
from wirebrief.records import (
    Brief,
    BriefPart,
    BriefSentence,
    Citation,
    Fact,
    StoryBundle,
)
from wirebrief.settings import Settings
from wirebrief.verify import Verifier
from wirebrief.write import DeterministicWriter, ensure_title, event_title, load_stakeholders
from wirebrief.write.titles import _event_clauses, fit_for_top, stands_alone, superseded


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        # the speaker the parse hangs off the event stays: a passive keeps someone who tells it
        (
            "Two drones were shot down near the Ain al-Asad air base early on Wednesday, Iraqi security "
            "officials said.",
            "Iraqi security officials say two drones are shot down near Ain al-Asad air base",
        ),
        # two parties joined by "and", and the infinitive that says what they agreed to
        (
            "Kenya and Tanzania agreed on Sunday to hold talks in Arusha.",
            "Kenya and Tanzania agree to hold talks in Arusha",
        ),
        # a passive's agent is its actor, not a place
        (
            "The four-year-old boy was thrown from the roof by his 20-year-old brother on Saturday.",
            "Four-year-old boy is thrown by 20-year-old brother",
        ),
        # the party an object names stays ("notice from whom?"); a wire's credit is not part of the name
        (
            "AP American Airlines on Thursday said it received an unsolicited notice from Qatar Airways of "
            "its intention to make an investment.",
            "American Airlines says it receives unsolicited notice from Qatar Airways",
        ),
        # a named speaker's reported clause may have a pronoun subject: the speaker says who it is
        (
            "Carmat said on Friday it had carried out its first implant of an artificial heart.",
            "Carmat says it carries out first implant",
        ),
    ],
)
def test_event_title_keeps_who_did_what(sentence: str, title: str) -> None:
    assert event_title(_parse(sentence)) == title


@pytest.mark.parametrize(
    "sentence",
    [
        # "would-be rescuer" is no "Be rescuer"
        "When the baby was pulled from the roof of the elevator, a would-be rescuer used two fingers to "
        "perform CPR.",
        # the participle clause before the subject is not the subject
        "Passing Janet Jackson, Rihanna now trails only Madonna for the all-time chart record.",
        # "involves" needs its clause, which a title would drop
        "The latest beauty fad involves using coloured pencils as eyeliner despite warnings from Crayola.",
        # a noun that means its clause says nothing alone
        "The very fact that he said it is a glaring example, Madden told reporters.",
    ],
)
def test_no_garbled_title(sentence: str) -> None:
    title = event_title(_parse(sentence))
    assert title is None or not title.startswith(("Be ", "Passing ", "Latest beauty fad involves", "Fact "))


def test_a_consequence_yields_the_event_behind_it_and_is_ranked_down() -> None:
    clauses = _event_clauses(
        _parse(
            "South African homeowners will see lower monthly repayments after the Reserve Bank cut the "
            "repo rate by 25 basis points on Thursday."
        )
    )
    assert clauses[0].modal  # "will see": a consequence, ranked below the event
    assert [c.text for c in clauses[1:]] == ["Reserve Bank cuts repo rate"]
    assert not clauses[1].modal and clauses[1].named


def test_a_verb_that_tells_no_event_is_marked() -> None:
    (clause,) = _event_clauses(_parse("Officials held a news conference at the Theda Clark Medical Center."))
    assert clause.weak_verb
    (event,) = _event_clauses(_parse("Google launched its Knowledge Graph search tool on Wednesday."))
    assert not event.weak_verb and event.named


@pytest.mark.parametrize(
    ("line", "alone"),
    [
        ("Kenya and Tanzania agree to talks in Arusha on flour and gas dispute", True),
        ("Additionally, after the 24-h delay, memory performance of infants was higher.", False),
        ("In addition, the hospital said it had treated 40 people.", False),
        ("The ruling was overturned on appeal, however.", False),
        ("But the council voted against the plan on Monday.", False),
        ("It's also worth remembering that concerns are growing.", False),
        ("Once there, he wrapped his arms around the actor.", False),
        ("What's more, the study found that bullies were at risk.", False),
    ],
)
def test_a_headline_stands_alone(line: str, alone: bool) -> None:
    assert stands_alone(line) is alone


@pytest.mark.parametrize(
    ("line", "fit"),
    [
        ("Charity ship docks in Ancona with 212 people rescued off Libya", True),
        ("Kira Grunberg in action last year.", False),  # a caption: no finite verb
        ("All except for Mount St. Helens, which stands apart about 50 kilometers to the west.", False),
        ("I'm like, 'So it's my fault because I asked them to turn their music down.'", False),
        ("Email This Even at 88, Betty White has the ambition of a 20-something!", False),
        ("Investigators will seek to understand why the crew tried to land in such weather ...", False),
        ("Even at 88, Betty White has the ambition of a 20-something!", False),  # a feature's hook
        ("Guess who was waiting to greet her new daughter in the delivery room?", False),
        ('Officials asked: "Who will pay for the repairs?"', False),
        # a guess in the brief's voice, and a pronoun that leans on a sentence the reader never saw
        ("The approval almost certainly did not anticipate fortified waffles and skin sprays.", False),
        ("Now she's going to make millions from the show.", False),
    ],
)
def test_a_line_fit_to_head_a_brief(line: str, fit: bool) -> None:
    assert fit_for_top(line, _parse) is fit


def test_a_search_the_lead_says_has_ended_is_superseded() -> None:
    lead = "A once-worried mother is now expressing relief after her son was found safe."
    assert superseded(
        "Police in Houston say they're searching for Conyers' son after he was reported missing.", lead
    )
    assert not superseded("Police in Houston say Conyers' son turned up at his apartment.", lead)
    assert not superseded("Police are searching for the missing student.", "Police said the search goes on.")


def _bundle(reports: list[tuple[str, datetime, list[str]]], facts: tuple[Fact, ...] = ()) -> StoryBundle:
    return report_bundle(
        "s-t",
        [(f"r-{n}", outlet, published, texts) for n, (outlet, published, texts) in enumerate(reports)],
        facts,
        organisations=("Kataib Hezbollah",),
    )


def test_headline_never_tells_a_search_the_lead_has_closed() -> None:
    start = datetime(2026, 11, 20, 8, tzinfo=UTC)
    bundle = _bundle(
        [
            (
                "Houston Wire",
                start,
                [
                    "Police in Houston are searching for a missing university student, Carl Conyers.",
                    "Carl Conyers was last seen going into his room at his apartment, police said.",
                    "His family asked anyone who had seen him to call the Houston police.",
                ],
            ),
            (
                "Gulf Ledger",
                start + timedelta(days=1),
                [
                    "Carl Conyers, the university student reported missing this week, was found safe on "
                    "Friday, Houston police said.",
                    "Police spokesman Kese Smith said Carl Conyers turned up early Friday at his apartment.",
                    "His mother said he would be checked by doctors.",
                ],
            ),
            (
                "Bayou Times",
                start + timedelta(days=1, hours=5),
                [
                    "Houston student Carl Conyers turns up at his apartment two days after he vanished.",
                    "The student's mother told reporters she was relieved and thanked the police.",
                ],
            ),
        ]
    )
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    assert brief.title
    # the first report's title is a clean headline, but the story has moved on
    assert "searching" not in brief.title and "searching" not in brief.headline
    verified = Verifier().verify(brief, bundle)
    assert verified.support is not None and not verified.support.dropped


def test_a_record_takes_the_brief_spelling_of_a_name_with_its_support() -> None:
    """The reports write "Kataib Hezbollah", the record's issuer "Kata'ib Hezbollah": the brief prints
    one spelling, and the record's line cites the report sentence that spells the name so."""
    start = datetime(2026, 11, 20, 8, tzinfo=UTC)
    fact = Fact(
        id="f-kh",
        subject_id="org:kh",
        subject_name="Kata'ib Hezbollah",
        predicate="designation",
        value="Foreign Terrorist Organization",
        value_label=None,
        issuer="U.S. Department of State",
        source_url="https://www.state.gov/foreign-terrorist-organizations/",
        as_of=datetime(2009, 6, 24, tzinfo=UTC).date(),
        retrieved_at=datetime(2026, 11, 1, tzinfo=UTC).date(),
        statement="The U.S. Department of State designated Kata'ib Hezbollah a Foreign Terrorist "
        "Organization on 2009-06-24.",
        provider="sanctions",
    )
    bundle = _bundle(
        [
            (
                "Baghdad Wire",
                start,
                [
                    "Kataib Hezbollah said on Wednesday it stands with the smaller militia after the threat.",
                    "The group did not say what it would do, Iraqi officials said.",
                ],
            ),
            (
                "Tigris Post",
                start + timedelta(hours=5),
                [
                    "Iraqi officials said Kataib Hezbollah had backed the militia's warning on Wednesday.",
                    "The government called for calm, a spokesman said.",
                ],
            ),
        ],
        facts=(fact,),
    )
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    from wirebrief.write.select import one_spelling

    record = BriefSentence(BriefPart.INSIGHT, fact.statement, (Citation("fact", fact.id),))
    mentions = [m for e in bundle.extractions.values() for m in e.mentions]
    *_, respelled = one_spelling([*brief.sentences, record], mentions)
    assert "Kata'ib" not in respelled.text and "Kataib Hezbollah" in respelled.text
    assert respelled.citations[0] == Citation("fact", fact.id) and len(respelled.citations) == 2
    verified = Verifier().verify(dataclasses.replace(brief, sentences=(*brief.sentences, respelled)), bundle)
    assert verified.support is not None and not verified.support.dropped


def test_a_dropped_opening_takes_the_sentences_that_leaned_on_it() -> None:
    """When the verifier drops the title, the article's opening becomes the title; a sentence that
    leaned on it ("Her injuries …") does not open the article."""
    from wirebrief.records import SupportReport, Verdict

    texts = [
        "Austria's pole-vaulter Kira Grünberg broke her neck in a practice jump.",
        "Her injuries have left her tetraplegic.",
        "The federation said it would pay for her care.",
    ]
    article = [
        BriefSentence(BriefPart.ARTICLE, text, (Citation("sentence", f"a#s{i}"),))
        for i, text in enumerate(texts)
    ]
    brief = Brief(
        story_id="s-g",
        story_version="v",
        sentences=tuple(article),
        categories=(),
        as_of=datetime(2026, 11, 20, tzinfo=UTC),
        writer="deterministic",
        report_count=1,
        independent_sources=1,
        support=SupportReport(tuple(Verdict(s, True) for s in article)),
    )
    fixed = ensure_title(brief)
    assert fixed.title == texts[0]
    assert [s.text for s in fixed.part(BriefPart.ARTICLE)] == [texts[2]]


def test_a_passage_on_an_unintroduced_plural_subject_is_left_out() -> None:
    """ "The suspects were detained …" reads wrong before any suspect is named; once a passage names
    them ("… arrested three men suspected of …"), it may follow."""
    from wirebrief.write.select import _introduced, _Passage

    start = datetime(2026, 11, 20, 8, tzinfo=UTC)
    bundle = _bundle(
        [
            (
                "Baghdad Wire",
                start,
                ["Two drones were shot down near the Ain al-Asad air base, officials said."],
            ),
            ("Tigris Post", start, ["The suspects were detained in a raid on a farm near Hit, police said."]),
            ("Anbar Daily", start, ["Iraqi forces arrested three men suspected of launching the drones."]),
        ]
    )
    drones, detained, arrested = (
        _Passage(article, bundle.extractions[article.id].sentences) for article in bundle.articles
    )
    assert _introduced([drones, detained, arrested]) == [drones, arrested]
    assert _introduced([drones, arrested, detained]) == [drones, arrested, detained]


def test_a_passage_left_out_for_its_unintroduced_subject_leaves_its_words_to_the_next() -> None:
    from wirebrief.write.select import _material

    lead = "Two drones were shot down near the Ain al-Asad air base on Monday, officials said."
    detained = "The suspects were detained in a raid near the air base, police said."
    markets = "Local markets in the province reopened on Tuesday after a week of curfews."
    bundle = _bundle([("Baghdad Wire", datetime(2026, 11, 20, 8, tzinfo=UTC), [lead, detained, markets])])
    material = _material(bundle)
    scores = {
        p.sentences[0].text: float(s) for p, s in zip(material.passages, material.passage_scores, strict=True)
    }
    # the passage on the suspects is the one chosen after the lead, and cannot be printed there
    assert scores[detained] > scores[markets]
    writer = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse)
    article = [s.text for s in writer.article_sentences(bundle, max_words=len(lead.split()) + 1)]
    assert article == [lead, markets]
