"""``POST /api/v1/articles``: other systems push reports to wirebrief as JSON.

The body is one article object or a list of them, with the fields of a JSONL line (see "Field mapping"
in docs/ingest.md; ``ingest_field_map`` applies). Every article goes through the ingest path of
``wirebrief ingest`` (:class:`wirebrief.intake.ReportIngester`: normalise → dedupe → store) and the
answer gives each one's status and article id.

A request is checked as a whole before anything is stored: a missing or wrong bearer token (401), a
body over ``push_max_body_bytes`` or a list over ``push_max_batch`` (413), a body that is not JSON, not
an object or list, or an article without text or with a field of the wrong JSON type (422, naming the
item and the field) store nothing. An article that passes these checks but that normalisation refuses
(text that is empty once tidied) is "rejected" in the answer while the others are stored.

Without a ``push_token`` (at least :data:`MIN_TOKEN_LENGTH` characters) the router is not built at all:
:func:`push_router` raises :class:`~wirebrief.errors.ConfigError`, so the endpoint is never open.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from wirebrief.dedupe import Deduplicator
from wirebrief.errors import ConfigError, InputError, PushRefused, StorageError
from wirebrief.ingest.base import ReadContext, report_from_mapping
from wirebrief.intake import IngestSummary, ReportIngester, ReportOutcome
from wirebrief.records import DedupeStatus, RawReport
from wirebrief.settings import Settings
from wirebrief.store import Store

log = logging.getLogger(__name__)

PUSH_PATH = "/api/v1/articles"
PUSH_SOURCE = "push"  # RawReport.source (and so Article.source) of every pushed report
MIN_TOKEN_LENGTH = 16

PushStatus = Literal["stored", "revision", "syndicated", "duplicate", "rejected"]


class PushedArticle(BaseModel):
    """What became of one article of the request."""

    item: int = Field(description="Position in the request (0 for a single object).")
    status: PushStatus
    article_id: str | None = Field(description="The stored article's id (none when rejected).")
    duplicate_of: str | None = Field(
        None, description="For a duplicate or syndicated copy: the kept article it matches."
    )
    reason: str | None = Field(None, description="Why an article was rejected or is a duplicate.")


class PushAnswer(BaseModel):
    received: int
    counts: dict[str, int] = Field(description="Number of articles per status.")
    results: list[PushedArticle]


class ItemProblem(BaseModel):
    item: int | None = Field(description="Position of the article in the request; none for the body.")
    field: str | None = Field(description="The field at fault, where one is.")
    problem: str


class PushRefusal(BaseModel):
    """The body of every 4xx/5xx answer: a short code, one readable line and, for 422, each problem."""

    error: str
    detail: str
    problems: list[ItemProblem] = Field(default_factory=list)


def push_enabled(settings: Settings) -> bool:
    """Whether a push token is configured at all (a short one is still refused by the push router)."""
    return settings.push_token is not None and bool(settings.push_token.get_secret_value().strip())


def require_push_token(settings: Settings) -> bytes:
    """The configured token as bytes; :class:`ConfigError` when there is none or it is too short."""
    token = settings.push_token.get_secret_value().strip() if settings.push_token is not None else ""
    if not token:
        raise ConfigError(
            "setting push_token: not set, and the push endpoint never runs without one; set "
            "WIREBRIEF_PUSH_TOKEN to a long random string (e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )
    if len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(
            f"setting push_token: {len(token)} characters; use at least {MIN_TOKEN_LENGTH} random ones"
        )
    return token.encode("utf-8")


class PushService:
    """Stores pushed reports through :class:`ReportIngester`, one request at a time.

    The store is not thread-safe and requests are handled on a thread pool, so a lock serialises them;
    each request is one transaction (all its accepted articles are stored, or none). The deduplicator
    is kept between requests, so a push computes MinHash signatures only for its own articles; it is
    seeded from the store again only when the numbers of stored articles and revisions differ from
    those its last request left (another process stored something), since listing every stored
    article for each request would make a push cost grow with the store.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._deduplicator: Deduplicator | None = None
        self._left: int | None = None  # the article log's end after the last request

    def ingest(self, reports: list[RawReport]) -> list[ReportOutcome]:
        with self._lock:
            if self._store is None:
                self._store = Store.open(self.settings.resolved_database_url)
            store = self._store
            summary = IngestSummary()

            def problem(error: InputError) -> None:
                _log_problem(error)
                summary.problems.append(str(error))

            try:
                # Inside the write transaction no other writer can change the store between the
                # check and the ingest.
                with store.transaction():
                    # The article log's newest entry moves with every article any writer stores or
                    # revises; reading it is one index lookup, not a count of the archive.
                    unchanged = self._left is not None and store.article_log_end() == self._left
                    ingester = ReportIngester(
                        store,
                        self.settings,
                        summary,
                        problem,
                        deduplicator=self._deduplicator,
                        seed=not unchanged,
                    )
                    self._deduplicator = ingester.deduplicator
                    outcomes = [ingester.add(report) for report in reports]
                    self._left = store.article_log_end()
            except BaseException:
                # The deduplicator now remembers articles the rollback removed; a retry would be
                # taken for their duplicate, so the next request starts from the store again.
                self._deduplicator, self._left = None, None
                raise
        log.info(
            "push: %d read, %d new, %d revised, %d duplicates, %d already stored, %d rejected",
            summary.reports_read,
            summary.new_articles,
            summary.revisions,
            summary.duplicates_dropped,
            summary.already_stored,
            len(summary.problems),
        )
        return outcomes

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
            self._deduplicator, self._left = None, None


def _log_problem(error: InputError) -> None:
    log.warning("push: %s", error)


def bearer_token_matches(authorization: str | None, expected: bytes) -> bool:
    """Whether an ``Authorization: Bearer …`` header carries ``expected``, compared in constant time."""
    if authorization is None:
        return False
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    # Header values arrive decoded as Latin-1; encoding them back gives the bytes the client sent.
    try:
        given = credentials.strip().encode("latin-1")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(given, expected)


async def read_limited_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` bytes.

    A declared Content-Length over the limit is refused before any of the body is read; a chunked body
    is read chunk by chunk and refused at the first chunk past the limit, so at most ``limit`` bytes
    plus one chunk are ever held.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise PushRefused(400, "bad-request", f"Content-Length {declared!r} is not a number") from None
        if size > limit:
            raise PushRefused(
                413,
                "body-too-large",
                f"body of {size:,} bytes; at most {limit:,} (setting push_max_body_bytes)",
            )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PushRefused(
                413, "body-too-large", f"body longer than {limit:,} bytes (setting push_max_body_bytes)"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def parse_push_body(body: bytes, max_batch: int) -> list[Any]:
    """The articles of a body: a JSON object is one article, a JSON list several (at most ``max_batch``)."""
    if not body.strip():
        raise PushRefused(422, "invalid-json", "empty body; send a JSON object or a list of them")
    try:
        # JSON exchanged between systems is UTF-8 (RFC 8259); a leading byte-order mark is tolerated.
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PushRefused(
            422, "invalid-json", f"body is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PushRefused(
            422,
            "invalid-json",
            f"body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
        ) from exc
    except RecursionError as exc:
        raise PushRefused(422, "invalid-json", "body is not usable JSON: nested too deeply") from exc
    if isinstance(document, dict):
        return [document]
    if not isinstance(document, list):
        raise PushRefused(
            422,
            "invalid-body",
            f"body is a JSON {_json_type(document)}; send an article object or a list of them",
        )
    if not document:
        raise PushRefused(422, "invalid-body", "body is an empty list: no article to store")
    if len(document) > max_batch:
        raise PushRefused(
            413,
            "batch-too-large",
            f"{len(document):,} articles in one request; at most {max_batch:,} (setting push_max_batch)",
        )
    return document


def reports_from_items(items: list[Any], context: ReadContext) -> list[RawReport]:
    """One report per item, converted as a JSONL line is; every item's problems are refused together."""
    problems: list[tuple[int | None, str | None, str]] = []
    reports: list[RawReport] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append((index, None, f"a JSON {_json_type(item)}, not an object"))
            continue
        wrong_type = _structured_field(item, context.field_map)
        if wrong_type is not None:
            key, value = wrong_type
            problems.append((index, key, f"field {key!r} is a JSON {_json_type(value)}; it must be a string"))
            continue
        found: list[InputError] = []
        item_context = ReadContext(
            settings=context.settings, on_problem=found.append, field_map=context.field_map
        )
        report = report_from_mapping(item, source=PUSH_SOURCE, locator=f"item {index}", context=item_context)
        if report is None or found:
            # report_from_mapping refuses a record only for its text: missing, or not a string.
            for error in found or [InputError(PUSH_SOURCE, "no usable text")]:
                problems.append((index, "text", error.problem))
            continue
        reports.append(report)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise PushRefused(422, "invalid-article", f"item {first[0]}: {first[2]}{more}", tuple(problems))
    return reports


def _reports_from_body(body: bytes, max_batch: int, context: ReadContext) -> list[RawReport]:
    return reports_from_items(parse_push_body(body, max_batch), context)


def _structured_field(
    item: Mapping[str, Any], field_map: Mapping[str, tuple[str, ...]]
) -> tuple[str, Any] | None:
    # A JSONL line with an object where a report field belongs has that field ignored; a client pushing
    # one is told instead, since it can fix the request. The text field is checked by the conversion.
    for report_field, names in field_map.items():
        if report_field == "text":
            continue
        for name in names:
            value = item.get(name)
            if isinstance(value, dict | list):
                return name, value
    return None


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null"


def _answer(outcomes: list[ReportOutcome]) -> PushAnswer:
    results: list[PushedArticle] = []
    for index, outcome in enumerate(outcomes):
        status: PushStatus
        reason: str | None = None
        if outcome.status == "already-stored":
            status, reason = "duplicate", "already stored with the same text"
        elif outcome.status == "duplicate":
            status = "duplicate"
            if outcome.dedupe == DedupeStatus.NEAR_DUPLICATE:
                reason = "nearly the same text as an article of the same outlet"
            elif outcome.dedupe == DedupeStatus.EXACT_DUPLICATE:
                reason = "the same text as a stored article"
            else:
                reason = "the same article earlier in this request"
        elif outcome.status == "rejected":
            status, reason = "rejected", outcome.problem
        else:
            status = outcome.status
        results.append(
            PushedArticle(
                item=index,
                status=status,
                article_id=outcome.article_id,
                duplicate_of=outcome.duplicate_of,
                reason=reason,
            )
        )
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return PushAnswer(received=len(results), counts=counts, results=results)


def _refusal_response(refused: PushRefused) -> JSONResponse:
    body = PushRefusal(
        error=refused.code,
        detail=refused.problem,
        problems=[ItemProblem(item=item, field=name, problem=text) for item, name, text in refused.problems],
    )
    headers = {"WWW-Authenticate": "Bearer"} if refused.status == 401 else None
    return JSONResponse(body.model_dump(), status_code=refused.status, headers=headers)


_REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": PushRefusal, "description": description}
    for status, description in (
        (401, "missing or wrong bearer token"),
        (413, "body over push_max_body_bytes or more than push_max_batch articles"),
        (422, "not JSON, not an article or list of articles, or an article without text"),
        (503, "the database cannot be written now (locked or unreachable)"),
    )
}


def push_router(settings: Settings, service: PushService | None = None) -> APIRouter:
    """The router of ``POST /api/v1/articles``; :class:`ConfigError` when no usable token is configured.

    ``service`` stores the articles; by default one of its own, closed when the app shuts down.
    """
    token = require_push_token(settings)
    context = ReadContext.build(settings, _log_problem)  # a bad ingest_field_map fails here, at start
    pusher = service if service is not None else PushService(settings)
    max_body, max_batch = settings.push_max_body_bytes, settings.push_max_batch

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        # FastAPI merges a router's lifespan into the app's on include_router.
        try:
            yield
        finally:
            if service is None:
                pusher.close()

    router = APIRouter(lifespan=lifespan)

    @router.post(
        PUSH_PATH,
        response_model=PushAnswer,
        responses=_REFUSALS,
        summary="Store one article or a list of articles",
    )
    async def push_articles(request: Request) -> JSONResponse:
        try:
            if not bearer_token_matches(request.headers.get("authorization"), token):
                missing = request.headers.get("authorization") is None
                raise PushRefused(
                    401,
                    "unauthorised",
                    "no Authorization: Bearer header" if missing else "wrong bearer token",
                )
            body = await read_limited_body(request, max_body)
            # Parsing up to push_max_body_bytes of JSON is CPU work: off the event loop, like the ingest.
            reports = await run_in_threadpool(_reports_from_body, body, max_batch, context)
            try:
                outcomes = await run_in_threadpool(pusher.ingest, reports)
            except StorageError as error:
                log.error("push: %s", error)
                raise PushRefused(503, "storage-unavailable", f"nothing was stored: {error}") from error
        except PushRefused as refused:
            return _refusal_response(refused)
        return JSONResponse(_answer(outcomes).model_dump())

    return router
