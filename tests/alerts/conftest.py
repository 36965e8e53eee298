"""Fixtures of the alerts tests: settings in tmp_path and a store holding the shared test bundle's
story, articles and reference records — on a SQLite file, and on PostgreSQL when
``WIREBRIEF_TEST_POSTGRES_URL`` is set (a migrated schema of its own, emptied before each test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

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
    name = f"wb_alerts_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        url = make_url(base).update_query_dict({"options": f"-csearch_path={name}"})
        rendered = url.render_as_string(hide_password=False)
        Store.open(rendered).close()
        try:
            yield rendered
        finally:
            with admin.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
    finally:
        admin.dispose()


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
