"""E-mail alerts through a real SMTP server (aiosmtpd) on 127.0.0.1: one mail per alert, a daily
digest per rule, plain text and HTML, a link to the story page; a failing server is retried."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from alert_helpers import make_event, write_rules
from pydantic import SecretStr

from wirebrief.alerts.deliver import Deliverer
from wirebrief.alerts.outbox import load_rules, next_digest
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.store import alerts as stored


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"desk",
        b"s3cret",
    )
    return AuthResult(success=ok)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    # Authentication is offered without TLS here only because the test server has no certificate.
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def mail_settings(settings: Settings, tmp_path: Path, port: int, digest: str = "none") -> Settings:
    rules = f"""
channels:
  desk: {{type: email, to: [desk@example.org, night@example.org]}}
rules:
  - id: iraq
    countries: [IQ]
    channels: [desk]
    digest: {digest}
"""
    return settings.model_copy(
        update={
            "alerts_rules_file": write_rules(tmp_path / "alerts.yaml", rules),
            "alerts_smtp_host": "127.0.0.1",
            "alerts_smtp_port": port,
            "alerts_smtp_starttls": False,
            "alerts_smtp_from": "alerts@wirebrief.example",
            "public_base_url": "https://news.example.org",
        }
    )


def run(settings: Settings, store: Store, later: timedelta = timedelta()) -> Any:
    return Deliverer(settings, store, load_rules(settings, store)).run(now=datetime.now(UTC) + later)


def test_one_mail_per_alert_with_text_html_and_the_story_link(
    settings: Settings, store: Store, inbox: tuple[Inbox, int], tmp_path: Path
) -> None:
    handler, port = inbox
    settings = mail_settings(settings, tmp_path, port)
    make_event(store, 1, channels=("desk",))
    assert run(settings, store).delivered == 1
    (message,) = handler.messages
    assert handler.envelopes[0].rcpt_tos == ["desk@example.org", "night@example.org"]
    assert message["Subject"] == "[wirebrief] Story 1" and message["From"] == "alerts@wirebrief.example"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Headline of story 1." in text and "https://news.example.org/stories/s-1" in text
    assert "Headline of story 1." in html and 'href="https://news.example.org/stories/s-1"' in html
    assert run(settings, store, timedelta(hours=2)).delivered == 0 and len(handler.messages) == 1


def test_a_daily_digest_is_one_mail_per_rule_at_the_digest_hour(
    settings: Settings, store: Store, inbox: tuple[Inbox, int], tmp_path: Path
) -> None:
    handler, port = inbox
    settings = mail_settings(settings, tmp_path, port, digest="daily")
    # Enqueued as the pipeline does for a digest rule: due at the next digest hour.
    due = next_digest(datetime.now(UTC), "daily", settings.alerts_digest_hour)
    for n in range(3):
        event = replace(stored.events(store, [make_event(store, n, channels=())])[0], id=f"evt-digest-{n}")
        stored.enqueue(store, event, [("desk", due)])
    assert run(settings, store).delivered == 0 and not handler.messages
    assert run(settings, store, due - datetime.now(UTC) + timedelta(seconds=1)).delivered == 3
    (digest,) = handler.messages
    assert digest["Subject"] == "[wirebrief] daily digest for iraq: 3 alerts"
    text = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert [f"Headline of story {n}." in text for n in range(3)] == [True, True, True]


def test_a_failing_smtp_server_is_retried_and_no_server_waits(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    configured = mail_settings(settings, tmp_path, free_port())  # nothing listens there
    make_event(store, 1, channels=("desk",))
    assert run(configured, store).retried == 1
    assert "SMTP" in (stored.deliveries(store)[0].last_error or "")
    unconfigured = configured.model_copy(update={"alerts_smtp_host": None})
    assert run(unconfigured, store, timedelta(hours=1)).deferred == 1
    assert stored.deliveries(store)[0].status == "pending"


def test_the_smtp_login_is_used_and_a_refused_login_is_retried(
    settings: Settings, store: Store, inbox: tuple[Inbox, int], tmp_path: Path
) -> None:
    handler, port = inbox
    right = mail_settings(settings, tmp_path, port).model_copy(
        update={"alerts_smtp_username": "desk", "alerts_smtp_password": SecretStr("s3cret")}
    )
    make_event(store, 1, channels=("desk",))
    assert run(right, store).delivered == 1 and len(handler.messages) == 1
    wrong = right.model_copy(
        update={"alerts_smtp_password": SecretStr("wrong"), "alerts_smtp_timeout_s": 2.0}
    )
    make_event(store, 2, channels=("desk",))
    assert run(wrong, store).retried == 1 and len(handler.messages) == 1
    assert (stored.deliveries(store, status="pending")[0].last_error or "").startswith("SMTP: ")
