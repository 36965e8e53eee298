"""Fixtures of the alerts tests: settings in tmp_path and a store on a SQLite file holding the shared
test bundle's story, articles and reference records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wirebrief.records import StoryBundle
from wirebrief.settings import Settings
from wirebrief.store import Store


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", alerts_allow_private_targets=True, alerts_retry_base_s=0.05)


@pytest.fixture
def store(settings: Settings, bundle: StoryBundle) -> Iterator[Store]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with Store.open(settings.resolved_database_url) as opened:
        opened.upsert_articles(list(bundle.articles))
        opened.save_stories([bundle.story])
        opened.save_facts(bundle.facts)
        yield opened
