"""The ``wirebrief`` command line.

User mistakes (a missing path, a locked database, an unknown story) end with one clear line on
stderr and a non-zero exit code, never a traceback; ``--verbose`` shows the log.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from wirebrief import __version__
from wirebrief.commands import plural, register_all
from wirebrief.errors import InputError, NotFoundError, WirebriefError
from wirebrief.evaluation import eval_app, load_commands
from wirebrief.settings import Settings, load_settings

if TYPE_CHECKING:
    from wirebrief.pipeline import RunSummary

app = typer.Typer(
    name="wirebrief",
    help="Turn news reports into enriched, grounded intelligence briefs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(eval_app, name="eval")


def _hide_flag_value_types() -> None:
    """Typer's help prints ``<bool>`` beside every on/off flag (``--show/--no-show  <bool>``), as if
    it took a value; a flag takes none, so its type column is left empty. Other options keep theirs."""
    from typer.core import TyperOption

    typed = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else typed(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_hide_flag_value_types()
out = Console()
err = Console(stderr=True)

FORMAT_CHOICES = ("md", "json", "text", "html")


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def _print_version(value: bool) -> None:
    # Eager, so that it runs before the check for a missing command.
    if value:
        out.print(f"wirebrief {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="YAML or TOML settings file (see docs/configuration.md)."),
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Folder for the default database and exports.")
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="SQLAlchemy URL (sqlite:///… or postgresql+psycopg://…)."),
    ] = None,
    executor: Annotated[
        str | None,
        typer.Option("--executor", help="Where extraction and writing run: local (default) or dask."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (tcp://HOST:PORT); none: a LocalCluster."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Worker processes for extraction and writing (0: one per core)."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show the log (dropped sentences, problems).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", is_eager=True, callback=_print_version),
    ] = False,
) -> None:
    """Global options; every setting can also come from the environment (WIREBRIEF_<NAME>)."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = load_settings(
        config,
        data_dir=data_dir,
        database_url=database_url,
        executor=executor,
        dask_scheduler=scheduler,
        workers=workers,
    )


def _progress() -> tuple[Progress, Any]:
    progress = Progress(
        TextColumn("[bold]{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks and done == 0 and total == 0:
            return  # a stage with nothing to do gets no bar (`brief` reads no input: no "ingest 0/?")
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total or None)
        progress.update(tasks[stage], completed=done, total=total or None)

    return progress, update


@app.command()
def run(
    ctx: typer.Context,
    locations: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders or URLs to read; default: the bundled sample news."),
    ] = None,
    show: Annotated[bool, typer.Option("--show/--no-show", help="Print each brief as plain text.")] = True,
) -> None:
    """Run the whole job: ingest, dedupe, cluster, extract, enrich, classify, write, verify, store, export."""
    from wirebrief.pipeline import run as run_pipeline
    from wirebrief.samples import sample_dir

    settings = _settings(ctx)
    targets = locations or [str(sample_dir())]
    progress, update = _progress()
    with progress:
        summary = run_pipeline(settings, targets, update)
    _print_run(settings, summary, show=show, title="wirebrief run")
    _exit_if_inputs_unusable(summary.ingest.unusable_inputs, len(targets))


@app.command()
def brief(
    ctx: typer.Context,
    show: Annotated[
        bool, typer.Option("--show/--no-show", help="Print each new brief as plain text.")
    ] = False,
) -> None:
    """Cluster what is stored and (re)write the briefs, reading nothing new (after `ingest`, `serve`)."""
    from wirebrief.pipeline import run as run_pipeline

    settings = _settings(ctx)
    progress, update = _progress()
    with progress:
        summary = run_pipeline(settings, [], update)
    _print_run(settings, summary, show=show, title="wirebrief brief")


def _print_run(settings: Settings, summary: RunSummary, *, show: bool, title: str) -> None:
    from wirebrief.publish import render_text

    # Problems first: an input that could not be read must not hide behind pages of briefs.
    for problem in summary.ingest.problems:
        err.print(f"[yellow]problem:[/] {escape(problem)}", markup=True, highlight=False)
    if show:
        for brief in summary.briefs:
            out.rule(f"[bold]{brief.story_id}[/] · version {brief.version}")
            out.print(render_text(brief), markup=False, highlight=False, end="")
    table = Table(title=title, show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")
    ingest = summary.ingest
    rows = [
        ("reports read", ingest.reports_read),
        ("already stored (unchanged)", ingest.already_stored),
        ("new articles stored", ingest.new_articles),
        ("revisions stored", ingest.revisions),
        ("duplicates dropped", ingest.duplicates_dropped),
        ("syndicated copies kept", ingest.syndicated_copies),
        ("input problems", len(ingest.problems)),
        ("stories", summary.stories),
        (f"stories with ≥ {settings.min_independent_reports} independent reports", summary.stories_briefed),
        ("briefs written (new versions)", summary.briefs_new_versions),
        ("briefs unchanged", summary.briefs_unchanged),
        ("sentences verified", summary.sentences_verified),
        ("sentences rejected", summary.sentences_rejected),
        ("database", settings.resolved_database_url),
        ("exports", str(summary.export_dir)),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    out.print(table)


@app.command()
def ingest(
    ctx: typer.Context,
    locations: Annotated[list[str], typer.Argument(help="Files, folders or URLs to read.")],
) -> None:
    """Read reports into the database (normalise and dedupe) without writing briefs."""
    from wirebrief.pipeline import ingest as ingest_reports
    from wirebrief.store import Store

    settings = _settings(ctx)
    with Store.open(settings.resolved_database_url) as store:
        summary = ingest_reports(store, locations, settings)
    for problem in summary.problems:
        err.print(f"problem: {problem}", markup=False, highlight=False)
    out.print(
        f"read {plural(summary.reports_read, 'report')}: {summary.new_articles} new, "
        f"{summary.revisions} revised, {plural(summary.duplicates_dropped, 'duplicate')} dropped, "
        f"{summary.already_stored} already stored, {plural(len(summary.problems), 'problem')}",
        soft_wrap=True,  # one line, whatever the terminal's width, so scripts can read it
    )
    _exit_if_inputs_unusable(summary.unusable_inputs, len(locations))
    if summary.reports_read == 0 and summary.problems:
        raise typer.Exit(3)


def _exit_if_inputs_unusable(unusable: list[str], given: int) -> None:
    """Exit 3 (an input error) when any given input could not be read at all; the rest was used."""
    if unusable:
        err.print(
            f"error: {plural(len(unusable), 'input')} of {given} could not be read: {', '.join(unusable)}",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(InputError.exit_code)


@app.command()
def stories(
    ctx: typer.Context,
    category: Annotated[
        list[str] | None,
        typer.Option("--category", help="Only stories with this category slug (repeat for any of several)."),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print one JSON object per story (JSON lines) instead of the table."),
    ] = False,
) -> None:
    """List stored stories with their report counts, categories and latest brief version."""
    from wirebrief.classify import load_taxonomy
    from wirebrief.errors import InputError
    from wirebrief.store import Store

    settings = _settings(ctx)
    wanted = set(category or ())
    known = {c.slug for c in load_taxonomy(settings.taxonomy_file).categories}
    unknown = sorted(wanted - known)
    if unknown:
        raise InputError("--category", f"unknown slug {', '.join(unknown)} (see docs/taxonomy.md)")
    with Store.open(settings.resolved_database_url) as store:
        table = Table(title="stories" + (f" in {', '.join(sorted(wanted))}" if wanted else ""))
        # Ids are what `show` and `export` take: never cut or wrapped, whatever the terminal width.
        table.add_column("story", no_wrap=True, min_width=18)
        for column in ("reports", "first seen", "last seen", "brief", "categories", "title"):
            table.add_column(column)
        lines: list[dict[str, Any]] = []
        for story in sorted(store.stories(), key=lambda s: (s.first_seen, s.id)):
            scores = store.categories(story.id)
            if wanted and not wanted & {c.slug for c in scores}:
                continue
            brief = store.latest_brief(story.id)
            first = store.article(story.article_ids[0]) if story.article_ids else None
            if as_json:
                lines.append(
                    {
                        "story_id": story.id,
                        "reports": len(story.article_ids),
                        "first_seen": story.first_seen.isoformat(),
                        "last_seen": story.last_seen.isoformat(),
                        "brief_version": brief.version if brief else None,
                        "categories": [{"slug": c.slug, "score": round(c.score, 4)} for c in scores],
                        "title": brief.title if brief else (first.title if first else ""),
                    }
                )
                continue
            table.add_row(
                story.id,
                str(len(story.article_ids)),
                story.first_seen.strftime("%Y-%m-%d %H:%M"),
                story.last_seen.strftime("%Y-%m-%d %H:%M"),
                f"v{brief.version}" if brief else "-",
                ", ".join(f"{c.slug} {c.score:.2f}" for c in scores[:3]),
                brief.title if brief else (first.title if first else ""),
            )
    if as_json:
        import json

        for line in lines:
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        return
    out.print(table)


def _load_brief(settings: Settings, story_id: str, version: int | None) -> tuple[Any, Any]:
    from wirebrief.publish.sources import load_source_index
    from wirebrief.store import Store
    from wirebrief.store.queries import resolve_story_id

    with Store.open(settings.resolved_database_url) as store:
        story_id = resolve_story_id(store, story_id)  # a unique prefix of an id will do
        brief = store.latest_brief(story_id) if version is None else store.brief(story_id, version)
        if brief is None:
            raise NotFoundError(
                f"story {story_id} has no brief"
                + (f" version {version}" if version else "")
                + " (see `wirebrief stories`)"
            )
        return brief, load_source_index(store, brief)


@app.command()
def show(
    ctx: typer.Context,
    story: Annotated[
        str, typer.Argument(help="Story id or a unique prefix of one (from `wirebrief stories`).")
    ],
    version: Annotated[int | None, typer.Option(help="Brief version; default the latest.")] = None,
    support: Annotated[
        bool, typer.Option("--support", help="Also list sentences the verifier dropped.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the brief as JSON (the `export --format json` body).")
    ] = False,
) -> None:
    """Print a story's brief as plain text."""
    from wirebrief.publish import render_json, render_text

    brief, sources = _load_brief(_settings(ctx), story, version)
    if as_json:
        sys.stdout.write(render_json(brief, sources))
        return
    out.print(render_text(brief), markup=False, highlight=False, end="")
    if support and brief.support is not None:
        out.print(f"\nverified: {brief.support.supported} supported, {len(brief.support.dropped)} dropped")
        for verdict in brief.support.dropped:
            out.print(f"- dropped ({verdict.sentence.part}): {verdict.sentence.text}", markup=False)
            out.print(f"  because: {'; '.join(verdict.reasons)}", markup=False)


@app.command()
def export(
    ctx: typer.Context,
    story: Annotated[
        str, typer.Argument(help="Story id or a unique prefix of one (from `wirebrief stories`).")
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, json, text or html.")] = "md",
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    version: Annotated[int | None, typer.Option(help="Brief version; default the latest.")] = None,
) -> None:
    """Export a story's brief as Markdown, JSON, plain text or a standalone HTML file."""
    from wirebrief.errors import InputError
    from wirebrief.publish import render

    if fmt not in FORMAT_CHOICES:
        raise InputError("--format", f"unknown format {fmt!r}; use one of {', '.join(FORMAT_CHOICES)}")
    brief, sources = _load_brief(_settings(ctx), story, version)
    text = render(brief, sources, fmt)  # type: ignore[arg-type]
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, "utf-8")
        except OSError as exc:
            raise InputError(str(output), f"cannot write ({exc.strerror or exc})") from exc
        out.print(f"wrote {output}")


def main() -> None:
    """Entry point: run the app, turning wirebrief errors into one line and an exit code."""
    load_commands()
    register_all(app)
    try:
        # Without standalone mode click returns the exit code of typer.Exit instead of raising it.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except WirebriefError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        sys.exit(error.exit_code)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except Exception as error:
        # Usage errors arrive here outside standalone mode, from typer's own copy of click (not the
        # click package), so they are recognised by what they can do.
        show, exit_code = getattr(error, "show", None), getattr(error, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise


if __name__ == "__main__":
    main()
