"""Extraction and linking with the real spaCy pipeline and the bundled gazetteer."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wirebrief.errors import ConfigError
from wirebrief.extract import Extractor
from wirebrief.extract.places import city_index
from wirebrief.records import Article, EntityKind, Extraction, content_hash
from wirebrief.settings import Settings

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "wirebrief" / "samples" / "news" / "reports.jsonl"


def make_article(
    text: str, article_id: str = "art-1", title: str = "A title that is not a sentence"
) -> Article:
    return Article(
        id=article_id,
        outlet="Test Wire",
        title=title,
        text=text,
        published=datetime(2026, 11, 18, 12, 0, tzinfo=UTC),
        language="en",
        content_hash=content_hash(text),
        source="test",
    )


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    # Load the spaCy pipeline and the GeoNames city index once for the module, not inside one test.
    loaded = Extractor(Settings())
    loaded.extract(make_article("Warm-up in Baghdad."))
    city_index()
    return loaded


def links(extraction: Extraction) -> dict[str, tuple[str, str | None]]:
    return {m.text: (m.label, m.entity_id) for m in extraction.mentions}


def test_every_alias_of_harakat_al_nujaba_links_to_one_organisation(extractor: Extractor) -> None:
    text = (
        "Harakat al-Nujaba threatened US citizens on Monday. "
        "The al-Nujaba movement said the warning stood.\n\n"
        "Al-Nujaba fighters were seen near the border. Nujaba is part of a coalition. "
        "Harakat Hezbollah al-Nujaba did not comment."
    )
    extraction = extractor.extract(make_article(text))
    nujaba = [m for m in extraction.mentions if "Nujaba" in m.text]
    assert {m.text for m in nujaba} == {
        "Harakat al-Nujaba",
        "al-Nujaba movement",
        "Al-Nujaba",
        "Nujaba",
        "Harakat Hezbollah al-Nujaba",
    }
    assert {(m.label, m.entity_id) for m in nujaba} == {("ORG", "wb:harakat-al-nujaba")}
    entity = extractor.entity("wb:harakat-al-nujaba")
    assert entity is not None
    assert entity.kind is EntityKind.ORGANISATION
    assert entity.name == "Harakat al-Nujaba"


def test_kataib_hezbollah_spellings_link_to_one_organisation(extractor: Extractor) -> None:
    text = (
        "Kata'ib Hezbollah denied it. Kataib Hezbollah said later. "
        "Kata’ib Hezbollah, a member of the Islamic Resistance in Iraq, met."
    )
    found = links(extractor.extract(make_article(text)))
    for spelling in ("Kata'ib Hezbollah", "Kataib Hezbollah", "Kata’ib Hezbollah"):
        assert found[spelling] == ("ORG", "wb:kataib-hezbollah")
    assert found["Islamic Resistance in Iraq"] == ("ORG", "wb:islamic-resistance-in-iraq")


def test_country_names_and_demonyms_link_to_iso_codes(extractor: Extractor) -> None:
    text = (
        "Iraqi officials met U.S. diplomats. An American engineer and a Peruvian ambassador spoke about Iraq."
    )
    found = links(extractor.extract(make_article(text)))
    assert found["Iraqi"][1] == "iso3166:IQ"
    assert found["U.S."][1] == "iso3166:US"
    assert found["American"][1] == "iso3166:US"
    assert found["Peruvian"][1] == "iso3166:PE"
    assert found["Iraq"][1] == "iso3166:IQ"
    iraq = extractor.entity("iso3166:IQ")
    assert iraq is not None and iraq.kind is EntityKind.COUNTRY and iraq.name == "Iraq"


def test_an_unknown_name_gets_no_id(extractor: Extractor) -> None:
    text = "Zorglub Vantrax, a spokesman for the Quxtal Brigade, spoke in Blorvington on Monday."
    extraction = extractor.extract(make_article(text))
    names = [m for m in extraction.mentions if m.label in {"PERSON", "ORG", "GPE", "LOC"}]
    assert names, "the pipeline should find the invented names"
    assert all(m.entity_id is None for m in names)
    invented = ("Zorglub", "Vantrax", "Quxtal", "Blorvington")
    assert not [e for e in extractor.entities.values() if any(word in e.name for word in invented)]


def test_cities_link_only_when_unambiguous_or_settled_by_the_country(extractor: Extractor) -> None:
    assert links(extractor.extract(make_article("Protesters gathered in Baghdad.")))["Baghdad"][1] == (
        "geonames:98182"
    )
    # Lima is in Peru and in Ohio: the article's country decides, and without one nothing is linked.
    assert links(extractor.extract(make_article("The Peruvian minister flew to Lima.")))["Lima"][1] == (
        "geonames:3936456"
    )
    assert links(extractor.extract(make_article("The minister flew to Lima on Monday.")))["Lima"][1] is None


def test_sentences_are_stable_cited_substrings_without_the_title(extractor: Extractor) -> None:
    text = (
        "  The militia issued its warning on Monday.  It named US citizens.\n\n"
        "The embassy answered on Tuesday. Flights remain available."
    )
    article = make_article(text, title="Militia warns US citizens")
    first = extractor.extract(article)
    again = Extractor(Settings()).extract(article)
    assert first == again
    assert [s.id for s in first.sentences] == [f"art-1#s{i}" for i in range(len(first.sentences))]
    assert [s.index for s in first.sentences] == list(range(len(first.sentences)))
    assert first.sentences[0].text == "The militia issued its warning on Monday."
    assert all(s.text in text and s.text == s.text.strip() for s in first.sentences)
    assert not any("Militia warns" in s.text for s in first.sentences)
    by_id = {s.id: s for s in first.sentences}
    for mention in first.mentions:
        assert by_id[mention.sentence_id].text[mention.start : mention.end] == mention.text


def test_quotes_carry_the_speaker_from_the_same_sentence(extractor: Extractor) -> None:
    text = (
        '"Air defences dealt with two hostile aircraft on the approach," said Brigadier General '
        "Falah al-Zubaidi, a spokesperson.\n\n"
        "“Whoever sent them wanted to show that the statement has teeth,” the diplomat said.\n\n"
        'The group called Americans "legitimate targets" on Monday.'
    )
    quotes = extractor.extract(make_article(text)).quotes
    by_text = {q.text: q for q in quotes}
    first = by_text["Air defences dealt with two hostile aircraft on the approach"]
    assert first.speaker is not None and "Falah al-Zubaidi" in first.speaker
    assert first.sentence_id == "art-1#s0"
    assert by_text["Whoever sent them wanted to show that the statement has teeth"].speaker == "the diplomat"
    assert "legitimate targets" not in by_text  # a two-word scare quote with no speaker


def test_extract_many_gives_what_extract_gives(extractor: Extractor) -> None:
    articles = [
        make_article("Harakat al-Nujaba warned Americans in Iraq.", "a"),
        make_article("The Dutch port of Rotterdam was hit by a cyberattack.", "b"),
    ]
    assert extractor.extract_many(articles) == [extractor.extract(a) for a in articles]


def test_a_missing_spacy_model_is_a_config_error_naming_the_package() -> None:
    extractor = Extractor(Settings(spacy_model="xx_no_such_pipeline_wb"))
    with pytest.raises(ConfigError, match=r"xx_no_such_pipeline_wb.*pip install xx-no-such-pipeline-wb"):
        extractor.extract(make_article("Some text."))


@pytest.mark.skipif(not SAMPLES.exists(), reason="the bundled sample corpus is not there")
def test_every_nujaba_mention_in_the_sample_corpus_is_the_organisation(extractor: Extractor) -> None:
    articles = []
    for number, line in enumerate(SAMPLES.read_text("utf-8").splitlines()):
        record = json.loads(line)
        if "Nujaba" in record.get("text", ""):
            articles.append(make_article(record["text"], f"sample-{number}"))
    assert articles
    mentions = [m for e in extractor.extract_many(articles) for m in e.mentions if "Nujaba" in m.text]
    assert mentions
    assert {(m.label, m.entity_id) for m in mentions} == {("ORG", "wb:harakat-al-nujaba")}


def test_a_small_town_abroad_is_a_namesake_but_a_big_city_abroad_links(extractor: Extractor) -> None:
    # The only "Chala" in the list is a Tanzanian town; a Peruvian report names its own small Chala.
    found = links(extractor.extract(make_article("The quake in Peru destroyed homes in Chala on Wednesday.")))
    assert found["Chala"][1] is None
    # Without any country named, the one candidate stands.
    assert links(extractor.extract(make_article("Rain flooded Chala on Wednesday.")))["Chala"][1] is not None
    # A city of 1.7 million is named without its country and still links.
    found = links(extractor.extract(make_article("American advisers arrived in Mosul on Friday.")))
    assert found["Mosul"][1] == "geonames:99072"


def test_an_alternate_city_name_needs_the_citys_country_in_the_article(extractor: Extractor) -> None:
    # "Namanga" (a Kenyan border town) is only an alternate GeoNames name of Namangan, Uzbekistan.
    found = links(extractor.extract(make_article("Kenyan truckers queued at Namanga for three days.")))
    assert found["Namanga"][1] is None
    found = links(extractor.extract(make_article("Iraqi police patrolled Basra on Friday.")))
    assert found["Basra"][1] == "geonames:99532"  # GeoNames spells it Basrah


def test_an_article_in_another_language_gets_sentences_but_no_english_entities(extractor: Extractor) -> None:
    text = "Más de 150 viviendas quedaron dañadas en Camaná. Las familias esperan la ayuda."
    spanish = dataclasses.replace(make_article(text), language="es")
    extraction = extractor.extract(spanish)
    assert len(extraction.sentences) == 2
    assert extraction.mentions == () and extraction.quotes == ()


def test_a_common_noun_is_not_linked_to_the_country_it_spells(extractor: Extractor) -> None:
    text = (
        "The critic praised the antique china and the roast turkey on the set. "
        "Officials in China and Turkey did not comment on the film."
    )
    extraction = extractor.extract(make_article(text))
    linked = {m.text: m.entity_id for m in extraction.mentions if m.entity_id}
    assert all(any(ch.isupper() for ch in name) for name in linked)
    assert linked.get("China") == "iso3166:CN"
