"""What an unavailable database looks like, and keeping it to one line in the logs.

A database that is down or restarting surfaces as `OperationalError` or
`InterfaceError`. The pages answer 503 (core.errors), the worker backs off
(core.pollers), `/healthz` says why; and the log says it in one line per failed
request instead of a traceback each (`DatabaseOutageFilter`), so an outage under
load does not bury everything else in the log. Nothing here imports DRF or the
models: the logging configuration loads it before the apps are ready.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError

DATABASE_ERRORS = (OperationalError, InterfaceError)


def short_reason(exc: BaseException) -> str:
    """The first line of a database error, short enough for a log line or /healthz."""
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:160]


class DatabaseOutageFilter(logging.Filter):
    """Log a record caused by an unavailable database as one line, without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, DATABASE_ERRORS):
            reason = short_reason(exc).replace("%", "%%")
            record.msg = f"{record.msg} (database unavailable: {reason})"
            record.exc_info = None
            record.exc_text = None
        return True
