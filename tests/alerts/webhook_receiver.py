"""A real webhook receiver on 127.0.0.1 for the alerts tests.

It verifies every request's Standard Webhooks signature with the ``standardwebhooks`` library (the
oracle: our signing code is not used to check itself), records what arrived, and answers from a cue
list: ``"ok"`` (204), an HTTP status (``500``, ``410``, ``302``), ``"429"`` with ``Retry-After``, or
``"hang"`` (answers after the client's timeout). Without cues, it answers 204.

Run as a script (``python webhook_receiver.py SECRET LOG_FILE``) it serves in the foreground, appends
each verified request as a JSON line to LOG_FILE and prints its port.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    webhook_id: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def payload(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    secrets: tuple[str, ...]
    cues: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    hang_s: float = 2.0
    delay_s: float = 0.0
    log_file: Path | None = None
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def verified_ids(self) -> list[str]:
        return [r.webhook_id for r in self.received if r.verified]

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        verified = False
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                continue
        with self.lock:
            cue = self.cues.pop(0) if self.cues else "ok"
        if cue == "hang":
            time.sleep(self.hang_s)
            return 204, {}
        if self.delay_s:
            time.sleep(self.delay_s)
        record = Received(headers.get("webhook-id", ""), headers, body, verified)
        if cue == "ok":
            with self.lock:
                self.received.append(record)
                if self.log_file is not None:
                    with self.log_file.open("a", encoding="utf-8") as log:
                        log.write(json.dumps({"id": record.webhook_id, "verified": verified}) + "\n")
            return 204, {}
        if cue == "429":
            return 429, {"Retry-After": "1"}
        if cue == "302":
            return 302, {"Location": "http://127.0.0.1:9/elsewhere"}
        return int(cue), {}


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra = receiver.handle(headers, body)
            try:
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", "0")
                self.end_headers()
            except OSError:
                pass  # the client gave up (a timeout on cue)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


@contextmanager
def running(receiver: Receiver) -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    receiver = Receiver((sys.argv[1],), log_file=Path(sys.argv[2]), delay_s=float(sys.argv[3]))
    with running(receiver):
        print(receiver.port, flush=True)
        threading.Event().wait()
