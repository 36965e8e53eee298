"""Webhook delivery following the Standard Webhooks scheme (https://www.standardwebhooks.com).

Each request carries ``webhook-id`` (the event id: the same on every retry, so a receiver can drop
repeats), ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``: ``v1,<base64 HMAC-SHA256
of "id.timestamp.body">`` per secret, space-separated, so during a key rotation both the old and the
new secret sign. Secrets are written ``whsec_<base64 key>``.

The body is ``{"type", "timestamp", "data"}``; ``data`` is the brief as the JSON export renders it
(``publish.brief_to_dict``) plus the alert's rule and reasons, or, when that is larger than
``alerts_max_body_bytes``, a link to the story page and its summary.

An answer is judged as the scheme says: 2xx is success; a redirect is a failure (never followed); 410
disables the endpoint; anything else, a timeout or a refused connection is retried later with
exponential backoff and jitter, honouring ``Retry-After``. Targets pass the same address checks as
fetching (``ingest.fetch``): no private, loopback or link-local address unless
``alerts_allow_private_targets`` is set.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Final

import httpx

from wirebrief.errors import AddressRefusedError, FetchError
from wirebrief.ingest.fetch import USER_AGENT, resolve_address
from wirebrief.settings import Settings

SECRET_PREFIX: Final = "whsec_"


def secret_key(secret: str) -> bytes:
    """The key bytes of a ``whsec_<base64>`` secret; ``ValueError`` naming the problem otherwise."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_ followed by base64")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error as exc:
        raise ValueError(f"the webhook secret after whsec_ is not base64 ({exc})") from exc
    if len(key) < 16:
        raise ValueError("a webhook secret needs at least 16 random bytes (24 base64 characters)")
    return key


def new_secret() -> str:
    """A fresh random secret in ``whsec_`` form (32 bytes)."""
    import secrets

    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``id.timestamp.body`` with one secret."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(secrets: tuple[str, ...], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets),
        "content-type": "application/json",
    }


def verify(
    secret: str, headers: dict[str, str], body: bytes, *, now: datetime | None = None, tolerance_s: int = 300
) -> bool:
    """Whether ``headers`` carry a valid signature of ``body`` by ``secret``, within the tolerance.
    (What a receiver does; wirebrief's tests check it against the ``standardwebhooks`` library.)"""
    lowered = {k.lower(): v for k, v in headers.items()}
    message_id, stamp = lowered.get("webhook-id", ""), lowered.get("webhook-timestamp", "")
    if not message_id or not stamp.isdigit():
        return False
    moment = (now or datetime.now(UTC)).timestamp()
    if abs(moment - int(stamp)) > tolerance_s:
        return False
    expected = signature(secret, message_id, int(stamp), body)
    return any(hmac.compare_digest(expected, given) for given in lowered.get("webhook-signature", "").split())


def envelope(event_type: str, created_at: datetime, data: dict[str, Any]) -> bytes:
    body = {"type": event_type, "timestamp": created_at.astimezone(UTC).isoformat(), "data": data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Answer:
    """How one attempt went: ``outcome`` is delivered, retry, gone (410) or refused (never retried)."""

    outcome: str
    status: int | None
    error: str | None
    retry_after_s: float | None = None


def retry_after_s(value: str | None, now: datetime) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def backoff(attempts: int, base_s: float, max_s: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter after ``attempts`` failed attempts: a random wait between half
    and all of ``base_s * 2^(attempts-1)``, capped at ``max_s`` (jitter spreads retries of many
    deliveries that failed together)."""
    ceiling = min(max_s, base_s * 2 ** max(0, attempts - 1))
    draw = float(rng.random() if rng is not None else random.random())
    return float(ceiling * (0.5 + 0.5 * draw))


def new_client(settings: Settings) -> httpx.Client:
    """A client for many posts (building one loads the TLS trust store: tens of milliseconds)."""
    timeout = httpx.Timeout(settings.alerts_webhook_timeout_s)
    return httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)


def post(
    url: str,
    secrets: tuple[str, ...],
    message_id: str,
    body: bytes,
    settings: Settings,
    client: httpx.Client | None = None,
) -> Answer:
    """One signed POST of ``body`` to ``url`` (through ``client`` when given); never raises for network
    trouble (it is an Answer)."""
    try:
        target = httpx.URL(url)
    except httpx.InvalidURL as exc:
        return Answer("refused", None, f"invalid URL ({exc})")
    if target.scheme not in ("http", "https") or not target.host:
        return Answer("refused", None, f"only http(s) webhook URLs, not {url!r}")
    try:
        address = resolve_address(
            target,
            url,
            allow_private=settings.alerts_allow_private_targets,
            setting="alerts_allow_private_targets",
        )
    except AddressRefusedError as exc:
        return Answer("refused", None, exc.problem)
    except FetchError as exc:
        return Answer("retry", None, exc.problem)
    timestamp = int(datetime.now(UTC).timestamp())
    headers = signed_headers(secrets, message_id, timestamp, body)
    headers |= {"Host": target.netloc.decode("ascii"), "User-Agent": USER_AGENT}
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    timeout = settings.alerts_webhook_timeout_s
    owned = client is None
    sender = new_client(settings) if client is None else client
    try:
        response = sender.post(
            target.copy_with(host=address), content=body, headers=headers, extensions=extensions
        )
    except httpx.TimeoutException:
        return Answer("retry", None, f"timed out after {timeout:g} s")
    except httpx.HTTPError as exc:
        return Answer("retry", None, f"request failed ({type(exc).__name__}: {exc})")
    finally:
        if owned:
            sender.close()
    status = response.status_code
    if 200 <= status < 300:
        return Answer("delivered", status, None)
    if status == 410:
        return Answer("gone", status, "the endpoint answered 410 Gone: disabled")
    wait = retry_after_s(response.headers.get("retry-after"), datetime.now(UTC))
    reason = f"HTTP {status} {response.reason_phrase}".strip()
    if 300 <= status < 400:
        reason += " (redirects are not followed)"
    return Answer("retry", status, reason, wait)


def next_attempt(answer: Answer, attempts: int, settings: Settings, now: datetime) -> datetime:
    """When to try again after ``attempts`` failed attempts: the backoff, or Retry-After when later."""
    wait = backoff(attempts, settings.alerts_retry_base_s, settings.alerts_retry_max_s)
    if answer.retry_after_s is not None:
        wait = max(wait, min(answer.retry_after_s, settings.alerts_retry_max_s))
    return now + timedelta(seconds=wait)
