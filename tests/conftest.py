"""Shared fixtures: a small, hand-built story bundle with real report sentences and reference records."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from wirebrief.records import (
    Article,
    CategoryScore,
    Entity,
    EntityKind,
    Extraction,
    Fact,
    Mention,
    ReportSentence,
    Story,
    StoryBundle,
    content_hash,
)
from wirebrief.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"

REPORTS = {
    "a-one": (
        "Meridian Wire",
        datetime(2026, 11, 18, 9, 30, tzinfo=UTC),
        "Iraqi militia threatens US citizens over strike warning",
        [
            "An Iraqi militia threatened US citizens in Iraq on Tuesday after warnings of a strike on Iran.",
            "Harakat al-Nujaba said American citizens would become targets if the strike went ahead.",
            "The group did not say when it would act, said Colonel Rana Haddad, a spokesperson for the Iraqi "
            "Joint Operations Command.",
            "At least 12 people were killed in a drone attack near the Ain al-Asad base on Monday.",
        ],
    ),
    "a-two": (
        "The Harbour Ledger",
        datetime(2026, 11, 19, 7, 0, tzinfo=UTC),
        "Nujaba militia warns Americans in Iraq",
        [
            "The Iran-backed Harakat al-Nujaba warned on Tuesday that US citizens in Iraq were "
            "legitimate targets.",
            "Officials in Baghdad urged the militias to stay out of the conflict.",
            "The drone attack near the Ain al-Asad base killed 15 people, according to a local hospital.",
        ],
    ),
}


def make_article(article_id: str) -> Article:
    outlet, published, title, sentences = REPORTS[article_id]
    text = " ".join(sentences)
    return Article(
        id=article_id,
        outlet=outlet,
        title=title,
        text=text,
        published=published,
        language="en",
        content_hash=content_hash(title + text),
        source="test",
        url=f"https://example.org/{article_id}",
    )


def make_extraction(article_id: str) -> Extraction:
    _, _, _, texts = REPORTS[article_id]
    sentences = tuple(
        ReportSentence(ReportSentence.make_id(article_id, i), article_id, i, t) for i, t in enumerate(texts)
    )
    mentions = []
    for sentence in sentences:
        if "Iraq" in sentence.text:
            start = sentence.text.index("Iraq")
            mentions.append(Mention(sentence.id, article_id, "Iraq", "GPE", start, start + 4, "iso3166:IQ"))
    return Extraction(article_id, sentences, tuple(mentions))


ADVISORY = Fact(
    id="f-advisory-iq",
    subject_id="iso3166:IQ",
    subject_name="Iraq",
    predicate="travel_advisory_level",
    value="4",
    value_label="Do Not Travel",
    issuer="U.S. Department of State",
    source_url=(
        "https://travel.state.gov/content/travel/en/traveladvisories/traveladvisories/iraq-travel-advisory.html"
    ),
    as_of=date(2025, 6, 12),
    retrieved_at=date(2026, 11, 1),
    statement='The U.S. Department of State rates Iraq at Level 4, "Do Not Travel", in its travel advisory '
    "dated 2025-06-12.",
    provider="travel-advisories",
)


@pytest.fixture
def bundle() -> StoryBundle:
    articles = (make_article("a-one"), make_article("a-two"))
    story = Story("s-test", tuple(a.id for a in articles), articles[0].published, articles[-1].published)
    return StoryBundle(
        story=story,
        articles=articles,
        extractions={a.id: make_extraction(a.id) for a in articles},
        entities={"iso3166:IQ": Entity("iso3166:IQ", "Iraq", EntityKind.COUNTRY)},
        facts=(ADVISORY,),
        # As the classifier files it: the article folds a travel advisory in only for such a story.
        categories=(CategoryScore("war-and-conflicts", "War and conflicts", 0.7),),
    )


@pytest.fixture(scope="session")
def site_settings_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The sample news and two hostile feeds run through the pipeline once per session into SQLite
    (tests/sample_site.py); the web and CLI reading tests share it and must not change it."""
    from sample_site import build_site

    return build_site(tmp_path_factory.mktemp("site-sqlite"))
