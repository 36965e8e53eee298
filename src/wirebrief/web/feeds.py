"""Atom and JSON Feed 1.1 of the story list: all stories, or any filter of the list (category, country,
entity, search), and the named ``saved_searches``. With ``feed_token`` set, feeds answer only with
``?token=`` in the URL (private feeds). ETag and Last-Modified answer conditional GETs with 304.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Literal
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Query, Request, Response
from starlette.exceptions import HTTPException

from wirebrief.errors import InputError, NotFoundError
from wirebrief.publish.feeds import FeedEntry, FeedInfo, feed_updated, render_atom, render_json_feed
from wirebrief.store import queries
from wirebrief.web.common import etag_of, make_filters, not_modified, permalink
from wirebrief.web.state import WebState, token_matches

FEED_SIZE = 50
MEDIA = {"atom": "application/atom+xml; charset=utf-8", "json": "application/feed+json; charset=utf-8"}
_FILTER_NAMES = ("category", "country", "entity", "q", "min_sources", "advisory_level")


def saved_filters(name: str, query: str) -> queries.StoryFilters:
    """The filters of a saved search's query string; InputError naming the search when it has others."""
    values: dict[str, str] = {}
    for key, found in parse_qs(query, keep_blank_values=False).items():
        if key not in _FILTER_NAMES:
            raise InputError(
                f"saved_searches.{name}", f"unknown filter {key!r}; use {', '.join(_FILTER_NAMES)}"
            )
        values[key] = found[-1]
    numbers: dict[str, int | None] = {}
    for key in ("min_sources", "advisory_level"):
        try:
            numbers[key] = int(values[key]) if key in values else None
        except ValueError:
            raise InputError(f"saved_searches.{name}", f"{key} {values[key]!r} is not a number") from None
    return make_filters(
        category=values.get("category"),
        country=values.get("country"),
        entity=values.get("entity"),
        q=values.get("q"),
        min_sources=numbers["min_sources"],
        advisory_level=numbers["advisory_level"],
    )


def feeds_router(state: WebState) -> APIRouter:
    settings = state.settings
    router = APIRouter(prefix="/feeds", tags=["feeds"])

    def check_token(token: str | None) -> None:
        if settings.feed_token is None:
            return
        if not token_matches(token, settings.feed_token.get_secret_value()):
            # 404, not 401: a private feed's URL is its secret, and a wrong one names nothing.
            raise HTTPException(404, "no such feed (private feeds need their token)")

    def answer(
        request: Request, fmt: str, filters: queries.StoryFilters, title: str, token: str | None
    ) -> Response:
        check_token(token)
        page = queries.list_stories(state.store, filters, limit=FEED_SIZE)
        entries = [
            FeedEntry(
                permalink=permalink(request, s.story_id),
                title=s.title,
                summary=s.headline,
                published=s.first_seen,
                updated=s.as_of,
                version=s.version,
                categories=s.categories,
            )
            for s in page.items
        ]
        base = str(request.base_url).rstrip("/")
        params = urlencode(filters.as_params())
        home = base + "/" + (f"?{params}" if params else "")
        info = FeedInfo(title=title, self_url=str(request.url), home_url=home, feed_id=home)
        body = render_atom(info, entries) if fmt == "atom" else render_json_feed(info, entries)
        updated = feed_updated(entries)
        etag = etag_of(body)
        headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(updated, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if not_modified(request, etag) or (
            request.headers.get("if-none-match") is None and _unmodified_since(request, updated)
        ):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=MEDIA[fmt], headers=headers)

    @router.get("/stories.{fmt}", summary="Feed of the story list (any of its filters)")
    def stories_feed(
        request: Request,
        fmt: Literal["atom", "json"],
        category: str | None = None,
        country: str | None = None,
        entity: str | None = None,
        q: Annotated[str | None, Query(max_length=500)] = None,
        min_sources: Annotated[int | None, Query(ge=1, le=10_000)] = None,
        advisory_level: Annotated[int | None, Query(ge=1, le=4)] = None,
        token: Annotated[str | None, Query(max_length=200)] = None,
    ) -> Response:
        filters = make_filters(
            category=category,
            country=country,
            entity=entity,
            q=q,
            min_sources=min_sources,
            advisory_level=advisory_level,
        )
        wanted = ", ".join(f"{k} {v}" for k, v in filters.as_params().items())
        return answer(request, fmt, filters, "wirebrief: stories" + (f" ({wanted})" if wanted else ""), token)

    @router.get("/saved/{name}.{fmt}", summary="Feed of a saved search (setting saved_searches)")
    def saved_feed(
        request: Request,
        name: str,
        fmt: Literal["atom", "json"],
        token: Annotated[str | None, Query(max_length=200)] = None,
    ) -> Response:
        check_token(token)
        query = settings.saved_searches.get(name)
        if query is None:
            raise NotFoundError(f"no saved search named {name} (setting saved_searches)")
        return answer(request, fmt, saved_filters(name, query), f"wirebrief: {name}", token)

    return router


def _unmodified_since(request: Request, updated: datetime) -> bool:
    given = request.headers.get("if-modified-since")
    if not given:
        return False
    try:
        since = parsedate_to_datetime(given)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return updated.replace(microsecond=0) <= since
