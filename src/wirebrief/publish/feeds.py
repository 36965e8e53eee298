"""Story lists as Atom (RFC 4287) and JSON Feed 1.1 documents.

An entry is a story, not a brief version: its id is the story's permalink, so a reader keeps one
entry per story, and a new brief version changes the entry's ``updated`` time (the brief's
``as_of``, the time of the newest report it rests on) and its text rather than adding an entry.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    permalink: str  # the entry id and link: stable across brief versions
    title: str
    summary: str
    published: datetime  # the story's first report
    updated: datetime  # the newest brief's as_of
    version: int
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedInfo:
    title: str
    self_url: str  # this feed
    home_url: str  # the page it mirrors
    feed_id: str  # stable: the page URL with its filters


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def feed_updated(entries: Sequence[FeedEntry]) -> datetime:
    """The feed's time: its newest entry's, or the epoch when it is empty (stable across requests)."""
    return max((e.updated for e in entries), default=datetime(1970, 1, 1, tzinfo=UTC))


def render_atom(info: FeedInfo, entries: Sequence[FeedEntry]) -> bytes:
    """An Atom 1.0 document; every text goes in as text, so ElementTree escapes it."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", info.feed_id)
    sub(feed, "title", info.title)
    sub(feed, "updated", _stamp(feed_updated(entries)))
    sub(feed, "link", rel="self", href=info.self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=info.home_url, type="text/html")
    sub(sub(feed, "author"), "name", "wirebrief")
    sub(feed, "generator", "wirebrief")
    for entry in entries:
        item = sub(feed, "entry")
        sub(item, "id", entry.permalink)
        sub(item, "title", entry.title or "(untitled)")
        sub(item, "link", rel="alternate", href=entry.permalink, type="text/html")
        sub(item, "published", _stamp(entry.published))
        sub(item, "updated", _stamp(entry.updated))
        sub(item, "summary", entry.summary, type="text")
        for slug in entry.categories:
            sub(item, "category", term=slug)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def render_json_feed(info: FeedInfo, entries: Sequence[FeedEntry]) -> bytes:
    document = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": info.home_url,
        "feed_url": info.self_url,
        "authors": [{"name": "wirebrief"}],
        "items": [
            {
                "id": entry.permalink,
                "url": entry.permalink,
                "title": entry.title or "(untitled)",
                "content_text": entry.summary,
                "summary": entry.summary,
                "date_published": _stamp(entry.published),
                "date_modified": _stamp(entry.updated),
                "tags": list(entry.categories),
                "_wirebrief": {"brief_version": entry.version},
            }
            for entry in entries
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


__all__ = ["FeedEntry", "FeedInfo", "feed_updated", "render_atom", "render_json_feed"]
