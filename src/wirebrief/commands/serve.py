"""`wirebrief serve`: run the HTTP push endpoint (and what later mounts beside it) with uvicorn."""

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
        """Serve POST /api/v1/articles (needs push_token) until interrupted."""
        import uvicorn

        from wirebrief.store import Store
        from wirebrief.web.app import create_app

        settings: Settings = ctx.obj
        # Flags beat the settings; typer has already checked the port's range.
        if host is not None:
            settings = settings.model_copy(update={"serve_host": host})
        if port is not None:
            settings = settings.model_copy(update={"serve_port": port})
        web_app = create_app(settings)  # ConfigError (exit 2) without a usable push_token
        # Open (and upgrade) the database now, so a bad URL or a locked file stops the start.
        with Store.open(settings.resolved_database_url):
            pass
        address = f"http://{settings.serve_host}:{settings.serve_port}"
        typer.echo(
            f"push endpoint: POST {address}/api/v1/articles (database {settings.resolved_database_url})"
        )
        if not _is_loopback(settings.serve_host):
            typer.echo(
                "warning: plain HTTP on a non-loopback address; the token crosses the network in clear "
                "unless a TLS proxy is in front",
                err=True,
            )
        uvicorn.run(web_app, host=settings.serve_host, port=settings.serve_port, log_level="info")
