"""Fixtures of the alerts tests: settings in tmp_path and a store holding the shared test bundle's
story, articles and reference records — on a SQLite file, and on PostgreSQL when
``WIREBRIEF_TEST_POSTGRES_URL`` is set (a migrated schema of its own, emptied before each test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from postgres_schemas import postgres_schema
from wirebrief.records import StoryBundle
from wirebrief.settings import Settings
from wirebrief.store import Store, schema

POSTGRES_URL_ENV = "WIREBRIEF_TEST_POSTGRES_URL"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", alerts_allow_private_targets=True, alerts_retry_base_s=0.05)


@pytest.fixture(scope="session")
def _postgres_alerts_url() -> Iterator[str]:
    base = os.environ.get(POSTGRES_URL_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    with postgres_schema(base, "wb_alerts") as rendered:
        Store.open(rendered).close()
        yield rendered


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest, settings: Settings, bundle: StoryBundle) -> Iterator[Store]:
    if request.param == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        url = settings.resolved_database_url
    else:
        url = request.getfixturevalue("_postgres_alerts_url")
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                for table in reversed(schema.metadata.sorted_tables):
                    connection.execute(table.delete())
        finally:
            engine.dispose()
    with Store.open(url) as opened:
        opened.upsert_articles(list(bundle.articles))
        opened.save_stories([bundle.story])
        opened.save_facts(bundle.facts)
        yield opened
