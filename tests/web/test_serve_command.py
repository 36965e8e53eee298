"""`wirebrief serve` as a user runs it: read-only without a push token (push is off, pages and API
answer); with one, pushed reports are stored and, after a pipeline run, listed by `wirebrief stories`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from push_server import TOKEN, push_settings
from pydantic import SecretStr

from wirebrief.errors import ConfigError
from wirebrief.pipeline import run
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.web.app import create_app
from wirebrief.web.push import PUSH_PATH

# Two independent reports of one invented event, from two outlets.
FERRY_REPORTS = [
    {
        "url": "https://tests.example/gazette/ferry-aground",
        "outlet": "Island Gazette",
        "title": "Ferry runs aground off Kessel Island with 310 passengers on board",
        "published": "2026-11-22T07:30:00Z",
        "text": "A passenger ferry carrying 310 people ran aground off Kessel Island early on Sunday, the "
        "coastguard said. All passengers were taken off the ferry by lifeboats and nobody was hurt, the "
        "coastguard said. The ferry operator said the ship had lost steering in high winds.",
    },
    {
        "url": "https://tests.example/herald/kessel-ferry",
        "outlet": "Coastal Herald",
        "title": "Kessel Island ferry aground in high winds, all 310 passengers rescued",
        "published": "2026-11-22T10:00:00Z",
        "text": "All 310 passengers of a ferry that ran aground off Kessel Island on Sunday were brought "
        "ashore by lifeboats, the coastguard said. The operator said the ferry lost its steering in "
        "high winds, and that an inquiry into the grounding would begin on Monday.",
    },
]


def _env_without_token() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "WIREBRIEF_PUSH_TOKEN"}


def _wirebrief(data_dir: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real entry point in a child process; a wide terminal so that tables are not wrapped."""
    return subprocess.run(
        [sys.executable, "-m", "wirebrief.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env | {"COLUMNS": "250"},
    )


@pytest.mark.slow
def test_serve_without_a_token_starts_read_only_and_says_push_is_off(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "wirebrief.cli", "--data-dir", str(tmp_path), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env_without_token(),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # the start imports spaCy; CPUs here are shared
        while True:
            assert server.poll() is None, server.communicate()
            try:
                listed = httpx.get(f"{base}/api/v1/stories", timeout=5)
                break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "wirebrief serve did not start"
            time.sleep(0.2)
        pushed = httpx.post(f"{base}{PUSH_PATH}", json=FERRY_REPORTS, timeout=10)
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert listed.status_code == 200 and listed.json() == {"items": [], "next": None, "next_url": None}
    assert pushed.status_code in (404, 405)  # no push route at all: nothing can be stored
    assert pushed.json()["error"] in ("not-found", "method-not-allowed")
    assert "push is off (read-only): set WIREBRIEF_PUSH_TOKEN" in out
    assert server.returncode == 0, err
    with Store.open(push_settings(tmp_path).resolved_database_url) as store:
        assert store.counts()["articles"] == 0


@pytest.mark.parametrize("token", [None, "   "])
def test_the_app_is_read_only_without_a_token(tmp_path: Path, token: str | None) -> None:
    settings = Settings(data_dir=tmp_path, push_token=SecretStr(token) if token is not None else None)
    paths = set(create_app(settings).openapi()["paths"])
    assert PUSH_PATH not in paths
    assert "/api/v1/stories" in paths


def test_a_short_token_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, push_token=SecretStr("short"))
    with pytest.raises(ConfigError) as refused:
        create_app(settings)
    assert str(refused.value).startswith("setting push_token: 5 characters; use at least 16 random ones")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.slow
def test_serve_stores_pushed_reports_that_a_run_then_turns_into_a_story(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "wirebrief.cli", "--data-dir", str(tmp_path), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env_without_token() | {"WIREBRIEF_PUSH_TOKEN": TOKEN},
    )
    url = f"http://127.0.0.1:{port}{PUSH_PATH}"
    try:
        deadline = time.monotonic() + 240  # the start imports spaCy; CPUs here are shared
        while True:
            assert server.poll() is None, server.communicate()
            try:
                # No token: a 401 proves the server is up without storing anything.
                if httpx.post(url, json={}, timeout=5).status_code == 401:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "wirebrief serve did not start"
            time.sleep(0.2)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        response = httpx.post(url, json=FERRY_REPORTS, headers=auth, timeout=30)
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert response.status_code == 200, (response.text, err)
    assert [r["status"] for r in response.json()["results"]] == ["stored", "stored"]
    assert server.returncode == 0, err
    assert f"push endpoint: POST http://127.0.0.1:{port}{PUSH_PATH}" in out

    settings = push_settings(tmp_path)
    with Store.open(settings.resolved_database_url) as store:
        assert sorted(a.outlet for a in store.articles()) == ["Coastal Herald", "Island Gazette"]
    summary = run(settings, [])  # no new inputs: cluster and brief what is stored
    assert summary.stories == 1 and summary.stories_briefed == 1
    listed = _wirebrief(tmp_path, "stories", env=_env_without_token())
    assert listed.returncode == 0, listed.stderr
    story_id = summary.briefs[0].story_id
    row = next(line for line in listed.stdout.splitlines() if story_id in line)
    assert [cell.strip() for cell in row.split("│")][2:4] == ["2", "2026-11-22 07:30"]  # both reports
