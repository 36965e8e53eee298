"""`wirebrief serve`: the web pages, the JSON API, the feeds and (with a push token) the push endpoint."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from wirebrief.settings import Settings


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        ctx: typer.Context,
        host: Annotated[
            str | None, typer.Option("--host", help="Address to listen on (default: setting serve_host).")
        ] = None,
        port: Annotated[
            int | None,
            typer.Option("--port", min=1, max=65_535, help="TCP port (default: setting serve_port)."),
        ] = None,
    ) -> None:
        """Serve the story pages, the JSON API and feeds (and POST /api/v1/articles with push_token)."""
        import uvicorn

        from wirebrief.store import Store
        from wirebrief.web.app import create_app
        from wirebrief.web.push import push_enabled

        settings: Settings = ctx.obj
        # Flags beat the settings; typer has already checked the port's range.
        if host is not None:
            settings = settings.model_copy(update={"serve_host": host})
        if port is not None:
            settings = settings.model_copy(update={"serve_port": port})
        web_app = create_app(settings)  # ConfigError (exit 2) for a push_token too short to be safe
        # Open (and upgrade) the database now, so a bad URL or a locked file stops the start.
        with Store.open(settings.resolved_database_url):
            pass
        address = f"http://{settings.serve_host}:{settings.serve_port}"
        typer.echo(f"stories: {address}/ · API: {address}/api/v1/stories · docs: {address}/api/docs")
        if push_enabled(settings):
            typer.echo(
                f"push endpoint: POST {address}/api/v1/articles (database {settings.resolved_database_url})"
            )
        else:
            typer.echo(
                f"push is off (read-only): set WIREBRIEF_PUSH_TOKEN to accept POST /api/v1/articles "
                f"(database {settings.resolved_database_url})"
            )
        if not _is_loopback(settings.serve_host) and push_enabled(settings):
            typer.echo(
                "warning: plain HTTP on a non-loopback address; the token crosses the network in clear "
                "unless a TLS proxy is in front",
                err=True,
            )
        uvicorn.run(web_app, host=settings.serve_host, port=settings.serve_port, log_level="info")
