"""Fixtures of the web tests: ``serve`` starts the push server (see push_server.py); ``site`` serves the
sample site (site.py) built once per session, on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from push_server import push_settings, running_server

from postgres_schemas import postgres_schema
from sample_site import build_site
from wirebrief.settings import Settings


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[str, Settings]]]:
    """``serve(**setting_overrides)`` starts a server over ``tmp_path`` and returns (base URL, settings)."""
    with ExitStack() as servers:

        def start(**overrides: Any) -> tuple[str, Settings]:
            settings = push_settings(tmp_path, **overrides)
            return servers.enter_context(running_server(settings)), settings

        yield start


# --- the sample site, built once per session (running the pipeline costs several seconds of CPU)

SITE_BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)]


@pytest.fixture(scope="session")
def site_settings_postgresql(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    url = os.environ.get("WIREBRIEF_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("WIREBRIEF_TEST_POSTGRES_URL is not set; scripts/start-postgres.sh starts a server")
    with postgres_schema(url, "wb_web") as schema_url:
        yield build_site(tmp_path_factory.mktemp("site-postgresql"), schema_url)


@pytest.fixture(scope="session", params=SITE_BACKENDS)
def site(request: pytest.FixtureRequest) -> Iterator[tuple[str, Settings]]:
    """(base URL, settings) of a real uvicorn on 127.0.0.1 serving the sample site, read-only."""
    settings: Settings = request.getfixturevalue(f"site_settings_{request.param}")
    with running_server(settings) as base:
        yield base, settings


@pytest.fixture(scope="session")
def sqlite_site(site_settings_sqlite: Settings) -> Iterator[tuple[str, Settings]]:
    """The SQLite sample site only (browser and fuzz tests)."""
    with running_server(site_settings_sqlite) as base:
        yield base, site_settings_sqlite
