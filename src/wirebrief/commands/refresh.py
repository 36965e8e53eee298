"""`wirebrief refresh`: re-read the reference sources, rebuild the snapshot, show what changed."""

from __future__ import annotations

from typing import Annotated

import typer

from wirebrief.settings import Settings


def register(app: typer.Typer) -> None:
    @app.command()
    def refresh(
        ctx: typer.Context,
        source: Annotated[
            list[str] | None,
            typer.Option(
                "--source",
                help="NAME=URL-or-PATH for one source (travel-advisory-us-json, travel-advisory-us-csv, "
                "travel-advisory-ca, travel-advisory-au, un-sanctions, eu-terrorist-list, uk-proscribed), "
                "or a folder or base URL holding every file under its usual name. Repeatable; overrides "
                "reference_sources.",
            ),
        ] = None,
    ) -> None:
        """Fetch the reference sources, rebuild the reference snapshot and list the changed facts.

        Each source's success or error is recorded for `wirebrief sources`."""
        from rich.console import Console
        from rich.table import Table

        from wirebrief.enrich.refresh import refresh_reference

        settings: Settings = ctx.obj
        console = Console()
        result = refresh_reference(settings, source or [])
        for error in result.errors:
            typer.echo(error.line())
        if not result.built:
            typer.echo("no new snapshot was built")
            raise typer.Exit(1)
        dates = ", ".join(f"{name} {day}" for name, day in result.source_dates.items())
        typer.echo(f"wrote {result.snapshot_path} ({dates})")
        if not result.revisions:
            typer.echo("no reference facts changed")
        else:
            table = Table(title=f"{len(result.revisions)} reference facts changed")
            for column in ("subject", "predicate", "change", "old", "new", "as of", "detected at"):
                table.add_column(column)
            for revision in result.revisions:
                table.add_row(
                    f"{revision.subject_name} ({revision.subject_id})",
                    f"{revision.predicate} [{revision.provider}]",
                    revision.change,
                    _value(revision.old_value, revision.old_label),
                    _value(revision.new_value, revision.new_label),
                    revision.as_of.isoformat() if revision.as_of else "",
                    revision.detected_at.isoformat() if revision.detected_at else "",
                )
            console.print(table)
        if result.errors:
            raise typer.Exit(1)


def _value(value: str | None, label: str | None) -> str:
    if value is None:
        return "-"
    return f"{value} ({label})" if label else value
