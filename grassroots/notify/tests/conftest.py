"""A real HTTP server on 127.0.0.1 standing in for the WeChat Work / DingTalk robots."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
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


@pytest.fixture
def robot(settings: Any) -> Iterator[Robot]:
    settings.NOTIFY_WEBHOOK_HOSTS = ["127.0.0.1"]
    state: Robot

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            state.received.append(
                {
                    "path": self.path,
                    "content_type": self.headers.get("Content-Type", ""),
                    "json": json.loads(body),
                }
            )
            payload = json.dumps(state.answer).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Robot(url=f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=k1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


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
