"""`wirebrief history STORY` and `wirebrief changes STORY`: a story's past, and what its brief learned.

``history`` lists the story's membership events (created / grew / merged / split ...) with their story
version keys and article counts, and its brief versions with the story version each was written from.
``changes`` compares two brief versions (by default the latest two) with
:mod:`wirebrief.publish.changes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from wirebrief.errors import NotFoundError
from wirebrief.settings import Settings

if TYPE_CHECKING:
    from wirebrief.publish.changes import BriefChanges
    from wirebrief.store import Store, StoryEvent


@dataclass(frozen=True, slots=True)
class BriefVersion:
    version: int
    story_version: str
    as_of: datetime
    report_count: int
    writer: str
    title: str


@dataclass(frozen=True, slots=True)
class StoryHistory:
    story_id: str
    active: bool  # False when the story was retired (its articles went to other stories)
    events: tuple[StoryEvent, ...]
    briefs: tuple[BriefVersion, ...]


def load_history(store: Store, story_id: str) -> StoryHistory:
    """The story's membership events and brief versions; :class:`NotFoundError` for an unknown story."""
    events = tuple(store.story_history(story_id))
    briefs: list[BriefVersion] = []
    for version in store.brief_versions(story_id):
        brief = store.brief(story_id, version)
        if brief is not None:
            briefs.append(
                BriefVersion(
                    version=version,
                    story_version=brief.story_version,
                    as_of=brief.as_of,
                    report_count=brief.report_count,
                    writer=brief.writer,
                    title=brief.title,
                )
            )
    active = store.story(story_id) is not None
    if not events and not briefs and not active:
        raise NotFoundError(f"no story with id {story_id} (see `wirebrief stories`)")
    return StoryHistory(story_id=story_id, active=active, events=events, briefs=tuple(briefs))


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def _print_history(history: StoryHistory) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    status = "" if history.active else " (retired: its reports now belong to other stories)"
    console.print(f"story {history.story_id}{status}", markup=False, highlight=False)
    events = Table(title="membership history")
    for column in ("#", "event", "story version", "reports", "related stories"):
        events.add_column(column, no_wrap=column != "related stories")
    for event in history.events:
        events.add_row(
            str(event.seq), event.event, event.version_key, str(event.article_count), ", ".join(event.related)
        )
    console.print(events)
    if not history.briefs:
        console.print("no brief written yet", markup=False)
        return
    written_at = {event.version_key: event.seq for event in history.events}
    briefs = Table(title="brief versions")
    for column in ("version", "from story version", "event", "reports", "as of"):
        briefs.add_column(column, no_wrap=True)
    for brief in history.briefs:
        seq = written_at.get(brief.story_version)
        briefs.add_row(
            str(brief.version),
            brief.story_version,
            "" if seq is None else str(seq),
            str(brief.report_count),
            brief.as_of.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(briefs)
    for brief in history.briefs:
        console.print(
            f"version {brief.version} ({brief.writer}): {brief.title}", markup=False, highlight=False
        )


def _print_changes(changes: BriefChanges) -> None:
    from rich.console import Console

    console = Console()

    def line(text: str) -> None:
        console.print(text, markup=False, highlight=False)

    line(
        f"story {changes.story_id}: brief version {changes.from_version} → {changes.to_version} "
        f"(story version {changes.from_story_version} → {changes.to_story_version}; "
        f"reports {changes.from_report_count} → {changes.to_report_count})"
    )
    if not changes.has_changes:
        line("nothing changed in reports, facts, figures or categories")
        return
    console.rule("new reports")
    for report in changes.new_reports:
        line(f"  {report.published.isoformat(timespec='minutes')}  {report.outlet}: {report.title}")
    if not changes.new_reports:
        line("  none published since the older brief")
    console.rule("facts")
    for fact in changes.new_facts:
        line(f"  + {fact.fact_id}: {fact.statement}")
    for fact in changes.removed_facts:
        line(f"  - {fact.fact_id}: {fact.statement}")
    if not changes.new_facts and not changes.removed_facts:
        line("  the same facts")
    console.rule("changed figures")
    for figure in changes.changed_figures:
        line(f"  {figure.where}: {', '.join(figure.old_figures)} → {', '.join(figure.new_figures)}")
        line(f"    was: {figure.old_text}")
        line(f"    now: {figure.new_text}")
    if not changes.changed_figures:
        line("  none")
    console.rule("categories")
    for category in changes.new_categories:
        line(f"  + {category.label} ({category.slug}, score {category.score:.2f})")
    for category in changes.removed_categories:
        line(f"  - {category.label} ({category.slug})")
    if not changes.new_categories and not changes.removed_categories:
        line("  the same categories")


def register(app: typer.Typer) -> None:
    @app.command()
    def history(ctx: typer.Context, story_id: Annotated[str, typer.Argument(help="Story id.")]) -> None:
        """A story's membership history and its brief versions (with the story version each rests on)."""
        from wirebrief.store import Store

        with Store.open(_settings(ctx).resolved_database_url) as store:
            found = load_history(store, story_id)
        _print_history(found)

    @app.command()
    def changes(
        ctx: typer.Context,
        story_id: Annotated[str, typer.Argument(help="Story id.")],
        start: Annotated[
            int | None, typer.Option("--from", help="Older brief version (default: the one before --to).")
        ] = None,
        end: Annotated[
            int | None, typer.Option("--to", help="Newer brief version (default: the latest).")
        ] = None,
    ) -> None:
        """What changed between two brief versions: new reports, facts, figures and categories."""
        from wirebrief.errors import InputError
        from wirebrief.publish.changes import choose_versions, load_brief_changes
        from wirebrief.store import Store

        with Store.open(_settings(ctx).resolved_database_url) as store:
            versions = store.brief_versions(story_id)
            if not versions:
                known = store.story(story_id) is not None or bool(store.story_history(story_id))
                raise NotFoundError(
                    f"story {story_id} has no brief" if known else f"no story with id {story_id}"
                )
            try:
                chosen = choose_versions(versions, start, end)
            except ValueError as exc:
                raise InputError("--from/--to", str(exc)) from exc
            if chosen is None:
                typer.echo(f"story {story_id} has one brief version ({versions[0]}): nothing to compare yet")
                return
            found = load_brief_changes(store, story_id, *chosen)
        _print_changes(found)
