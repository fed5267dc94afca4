"""The access log never records a query string: phone searches live there (issue #9)."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

from grassroots.core.logging import ACCESS_LOG_FORMAT, gunicorn_access_options
from grassroots.core.management.commands.serve import gunicorn_command

PHONE = "13800138000"


def _formatted(fmt: str) -> str:
    config = Config()
    config.set("access_log_format", fmt)
    logger = Logger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/grid/households/?q={PHONE}",
        "PATH_INFO": "/grid/households/",
        "QUERY_STRING": f"q={PHONE}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"http://127.0.0.1/grid/households/?q={PHONE}",
        "HTTP_USER_AGENT": "test",
    }
    resp = SimpleNamespace(status="200 OK", sent=10, response_length=10, headers=[])
    request = SimpleNamespace(headers=[], method="GET", path="/grid/households/")
    atoms = logger.atoms(resp, request, environ, dt.timedelta(milliseconds=5))
    return fmt % atoms


def test_the_access_log_format_leaves_the_query_string_out() -> None:
    line = _formatted(ACCESS_LOG_FORMAT)
    assert PHONE not in line
    assert "/grid/households/" in line and "200" in line


def test_gunicorns_default_format_would_have_logged_the_phone() -> None:
    # The defect being fixed: the default line carries the request line with its query.
    assert PHONE in _formatted(Config().access_log_format)


def test_serve_passes_the_format_to_gunicorn() -> None:
    command = gunicorn_command("127.0.0.1", 8000, 1)
    options = gunicorn_access_options()
    assert options == ["--access-logformat", ACCESS_LOG_FORMAT]
    at = command.index("--access-logformat")
    assert command[at + 1] == ACCESS_LOG_FORMAT
    assert logging.getLogger("gunicorn.access") is not None
