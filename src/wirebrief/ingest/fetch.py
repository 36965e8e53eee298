"""Fetching one http(s) URL safely: SSRF guard, bounded size and time, limited redirects.

Each hop's host is resolved once, every address it resolves to is checked, and the connection is made
to that checked address (the Host header and TLS server name keep the original host). So a DNS answer
that changes between check and connect (DNS rebinding) cannot reach an address the check refused.
Proxies from the environment are not used, for the same reason.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from dataclasses import dataclass

import httpx

from wirebrief import __version__
from wirebrief.errors import AddressRefusedError, FetchError
from wirebrief.settings import Settings

USER_AGENT = f"wirebrief/{__version__} (+https://github.com/wirebrief/wirebrief)"


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # the final URL, after redirects
    content_type: str  # media type without parameters, lower case ("" when absent)
    body: bytes


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve_address(
    url: httpx.URL, original: str, *, allow_private: bool, setting: str = "allow_private_addresses"
) -> str:
    """The address to connect to for ``url``, resolved once so that the connection goes where the check
    looked (no DNS rebinding). :class:`AddressRefusedError` when, with ``allow_private`` off, the host
    resolves to a private, loopback or link-local address (``setting`` is named as the way to allow it);
    :class:`FetchError` when it does not resolve. The fetcher and the webhook sender both use it."""
    host = url.host
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(original, f"cannot resolve host {host!r} ({exc})") from exc
    addresses = sorted({str(info[4][0]) for info in infos})
    if not addresses:
        raise FetchError(original, f"host {host!r} has no address")
    if not allow_private:
        refused = [a for a in addresses if not _address_allowed(a)]
        if refused:
            raise AddressRefusedError(
                original,
                f"refused: {host} resolves to a private, loopback or link-local address ({refused[0]}); "
                f"set {setting} to allow it",
            )
    return addresses[0]


class _Decoder:
    """Content-Encoding decoding with a bound on the inflated size (gzip bombs)."""

    def __init__(self, encoding: str, original: str, limit: int) -> None:
        self._original = original
        self._limit = limit
        self._produced = 0
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._inflater = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            # wbits 47: accept a gzip or a zlib header; raw deflate is tried on the first failure.
            self._inflater = zlib.decompressobj(47)
            self._raw_deflate_fallback = encoding == "deflate"
        else:
            raise FetchError(original, f"unsupported content encoding {encoding!r}")

    def _take(self, data: bytes) -> bytes:
        self._produced += len(data)
        if self._produced > self._limit:
            raise FetchError(self._original, f"response larger than max_input_bytes ({self._limit:,} bytes)")
        return data

    def feed(self, chunk: bytes) -> bytes:
        if self._inflater is None:
            return self._take(chunk)
        out = bytearray()
        data = chunk
        try:
            while data:
                room = self._limit - self._produced - len(out) + 1
                out += self._inflater.decompress(data, max(room, 1))
                if self._produced + len(out) > self._limit:
                    break
                data = self._inflater.unconsumed_tail
        except zlib.error as exc:
            raise FetchError(self._original, f"corrupt compressed response ({exc})") from exc
        return self._take(bytes(out))

    def finish(self) -> bytes:
        if self._inflater is None:
            return b""
        try:
            return self._take(self._inflater.flush())
        except zlib.error as exc:
            raise FetchError(self._original, f"corrupt compressed response ({exc})") from exc


# Not httpx's response.is_redirect: it counts 304 Not Modified among redirects.
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/html;q=0.9, */*;q=0.5"
)


@dataclass(frozen=True, slots=True)
class ProbeAnswer:
    """Any final answer to a GET: its status, the validators to send next time, and the body of a 200
    when it was asked for."""

    status: int
    url: str  # after redirects
    etag: str | None
    last_modified: str | None
    body: bytes = b""
    content_type: str = ""  # media type without parameters, lower case ("" when absent)
    reason: str = ""


def _read_body(response: httpx.Response, url: str, limit: int, deadline: float, settings: Settings) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(url, f"response larger than max_input_bytes ({limit:,} bytes)")
    decoder = _Decoder(response.headers.get("content-encoding", ""), url, limit)
    body = bytearray()
    received = 0
    for chunk in response.iter_raw():  # as received, so the deadline is checked often
        received += len(chunk)
        if received > limit:
            raise FetchError(url, f"response larger than max_input_bytes ({limit:,} bytes)")
        body += decoder.feed(chunk)
        if time.monotonic() > deadline:
            raise FetchError(url, f"timed out after {settings.fetch_timeout_s:g} s")
    body += decoder.finish()
    return bytes(body)


def http_get(
    url: str,
    settings: Settings,
    *,
    headers: dict[str, str] | None = None,
    read_body: bool = False,
    max_body_bytes: int | None = None,
) -> ProbeAnswer:
    """GET ``url`` through the address guard, following at most ``fetch_max_redirects`` redirects, and
    return the final answer whatever its status. The body of a 200 is read (bounded, decompressed) only
    with ``read_body``; otherwise the response is closed after its headers. ``headers`` are added to
    the request (conditional GETs)."""
    limit = max_body_bytes if max_body_bytes is not None else settings.max_input_bytes
    deadline = time.monotonic() + settings.fetch_timeout_s
    current = url
    with httpx.Client(
        timeout=httpx.Timeout(settings.fetch_timeout_s), follow_redirects=False, trust_env=False
    ) as client:
        for _hop in range(settings.fetch_max_redirects + 1):
            try:
                target = httpx.URL(current)
            except httpx.InvalidURL as exc:
                raise FetchError(url, f"invalid URL ({exc})") from exc
            if target.scheme not in ("http", "https") or not target.host:
                raise FetchError(url, f"only http(s) URLs can be fetched, not {current!r}")
            address = resolve_address(target, url, allow_private=settings.allow_private_addresses)
            request_headers = {
                "Host": target.netloc.decode("ascii"),
                "User-Agent": USER_AGENT,
                "Accept-Encoding": "gzip, deflate",
                "Accept": _ACCEPT,
                **(headers or {}),
            }
            extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
            try:
                with client.stream(
                    "GET", target.copy_with(host=address), headers=request_headers, extensions=extensions
                ) as response:
                    if response.status_code in _REDIRECTS:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(url, f"HTTP {response.status_code} redirect without a Location")
                        current = str(target.join(location))
                        continue
                    wanted = read_body and response.status_code == 200
                    media_type = response.headers.get("content-type", "").split(";", 1)[0]
                    return ProbeAnswer(
                        status=response.status_code,
                        url=current,
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                        body=_read_body(response, url, limit, deadline, settings) if wanted else b"",
                        content_type=media_type.strip().lower(),
                        reason=response.reason_phrase,
                    )
            except httpx.TimeoutException as exc:
                raise FetchError(url, f"timed out after {settings.fetch_timeout_s:g} s") from exc
            except httpx.HTTPError as exc:
                raise FetchError(url, f"request failed ({type(exc).__name__}: {exc})") from exc
        raise FetchError(url, f"more than {settings.fetch_max_redirects} redirects")


def fetch(url: str, settings: Settings) -> Fetched:
    """GET ``url`` and return its body; raise :class:`FetchError` for any reason it cannot be used."""
    answer = http_get(url, settings, read_body=True)
    if answer.status != 200:
        raise FetchError(url, f"HTTP {answer.status} {answer.reason}".rstrip())
    return Fetched(url=answer.url, content_type=answer.content_type, body=answer.body)
