"""A real HTTP server on 127.0.0.1 (in a thread) with the routes the fetch tests need."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from wirebrief.settings import Settings

RSS_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Ledger</title><link>https://ledger.example.org/</link>
<item><title>Port workers end strike</title><link>https://ledger.example.org/news/strike?utm_source=rss</link>
<guid>ledger-1</guid><pubDate>Tue, 17 Nov 2026 08:30:00 +0100</pubDate>
<description><![CDATA[<p>Port workers in Valparaiso ended a nine-day strike on Tuesday.</p>
<p>The union said members had accepted a pay offer.</p>]]></description></item>
</channel></rss>
"""

ARTICLE_PAGE = b"""<!doctype html><html lang="en">
<head><title>Council approves water plan | Coast Daily</title>
<meta name="author" content="Ana Ruiz"><link rel="canonical" href="https://coast.example.com/water-plan">
<meta property="article:published_time" content="2026-11-20T10:00:00+00:00"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Council approves water plan</h1>
<p>The regional council of Valparaiso approved a new water plan on Friday after two years of drought,
setting limits on irrigation and funding three desalination plants along the coast.</p>
<p>Council members said the plan would be reviewed every year and that farmers would be compensated
for the reduced allocations during the first two seasons of the programme.</p>
<p>Environmental groups welcomed the decision but warned that the desalination plants would need
strict controls on the brine they return to the sea.</p>
</article><footer>Copyright Coast Daily</footer></body></html>
"""


class Recorder:
    """What the handler saw, for assertions (the User-Agent header)."""

    user_agents: ClassVar[list[str]] = []


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        return

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Recorder.user_agents.append(self.headers.get("User-Agent", ""))
        path = self.path.split("?", 1)[0]
        if path == "/feed":
            self._send(200, RSS_FEED, "application/rss+xml; charset=utf-8")
        elif path == "/article":
            self._send(200, ARTICLE_PAGE, "text/html; charset=utf-8")
        elif path == "/missing":
            self._send(404, b"not here", "text/plain")
        elif path == "/broken":
            self._send(500, b"oops", "text/plain")
        elif path == "/loop":
            self._send(302, b"", "text/plain", {"Location": "/loop-b"})
        elif path == "/loop-b":
            self._send(302, b"", "text/plain", {"Location": "/loop"})
        elif path == "/moved":
            self._send(301, b"", "text/plain", {"Location": "/feed"})
        elif path == "/huge":
            self._send(200, b"<rss>" + b"x" * 200_000 + b"</rss>", "application/rss+xml")
        elif path == "/huge-chunked":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 50_000
            try:
                for _ in range(10):
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                return
        elif path == "/bomb":
            # 20 MB of zeros compressed to about 20 kB.
            body = gzip.compress(b"\0" * 20_000_000)
            self._send(200, body, "application/rss+xml", {"Content-Encoding": "gzip"})
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.05)
            except (BrokenPipeError, ConnectionResetError):
                return
        elif path == "/empty":
            self._send(200, b"", "application/rss+xml")
        else:
            self._send(404, b"no route", "text/plain")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return  # clients that hang up early (size and time limits) are expected here


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def user_agents_seen() -> list[str]:
    """The User-Agent headers the server has received so far."""
    return Recorder.user_agents


@pytest.fixture
def local_settings() -> Settings:
    """Settings that allow fetching from 127.0.0.1 (the test server), with small limits."""
    return Settings.model_validate(
        {"allow_private_addresses": True, "fetch_timeout_s": 1.5, "max_input_bytes": 100_000}
    )
