"""Who may read: open by default; with web_read_token, the API needs it as a bearer token."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import httpx
from push_server import running_server
from pydantic import SecretStr

from wirebrief.settings import Settings

READ_TOKEN = "read-token-0123456789abcdef"


def test_reads_are_open_without_a_read_token(sqlite_site: tuple[str, Settings]) -> None:
    base, _ = sqlite_site
    assert httpx.get(f"{base}/api/v1/stories", timeout=30).status_code == 200


def test_a_read_token_gates_the_api(site_settings_sqlite: Settings) -> None:
    settings = site_settings_sqlite.model_copy(update={"web_read_token": SecretStr(READ_TOKEN)})
    with running_server(settings) as base:
        for path in ("/api/v1/stories", "/api/v1/categories", "/api/v1/sources"):
            refused = httpx.get(base + path, timeout=30)
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"] == "Bearer"
            assert refused.json()["error"] == "unauthorised"
            wrong = httpx.get(base + path, headers={"Authorization": "Bearer " + READ_TOKEN[:-1]}, timeout=30)
            assert wrong.status_code == 401
            assert READ_TOKEN not in wrong.text
            allowed = httpx.get(base + path, headers={"Authorization": f"Bearer {READ_TOKEN}"}, timeout=30)
            assert allowed.status_code == 200
        # The token gates the API only: pages are as configured (open here).
        assert httpx.get(f"{base}/", timeout=30).status_code == 200


def test_a_read_only_database_is_served_as_it_is(site_settings_sqlite: Settings, tmp_path: Path) -> None:
    source = site_settings_sqlite.resolved_database_url.removeprefix("sqlite:///")
    copy = tmp_path / "wirebrief.db"
    shutil.copy(source, copy)
    with sqlite3.connect(copy) as connection:  # forget the read model, so the server must rebuild it
        connection.execute("DELETE FROM read_model_state")
        connection.execute("DELETE FROM story_index")
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///file:{copy}?mode=ro&uri=true")
    with running_server(settings) as base:
        answer = httpx.get(f"{base}/api/v1/stories", timeout=30)
        page = httpx.get(f"{base}/", timeout=30)
    # It cannot write the read model: the list is empty rather than an error, and pages still answer.
    assert answer.status_code == 200 and answer.json()["items"] == []
    assert page.status_code == 200


def test_feed_tokens_are_redacted_from_the_access_log() -> None:
    import logging

    from wirebrief.web.app import RedactTokens

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/feeds/stories.atom?category=sports&token=secret-feed-token", "1.1", 200),
        None,
    )
    assert RedactTokens().filter(record)
    assert "secret-feed-token" not in record.getMessage()
    assert "/feeds/stories.atom?category=sports&token=[redacted]" in record.getMessage()
