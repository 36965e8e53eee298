"""The FastAPI application ``wirebrief serve`` runs: pages, the JSON API, feeds, and push when configured.

One error shape for every JSON answer (``ErrorBody``: the push endpoint's body), chosen by one handler:
a :class:`~wirebrief.errors.WirebriefError` answers with its ``http_status``, an unknown route 404,
bad query parameters 422. Pages get the same message as an HTML page. Every answer carries a strict
Content-Security-Policy with a per-request nonce (no outside asset, no inline script without it).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from wirebrief import __version__
from wirebrief.errors import PushRefused, WirebriefError
from wirebrief.settings import Settings
from wirebrief.web.alerts_api import alerts_router
from wirebrief.web.alerts_pages import alerts_pages_router
from wirebrief.web.api import api_router
from wirebrief.web.feeds import feeds_router
from wirebrief.web.pages import STATIC_DIR, pages_router, render_error_page
from wirebrief.web.push import ItemProblem, PushRefusal, push_enabled, push_router
from wirebrief.web.state import WebState

log = logging.getLogger(__name__)

ErrorBody = PushRefusal  # {error, detail, problems}: one shape for every JSON error

_CODES = {
    400: "bad-request",
    401: "unauthorised",
    404: "not-found",
    405: "method-not-allowed",
    422: "invalid-parameter",
    503: "storage-unavailable",
}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.startswith("/feeds/") or path == "/openapi.json"


def _error(request: Request, status: int, detail: str, problems: list[ItemProblem] | None = None) -> Response:
    code = _CODES.get(status, "internal-error" if status >= 500 else "error")
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if _wants_json(request):
        body = ErrorBody(error=code, detail=detail, problems=problems or [])
        return JSONResponse(body.model_dump(), status_code=status, headers=headers)
    return render_error_page(request, status, detail, headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(WirebriefError)
    async def wirebrief_error(request: Request, error: WirebriefError) -> Response:
        status = error.status if isinstance(error, PushRefused) else error.http_status
        if status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, error)
        return _error(request, status, str(error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        detail = error.detail if isinstance(error.detail, str) else "error"
        if error.status_code == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}"
        response = _error(request, error.status_code, detail)
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_parameter(request: Request, error: RequestValidationError) -> Response:
        problems = [
            ItemProblem(
                item=None, field=".".join(str(p) for p in e.get("loc", ())[1:]) or None, problem=e["msg"]
            )
            for e in error.errors()
        ]
        first = problems[0] if problems else None
        detail = f"{first.field}: {first.problem}" if first and first.field else "invalid request"
        return _error(request, 422, detail, problems)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        return _error(request, 500, "internal error; see the server log")


def _install_security_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        nonce = secrets.token_urlsafe(16)
        request.state.csp_nonce = nonce
        response = await call_next(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self'; "
            "form-action 'self'; connect-src 'self'; frame-ancestors 'none'; object-src 'none'; "
            "base-uri 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


_TOKEN_IN_QUERY = re.compile(r"([?&]token=)[^&\s]*")


class RedactTokens(logging.Filter):
    """Keeps private feed tokens (``?token=``) out of uvicorn's access log: a token is never logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_QUERY.sub(r"\1[redacted]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def _redact_access_log() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())


def create_app(settings: Settings) -> FastAPI:
    """The application with every router mounted.

    Without a push token the app is read-only (no push route); a push token shorter than
    ``MIN_TOKEN_LENGTH`` is a :class:`~wirebrief.errors.ConfigError`, as is a bad ``ingest_field_map``.
    """
    state = WebState(settings)
    _redact_access_log()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            state.close()

    app = FastAPI(
        title="wirebrief",
        version=__version__,
        description="Grounded news briefs: stories, briefs with their citations, versions and feeds "
        "(GET /api/v1/...), and pushing reports (POST /api/v1/articles with a bearer token, when enabled).",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    _install_error_handlers(app)
    _install_security_headers(app)
    if push_enabled(settings):
        app.include_router(push_router(settings))
    app.include_router(api_router(state))
    app.include_router(alerts_router(settings))
    app.include_router(alerts_pages_router(state))
    app.include_router(feeds_router(state))
    app.include_router(pages_router(state))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
