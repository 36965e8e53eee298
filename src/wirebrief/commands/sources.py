"""``wirebrief sources …`` (the feeds and files to poll, and their health) and ``wirebrief watch``."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from wirebrief.commands import plural
from wirebrief.errors import InputError, NotFoundError
from wirebrief.settings import Settings

if TYPE_CHECKING:
    from wirebrief.ingest.watch import PollOutcome
    from wirebrief.store import Store, WatchedSource

sources_app = typer.Typer(
    help="Feeds and files that `wirebrief watch` polls, with their health.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

# The loop sleeps at most this long, so sources added meanwhile are polled without a restart.
MAX_IDLE_S = 60.0


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def _open_store(settings: Settings) -> Store:
    from wirebrief.store import Store

    return Store.open(settings.resolved_database_url)


def _checked_location(location: str) -> str:
    """A URL as given, a file or folder as an absolute path (so `watch` finds it from anywhere)."""
    from wirebrief.ingest.watch import is_url

    if is_url(location):
        return location
    if "://" in location:
        raise InputError(location, "only http(s) URLs, files and folders can be polled")
    path = Path(location).expanduser()
    if not path.exists():
        raise InputError(location, "no such file or directory")
    return str(path.resolve())


def _schedule(settings: Settings, every: int | None) -> int:
    # Checked here, not with typer's min=: a usage error must be one line, like every user mistake.
    if every is None:
        return settings.watch_every_s
    if every < 1:
        raise InputError("--every", f"must be at least 1 second, not {every}")
    return every


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _every(seconds: int) -> str:
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"every {seconds // size}{unit}"
    return f"every {seconds}s"


def _last_error(source: WatchedSource) -> str:
    if source.last_error_at is None:
        return "-"
    streak = f" ({source.consecutive_errors} in a row)" if source.consecutive_errors else ""
    return f"{_when(source.last_error_at)}{streak}: {source.last_error}"


def _print_reference_providers(settings: Settings) -> None:
    """The reference providers `wirebrief refresh` reads: last success, last error, records in use."""
    from wirebrief.enrich.refresh import provider_health

    table = Table(title="reference providers (`wirebrief refresh`)", show_header=True)
    for column in ("provider", "last success", "last error", "records in use"):
        table.add_column(column, overflow="fold")
    for row in provider_health(settings):
        error = "-" if row.last_error_at is None else f"{row.last_error_at}: {row.last_error}"
        in_use = f"{row.snapshot_date or 'undated'} ({row.records_from}; snapshot {row.snapshot})"
        table.add_row(row.name, row.last_success_at or "-", error, in_use)
    out.print(table)


def _print_sources(settings: Settings) -> None:
    _print_feeds(settings)
    _print_reference_providers(settings)


def _print_feeds(settings: Settings) -> None:
    with _open_store(settings) as store:
        known = store.sources()
    if not known:
        out.print(
            "no sources yet; add one with `wirebrief sources add URL` or `wirebrief sources import-opml`"
        )
        return
    table = Table(title="sources", show_header=True)
    for column in ("location", "name", "schedule", "last success", "last error", "items seen", "next poll"):
        table.add_column(column, overflow="fold")
    for source in known:
        table.add_row(
            source.location,
            source.name or "",
            _every(source.every_s),
            _when(source.last_success_at),
            _last_error(source),
            str(source.items_seen),
            _when(source.next_poll_at),
        )
    out.print(table)


@sources_app.callback(invoke_without_command=True)
def sources_main(ctx: typer.Context) -> None:
    """Manage the sources `wirebrief watch` polls; without a subcommand, list them."""
    if ctx.invoked_subcommand is None:
        _print_sources(_settings(ctx))


@sources_app.command("list")
def list_sources(ctx: typer.Context) -> None:
    """List the sources with their schedule and health (last success, last error, items seen, next poll),
    then the reference providers with their last success, last error and the date of the records in use."""
    _print_sources(_settings(ctx))


@sources_app.command("add")
def add_source(
    ctx: typer.Context,
    location: Annotated[str, typer.Argument(help="A feed URL (http or https), a file or a folder.")],
    every: Annotated[
        int | None,
        typer.Option("--every", help="Poll every this many seconds (default: watch_every_s)."),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="A name to show in `sources list`.")] = None,
) -> None:
    """Register a source for `wirebrief watch`; adding it again changes its name and schedule."""
    settings = _settings(ctx)
    checked = _checked_location(location)
    with _open_store(settings) as store:
        added = store.add_source(checked, name, _schedule(settings, every))
    out.print(f"{'added' if added else 'updated'} {checked}", markup=False, highlight=False)


@sources_app.command("import-opml")
def import_opml(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="An OPML subscription list (feeds in outline xmlUrl).")],
    every: Annotated[
        int | None,
        typer.Option("--every", help="Poll every this many seconds (default: watch_every_s)."),
    ] = None,
) -> None:
    """Register every feed of an OPML file (nested outlines included)."""
    from wirebrief.ingest.opml import read_opml
    from wirebrief.ingest.watch import is_url

    settings = _settings(ctx)
    schedule = _schedule(settings, every)
    feeds = read_opml(file)
    usable = [feed for feed in feeds if is_url(feed.url)]
    for feed in feeds:
        if not is_url(feed.url):
            err.print(f"skipped {feed.url}: not an http(s) URL", markup=False, highlight=False)
    if not usable:
        raise InputError(str(file), "no http(s) feed URLs in this OPML file")
    added = 0
    with _open_store(settings) as store, store.transaction():
        for feed in usable:
            added += store.add_source(feed.url, feed.name, schedule)
    out.print(f"{file}: {plural(added, 'source')} added, {len(usable) - added} already known")


@sources_app.command("remove")
def remove_source(
    ctx: typer.Context,
    location: Annotated[str, typer.Argument(help="The location as `sources list` shows it.")],
) -> None:
    """Stop polling a source (the articles it brought stay stored)."""
    with _open_store(_settings(ctx)) as store:
        if not store.remove_source(location):
            raise NotFoundError(f"{location}: not a registered source (see `wirebrief sources list`)")
    out.print(f"removed {location}", markup=False, highlight=False)


def _report_poll(outcome: PollOutcome) -> None:
    if outcome.error is not None:
        err.print(f"{outcome.status}: {outcome.error}", markup=False, highlight=False)
    elif outcome.status in ("new", "unchanged"):
        out.print(
            f"{outcome.location}: {plural(outcome.reports_read, 'report')}, {outcome.new_articles} new, "
            f"{outcome.revisions} revised",
            markup=False,
            highlight=False,
        )
    else:
        out.print(f"{outcome.location}: not modified", markup=False, highlight=False)


def watch(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Poll the due sources once and exit (for cron).")
    ] = False,
    max_polls: Annotated[
        int | None,
        typer.Option("--max-polls", help="Stop after this many polls in all."),
    ] = None,
) -> None:
    """Poll the registered sources on their schedule and rewrite briefs when new reports arrive."""
    from wirebrief.ingest.watch import Watcher

    settings = _settings(ctx)
    if max_polls is not None and max_polls < 1:
        raise InputError("--max-polls", f"must be at least 1, not {max_polls}")
    polls = 0
    with _open_store(settings) as store:
        watcher = Watcher(settings, store)
        if not store.sources():
            raise NotFoundError("no sources to watch; add one with `wirebrief sources add URL`")
        try:
            while True:
                left = None if max_polls is None else max_polls - polls
                summary = watcher.run_round(max_polls=left, on_poll=_report_poll)
                polls += len(summary.polls)
                if summary.new_articles:
                    out.print(
                        f"round: {summary.new_articles} new or revised "
                        f"{'article' if summary.new_articles == 1 else 'articles'}, "
                        f"{plural(summary.briefs_new_versions, 'brief')} rewritten"
                    )
                if once or (max_polls is not None and polls >= max_polls):
                    break
                wait = watcher.seconds_until_due()
                time.sleep(min(MAX_IDLE_S, max(1.0, wait if wait is not None else MAX_IDLE_S)))
        except KeyboardInterrupt:
            err.print("stopped")
    if once and polls == 0:
        out.print("no source was due")


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
    app.command()(watch)


__all__ = ["register", "sources_app", "watch"]
