"""The alerts aggregate of the store: stored rules, the outbox of alert events, deliveries, the
delivery log and endpoint state.

Functions over a :class:`~wirebrief.store.Store`; each joins the store's open ``transaction()`` when
there is one, which is how an event is written in the transaction of the brief version causing it.
A delivery is ``pending`` until it succeeds (``delivered``) or is given up (``dead``: the dead letter,
with its last error); every attempt is a row of ``alert_attempts``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Row, delete, func, insert, select, update

from wirebrief.store import schema as t
from wirebrief.store.store import Store

DeliveryStatus = Literal["pending", "delivered", "dead"]
AttemptOutcome = Literal["delivered", "retry", "dead", "deferred"]


@dataclass(frozen=True, slots=True)
class AlertEvent:
    id: str
    rule_id: str
    story_id: str
    brief_version: int
    type: str
    reasons: tuple[str, ...]
    title: str
    summary: str
    created_at: datetime
    data: Mapping[str, Any]
    text: str


@dataclass(frozen=True, slots=True)
class Delivery:
    event_id: str
    channel: str
    rule_id: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status: int | None
    last_error: str | None


def _event(row: Row[Any]) -> AlertEvent:
    m = row._mapping
    return AlertEvent(
        id=m["id"],
        rule_id=m["rule_id"],
        story_id=m["story_id"],
        brief_version=m["brief_version"],
        type=m["type"],
        reasons=tuple(m["reasons"]),
        title=m["title"],
        summary=m["summary"],
        created_at=m["created_at"],
        data=m["data"],
        text=m["text"],
    )


def _delivery(row: Row[Any]) -> Delivery:
    m = row._mapping
    return Delivery(**{name: m[name] for name in Delivery.__dataclass_fields__})


def alerted_rules(store: Store, story_id: str) -> set[str]:
    """Ids of the rules that already have an event for ``story_id`` (an indexed look-up)."""
    table = t.alert_events
    with store._reading() as connection:
        return set(connection.scalars(select(table.c.rule_id).where(table.c.story_id == story_id).distinct()))


def enqueue(store: Store, event: AlertEvent, deliveries: Iterable[tuple[str, datetime]]) -> bool:
    """Store ``event`` and one pending delivery per (channel, first attempt time); ``False`` and
    nothing written when the event is already stored (its id is derived from rule, story, version)."""
    return bool(enqueue_many(store, [(event, list(deliveries))]))


def enqueue_many(
    store: Store, items: Sequence[tuple[AlertEvent, Sequence[tuple[str, datetime]]]]
) -> list[str]:
    """``enqueue`` for each item, in three statements; the ids of the events newly stored."""
    if not items:
        return []
    table = t.alert_events
    with store._writing() as connection:
        ids = [event.id for event, _ in items]
        known = set(connection.scalars(select(table.c.id).where(table.c.id.in_(ids))))
        fresh = [(event, deliveries) for event, deliveries in items if event.id not in known]
        if not fresh:
            return []
        connection.execute(
            insert(table),
            [
                {
                    "id": event.id,
                    "rule_id": event.rule_id,
                    "story_id": event.story_id,
                    "brief_version": event.brief_version,
                    "type": event.type,
                    "reasons": list(event.reasons),
                    "title": event.title,
                    "summary": event.summary,
                    "created_at": event.created_at,
                    "data": dict(event.data),
                    "text": event.text,
                }
                for event, _ in fresh
            ],
        )
        rows = [
            {
                "event_id": event.id,
                "channel": channel,
                "rule_id": event.rule_id,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": at,
            }
            for event, deliveries in fresh
            for channel, at in deliveries
        ]
        if rows:
            connection.execute(insert(t.alert_deliveries), rows)
        return [event.id for event, _ in fresh]


def events(
    store: Store,
    ids: Sequence[str] | None = None,
    *,
    rule_id: str | None = None,
    story_id: str | None = None,
    limit: int = 100,
) -> list[AlertEvent]:
    """Events, newest first: those of ``ids``, or of one rule, or of one story, or all (at most ``limit``)."""
    table = t.alert_events
    query = select(table).order_by(table.c.created_at.desc(), table.c.id).limit(limit)
    if ids is not None:
        query = query.where(table.c.id.in_(list(ids)))
    if rule_id is not None:
        query = query.where(table.c.rule_id == rule_id)
    if story_id is not None:
        query = query.where(table.c.story_id == story_id)
    with store._reading() as connection:
        return [_event(row) for row in connection.execute(query)]


def due_deliveries(store: Store, now: datetime, limit: int = 500) -> list[Delivery]:
    """Pending deliveries whose next attempt is due, the longest waiting first."""
    table = t.alert_deliveries
    with store._reading() as connection:
        rows = connection.execute(
            select(table)
            .where(table.c.status == "pending", table.c.next_attempt_at <= now)
            .order_by(table.c.next_attempt_at, table.c.event_id, table.c.channel)
            .limit(limit)
        )
        return [_delivery(row) for row in rows]


def deliveries(
    store: Store, *, status: DeliveryStatus | None = None, event_id: str | None = None, limit: int = 50
) -> list[Delivery]:
    """Deliveries, the most recently attempted first."""
    table = t.alert_deliveries
    query = select(table)
    if status is not None:
        query = query.where(table.c.status == status)
    if event_id is not None:
        query = query.where(table.c.event_id == event_id)
    last = func.coalesce(table.c.last_attempt_at, table.c.next_attempt_at)
    query = query.order_by(last.desc(), table.c.event_id, table.c.channel).limit(limit)
    with store._reading() as connection:
        return [_delivery(row) for row in connection.execute(query)]


def claim(store: Store, delivery: Delivery, until: datetime) -> bool:
    """Take ``delivery`` for one attempt: move its next attempt to ``until`` unless another process
    moved it first (then ``False``). Two deliverers never send the same delivery at once, and one
    killed mid-attempt leaves it due again at ``until``."""
    table = t.alert_deliveries
    with store._writing() as connection:
        result = connection.execute(
            update(table)
            .where(
                table.c.event_id == delivery.event_id,
                table.c.channel == delivery.channel,
                table.c.status == "pending",
                table.c.next_attempt_at == delivery.next_attempt_at,
            )
            .values(next_attempt_at=until)
        )
        return bool(result.rowcount)


def record_attempt(
    store: Store,
    delivery: Delivery,
    *,
    outcome: AttemptOutcome,
    at: datetime,
    next_attempt_at: datetime | None = None,
    status: int | None = None,
    error: str | None = None,
) -> None:
    """Log one attempt and move the delivery on, in one transaction. ``deferred`` (quiet hours, rate
    limit) does not count as an attempt."""
    table = t.alert_deliveries
    counted = outcome != "deferred"
    values: dict[str, Any] = {
        "status": {"delivered": "delivered", "dead": "dead"}.get(outcome, "pending"),
        "attempts": delivery.attempts + (1 if counted else 0),
    }
    if counted:
        values |= {"last_attempt_at": at, "last_status": status, "last_error": error}
    if outcome == "delivered":
        values["delivered_at"] = at
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    with store._writing() as connection:
        connection.execute(
            update(table)
            .where(table.c.event_id == delivery.event_id, table.c.channel == delivery.channel)
            .values(**values)
        )
        connection.execute(
            insert(t.alert_attempts).values(
                event_id=delivery.event_id,
                channel=delivery.channel,
                at=at,
                outcome=outcome,
                status=status,
                error=error,
            )
        )


def delivered_since(store: Store, rule_id: str, since: datetime) -> int:
    """How many deliveries of ``rule_id`` succeeded at or after ``since`` (the rate limit's count)."""
    table = t.alert_deliveries
    with store._reading() as connection:
        return int(
            connection.execute(
                select(func.count()).where(table.c.rule_id == rule_id, table.c.delivered_at >= since)
            ).scalar_one()
        )


def disabled_endpoints(store: Store) -> dict[str, str]:
    """Channels disabled (a webhook that answered 410), with the reason."""
    table = t.alert_endpoints
    with store._reading() as connection:
        rows = connection.execute(select(table).where(table.c.disabled_at.is_not(None)))
        return {row.channel: row.disabled_reason or "" for row in rows}


def set_endpoint(store: Store, channel: str, *, disabled_at: datetime | None, reason: str | None) -> None:
    """Disable (``disabled_at`` set) or enable a channel."""
    table = t.alert_endpoints
    with store._writing() as connection:
        connection.execute(delete(table).where(table.c.channel == channel))
        connection.execute(
            insert(table).values(channel=channel, disabled_at=disabled_at, disabled_reason=reason)
        )


def replay(store: Store, event_id: str, now: datetime, channel: str | None = None) -> list[str]:
    """Make the event's deliveries (or one channel's) pending again, due now, and enable their
    endpoints; the channels replayed (none when the event is unknown)."""
    table = t.alert_deliveries
    with store._writing() as connection:
        query = select(table.c.channel).where(table.c.event_id == event_id)
        if channel is not None:
            query = query.where(table.c.channel == channel)
        channels = list(connection.scalars(query))
        for name in channels:
            connection.execute(
                update(table)
                .where(table.c.event_id == event_id, table.c.channel == name)
                .values(status="pending", attempts=0, next_attempt_at=now, delivered_at=None)
            )
            connection.execute(delete(t.alert_endpoints).where(t.alert_endpoints.c.channel == name))
        return channels


def attempts(store: Store, event_id: str) -> list[dict[str, Any]]:
    """The delivery log of one event, oldest first."""
    table = t.alert_attempts
    with store._reading() as connection:
        rows = connection.execute(select(table).where(table.c.event_id == event_id).order_by(table.c.seq))
        return [dict(row._mapping) for row in rows]


# --------------------------------------------------------------------------------- API-stored rules


def stored_rules(store: Store) -> dict[str, dict[str, Any]]:
    """The rules added through the API: definition by id."""
    table = t.alert_rules
    with store._reading() as connection:
        return {
            row.id: dict(row.definition) for row in connection.execute(select(table).order_by(table.c.id))
        }


def put_rule(store: Store, rule_id: str, definition: Mapping[str, Any], now: datetime) -> bool:
    """Create or replace a stored rule; ``True`` when it was created."""
    table = t.alert_rules
    with store._writing() as connection:
        exists = connection.execute(select(table.c.id).where(table.c.id == rule_id)).first() is not None
        if exists:
            connection.execute(
                update(table).where(table.c.id == rule_id).values(definition=dict(definition), updated_at=now)
            )
        else:
            connection.execute(
                insert(table).values(id=rule_id, definition=dict(definition), created_at=now, updated_at=now)
            )
        return not exists


def delete_rule(store: Store, rule_id: str) -> bool:
    table = t.alert_rules
    with store._writing() as connection:
        return bool(connection.execute(delete(table).where(table.c.id == rule_id)).rowcount)
