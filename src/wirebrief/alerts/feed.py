"""The alerts of one rule as an Atom feed (RFC 4287): one entry per alert event, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from wirebrief.alerts.outbox import story_url
from wirebrief.settings import Settings
from wirebrief.store.alerts import AlertEvent

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = text
    return element


def rule_feed(
    rule_id: str, events: Sequence[AlertEvent], settings: Settings, self_url: str | None = None
) -> bytes:
    """The Atom document of ``rule_id``'s alerts; ``events`` newest first. An entry's id is the
    event's (``urn:wirebrief:evt-…``), so a reader shows each alert once however often it polls."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"urn:wirebrief:alerts:{rule_id}")
    _text(feed, "title", f"wirebrief alerts: {rule_id}")
    updated = max((e.created_at for e in events), default=datetime(1970, 1, 1, tzinfo=UTC))
    _text(feed, "updated", _stamp(updated))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "wirebrief")
    if self_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": self_url})
    for event in events:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"urn:wirebrief:{event.id}")
        _text(entry, "title", event.title or event.summary or event.story_id)
        _text(entry, "updated", _stamp(event.created_at))
        link = story_url(settings, event.story_id)
        if link:
            ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": event.type})
        _text(entry, "summary", f"{event.type}: {'; '.join(event.reasons)}. {event.summary}".strip())
        _text(entry, "content", event.text, type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + bytes(ET.tostring(feed, encoding="utf-8"))
