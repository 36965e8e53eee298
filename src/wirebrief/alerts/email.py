"""E-mail alerts through SMTP: one mail per alert, or one digest per rule (daily or weekly).

The plain-text part is the brief as the text export renders it (``publish.render_text``, stored with
the event); the HTML part is built from the JSON export of the same version (``publish.brief_to_dict``),
escaped, so the mail says what the exports say. Each alert links to its story page
(``public_base_url``).
"""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from wirebrief.alerts.outbox import story_url
from wirebrief.errors import ConfigError
from wirebrief.settings import Settings
from wirebrief.store.alerts import AlertEvent


def _sentence(item: Mapping[str, Any] | None) -> str:
    return str(item.get("text", "")) if item else ""


def brief_html(data: Mapping[str, Any]) -> str:
    """An HTML fragment of a brief from its JSON export (every text escaped)."""
    esc = html.escape
    parts = [f"<h2>{esc(_sentence(data.get('event_title')))}</h2>"]
    headline = _sentence(data.get("headline"))
    if headline:
        parts.append(f"<p><strong>{esc(headline)}</strong></p>")
    for paragraph in data.get("article", []):
        parts.append("<p>" + " ".join(esc(_sentence(s)) for s in paragraph) + "</p>")
    insights = data.get("insights", [])
    if insights:
        parts.append("<h3>Key insights</h3><ul>")
        parts.extend(f"<li>{esc(_sentence(s))}</li>" for s in insights)
        parts.append("</ul>")
    categories = ", ".join(str(c.get("label", "")) for c in data.get("categories", []))
    if categories:
        parts.append(f"<p><em>{esc(categories)}</em></p>")
    return "\n".join(parts)


def _alert_text(event: AlertEvent, settings: Settings) -> str:
    link = story_url(settings, event.story_id)
    lines = [f"[{event.rule_id}] {event.type}: {'; '.join(event.reasons)}", ""]
    lines.append(event.text.rstrip())
    if link:
        lines += ["", f"Story page: {link}"]
    return "\n".join(lines)


def _alert_html(event: AlertEvent, settings: Settings) -> str:
    esc = html.escape
    link = story_url(settings, event.story_id)
    parts = [f"<p>[{esc(event.rule_id)}] {esc(event.type)}: {esc('; '.join(event.reasons))}</p>"]
    parts.append(brief_html(event.data))
    if link:
        parts.append(f'<p><a href="{esc(link, quote=True)}">Story page</a></p>')
    return "\n".join(parts)


def compose(
    events: Sequence[AlertEvent], to: Sequence[str], settings: Settings, *, digest: str = "none"
) -> EmailMessage:
    """One mail: a single alert, or a digest of ``events`` (one rule's, oldest first)."""
    if not events:
        raise ValueError("a mail needs at least one alert")
    message = EmailMessage()
    rule_id = events[0].rule_id
    if len(events) == 1 and digest == "none":
        message["Subject"] = f"[wirebrief] {events[0].title or events[0].summary}"
    else:
        message["Subject"] = f"[wirebrief] {digest} digest for {rule_id}: {len(events)} alerts"
    message["From"] = settings.alerts_smtp_from
    message["To"] = ", ".join(to)
    message["Date"] = format_datetime(events[-1].created_at)
    message["Message-ID"] = make_msgid(idstring=events[0].id if len(events) == 1 else None)
    message["X-Wirebrief-Events"] = " ".join(e.id for e in events)
    separator = "\n\n" + "-" * 72 + "\n\n"
    message.set_content(separator.join(_alert_text(e, settings) for e in events) + "\n")
    body = "\n<hr>\n".join(_alert_html(e, settings) for e in events)
    message.add_alternative(f"<!doctype html>\n<html><body>\n{body}\n</body></html>\n", subtype="html")
    return message


def send(message: EmailMessage, settings: Settings) -> None:
    """Send through the configured SMTP server; ``ConfigError`` when none is configured, ``OSError``
    or ``smtplib.SMTPException`` when sending fails (the caller retries)."""
    if not settings.alerts_smtp_host:
        raise ConfigError("setting alerts_smtp_host: not set, so e-mail alerts cannot be sent")
    with smtplib.SMTP(
        settings.alerts_smtp_host, settings.alerts_smtp_port, timeout=settings.alerts_smtp_timeout_s
    ) as smtp:
        if settings.alerts_smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.alerts_smtp_username:
            password = (
                settings.alerts_smtp_password.get_secret_value() if settings.alerts_smtp_password else ""
            )
            smtp.login(settings.alerts_smtp_username, password)
        smtp.send_message(message)
