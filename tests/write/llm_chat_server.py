"""A scripted chat-completions server on 127.0.0.1 for the LLM writer's tests.

Each POST to ``/v1/chat/completions`` gets the next scripted reply: an HTTP status, a body (the text
of the model's answer for 200, an error message otherwise) and an optional delay before answering.
Every request body is kept, so a test can count requests and read what was sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True, slots=True)
class Reply:
    status: int = 200
    content: str = ""  # the model's answer (status 200) or the error message
    delay_s: float = 0.0
    prompt_tokens: int = 100
    completion_tokens: int = 50


def answer(content: str | dict[str, Any], **kwargs: Any) -> Reply:
    """A 200 reply whose message content is ``content`` (a dict is sent as its JSON text)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return Reply(200, text, **kwargs)


@dataclass
class ChatServer:
    script: list[Reply]
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""

    @property
    def request_count(self) -> int:
        return len(self.requests)

    def next_reply(self, body: dict[str, Any]) -> Reply:
        self.requests.append(body)
        if len(self.requests) > len(self.script):
            return Reply(500, "the test script has no reply left")
        return self.script[len(self.requests) - 1]


def _handler(server_state: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            reply = server_state.next_reply(body)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            if reply.status != 200:
                self._send(reply.status, {"error": {"message": reply.content, "type": "server_error"}})
                return
            self._send(
                200,
                {
                    "id": f"chatcmpl-{server_state.request_count}",
                    "object": "chat.completion",
                    "created": 1764000000,
                    "model": body.get("model", "test-model"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": reply.content},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": reply.prompt_tokens,
                        "completion_tokens": reply.completion_tokens,
                        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
                    },
                },
            )

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer

    return Handler


@contextmanager
def chat_server(*script: Reply) -> Iterator[ChatServer]:
    """Run a scripted server in a thread for the duration of the block."""
    state = ChatServer(list(script))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
