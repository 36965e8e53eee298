"""The deterministic writer: event titles from the parse, extractive article, cited parts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from spacy_model import parse as _parse
from story_bundles import report_bundle
from wirebrief.records import BriefPart, BriefSentence, Citation, Fact, Mention, StoryBundle
from wirebrief.settings import Settings
from wirebrief.verify import Verifier
from wirebrief.write import DeterministicWriter, event_title, load_stakeholders
from wirebrief.write.select import one_spelling


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        (
            "The militia Harakat al-Nujaba said late on Monday that American citizens would be "
            "treated as legitimate targets.",
            "Militia Harakat al-Nujaba says American citizens would be treated as legitimate targets",
        ),
        (
            "An Iraqi militia threatened US citizens in Iraq on Tuesday after warnings of a strike on Iran.",
            "Iraqi militia threatens US citizens",
        ),
        ("Rescue teams pulled 40 survivors from the rubble in Arequipa.", "Rescue teams pull 40 survivors"),
        ("The central bank raised its key rate to 0.75 percent.", "Central bank raises key rate"),
        ("The army did not confirm the deaths.", "Army does not confirm deaths"),
        (
            "Delta Quay Terminals restarted part of its automated container terminal in Rotterdam.",
            "Delta Quay Terminals restart part of automated container terminal",
        ),
        (
            "A new U.S. rule on exports of high-bandwidth memory puts South Korea's biggest chipmakers under "
            "pressure.",
            "New U.S. rule puts South Korea's biggest chipmakers under pressure",
        ),
    ],
)
def test_event_title_is_who_does_what_in_present_tense(sentence: str, title: str) -> None:
    assert event_title(_parse(sentence)) == title


def test_event_title_refuses_a_pronoun_subject() -> None:
    assert event_title(_parse("He threatened US citizens in Iraq on Tuesday.")) is None


def test_every_part_is_written_cited_and_survives_verification(bundle: StoryBundle) -> None:
    writer = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse)
    brief = writer.write(bundle)
    assert all(s.citations for s in brief.sentences)
    assert brief.title == "Iran-backed Harakat al-Nujaba warns US citizens are legitimate targets"
    assert brief.headline in {a.title for a in bundle.articles}
    article = brief.part(BriefPart.ARTICLE)
    assert len(article) >= 3
    # the death toll rose from 12 to 15 between the two days' reports: told as a change with its
    # dates, citing both, not as a disagreement
    assert not [s for s in article if s.text.startswith("Reports give different figures")]
    change = [s for s in article if " and then " in s.text]
    assert len(change) == 1 and len(change[0].citations) == 2
    # ... and says what was counted, in the first report's words
    assert (
        "reported 12 people were killed on 2026-11-18" in change[0].text
        and "reported 15 on 2026-11-19, up from 12" in change[0].text
    )
    insights = brief.part(BriefPart.INSIGHT)
    assert insights and insights[0].citations[0].kind == "fact"
    # every stakeholder has a paragraph or, in the metadata, the reason it has none
    stakeholders = {s.stakeholder for s in brief.part(BriefPart.STAKEHOLDER)}
    omitted = brief.metadata.get("stakeholders_omitted", "")
    assert all(s.name in stakeholders or f"{s.name}: " in omitted for s in load_stakeholders())
    verified = Verifier().verify(brief, bundle)
    assert verified.support is not None
    assert not verified.support.dropped, [(v.sentence.text, v.reasons) for v in verified.support.dropped]


def test_writing_is_deterministic(bundle: StoryBundle) -> None:
    writer = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse)
    assert writer.write(bundle) == writer.write(bundle)


def test_no_sentence_repeats_within_a_part(bundle: StoryBundle) -> None:
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    keys = [(s.part, s.stakeholder, s.text) for s in brief.sentences]
    assert len(keys) == len(set(keys))


def _two_report_bundle(first: list[str], second: list[str]) -> StoryBundle:
    outlets = (("Pacific Signal", first), ("The Lantern Post", second))
    return report_bundle(
        "s-ferry",
        [
            (f"ferry-{n}", outlet, datetime(2026, 11, 20, 8 + n, tzinfo=UTC), texts)
            for n, (outlet, texts) in enumerate(outlets)
        ],
    )


def _disagreements(bundle: StoryBundle) -> list[str]:
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    return [
        s.text for s in brief.part(BriefPart.ARTICLE) if s.text.startswith("Reports give different figures")
    ]


def test_figures_of_different_measures_are_not_a_disagreement() -> None:
    """187 were aboard and 164 rescued: "rescuers" near the 187 does not make it a rescue count."""
    bundle = _two_report_bundle(
        [
            "A passenger ferry carrying 187 people capsized off Romblon on Friday, and rescuers were "
            "searching the water.",
            "The coast guard said the weather had turned before the ferry left port.",
        ],
        [
            "Rescuers pulled 164 people from the sea after the ferry capsized off Romblon.",
            "The coast guard said it was investigating why the ferry was allowed to sail.",
        ],
    )
    assert _disagreements(bundle) == []


def test_two_counts_of_the_same_measure_are_a_disagreement() -> None:
    bundle = _two_report_bundle(
        [
            "At least 12 people were killed when the ferry capsized off Romblon on Friday.",
            "The coast guard said the weather had turned before the ferry left port.",
        ],
        [
            "The ferry disaster off Romblon killed 15 people, the provincial governor said.",
            "The coast guard said it was investigating why the ferry was allowed to sail.",
        ],
    )
    (sentence,) = _disagreements(bundle)
    assert "12" in sentence and "15" in sentence


def test_a_toll_in_words_and_one_in_digits_with_other_verbs_are_compared() -> None:
    """ "Fifteen people were killed" and "12 people died and 164 were rescued" give two death tolls."""
    bundle = _two_report_bundle(
        [
            "The coast guard says 12 people died and 164 were rescued after the ferry capsized off Romblon.",
            "The coast guard said the weather had turned before the ferry left port.",
        ],
        [
            "Fifteen people were killed when the ferry capsized off Romblon, the provincial office said.",
            "The coast guard said it was investigating why the ferry was allowed to sail.",
        ],
    )
    (sentence,) = _disagreements(bundle)
    assert "reported 12" in sentence and "reported 15" in sentence
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    verified = Verifier().verify(brief, bundle)
    assert verified.support is not None
    assert sentence in {s.text for s in verified.sentences}  # "15" is supported by "Fifteen"


def _article_texts(bundle: StoryBundle) -> list[str]:
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    return [s.text for s in brief.part(BriefPart.ARTICLE)]


def test_a_sentence_that_leans_back_comes_only_right_after_the_one_it_follows() -> None:
    first = [
        "Port workers in Rotterdam walked out on Monday over a new shift system at the container terminals.",
        "He said the union would not accept the rota without a pay rise for night shifts.",
        "The terminal operator said ships were being diverted to Antwerp while the strike lasted.",
    ]
    second = [
        "A strike by port workers in Rotterdam halted loading at the container terminals on Monday.",
        "The union's spokesman, Joost Veenstra, said the new shift system put safety at risk.",
        "The terminal operator said the walkout had left dozens of ships waiting off the coast.",
    ]
    texts = _article_texts(_two_report_bundle(first, second))
    leaning = first[1]  # kept, with the sentence that says who "he" is right before it
    assert leaning in texts and texts[texts.index(leaning) - 1] == first[0]


def test_a_quotation_running_over_sentences_is_taken_whole_or_not_at_all() -> None:
    first = [
        "The transport minister said the ferry had been cleared to sail despite the storm warning.",
        '"We will find out who allowed this ship to leave port.',
        'Families deserve answers and they will get them," she told reporters in Manila.',
        "The coast guard said the weather had turned before the ferry left port.",
    ]
    second = [
        "The ferry capsized off Romblon after leaving port despite a storm warning, officials said.",
        "The coast guard said it was investigating why the ferry had been allowed to sail.",
    ]
    texts = _article_texts(_two_report_bundle(first, second))
    opening, closing = first[1], first[2]
    assert (opening in texts) == (closing in texts)
    if opening in texts:  # with the sentence that names "she" before it
        assert texts.index(opening) == texts.index(first[0]) + 1
        assert texts.index(closing) == texts.index(opening) + 1


def test_only_the_articles_opening_sentence_keeps_a_wire_dateline() -> None:
    first = [
        "MANILA (CPA) — A ferry carrying 187 people capsized off Romblon on Friday, the coast guard said.",
        "The coast guard said the weather had turned before the ferry left port.",
    ]
    second = [
        "ROMBLON, Philippines (CPA) — Rescuers pulled 164 people from the sea after the ferry capsized.",
        "The coast guard said it was investigating why the ferry had been allowed to sail.",
    ]
    texts = _article_texts(_two_report_bundle(first, second))
    with_dateline = [t for t in texts if "(CPA) —" in t]
    assert with_dateline in ([], [texts[0]])
    assert any("Rescuers pulled 164 people" in t for t in texts)


def _stakeholder_bundle(
    sentences: list[str], mentions_of: dict[str, str], facts: tuple[Fact, ...]
) -> StoryBundle:
    """A one-report story whose sentences mention the given country ids (by the name in the text)."""
    from dataclasses import replace

    from wirebrief.records import Entity, EntityKind, Extraction, Mention

    base = _two_report_bundle(sentences, sentences[:1])
    extractions = {}
    for article_id, extraction in base.extractions.items():
        mentions = [
            Mention(
                s.id, article_id, name, "GPE", s.text.index(name), s.text.index(name) + len(name), entity_id
            )
            for s in extraction.sentences
            for name, entity_id in mentions_of.items()
            if name in s.text
        ]
        extractions[article_id] = Extraction(article_id, extraction.sentences, tuple(mentions))
    entities = {e: Entity(e, name, EntityKind.COUNTRY) for name, e in mentions_of.items()}
    return replace(base, extractions=extractions, entities=entities, facts=facts)


def _advisory(country_id: str, name: str, level: str) -> Fact:
    from datetime import date

    return Fact(
        id=f"f-advisory-{country_id}",
        subject_id=country_id,
        subject_name=name,
        predicate="travel_advisory_level",
        value=level,
        issuer="U.S. Department of State",
        source_url="https://travel.state.gov/",
        as_of=date(2025, 6, 12),
        retrieved_at=date(2026, 11, 1),
        provider="travel-advisories",
        statement=f"The U.S. Department of State rates {name} at Level {level} in its travel advisory dated "
        "2025-06-12.",
    )


def _paragraphs(bundle: StoryBundle) -> dict[str, list[str]]:
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    out: dict[str, list[str]] = {}
    for sentence in brief.part(BriefPart.STAKEHOLDER):
        out.setdefault(sentence.stakeholder or "", []).append(sentence.text)
    return out


def test_one_common_word_does_not_make_a_stakeholder_paragraph() -> None:
    """ "closed my eyes" holds a travel keyword, but says nothing to travellers: no paragraph, though
    the story has a travel advisory for a country it names elsewhere."""
    bundle = _stakeholder_bundle(
        [
            "Rovers won the cup final in Brisbane on Saturday with a penalty in the last minute.",
            '"I just attacked the ball and closed my eyes," the goalkeeper said after the final whistle.',
            "The club's fans celebrated in the streets of Brisbane until the early hours of Sunday.",
        ],
        {"Brisbane": "iso3166:AU"},
        (_advisory("iso3166:AU", "Australia", "1"),),
    )
    assert "Travellers" not in _paragraphs(bundle)


def _stakeholder_paragraphs(
    bundle: StoryBundle,
    used: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The stakeholder paragraphs of ``bundle`` with ``used`` (sentence ids) printed by the article."""
    from wirebrief.write.select import _material
    from wirebrief.write.stakeholders import _stakeholders

    material = _material(bundle)
    sentences, omitted = _stakeholders(
        load_stakeholders(), bundle, material.candidates, set(used), bundle.facts, {}, set()
    )
    out: dict[str, list[str]] = {}
    for sentence in sentences:
        out.setdefault(sentence.stakeholder or "", []).append(sentence.text)
    return out, omitted


_IRAQ_SENTENCES = [
    "An Iraqi militia threatened US citizens in Iraq on Tuesday, and the embassy urged travellers "
    "to leave on commercial flights.",
    "Foreign companies in Iraq said they were moving staff and contractors out of Baghdad.",
    "Aid agencies in Iraq said they had suspended relief convoys to displaced families.",
]


def test_a_stakeholder_paragraph_leads_with_what_reports_say_and_a_record_comes_once_after() -> None:
    bundle = _stakeholder_bundle(
        _IRAQ_SENTENCES, {"Iraq": "iso3166:IQ"}, (_advisory("iso3166:IQ", "Iraq", "4"),)
    )
    paragraphs, _ = _stakeholder_paragraphs(bundle)
    assert {"Travellers", "Businesses with staff in the region", "Humanitarian organisations"} <= set(
        paragraphs
    )
    advisory = _advisory("iso3166:IQ", "Iraq", "4").statement
    assert all(texts[0] != advisory for texts in paragraphs.values())  # a report sentence leads
    assert sum(advisory in texts for texts in paragraphs.values()) == 1
    assert advisory in paragraphs["Travellers"]  # the first stakeholder that follows it gets it


def test_a_stakeholder_with_nothing_beyond_the_article_gets_no_paragraph_and_a_reason() -> None:
    bundle = _stakeholder_bundle(
        _IRAQ_SENTENCES, {"Iraq": "iso3166:IQ"}, (_advisory("iso3166:IQ", "Iraq", "4"),)
    )
    printed = {s.id for e in bundle.extractions.values() for s in e.sentences}
    paragraphs, omitted = _stakeholder_paragraphs(bundle, printed)
    assert paragraphs == {}
    assert "beyond the article" in omitted["Travellers"]
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    if not brief.part(BriefPart.STAKEHOLDER):
        assert "Travellers:" in brief.metadata["stakeholders_omitted"]


def test_the_article_opens_with_a_lead_and_closes_with_the_change_of_a_figure(bundle: StoryBundle) -> None:
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    article = brief.part(BriefPart.ARTICLE)
    leads = {e.sentences[0].text for e in bundle.extractions.values()}
    assert article[0].text in leads
    assert " and then " in article[-1].text and len(article[-1].citations) == 2
    # reference records are the insights, stated once: the article does not repeat them
    assert all(c.kind == "sentence" for s in article for c in s.citations)
    insights = [s.text for s in brief.part(BriefPart.INSIGHT)]
    assert insights and not set(insights) & {s.text for s in article}


def test_a_time_phrase_is_no_object_of_a_title() -> None:
    """ "tilts within minutes" says when, not what: no title rather than a dangling one."""
    assert (
        event_title(_parse("The vessel tilted sharply within minutes as waves broke over the deck.")) is None
    )


def _with_person(bundle: StoryBundle, name: str) -> StoryBundle:
    """``bundle`` with a PERSON mention wherever the full ``name`` appears (as the extractor gives)."""
    from dataclasses import replace

    from wirebrief.records import Extraction, Mention

    extractions = {}
    for article_id, extraction in bundle.extractions.items():
        mentions = [
            Mention(s.id, article_id, name, "PERSON", s.text.index(name), s.text.index(name) + len(name))
            for s in extraction.sentences
            if name in s.text
        ]
        extractions[article_id] = Extraction(article_id, extraction.sentences, tuple(mentions))
    return replace(bundle, extractions=extractions)


def test_a_surname_alone_is_given_in_full_where_the_brief_has_not_named_the_person() -> None:
    """ "…, Furness said" reads only after "Daniel Furness" has been named: where the brief has not named
    him, the sentence names him in full and cites the report sentence that does; where it has, it is
    printed as reported."""
    first = [
        "Tasman Rovers won the Coastal League Cup on Sunday, beating Wellington Harbour 2-1 in the final.",
        "The crowd of 11,400 was a record for the competition, the organisers of the final said.",
    ]
    second = [
        "Tasman Rovers beat Wellington Harbour 2-1 in the Coastal League Cup final on Sunday afternoon.",
        "Harbour coach Daniel Furness at the Basin Reserve",  # a caption: never printed
        '"We had the game in our hands and we let it go in the final," Furness said after the cup final.',
    ]
    bundle = _with_person(_two_report_bundle(first, second), "Daniel Furness")
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    (quote,) = [s for s in brief.part(BriefPart.ARTICLE) if "in our hands" in s.text]
    assert quote.text.endswith('," Daniel Furness said after the cup final.')
    assert [c.ref for c in quote.citations] == ["ferry-1#s2", "ferry-1#s1"]
    assert Verifier().verify(brief, bundle).support is not None
    assert quote in Verifier().verify(brief, bundle).sentences  # the verifier accepts the repair
    # Named in full earlier in the article, the short name stays as reported.
    named = [*first[:1], "Harbour coach Daniel Furness said his side had only themselves to blame.", first[1]]
    bundle = _with_person(_two_report_bundle(named, [*second[:1], second[2]]), "Daniel Furness")
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    texts = [s.text for s in brief.part(BriefPart.ARTICLE)]
    assert named[1] in texts and second[2] in texts
    assert texts.index(named[1]) < texts.index(second[2])


def test_a_travel_advisory_is_an_insight_only_where_safety_is_the_story_and_the_place() -> None:
    """A rate cut is no reason to quote a travel advisory; nor is a country named only as a nationality
    or in passing; "exercise normal precautions" (level 1) says nothing about safety; a capital or a
    population is never a bullet."""
    from dataclasses import replace

    from wirebrief.records import CategoryScore

    sentences = [
        "Iraq's central bank cut its main interest rate by half a point to 5 percent on Tuesday.",
        "The bank said inflation in Iraq had slowed to 2.8 percent in October from 3.5 percent.",
        "Economists in Baghdad said the cut would lower borrowing costs for small businesses in Iraq.",
    ]
    advisory = _advisory("iso3166:IQ", "Iraq", "4")
    capital = replace(advisory, id="f-capital", predicate="capital", value="Baghdad", statement="Capital.")
    base = _stakeholder_bundle(sentences, {"Iraq": "iso3166:IQ"}, (advisory, capital))

    def parts(slug: str, bundle: StoryBundle = base) -> tuple[list[str], list[str]]:
        bundle = replace(bundle, categories=(CategoryScore(slug, slug, 0.9),))
        brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
        article = [s.text for s in brief.part(BriefPart.ARTICLE)]
        return article, [s.text for s in brief.part(BriefPart.INSIGHT)]

    article, insights = parts("business-and-economy")
    assert advisory.statement not in article and insights == []
    article, insights = parts("war-and-conflicts")
    assert advisory.statement not in article and insights == [advisory.statement]
    level_one = replace(advisory, value="1")
    article, insights = parts("war-and-conflicts", replace(base, facts=(level_one,)))
    assert insights == []
    # Iraq named only as a nationality (NORP), not as the place of the events: no advisory
    norp = replace(
        base,
        extractions={
            k: replace(e, mentions=tuple(replace(m, label="NORP") for m in e.mentions))
            for k, e in base.extractions.items()
        },
    )
    article, insights = parts("war-and-conflicts", norp)
    assert insights == []


def test_a_name_is_spelled_one_way_in_a_brief_and_the_verifier_accepts_it() -> None:
    """ "Kata'ib Hezbollah" in one report, "Kataib Hezbollah" in another: the brief keeps the first
    spelling throughout and cites the sentence that spells it so."""
    from dataclasses import replace

    from wirebrief.records import Extraction, Mention

    first = [
        "Kata'ib Hezbollah fired rockets at a base near Baghdad on Monday, officials said.",
        "The Iraqi army said the attack had caused no casualties at the base.",
    ]
    second = [
        "Rocket fire hit a military base outside Baghdad late on Monday, the army said.",
        "Kataib Hezbollah denied any role in the attack on Tuesday, a statement said.",
    ]
    bundle = _two_report_bundle(first, second)
    extractions = {}
    for article_id, extraction in bundle.extractions.items():
        mentions = [
            Mention(s.id, article_id, name, "ORG", s.text.index(name), s.text.index(name) + len(name))
            for s in extraction.sentences
            for name in ("Kata'ib Hezbollah", "Kataib Hezbollah")
            if name in s.text
        ]
        extractions[article_id] = Extraction(article_id, extraction.sentences, tuple(mentions))
    bundle = replace(bundle, extractions=extractions)
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    texts = " ".join(s.text for s in brief.sentences)
    assert "Kataib Hezbollah" not in texts and "Kata'ib Hezbollah" in texts
    verified = Verifier().verify(brief, bundle)
    assert verified.support is not None and not verified.support.dropped


def _dated_bundle(reports: list[tuple[str, int, list[str]]]) -> StoryBundle:
    """One report per (outlet, day of November 2026, sentences); the first sentence is also its title."""
    return report_bundle(
        "s-toll",
        [
            (f"toll-{n}", outlet, datetime(2026, 11, day, 9, n, tzinfo=UTC), texts)
            for n, (outlet, day, texts) in enumerate(reports)
        ],
    )


def test_title_headline_and_lead_never_state_a_toll_that_later_reports_raised() -> None:
    """Three reports on the first day count 12 dead, two later ones 17: the title, headline and the
    article's opening may give 17 (or the change from 12), never 12 as the toll; every line still passes
    the verifier."""
    first_day = [
        (
            outlet,
            20,
            [
                f"Ferry capsizes off Romblon island, killing 12 people{tail}",
                "At least 12 people were killed when the passenger ferry capsized off Romblon island on "
                "Friday, the coast guard said.",
                "The coast guard said the ferry sank in rough seas shortly after leaving port.",
                "Rescuers pulled dozens of passengers from the water near Romblon island.",
            ],
        )
        for outlet, tail in (("Pacific Signal", "."), ("Harbour Daily", " on Friday."), ("Island Wire", "!"))
    ]
    later = [
        (
            "The Lantern Post",
            21,
            [
                "Death toll from Romblon ferry capsizing rises to 17 people.",
                "The number of people killed when the passenger ferry capsized off Romblon island rose to "
                "17 on Saturday, the coast guard said.",
                "Divers recovered five more bodies from the ferry near Romblon island, the coast guard said.",
            ],
        ),
        (
            "Coastal Times",
            22,
            [
                "Coast guard confirms 17 people killed in Romblon ferry capsizing.",
                "The coast guard confirmed on Sunday that 17 people were killed when the passenger ferry "
                "capsized off Romblon island.",
                "The search for survivors of the ferry near Romblon island ended on Sunday.",
            ],
        ),
    ]
    bundle = _dated_bundle([*first_day, *later])
    brief = DeterministicWriter(Settings(), load_stakeholders(), parse=_parse).write(bundle)
    lines = [brief.title, brief.headline, brief.part(BriefPart.ARTICLE)[0].text]
    assert all(lines), lines
    for line in lines:
        assert "12" not in line or "17" in line, lines
    verified = Verifier().verify(brief, bundle)
    assert verified.support is not None
    assert not verified.support.dropped, [(v.sentence.text, v.reasons) for v in verified.support.dropped]


def test_one_spelling_keeps_the_case_the_sentence_gives_the_first_letter() -> None:
    mentions = [
        Mention("a#s0", "a", "the Port of Rotterdam Authority", "ORG", 0, 31, None),
        Mention("a#s3", "a", "The Port of Rotterdam Authority", "ORG", 0, 31, None),
        Mention("a#s1", "a", "Kata'ib Hezbollah", "ORG", 0, 17, None),
        Mention("a#s2", "a", "Kataib Hezbollah", "ORG", 0, 16, None),
    ]
    lines = [
        BriefSentence(BriefPart.ARTICLE, "Kata'ib Hezbollah said the Port of Rotterdam Authority lied.",
                      (Citation("sentence", "a#s1"),)),
        BriefSentence(BriefPart.ARTICLE, "The Port of Rotterdam Authority said Kataib Hezbollah lied.",
                      (Citation("sentence", "a#s2"),)),
    ]  # fmt: skip
    first, second = one_spelling(lines, mentions)
    assert first.text == lines[0].text
    # the name takes the brief's first spelling, with the report sentence that spells it so cited ...
    assert second.text == "The Port of Rotterdam Authority said Kata'ib Hezbollah lied."
    assert Citation("sentence", "a#s1") in second.citations
    # ... and a line that opens with a name keeps its capital letter
    assert second.text.startswith("The Port")


def test_with_no_headline_to_be_had_an_article_sentence_moves_up_rather_than_an_empty_line() -> None:
    writer = DeterministicWriter(Settings(), (), parse=_parse)

    def line(text: str, ref: str, paragraph: int = 0) -> BriefSentence:
        return BriefSentence(BriefPart.ARTICLE, text, (Citation("sentence", ref),), paragraph=paragraph)

    title = BriefSentence(
        BriefPart.TITLE, "Ministry reports fall in exports", (Citation("sentence", "a#s0"),)
    )
    article = [
        line("Exports fell 5 percent in October, the trade ministry said on Monday.", "a#s0"),
        line("But the ministry said the decline would be short-lived.", "a#s1"),
        line("Shipments of grain to Egypt fell by a third after a contract lapsed.", "a#s2"),
        line("It was the largest monthly drop since 2019.", "a#s3"),  # leans on the line before
        line("Car exports rose 2 percent, helped by new orders from Turkey.", "b#s0", paragraph=1),
    ]
    headline, rest = writer._headline_from_article(article, title, {}, article[0].text)
    # the lead stays, the line that opens on "But" is no headline, the one whose follower leans on it
    # stays put; the next fit line heads the brief and is not printed twice
    assert headline is not None and headline.part == BriefPart.HEADLINE
    assert headline.text.startswith("Car exports rose") and headline.citations == article[4].citations
    assert [s.text for s in rest] == [s.text for s in article[:4]]
    # nothing fit: the article is left as it was and no headline is made up
    none, unchanged = writer._headline_from_article(article[:2], title, {}, article[0].text)
    assert none is None and unchanged == article[:2]


def test_a_datelines_capitals_are_not_the_briefs_spelling_of_a_place() -> None:
    mentions = [
        Mention("a#s0", "a", "HOUSTON", "GPE", 0, 7, None),
        Mention("a#s1", "a", "Houston", "GPE", 0, 7, None),
    ]
    lines = [
        BriefSentence(
            BriefPart.ARTICLE, "HOUSTON - A student was found safe.", (Citation("sentence", "a#s0"),)
        ),
        BriefSentence(BriefPart.ARTICLE, "Police in Houston said so.", (Citation("sentence", "a#s1"),)),
    ]
    assert [s.text for s in one_spelling(lines, mentions)] == [line.text for line in lines]


def test_an_advisory_level_the_insights_state_is_not_told_again_in_the_article() -> None:
    from datetime import date

    from wirebrief.write.deterministic import _without_told_records

    record = Fact(
        "f-iq", "iso3166:IQ", "Iraq", "travel_advisory_level", "4", "U.S. Department of State",
        "https://travel.state.gov/", date(2025, 7, 17), date(2026, 11, 1),
        'The U.S. Department of State rates Iraq at Level 4, "Do Not Travel".', "us-state", "Do Not Travel",
    )  # fmt: skip

    def line(text: str) -> BriefSentence:
        return BriefSentence(BriefPart.ARTICLE, text, (Citation("sentence", "a#s0"),))

    article = [
        line('The embassy said the advisory for Iraq stands at Level 4, "Do Not Travel," on Tuesday.'),
        line("Two drones were shot down near the air base."),
        line('The alert reminded Americans that the advisory stands at Level 4, "Do Not Travel."'),
        line("The advisory for Iran stands at Level 3."),
    ]
    kept = _without_told_records(article, [record])
    # the lead stays whatever it repeats; a later line that tells the record again goes
    assert [s.text for s in kept] == [article[0].text, article[1].text, article[3].text]
    assert _without_told_records(article, []) == article
