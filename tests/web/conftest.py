"""Fixtures of the web tests: ``serve`` starts the push server (see push_server.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from push_server import push_settings, running_server

from wirebrief.settings import Settings


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[str, Settings]]]:
    """``serve(**setting_overrides)`` starts a server over ``tmp_path`` and returns (base URL, settings)."""
    with ExitStack() as servers:

        def start(**overrides: Any) -> tuple[str, Settings]:
            settings = push_settings(tmp_path, **overrides)
            return servers.enter_context(running_server(settings)), settings

        yield start
