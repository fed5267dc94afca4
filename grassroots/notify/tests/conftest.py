"""A real HTTP server on 127.0.0.1 standing in for the WeChat Work / DingTalk robots."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Robot:
    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    # What the robot answers; tests switch it to an error to exercise retries.
    answer: dict[str, Any] = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    status: int = 200


@contextmanager
def json_server(answer: Callable[[Any, bytes], tuple[int, Any]]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (a free port) answering each POST with JSON:
    `answer(headers, body)` gives the status and the payload. Yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, data = answer(self, body)
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def robot(settings: Any) -> Iterator[Robot]:
    settings.NOTIFY_WEBHOOK_HOSTS = ["127.0.0.1"]
    state = Robot(url="")

    def answer(request: Any, body: bytes) -> tuple[int, Any]:
        state.received.append(
            {
                "path": request.path,
                "content_type": request.headers.get("Content-Type", ""),
                "json": json.loads(body),
            }
        )
        return state.status, state.answer

    with json_server(answer) as base:
        state.url = f"{base}/cgi-bin/webhook/send?key=k1"
        yield state


@pytest.fixture
def page_for(town: Any) -> Any:
    """page_for("sam") → a logged-in page client (force_login: the login form is tested elsewhere)."""
    from django.test import Client

    from grassroots.accounts.models import User

    def make(username: str) -> Client:
        c = Client()
        c.force_login(User.objects.get(username=username))
        return c

    return make
