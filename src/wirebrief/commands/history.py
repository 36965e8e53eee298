"""`wirebrief history STORY` and `wirebrief changes STORY`: a story's past, and what its brief learned.

``history`` lists the story's membership events (created / grew / merged / split ...) with their story
version keys, article counts and the reports that joined or left at each (``--members``: each
version's whole membership), and its brief versions with the story version each was written from.
``changes`` compares two brief versions (by default the latest two) with
:mod:`wirebrief.publish.changes`, and lists the reports that joined (or left) the story since the
latest brief. Both read the membership of each story version from the store
(:meth:`wirebrief.store.Store.story_versions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from wirebrief.errors import NotFoundError
from wirebrief.settings import Settings

if TYPE_CHECKING:
    from wirebrief.publish.changes import BriefChanges, MembershipChange, NewReport
    from wirebrief.store import Store, StoryEvent, StoryVersion


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
    # The membership after each event (same order as ``events``).
    versions: tuple[StoryVersion, ...] = ()
    # The stored reports named by ``versions``, by id.
    reports: dict[str, NewReport] | None = None


def since_latest_brief(store: Store, story_id: str) -> MembershipChange | None:
    """Reports that joined or left the story since the story version its latest brief was written from.

    None when the story has no brief or that version's membership is not stored.
    """
    brief = store.latest_brief(story_id)
    if brief is None:
        return None
    from wirebrief.publish.changes import membership_change

    story = store.story(story_id)
    return membership_change(store, story_id, brief.story_version, story.article_ids if story else ())


def load_history(store: Store, story_id: str) -> StoryHistory:
    """The story's membership events and brief versions; :class:`NotFoundError` for an unknown story."""
    from wirebrief.publish.changes import reports_by_id

    events = tuple(store.story_history(story_id))
    versions = tuple(store.story_versions(story_id))
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
    named = {a for v in versions for a in v.article_ids or ()}
    return StoryHistory(
        story_id=story_id,
        active=active,
        events=events,
        briefs=tuple(briefs),
        versions=versions,
        reports=reports_by_id(store, named),
    )


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def _report_line(report: NewReport) -> str:
    when = report.published.isoformat(timespec="minutes")
    return f"{when}  {report.outlet}: {report.title}  [{report.article_id}]"


def _membership_cell(version: StoryVersion | None) -> str:
    if version is None or version.article_ids is None:
        return "not recorded"
    if version.joined is None or version.left is None:
        return f"{len(version.article_ids)} (recorded from here on)"
    return ", ".join([*(f"+{a}" for a in version.joined), *(f"−{a}" for a in version.left)]) or "(none)"


def _print_history(history: StoryHistory, *, with_members: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    status = "" if history.active else " (retired: its reports now belong to other stories)"
    console.print(f"story {history.story_id}{status}", markup=False, highlight=False)
    events = Table(title="membership history")
    for column in ("#", "event", "story version", "reports", "joined (+) / left (−)", "related stories"):
        events.add_column(column, no_wrap=column not in ("related stories", "joined (+) / left (−)"))
    version_at = {version.seq: version for version in history.versions}
    for event in history.events:
        events.add_row(
            str(event.seq),
            event.event,
            event.version_key,
            str(event.article_count),
            _membership_cell(version_at.get(event.seq)),
            ", ".join(event.related),
        )
    console.print(events)
    if with_members:
        reports = history.reports or {}
        for version in history.versions:
            console.print(
                f"version after event {version.seq} ({version.event}, {version.version_key}):",
                markup=False,
                highlight=False,
            )
            if version.article_ids is None:
                console.print("  membership not recorded (written before wirebrief stored it)", markup=False)
            elif not version.article_ids:
                console.print("  no reports", markup=False)
            for article_id in version.article_ids or ():
                report = reports.get(article_id)
                line = _report_line(report) if report is not None else f"[{article_id}] (not stored)"
                console.print(f"  {line}", markup=False, highlight=False)
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


def _print_since_latest_brief(story_id: str, latest: int, since: MembershipChange | None) -> None:
    from rich.console import Console

    console = Console()

    def line(text: str) -> None:
        console.print(text, markup=False, highlight=False)

    console.rule(f"since brief version {latest}")
    if since is None:
        line(f"  the membership of the story version brief version {latest} was written from is not recorded")
        return
    if not since.joined and not since.left:
        line(f"  no new reports: story {story_id} holds the reports brief version {latest} was written from")
    for report in since.joined:
        line(f"  + {_report_line(report)}")
    for report in since.left:
        line(f"  − {_report_line(report)} (left the story)")


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
    for report in changes.left_reports:
        line(f"  − {report.published.isoformat(timespec='minutes')}  {report.outlet}: {report.title} (left)")
    if not changes.new_reports and not changes.left_reports:
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
    def history(
        ctx: typer.Context,
        story_id: Annotated[str, typer.Argument(help="Story id.")],
        members: Annotated[
            bool, typer.Option("--members", help="Also list every story version's reports.")
        ] = False,
    ) -> None:
        """A story's membership history and its brief versions (with the story version each rests on)."""
        from wirebrief.store import Store

        with Store.open(_settings(ctx).resolved_database_url) as store:
            found = load_history(store, story_id)
        _print_history(found, with_members=members)

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
            since = since_latest_brief(store, story_id)
            if chosen is None:
                typer.echo(f"story {story_id} has one brief version ({versions[0]}): nothing to compare yet")
                _print_since_latest_brief(story_id, versions[-1], since)
                return
            found = load_brief_changes(store, story_id, *chosen)
        _print_changes(found)
        if chosen[1] == versions[-1]:
            _print_since_latest_brief(story_id, versions[-1], since)
