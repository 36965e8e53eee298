"""Alert rules through the API (token-gated with ``push_token``) and the Atom feed of each rule.

- ``GET /api/v1/alerts/rules``: the rules of the file and those added here;
- ``PUT /api/v1/alerts/rules/{id}``: add or replace a rule (its channels must be the file's);
- ``DELETE /api/v1/alerts/rules/{id}``: remove a rule added here (the file's are edited in the file);
- ``GET /api/v1/alerts/deliveries``: the last deliveries and the dead letters;
- ``GET /api/v1/alerts/rules/{id}/feed.atom``: the rule's alerts as Atom (no bearer token, as feed readers
  send none; with ``feed_token`` set it is private like every feed: ``?token=``, else 404).

Errors have the push endpoint's body: ``{"error", "detail", "problems"}``.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from wirebrief.alerts.feed import rule_feed
from wirebrief.alerts.outbox import load_rules
from wirebrief.alerts.rules import load_rule_file, parse_rule
from wirebrief.errors import ConfigError
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.store import alerts as stored
from wirebrief.web.push import (
    PushRefusal,
    bearer_token_matches,
    push_enabled,
    read_limited_body,
    require_push_token,
)
from wirebrief.web.state import token_matches

PREFIX = "/api/v1/alerts"
_MAX_RULE_BYTES = 64_000
T = TypeVar("T")


def _refusal(status: int, code: str, detail: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        PushRefusal(error=code, detail=detail).model_dump(), status_code=status, headers=headers
    )


class _StoreAccess:
    """One store for the router, opened on first use; ``Store`` is not thread-safe, hence the lock."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._store: Store | None = None
        self._lock = threading.Lock()

    @contextmanager
    def use(self) -> Iterator[Store]:
        with self._lock:
            if self._store is None:
                self._store = Store.open(self._settings.resolved_database_url)
            yield self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def alerts_router(settings: Settings) -> APIRouter:
    """The alerts router. Its rule and delivery endpoints need the ``push_token``; without one they
    answer 401 (the server runs read-only), while the per-rule Atom feeds stay open.
    :class:`ConfigError` when a ``push_token`` is set but too short."""
    token = require_push_token(settings) if push_enabled(settings) else None
    access = _StoreAccess(settings)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            access.close()

    router = APIRouter(lifespan=lifespan)

    def authorised(request: Request) -> JSONResponse | None:
        header = request.headers.get("authorization")
        if token is None:
            return _refusal(401, "unauthorised", "no push_token is set: the server is read-only")
        if bearer_token_matches(header, token):
            return None
        return _refusal(
            401, "unauthorised", "no Authorization: Bearer header" if header is None else "wrong bearer token"
        )

    async def with_store(work: Callable[[Store], T]) -> T:
        def run() -> T:
            with access.use() as store:
                return work(store)

        return await run_in_threadpool(run)

    def file_channels_and_rules() -> tuple[dict[str, Any], set[str]]:
        path = settings.resolved_alerts_rules_file
        if path is None:
            return {}, set()
        rule_file = load_rule_file(path)
        return dict(rule_file.channels), {r.id for r in rule_file.rules}

    @router.get(PREFIX + "/rules", summary="List the alert rules")
    async def list_rules(request: Request) -> Response:
        if (refused := authorised(request)) is not None:
            return refused

        def work(store: Store) -> dict[str, Any]:
            _channels, from_file = file_channels_and_rules()
            rules = load_rules(settings, store)
            items = [
                {
                    "id": r.id,
                    "source": "file" if r.id in from_file else "api",
                    "rule": r.model_dump(mode="json"),
                }
                for r in rules.rules.values()
            ]
            return {"items": sorted(items, key=lambda i: i["id"]), "channels": sorted(rules.channels)}

        try:
            return JSONResponse(await with_store(work))
        except ConfigError as error:
            return _refusal(500, "bad-rules-file", str(error))

    @router.put(PREFIX + "/rules/{rule_id}", summary="Add or replace an alert rule")
    async def put_rule(rule_id: str, request: Request) -> Response:
        if (refused := authorised(request)) is not None:
            return refused
        import json

        body = await read_limited_body(request, _MAX_RULE_BYTES)
        try:
            data = json.loads(body)
        except ValueError as exc:
            return _refusal(422, "invalid-json", f"the body is not JSON ({exc})")
        if not isinstance(data, dict):
            return _refusal(422, "invalid-rule", "the body must be a JSON object (a rule)")
        data.setdefault("id", rule_id)
        if data["id"] != rule_id:
            return _refusal(
                422, "invalid-rule", f"the body's id {data['id']!r} is not the path's {rule_id!r}"
            )
        try:
            channels, from_file = file_channels_and_rules()
            rule = parse_rule(data, channels, f"rule {rule_id}")
        except ConfigError as error:
            return _refusal(422, "invalid-rule", str(error))
        if rule_id in from_file:
            return _refusal(
                409, "rule-in-file", f"rule {rule_id} is defined in the rules file; edit it there"
            )
        definition = rule.model_dump(mode="json")
        created = await with_store(
            lambda store: stored.put_rule(store, rule_id, definition, datetime.now(UTC))
        )
        return JSONResponse(
            {"id": rule_id, "source": "api", "rule": definition}, status_code=201 if created else 200
        )

    @router.delete(PREFIX + "/rules/{rule_id}", summary="Remove an alert rule added through the API")
    async def delete_rule(rule_id: str, request: Request) -> Response:
        if (refused := authorised(request)) is not None:
            return refused
        if await with_store(lambda store: stored.delete_rule(store, rule_id)):
            return Response(status_code=204)
        return _refusal(404, "not-found", f"no alert rule {rule_id} was added through the API")

    @router.get(PREFIX + "/deliveries", summary="The last deliveries and the dead letters")
    async def list_deliveries(request: Request) -> Response:
        if (refused := authorised(request)) is not None:
            return refused

        def work(store: Store) -> dict[str, Any]:
            def rows(items: list[stored.Delivery]) -> list[dict[str, Any]]:
                return [
                    {
                        "event_id": d.event_id,
                        "channel": d.channel,
                        "rule": d.rule_id,
                        "status": d.status,
                        "attempts": d.attempts,
                        "last_status": d.last_status,
                        "last_error": d.last_error,
                        "delivered_at": d.delivered_at.isoformat() if d.delivered_at else None,
                        "next_attempt_at": d.next_attempt_at.isoformat(),
                    }
                    for d in items
                ]

            return {
                "last": rows(stored.deliveries(store)),
                "dead": rows(stored.deliveries(store, status="dead")),
            }

        return JSONResponse(await with_store(work))

    @router.get(PREFIX + "/rules/{rule_id}/feed.atom", summary="The alerts of one rule as an Atom feed")
    async def feed(rule_id: str, request: Request) -> Response:
        if settings.feed_token is not None and not token_matches(
            request.query_params.get("token"), settings.feed_token.get_secret_value()
        ):
            # As the other private feeds: a wrong or missing token names nothing.
            return _refusal(404, "not-found", "no such feed (private feeds need their token)")

        def work(store: Store) -> bytes | None:
            rules = load_rules(settings, store)
            if rule_id not in rules.rules:
                return None
            return rule_feed(
                rule_id, stored.events(store, rule_id=rule_id, limit=100), settings, str(request.url)
            )

        document = await with_store(work)
        if document is None:
            return _refusal(404, "not-found", f"no alert rule {rule_id}")
        return Response(document, media_type="application/atom+xml")

    return router
