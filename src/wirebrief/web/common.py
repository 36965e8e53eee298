"""Helpers the API, pages and feeds share: filters from query parameters, JSON twins, conditional GET."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response

from wirebrief.errors import InputError
from wirebrief.store.queries import Cursor, StoryFilters, StorySummary


def aware(value: datetime | None) -> datetime | None:
    """Naive times from a query string are taken as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_filters(
    *,
    category: str | None = None,
    country: str | None = None,
    entity: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_sources: int | None = None,
    advisory_level: int | None = None,
    q: str | None = None,
) -> StoryFilters:
    def clean(value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    return StoryFilters(
        category=clean(category),
        country=clean(country),
        entity=clean(entity),
        since=aware(since),
        until=aware(until),
        min_sources=min_sources,
        advisory_level=advisory_level,
        q=clean(q),
    )


def form_int(name: str, value: str | None, low: int, high: int) -> int | None:
    """A number from a form field: empty is no filter; anything else must be a whole number in range."""
    if value is None or not value.strip():
        return None
    try:
        number = int(value.strip())
    except ValueError:
        raise InputError(name, f"{value[:40]!r} is not a whole number") from None
    if not low <= number <= high:
        raise InputError(name, f"{number} is out of range; use {low} to {high}")
    return number


def form_time(name: str, value: str | None) -> datetime | None:
    """A date or date and time from a form field (ISO 8601, UTC when no offset); empty is no filter."""
    if value is None or not value.strip():
        return None
    try:
        return aware(datetime.fromisoformat(value.strip()))
    except ValueError:
        raise InputError(name, f"{value[:40]!r} is not a date (use YYYY-MM-DD)") from None


def decode_cursor(cursor: str | None) -> Cursor | None:
    return Cursor.decode(cursor) if cursor else None


def page_url(request: Request, path: str, filters: StoryFilters, cursor: Cursor | None, **extra: str) -> str:
    params = filters.as_params() | {k: v for k, v in extra.items() if v}
    if cursor is not None:
        params["cursor"] = cursor.encode()
    query = urlencode(params)
    return str(request.base_url).rstrip("/") + path + (f"?{query}" if query else "")


def permalink(request: Request, story_id: str) -> str:
    return str(request.base_url).rstrip("/") + f"/stories/{story_id}"


def summary_json(request: Request, summary: StorySummary) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    return {
        "story_id": summary.story_id,
        "version": summary.version,
        "as_of": summary.as_of.isoformat(),
        "first_seen": summary.first_seen.isoformat(),
        "title": summary.title,
        "headline": summary.headline,
        "report_count": summary.report_count,
        "independent_sources": summary.independent_sources,
        "advisory_level": summary.advisory_level,
        "categories": list(summary.categories),
        "url": f"{base}/stories/{summary.story_id}",
        "api_url": f"{base}/api/v1/stories/{summary.story_id}",
    }


def plain(value: Any) -> Any:
    """Dataclasses, dates and tuples as JSON values."""
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def not_modified(request: Request, etag: str) -> bool:
    given = request.headers.get("if-none-match")
    if not given:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in given.split(",")}
    return "*" in candidates or etag in candidates


def conditional(
    request: Request, body: bytes, media_type: str, headers: Mapping[str, str] | None = None
) -> Response:
    """``body`` with an ETag, or 304 Not Modified when the client already has it."""
    etag = etag_of(body)
    out = {"ETag": etag, "Cache-Control": "no-cache", **(headers or {})}
    if not_modified(request, etag):
        return Response(status_code=304, headers=out)
    return Response(body, media_type=media_type, headers=out)


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
