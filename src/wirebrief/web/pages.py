"""Server-rendered pages: the story list, a story, entity and country pages, categories, sources, API docs.

Every page works without JavaScript (citations open with ``<details>``); one small local script adds
j/k keys to move between stories. Templates are autoescaped and report text is never marked safe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader

from wirebrief.errors import InputError, NotFoundError
from wirebrief.publish import brief_to_dict
from wirebrief.publish.changes import choose_versions, load_brief_changes
from wirebrief.publish.html import export_css, make_environment
from wirebrief.publish.sources import load_source_index
from wirebrief.store import alerts as stored_alerts
from wirebrief.store import queries
from wirebrief.web.common import decode_cursor, form_int, form_time, make_filters, page_url
from wirebrief.web.state import WebState

STATIC_DIR = Path(__file__).parent / "static"
STORY_ALERTS_SHOWN = 20  # the newest alerts fired for a story, on its page

_environment: Environment | None = None


def templates() -> Environment:
    global _environment
    if _environment is None:
        _environment = make_environment(PackageLoader("wirebrief.web", "templates"))
    return _environment


def render(
    request: Request, name: str, status: int = 200, headers: Any = None, **context: Any
) -> HTMLResponse:
    nonce = getattr(request.state, "csp_nonce", "")
    html = templates().get_template(name).render(request=request, nonce=nonce, **context)
    return HTMLResponse(html, status_code=status, headers=headers)


def render_error_page(request: Request, status: int, detail: str, headers: Any = None) -> Response:
    return render(request, "error.html", status=status, headers=headers, status_code=status, detail=detail)


def pages_router(state: WebState) -> APIRouter:
    settings = state.settings
    router = APIRouter(include_in_schema=False)

    def story_list(
        request: Request, filters: queries.StoryFilters, cursor: str | None, path: str, **context: Any
    ) -> HTMLResponse:
        page = queries.list_stories(
            state.store, filters, limit=settings.web_page_size, after=decode_cursor(cursor)
        )
        feed_params = page_url(request, "", filters, None).removeprefix(str(request.base_url).rstrip("/"))
        return render(
            request,
            context.pop("template", "list.html"),
            page=page,
            filters=filters,
            next_url=page_url(request, path, filters, page.next) if page.next else None,
            first_url=page_url(request, path, filters, None) if cursor else None,
            feed_query=feed_params,
            api_url=page_url(request, "/api/v1/stories", filters, None),
            **context,
        )

    @router.get("/", response_class=HTMLResponse)
    def home(
        request: Request,
        category: str | None = None,
        country: str | None = None,
        entity: str | None = None,
        since: str | None = None,
        until: str | None = None,
        min_sources: str | None = None,
        advisory_level: str | None = None,
        q: Annotated[str | None, Query(max_length=500)] = None,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
    ) -> HTMLResponse:
        # A submitted form sends every field, the empty ones as "": those filter nothing.
        filters = make_filters(
            category=category,
            country=country,
            entity=entity,
            since=form_time("since", since),
            until=form_time("until", until),
            min_sources=form_int("min_sources", min_sources, 1, 10_000),
            advisory_level=form_int("advisory_level", advisory_level, 1, 4),
            q=q,
        )
        return story_list(
            request,
            filters,
            cursor,
            "/",
            categories=state.cached("category", lambda store: queries.facet_values(store, "category")),
            countries=state.cached("country", lambda store: queries.facet_values(store, "country")),
        )

    @router.get("/stories/{story_id}", response_class=HTMLResponse)
    def story_page(
        request: Request,
        story_id: str,
        version: Annotated[int | None, Query(ge=1)] = None,
        start: Annotated[int | None, Query(alias="from", ge=1)] = None,
        end: Annotated[int | None, Query(alias="to", ge=1)] = None,
        dropped: bool = False,
    ) -> HTMLResponse:
        store = state.store
        stored = store.story(story_id)
        brief = store.latest_brief(story_id) if version is None else store.brief(story_id, version)
        if brief is None:
            if stored is None:
                raise NotFoundError(f"no story with id {story_id}")
            raise NotFoundError(f"story {story_id} has no brief" + (f" version {version}" if version else ""))
        data = brief_to_dict(brief, load_source_index(store, brief))
        versions = store.brief_versions(story_id)
        try:
            chosen = choose_versions(versions, start, end)
        except ValueError as exc:
            raise InputError("from", str(exc).replace("--", "")) from exc
        changes = load_brief_changes(store, story_id, *chosen) if chosen else None
        reports = (
            sorted(store.articles(list(stored.article_ids)), key=lambda a: (a.published, a.id))
            if stored
            else []
        )
        return render(
            request,
            "story.html",
            brief=data,
            versions=versions,
            changes=changes,
            chosen=chosen,
            reports=reports,
            show_dropped=dropped,
            history=store.story_versions(story_id) if stored else [],
            alerts=stored_alerts.events(store, story_id=story_id, limit=STORY_ALERTS_SHOWN),
        )

    def entity_page(request: Request, entity_id: str, facet: str, cursor: str | None) -> HTMLResponse:
        view = queries.entity_view(state.store, entity_id)
        filters = make_filters(country=entity_id) if facet == "country" else make_filters(entity=entity_id)
        return story_list(
            request, filters, cursor, request.url.path, template="entity.html", view=view, facet=facet
        )

    @router.get("/entities/{entity_id}", response_class=HTMLResponse)
    def entity(
        request: Request, entity_id: str, cursor: Annotated[str | None, Query(max_length=500)] = None
    ) -> HTMLResponse:
        return entity_page(request, entity_id, "entity", cursor)

    @router.get("/countries/{entity_id}", response_class=HTMLResponse)
    def country(
        request: Request, entity_id: str, cursor: Annotated[str | None, Query(max_length=500)] = None
    ) -> HTMLResponse:
        return entity_page(request, entity_id, "country", cursor)

    @router.get("/topics", response_class=HTMLResponse)
    def topics(request: Request) -> HTMLResponse:
        return render(
            request,
            "topics.html",
            categories=queries.facet_values(state.store, "category"),
            countries=queries.facet_values(state.store, "country"),
            entities=queries.facet_values(state.store, "entity", limit=200),
            saved=sorted(settings.saved_searches),
        )

    @router.get("/sources", response_class=HTMLResponse)
    def sources(request: Request) -> HTMLResponse:
        return render(
            request, "sources.html", watched=state.store.sources(), outlets=queries.outlets(state.store)
        )

    @router.get("/favicon.ico")
    def favicon() -> Response:
        # Browsers ask for it on every site; "no content" rather than a 404 in their console.
        return Response(status_code=204)

    @router.get("/brief.css")
    def brief_css() -> Response:
        # The brief's own look, shared with the standalone HTML export.
        return Response(export_css(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    @router.get("/api/docs", response_class=HTMLResponse)
    def api_docs(request: Request) -> HTMLResponse:
        schema = request.app.openapi()
        return render(request, "api_docs.html", schema=schema)

    return router
