"""`wirebrief models distill`: build the static embedding model of the dense clustering signal, once.

The static model (:mod:`wirebrief.cluster.static_embedder`) is distilled from the packaged MiniLM at
install time, offline, and kept in ``cluster_static_model_dir``; later runs load it from there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wirebrief.settings import Settings


def register(app: typer.Typer) -> None:
    models_app = typer.Typer(help="Models installed beside the package (the dense clustering signal).")
    app.add_typer(models_app, name="models")

    @models_app.command("distill")
    def distill(
        ctx: typer.Context,
        target: Annotated[
            Path | None,
            typer.Option(help="Folder to write the model to; default cluster_static_model_dir."),
        ] = None,
        force: Annotated[bool, typer.Option(help="Distil again even if the folder holds a model.")] = False,
    ) -> None:
        """Distil the static embedding model from MiniLM (needs the dense extra; a few minutes, offline).

        Skipped when the folder already holds a model (use --force to redo it)."""
        import time

        from wirebrief.cluster.static_embedder import (
            distill_static_model,
            is_static_model,
            static_model_dir,
        )
        from wirebrief.errors import WirebriefError

        settings = ctx.obj
        assert isinstance(settings, Settings)
        folder = target if target is not None else static_model_dir(settings)
        if is_static_model(folder) and not force:
            typer.echo(f"static model already in {folder} (--force to distil it again)")
            return
        started = time.perf_counter()
        try:
            distill_static_model(folder)
        except WirebriefError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from exc
        typer.echo(f"static model written to {folder} in {time.perf_counter() - started:.0f} s")
