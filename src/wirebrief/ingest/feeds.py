"""RSS 0.9x/1.0/2.0 and Atom feeds (feedparser, after a defusedxml safety check) and JSON documents
(JSON Feed 1.x, or a JSON list of report objects read with the field mapping)."""

from __future__ import annotations

import calendar
import io
import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, BinaryIO
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
import feedparser
from defusedxml import DefusedXmlException

from wirebrief.errors import InputError
from wirebrief.ingest import _io
from wirebrief.ingest.base import ReadContext, describe_failure, report_from_mapping
from wirebrief.records import RawReport

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF|RDF)[\s>]", re.IGNORECASE)


def refuse_unsafe_xml(data: bytes, location: str) -> None:
    """Refuse XML that declares entities or references external ones before any parser expands them.

    defusedxml rejects entity declarations (billion laughs, quadratic blow-up) and external entities;
    a document too malformed for it to reach the DTD is still scanned for ``<!ENTITY`` so a broken
    prologue cannot smuggle one past the check to feedparser's tolerant parser.
    """
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(location, f"refused unsafe XML: {type(exc).__name__} ({exc})") from exc
    except (ParseError, ValueError, LookupError):
        # Malformed feeds are common, and so is an encoding Python does not know (LookupError from
        # ``encoding="bogus"``): feedparser decides below, with its own encoding fallbacks.
        pass
    sample = data
    if _io.bom_encoding(data[:4]) in ("utf-16", "utf-32"):
        sample = data.decode(_io.bom_encoding(data[:4]) or "utf-16", errors="replace").encode("utf-8")
    if _ENTITY_DECLARATION.search(sample):
        raise InputError(location, "refused unsafe XML: entity declarations are not allowed in feeds")


def _struct_to_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, OSError, ValueError, TypeError):
        return None


def _entry_body(entry: Mapping[str, Any]) -> str:
    """Full content when the feed has it (the longest part), else the summary."""
    contents = [c.get("value", "") for c in entry.get("content", []) if isinstance(c, Mapping)]
    best = max(contents, key=len, default="")
    return best if best.strip() else str(entry.get("summary", "") or "")


# What follows the outlet's name in a feed title: "Meridian Wire — World", "Atlas Daily | Latest".
_FEED_TITLE_TAIL = re.compile(r"\s+[—–|:-]\s+")


def _host(url: str) -> str | None:
    """A link's host without "www." (the feed's site and its items' links compare by it)."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


class FeedSource:
    name: str = "feed"
    suffixes: tuple[str, ...] = (".xml", ".rss", ".atom", ".rdf")
    media_types: tuple[str, ...] = (
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    )
    streamed: bool = False

    def sniff(self, head: bytes) -> bool:
        return _FEED_ROOT.search(head[:4096]) is not None

    def read(self, stream: BinaryIO, location: str, context: ReadContext) -> Iterator[RawReport]:
        data = _io.read_all(stream, location, context.settings.max_input_bytes)
        _io.check_text_head(data[: _io.HEAD_BYTES], location)
        refuse_unsafe_xml(data, location)
        # No HTML sanitising or relative-URI rewriting: half of feedparser's time on a typical feed, and
        # wasted here, because normalise keeps only the text of the markup (scripts, styles, embeds and
        # forms dropped) and never its attributes or links; RawReport.body goes nowhere else.
        parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
        entries = parsed.get("entries", [])
        if not entries:
            if parsed.get("bozo"):
                problem = parsed.get("bozo_exception")
                raise InputError(location, f"not a well-formed feed ({problem})")
            if not parsed.get("version"):
                raise InputError(location, "not an RSS or Atom feed")
            return
        feed = parsed.get("feed", {})
        feed_title = str(feed.get("title", "") or "").strip() or None
        feed_host = _host(str(feed.get("link", "") or ""))
        # The outlet's name, as the feed titles itself ("Continental Press Agency — Top wire stories").
        feed_outlet = _FEED_TITLE_TAIL.split(feed_title, maxsplit=1)[0].strip() if feed_title else None
        feed_language = feed.get("language")
        for index, entry in enumerate(entries, start=1):
            # One odd item (a library failing on its dates or content) is that item's problem only.
            try:
                locator = str(entry.get("id") or entry.get("link") or f"item {index}")
                body = _entry_body(entry)
                title = str(entry.get("title", "") or "")
                if not body.strip() and not title.strip():
                    context.on_problem(
                        InputError(f"{location}:item {index}", "feed item has no title or text")
                    )
                    continue
                source_title = (
                    entry.get("source", {}).get("title") if isinstance(entry.get("source"), Mapping) else None
                )
                link = entry.get("link") or None
                # The item's <source> names the outlet that wrote a syndicated item. An item on the feed's own
                # site is the feed's outlet, named as the feed names itself; an item elsewhere is left to its
                # link's host (an aggregator's feed); without a link, the feed's title stands for it.
                outlet: str | None
                if source_title:
                    outlet = str(source_title)
                elif not link:
                    outlet = feed_title
                elif feed_outlet and feed_host and _host(str(link)) == feed_host:
                    outlet = feed_outlet
                else:
                    outlet = None
                published = (
                    _struct_to_datetime(entry.get("published_parsed"))
                    or _struct_to_datetime(entry.get("updated_parsed"))
                    or _struct_to_datetime(entry.get("created_parsed"))
                )
                content_language = next(
                    (
                        c.get("language")
                        for c in entry.get("content", [])
                        if isinstance(c, Mapping) and c.get("language")
                    ),
                    None,
                )
                extra = {"feed_version": str(parsed.get("version", ""))}
                if feed_title:
                    extra["feed_title"] = feed_title
                report = RawReport(
                    source=location,
                    locator=locator,
                    title=title,
                    body=body,
                    body_is_html=True,
                    url=str(link) if link else None,
                    outlet=outlet,
                    published=published,
                    language=str(content_language or feed_language or "") or None,
                    byline=str(entry.get("author", "") or "").strip() or None,
                    extra=extra,
                )
            except Exception as exc:
                where = f"{location}:item {index}"
                context.on_problem(InputError(where, f"unusable feed item ({describe_failure(exc)})"))
                continue
            yield report


def _json_feed_items(document: Mapping[str, Any], location: str, context: ReadContext) -> Iterator[RawReport]:
    items = document.get("items")
    if not isinstance(items, list):
        raise InputError(location, "JSON Feed without an 'items' list")
    feed_title = document.get("title") if isinstance(document.get("title"), str) else None
    feed_language = document.get("language") if isinstance(document.get("language"), str) else None
    for index, item in enumerate(items, start=1):
        where = f"{location}:item {index}"
        if not isinstance(item, Mapping):
            context.on_problem(InputError(where, "JSON Feed item is not an object"))
            continue
        try:
            report = _json_feed_item(item, index, feed_title, feed_language, location, context)
        except Exception as exc:
            context.on_problem(InputError(where, f"unusable JSON Feed item ({describe_failure(exc)})"))
            continue
        if report is not None:
            yield report


def _json_feed_item(
    item: Mapping[str, Any],
    index: int,
    feed_title: str | None,
    feed_language: str | None,
    location: str,
    context: ReadContext,
) -> RawReport | None:
    where = f"{location}:item {index}"
    html_body = item.get("content_html")
    text_body = item.get("content_text")
    summary = item.get("summary")
    if isinstance(html_body, str) and html_body.strip():
        body, is_html = html_body, True
    elif isinstance(text_body, str) and text_body.strip():
        body, is_html = text_body, False
    elif isinstance(summary, str) and summary.strip():
        body, is_html = summary, False
    else:
        context.on_problem(InputError(where, "JSON Feed item has no content_html, content_text or summary"))
        return None
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), Mapping) else [])
    names = [str(a["name"]) for a in authors if isinstance(a, Mapping) and isinstance(a.get("name"), str)]
    url = item.get("url") if isinstance(item.get("url"), str) else None
    published = item.get("date_published") or item.get("date_modified")
    return RawReport(
        source=location,
        locator=str(item.get("id") or url or f"item {index}"),
        title=str(item.get("title") or ""),
        body=body,
        body_is_html=is_html,
        url=url,
        outlet=None if url else feed_title,
        published=published if isinstance(published, str) else None,
        language=item.get("language") if isinstance(item.get("language"), str) else feed_language,
        byline=", ".join(names) or None,
        extra={"feed_version": "json"} | ({"feed_title": feed_title} if feed_title else {}),
    )


class JsonSource:
    """``.json``: a JSON Feed (https://jsonfeed.org, version 1.x) or a JSON list of report objects."""

    name: str = "json"
    suffixes: tuple[str, ...] = (".json",)
    media_types: tuple[str, ...] = ("application/feed+json", "application/json")
    streamed: bool = False

    def sniff(self, head: bytes) -> bool:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        # An object is only taken for a JSON Feed when it says so; other objects are JSON Lines.
        return start[:1] == b"[" or (start[:1] == b"{" and b"jsonfeed.org" in head[:2048])

    def read(self, stream: BinaryIO, location: str, context: ReadContext) -> Iterator[RawReport]:
        data = _io.read_all(stream, location, context.settings.max_input_bytes)
        text = _io.decode_document(data, location)
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(location, f"not valid JSON ({exc})") from exc
        except RecursionError as exc:
            raise InputError(location, "not usable JSON: nested too deeply") from exc
        if isinstance(document, Mapping):
            version = document.get("version")
            if isinstance(version, str) and "jsonfeed.org" in version:
                yield from _json_feed_items(document, location, context)
                return
            raise InputError(location, "a JSON object that is not a JSON Feed (no jsonfeed.org 'version')")
        if isinstance(document, list):
            for index, item in enumerate(document, start=1):
                if not isinstance(item, Mapping):
                    context.on_problem(InputError(f"{location}:item {index}", "not a JSON object"))
                    continue
                report = report_from_mapping(item, source=location, locator=f"item {index}", context=context)
                if report is not None:
                    yield report
            return
        raise InputError(location, "JSON that is neither a JSON Feed nor a list of report objects")
