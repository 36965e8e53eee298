"""OPML subscription lists: the feed URLs (``xmlUrl``) of every outline, nested ones included.

Parsed with defusedxml, so a file that declares entities (billion laughs) or refers to external ones is
refused before anything is expanded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from wirebrief.errors import InputError

# Subscription lists are small; a larger file is almost certainly not one.
MAX_OPML_BYTES = 10_000_000


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription: the feed URL and the outline's title (``title``, else ``text``)."""

    url: str
    name: str | None


def _outline_name(outline: Element) -> str | None:
    for attribute in ("title", "text"):
        value = (outline.get(attribute) or "").strip()
        if value:
            return value
    return None


def parse_opml(data: bytes, location: str) -> list[OpmlFeed]:
    """The feeds of an OPML document, in document order, each URL once."""
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True)
    except DefusedXmlException as exc:
        raise InputError(location, f"refused unsafe XML: {type(exc).__name__} ({exc})") from exc
    except (ParseError, ValueError) as exc:
        raise InputError(location, f"not an OPML file: not well-formed XML ({exc})") from exc
    except LookupError as exc:
        # expat raises this for a declared encoding Python does not know (encoding="bogus").
        raise InputError(location, f"not an OPML file: {exc}") from exc
    except RecursionError as exc:
        raise InputError(location, "not an OPML file: nested too deeply") from exc
    if root.tag.lower() != "opml":
        raise InputError(location, f"not an OPML file: the root element is <{root.tag}>, not <opml>")
    outlines = list(root.iter("outline"))
    if not outlines:
        raise InputError(location, "OPML file has no <outline> elements")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline in outlines:
        # Folders are outlines without xmlUrl; their children are found by iter() all the same.
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and url not in seen:
            seen.add(url)
            feeds.append(OpmlFeed(url=url, name=_outline_name(outline)))
    if not feeds:
        count = len(outlines)
        problem = "its one outline has" if count == 1 else f"none of the {count} outlines has"
        raise InputError(location, f"{problem} {'no' if count == 1 else 'a'} feed URL (xmlUrl)")
    return feeds


def read_opml(path: Path) -> list[OpmlFeed]:
    """The feeds of the OPML file at ``path``; ``InputError`` naming the file when it cannot be used."""
    location = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputError(location, "not a regular file")
        if size > MAX_OPML_BYTES:
            raise InputError(location, f"larger than {MAX_OPML_BYTES:,} bytes; not a subscription list")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(location, "no such file") from exc
    except OSError as exc:
        raise InputError(location, f"cannot read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise InputError(location, "empty file")
    return parse_opml(data, location)


__all__ = ["MAX_OPML_BYTES", "OpmlFeed", "parse_opml", "read_opml"]
