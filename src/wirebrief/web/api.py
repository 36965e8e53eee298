"""``GET /api/v1/...``: stories, briefs, versions and what changed, reports, entities, categories, sources.

Every answer is JSON with an ETag (``If-None-Match`` → 304). Lists are cut by a keyset cursor: the
body has ``items``, ``next`` (the cursor, or null on the last page) and ``next_url``, and a
``Link: <…>; rel="next"`` header points at the next page. A brief's body is exactly the JSON export
(:func:`wirebrief.publish.brief_to_dict`; its version is in ``Wirebrief-Brief-Schema``). When
``web_read_token`` is set, every route here needs it as a bearer token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.exceptions import HTTPException

from wirebrief.errors import InputError, NotFoundError
from wirebrief.publish import brief_to_dict
from wirebrief.publish.changes import choose_versions, load_brief_changes
from wirebrief.publish.html import BRIEF_SCHEMA_VERSION
from wirebrief.publish.sources import load_source_index
from wirebrief.store import queries
from wirebrief.web.common import (
    conditional,
    decode_cursor,
    json_bytes,
    make_filters,
    page_url,
    plain,
    summary_json,
)
from wirebrief.web.push import bearer_token_matches
from wirebrief.web.state import WebState

API = "/api/v1"
JSON = "application/json"


def _answer(request: Request, data: Any, headers: dict[str, str] | None = None) -> Response:
    return conditional(request, json_bytes(data), JSON, headers)


def api_router(state: WebState) -> APIRouter:
    settings = state.settings

    def require_read_token(request: Request) -> None:
        if settings.web_read_token is None:
            return
        expected = settings.web_read_token.get_secret_value().strip().encode("utf-8")
        if not bearer_token_matches(request.headers.get("authorization"), expected):
            raise HTTPException(401, "reads need the bearer token of setting web_read_token")

    router = APIRouter(prefix=API, tags=["read"], dependencies=[Depends(require_read_token)])

    def known_story(story_id: str) -> queries.StorySummary:
        summary = queries.story_summary(state.store, story_id)
        if summary is None:
            if state.store.story(story_id) is None:
                raise NotFoundError(f"no story with id {story_id}")
            raise NotFoundError(f"story {story_id} has no brief yet")
        return summary

    @router.get("/stories", summary="Stories with a brief, newest first, filtered and paged")
    def stories(
        request: Request,
        category: Annotated[str | None, Query(description="A category slug.")] = None,
        country: Annotated[str | None, Query(description="A country's entity id (iso3166:XX).")] = None,
        entity: Annotated[str | None, Query(description="An entity id.")] = None,
        since: Annotated[datetime | None, Query(description="Brief as of at or after (ISO 8601).")] = None,
        until: Annotated[datetime | None, Query(description="Brief as of before (ISO 8601).")] = None,
        min_sources: Annotated[int | None, Query(ge=1, le=10_000)] = None,
        advisory_level: Annotated[int | None, Query(ge=1, le=4)] = None,
        q: Annotated[
            str | None, Query(max_length=500, description="Words all found in brief or reports.")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE_SIZE)] = 50,
        cursor: Annotated[
            str | None, Query(max_length=500, description="`next` of the previous page.")
        ] = None,
    ) -> Response:
        filters = make_filters(
            category=category,
            country=country,
            entity=entity,
            since=since,
            until=until,
            min_sources=min_sources,
            advisory_level=advisory_level,
            q=q,
        )
        page = queries.list_stories(state.store, filters, limit=limit, after=decode_cursor(cursor))
        next_url = (
            page_url(request, f"{API}/stories", filters, page.next, limit=str(limit)) if page.next else None
        )
        data = {
            "items": [summary_json(request, s) for s in page.items],
            "next": page.next.encode() if page.next else None,
            "next_url": next_url,
        }
        headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
        return _answer(request, data, headers)

    @router.get("/stories/{story_id}", summary="A story: its newest brief's summary, versions and links")
    def story(request: Request, story_id: str) -> Response:
        summary = known_story(story_id)
        stored = state.store.story(story_id)
        data = summary_json(request, summary) | {
            "last_seen": stored.last_seen.isoformat() if stored else None,
            "brief_versions": state.store.brief_versions(story_id),
            "brief_url": f"{request.base_url}api/v1/stories/{story_id}/brief",
            "reports_url": f"{request.base_url}api/v1/stories/{story_id}/reports",
        }
        return _answer(request, data)

    @router.get("/stories/{story_id}/brief", summary="A brief: the JSON export of one version")
    def brief(
        request: Request, story_id: str, version: Annotated[int | None, Query(ge=1)] = None
    ) -> Response:
        known_story(story_id)
        store = state.store
        found = store.latest_brief(story_id) if version is None else store.brief(story_id, version)
        if found is None:
            raise NotFoundError(f"story {story_id} has no brief version {version}")
        data = brief_to_dict(found, load_source_index(store, found))
        return _answer(request, data, {"Wirebrief-Brief-Schema": BRIEF_SCHEMA_VERSION})

    @router.get("/stories/{story_id}/versions", summary="Brief versions and the story's membership history")
    def versions(request: Request, story_id: str) -> Response:
        known_story(story_id)
        store = state.store
        data = {
            "brief_versions": store.brief_versions(story_id),
            "story_versions": [plain(v) for v in store.story_versions(story_id)],
        }
        return _answer(request, data)

    @router.get("/stories/{story_id}/changes", summary="What changed between two brief versions")
    def changes(
        request: Request,
        story_id: str,
        start: Annotated[int | None, Query(alias="from", ge=1)] = None,
        end: Annotated[int | None, Query(alias="to", ge=1)] = None,
    ) -> Response:
        known_story(story_id)
        try:
            chosen = choose_versions(state.store.brief_versions(story_id), start, end)
        except ValueError as exc:
            raise InputError("from", str(exc).replace("--", "")) from exc
        if chosen is None:
            raise NotFoundError(f"story {story_id} has one brief version; nothing to compare")
        found = load_brief_changes(state.store, story_id, *chosen)
        return _answer(request, plain(found) | {"has_changes": found.has_changes})

    @router.get("/stories/{story_id}/reports", summary="The story's reports, oldest first")
    def reports(request: Request, story_id: str) -> Response:
        stored = state.store.story(story_id)
        if stored is None:
            raise NotFoundError(f"no story with id {story_id}")
        articles = sorted(state.store.articles(list(stored.article_ids)), key=lambda a: (a.published, a.id))
        data = {
            "items": [
                {
                    "article_id": a.id,
                    "outlet": a.outlet,
                    "title": a.title,
                    "published": a.published.isoformat(),
                    "url": a.url,
                    "language": a.language,
                    "byline": a.byline,
                }
                for a in articles
            ]
        }
        return _answer(request, data)

    def facet_answer(request: Request, facet: str) -> Response:
        values = state.cached(facet, lambda store: queries.facet_values(store, facet))
        items = [plain(v) for v in values]
        return _answer(request, {"items": items})

    @router.get("/categories", summary="Categories with their number of stories")
    def categories(request: Request) -> Response:
        return facet_answer(request, "category")

    @router.get("/countries", summary="Countries with their number of stories")
    def countries(request: Request) -> Response:
        return facet_answer(request, "country")

    @router.get("/entities", summary="Entities with their number of stories")
    def entities(request: Request) -> Response:
        return facet_answer(request, "entity")

    @router.get("/entities/{entity_id}", summary="An entity with its reference records")
    def entity(request: Request, entity_id: str) -> Response:
        view = queries.entity_view(state.store, entity_id)
        return _answer(request, {"entity": plain(view.entity), "records": [plain(f) for f in view.facts]})

    @router.get("/sources", summary="Watched sources with their health, and outlets with report counts")
    def sources(request: Request) -> Response:
        data = {
            "watched": [plain(s) for s in state.store.sources()],
            "outlets": [plain(o) for o in queries.outlets(state.store)],
        }
        return _answer(request, data)

    return router
