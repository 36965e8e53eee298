"""``wirebrief alerts …``: the rules, the last deliveries and failures; trying a rule on the stored
stories; sending what is due; replaying an event."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from wirebrief.errors import NotFoundError
from wirebrief.settings import Settings

if TYPE_CHECKING:
    from wirebrief.store import Store

alerts_app = typer.Typer(
    help="Alert rules, deliveries and failures (docs/alerts.md).",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def _open_store(settings: Settings) -> Store:
    from wirebrief.store import Store

    return Store.open(settings.resolved_database_url)


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


@alerts_app.callback()
def overview(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Deliveries and failures shown.")] = 20,
) -> None:
    """List the rules, the last deliveries and the failures (dead letters and retries)."""
    if ctx.invoked_subcommand is not None:
        return
    from wirebrief.alerts.outbox import load_rules
    from wirebrief.store import alerts as stored

    settings = _settings(ctx)
    with _open_store(settings) as store:
        rules = load_rules(settings, store)
        disabled = stored.disabled_endpoints(store)
        rule_table = Table("rule", "channels", "filters", title=f"{len(rules)} alert rules")
        for rule in rules.rules.values():
            filters = rule.model_dump(exclude={"id", "channels"}, exclude_defaults=True)
            rule_table.add_row(
                rule.id, ", ".join(rule.channels), ", ".join(f"{k}={v}" for k, v in filters.items())
            )
        out.print(rule_table)
        for name, reason in sorted(disabled.items()):
            out.print(f"channel {name} is disabled: {reason}")
        last = Table(
            "event",
            "channel",
            "rule",
            "status",
            "attempts",
            "last attempt",
            "answer",
            title="Last deliveries",
        )
        for d in stored.deliveries(store, limit=limit):
            answer = d.last_error or ("" if d.last_status is None else str(d.last_status))
            last.add_row(
                d.event_id, d.channel, d.rule_id, d.status, str(d.attempts), _when(d.last_attempt_at), answer
            )
        out.print(last)
        failed = [d for d in stored.deliveries(store, limit=500) if d.status == "dead" or d.last_error]
        failures = Table(title="Failures")
        failures.add_column("event", overflow="fold", min_width=20)
        for name in ("channel", "status", "attempts", "next attempt", "error"):
            failures.add_column(name)
        for d in failed[:limit]:
            next_at = _when(d.next_attempt_at) if d.status == "pending" else ""
            failures.add_row(d.event_id, d.channel, d.status, str(d.attempts), next_at, d.last_error or "")
        out.print(failures)


@alerts_app.command("test")
def test_rule(ctx: typer.Context, rule_id: Annotated[str, typer.Argument(metavar="RULE")]) -> None:
    """Show which stored stories RULE matches now, and whether it has alerted on them already."""
    from wirebrief.alerts.outbox import features_from_store, load_rules
    from wirebrief.alerts.rules import RuleSet
    from wirebrief.store import alerts as stored

    settings = _settings(ctx)
    with _open_store(settings) as store:
        rules = load_rules(settings, store)
        rule = rules.rules.get(rule_id)
        if rule is None:
            known = ", ".join(sorted(rules.rules)) or "none"
            raise NotFoundError(f"no alert rule {rule_id} (rules: {known})")
        single = RuleSet([rule], rules.channels)
        table = Table(
            "story", "version", "title", "would send", title=f"Rule {rule_id} on the stored stories"
        )
        matched = 0
        for brief in store.latest_briefs():
            if not single.matching(features_from_store(store, brief)):
                continue
            matched += 1
            already = rule_id in stored.alerted_rules(store, brief.story_id)
            verdict = "only on a material change" if already else "story.matched now"
            if rule.events:
                verdict = "only on " + ", ".join(rule.events)
            table.add_row(brief.story_id, str(brief.version), brief.title, verdict)
        out.print(table)
        out.print(f"{matched} of the stored stories match rule {rule_id}")


@alerts_app.command("deliver")
def deliver(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Send what is due now, then exit.")] = False,
    every: Annotated[
        float, typer.Option("--every", min=0.1, help="Seconds between two rounds when not --once.")
    ] = 30.0,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most deliveries attempted per round.")] = 500,
) -> None:
    """Send the alerts that are due (webhooks, e-mail), round after round until interrupted."""
    from wirebrief.alerts.deliver import Deliverer
    from wirebrief.alerts.outbox import load_rules

    settings = _settings(ctx)
    with _open_store(settings) as store:
        while True:
            deliverer = Deliverer(settings, store, load_rules(settings, store))  # rules may change
            report = deliverer.run(limit=limit)
            for problem in report.problems:
                out.print(problem, markup=False, highlight=False)
            if report.delivered or report.retried or report.dead or report.deferred or once:
                out.print(
                    f"delivered {report.delivered}, retried {report.retried}, dead letters {report.dead}, "
                    f"deferred {report.deferred}"
                )
            if once:
                return
            time.sleep(every)


@alerts_app.command("replay")
def replay(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event id (the webhook-id).")],
    channel: Annotated[str | None, typer.Option("--channel", help="Replay to this channel only.")] = None,
) -> None:
    """Deliver an event again (a dead letter, or one delivered already): its deliveries become due
    now and their endpoints are enabled; `wirebrief alerts deliver` sends them."""
    from wirebrief.store import alerts as stored

    with _open_store(_settings(ctx)) as store:
        channels = stored.replay(store, event_id, datetime.now(UTC), channel)
        if not channels:
            raise NotFoundError(f"no alert event {event_id}" + (f" for channel {channel}" if channel else ""))
        out.print(f"{event_id}: due again for {', '.join(channels)}")


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")


__all__ = ["alerts_app", "register"]
