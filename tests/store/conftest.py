"""Fixtures of the store tests: a store on a SQLite file in tmp_path and, when
``WIREBRIEF_TEST_POSTGRES_URL`` is set, the same tests on PostgreSQL (each test in a fresh schema)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from postgres_schemas import postgres_schema
from wirebrief.records import (
    Article,
    Brief,
    BriefPart,
    BriefSentence,
    CategoryScore,
    Citation,
    Entity,
    EntityKind,
    Extraction,
    Fact,
    IptcTopic,
    Mention,
    Quote,
    ReportSentence,
    Story,
    SupportReport,
    Verdict,
    content_hash,
)
from wirebrief.store import Store, schema

POSTGRES_URL_ENV = "WIREBRIEF_TEST_POSTGRES_URL"
BASE_TIME = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def postgres_url_or_skip() -> str:
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        pytest.skip(
            f"{POSTGRES_URL_ENV} is not set; scripts/start-postgres.sh starts a server and prints the URL"
        )
    return url


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema (for tests of migrations and opening)."""
    with postgres_schema(postgres_url_or_skip()) as url:
        yield url


@pytest.fixture(scope="session")
def _postgres_migrated_url() -> Iterator[str]:
    # Migrating a schema costs most of a second; behaviour tests share one and empty it in between.
    with postgres_schema(postgres_url_or_skip()) as url:
        Store.open(url).close()
        yield url


@pytest.fixture(scope="session")
def _sqlite_migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Behaviour tests start from a copy of one migrated file (tests of opening use their own paths).
    database = tmp_path_factory.mktemp("store-template") / "wirebrief.db"
    Store.open(f"sqlite:///{database}").close()
    return database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL, an empty store once opened: a SQLite file, or a migrated PostgreSQL schema."""
    if request.param == "sqlite":
        database = tmp_path / "wirebrief-data" / "wirebrief.db"
        database.parent.mkdir()
        shutil.copyfile(request.getfixturevalue("_sqlite_migrated_file"), database)
        return f"sqlite:///{database}"
    url: str = request.getfixturevalue("_postgres_migrated_url")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            # DELETE, children first: on small tables much faster than TRUNCATE, which rewrites files.
            for table in reversed(schema.metadata.sorted_tables):
                connection.execute(table.delete())
    finally:
        engine.dispose()
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "wirebrief-data" / "wirebrief.db"


@dataclass
class RecordFactory:
    """Small, valid records for the tests."""

    def article(
        self,
        article_id: str,
        text: str | None = None,
        *,
        hours: float = 0.0,
        title: str | None = None,
        **fields: object,
    ) -> Article:
        body = text if text is not None else f"Body of {article_id}: troops crossed the river at dawn."
        values: dict[str, object] = {
            "id": article_id,
            "outlet": "Example Wire",
            "title": title if title is not None else f"Title of {article_id}",
            "text": body,
            "published": BASE_TIME + timedelta(hours=hours),
            "language": "en",
            "content_hash": content_hash(body),
            "source": "reports.jsonl",
            "url": f"https://news.example/{article_id}",
        }
        values.update(fields)
        return Article(**values)  # type: ignore[arg-type]

    def story(self, story_id: str, *articles: Article) -> Story:
        ordered = sorted(articles, key=lambda a: (a.published, a.id))
        return Story(
            id=story_id,
            article_ids=tuple(a.id for a in ordered),
            first_seen=ordered[0].published,
            last_seen=ordered[-1].published,
        )

    def extraction(self, article: Article) -> Extraction:
        sentences = tuple(
            ReportSentence(
                id=ReportSentence.make_id(article.id, i), article_id=article.id, index=i, text=text
            )
            for i, text in enumerate(["Iraq closed the border.", "“We are ready,” said Anna Müller."])
        )
        mentions = (
            Mention(sentences[0].id, article.id, "Iraq", "GPE", 0, 4, "iso3166:IQ"),
            Mention(sentences[1].id, article.id, "Anna Müller", "PERSON", 22, 33, None),
        )
        quotes = (Quote(sentences[1].id, "Anna Müller", "We are ready"),)
        return Extraction(article.id, sentences, mentions, quotes)

    def entity(self, entity_id: str = "iso3166:IQ") -> Entity:
        return Entity(
            id=entity_id,
            name="Iraq",
            kind=EntityKind.COUNTRY,
            aliases=("Republic of Iraq", "العراق"),
            external_ids={"wikidata": "Q796", "geonames": "99237"},
        )

    def fact(self, fact_id: str = "fact-1", subject_id: str = "iso3166:IQ") -> Fact:
        return Fact(
            id=fact_id,
            subject_id=subject_id,
            subject_name="Iraq",
            predicate="travel_advisory_level",
            value="4",
            issuer="US Department of State",
            source_url="https://travel.state.gov/iraq",
            as_of=date(2024, 7, 31),
            retrieved_at=date(2025, 1, 15),
            statement="The US State Department rates Iraq at level 4 (Do Not Travel) as of 31 July 2024.",
            provider="travel-advisories",
            value_label="Do Not Travel",
        )

    def categories(self) -> tuple[CategoryScore, ...]:
        return (
            CategoryScore(
                slug="conflict",
                label="Conflict and war",
                score=0.1 + 0.2,
                iptc=(IptcTopic("medtop:16000000", "conflict, war and peace"),),
                evidence=("troops", "border"),
            ),
            CategoryScore(slug="diplomacy", label="Diplomacy", score=0.25),
        )

    def brief(self, story: Story, *, headline: str = "Iraq closes its border.", **fields: object) -> Brief:
        title = BriefSentence(
            BriefPart.TITLE, "Border closure", (Citation("sentence", f"{story.article_ids[0]}#s0"),)
        )
        head = BriefSentence(
            BriefPart.HEADLINE, headline, (Citation("sentence", f"{story.article_ids[0]}#s0"),)
        )
        insight = BriefSentence(
            BriefPart.INSIGHT,
            "Iraq is at advisory level 4.",
            (Citation("fact", "fact-1"), Citation("sentence", f"{story.article_ids[-1]}#s1")),
            paragraph=1,
        )
        stakeholder = BriefSentence(
            BriefPart.STAKEHOLDER,
            "Travellers should not go.",
            (Citation("fact", "fact-1"),),
            stakeholder="Travel desk",
        )
        dropped = BriefSentence(BriefPart.ARTICLE, "An unsupported opinion.", ())
        support = SupportReport(
            (
                Verdict(head, True, (), 0.91),
                Verdict(dropped, False, ("no citation",), None),
            )
        )
        values: dict[str, object] = {
            "story_id": story.id,
            "story_version": story.version_key,
            "sentences": (title, head, insight, stakeholder),
            "categories": self.categories(),
            "as_of": story.last_seen,
            "writer": "deterministic",
            "report_count": len(story.article_ids),
            "independent_sources": len(story.article_ids),
            "support": support,
            "metadata": {"taxonomy": "wirebrief-1", "language": "en"},
        }
        values.update(fields)
        return Brief(**values)  # type: ignore[arg-type]


@pytest.fixture
def make() -> RecordFactory:
    return RecordFactory()
