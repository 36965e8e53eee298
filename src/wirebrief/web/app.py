"""The FastAPI application ``wirebrief serve`` runs. Each feature adds its router here."""

from __future__ import annotations

from fastapi import FastAPI

from wirebrief import __version__
from wirebrief.settings import Settings
from wirebrief.web.alerts_api import alerts_router
from wirebrief.web.push import push_router


def create_app(settings: Settings) -> FastAPI:
    """The application with every router mounted.

    Raises :class:`~wirebrief.errors.ConfigError` when ``push_token`` is missing or too short: the
    push endpoint refuses to start rather than run open.
    """
    app = FastAPI(
        title="wirebrief",
        version=__version__,
        description="Push news reports into wirebrief (POST /api/v1/articles with a bearer token).",
    )
    app.include_router(push_router(settings))
    app.include_router(alerts_router(settings))
    return app
