"""`wirebrief backfill PATH…`: a large archive in bounded memory, with a progress bar, resumable."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wirebrief.settings import Settings

# Files whose reports are one a line (JSON lines) or one a row (CSV): counted by lines for the ETA.
_LINE_FORMATS = (".jsonl", ".ndjson", ".csv")


def estimate_reports(locations: list[str]) -> int | None:
    """About how many reports ``locations`` hold (lines of line-based files, one per other file), or None
    where it cannot be told (a URL): only for the progress bar's estimate of the time left."""
    total = 0
    for location in locations:
        if location.startswith(("http://", "https://")):
            return None
        path = Path(location)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if not file.is_file():
                continue
            if file.suffix.lower() in _LINE_FORMATS:
                with file.open("rb") as stream:
                    lines = sum(1 for line in stream if line.strip())
                total += max(0, lines - 1) if file.suffix.lower() == ".csv" else lines
            else:
                total += 1
    return total


def register(app: typer.Typer) -> None:
    @app.command()
    def backfill(
        ctx: typer.Context,
        locations: Annotated[list[str], typer.Argument(help="Files or folders (JSONL, CSV, feeds, pages).")],
        chunk_size: Annotated[
            int,
            typer.Option(
                "--chunk-size", min=1, help="Reports ingested between two brief steps (bounds memory)."
            ),
        ] = 2_000,
    ) -> None:
        """Ingest a large archive in chunks and brief after each; resumable after an interruption.

        Shows a progress bar with the time left. Run it again with the same inputs after an interruption:
        the reports of finished chunks are skipped unread."""
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from wirebrief.pipeline import backfill as run_backfill

        settings: Settings = ctx.obj
        console = Console(stderr=True)
        total = estimate_reports(locations)
        with Progress(
            TextColumn("[bold]backfill"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("backfill", total=total)

            def advance(done: int) -> None:
                bar.update(task, completed=done, total=max(total or 0, done) or None)

            summary = run_backfill(settings, locations, chunk_size=chunk_size, progress=advance)
        for problem in summary.problems:
            console.print(f"[yellow]problem:[/] {problem}", markup=True, highlight=False)
        typer.echo(
            f"read {summary.reports_read} reports ({summary.reports_skipped} skipped, done by an earlier "
            f"backfill): {summary.new_articles} new, {summary.revisions} revised, "
            f"{summary.duplicates_dropped} duplicates dropped; {summary.chunks} chunks, "
            f"{summary.briefs_new_versions} briefs written; "
            f"{len(summary.problems)} problems"
        )
