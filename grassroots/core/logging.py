"""What the web server's access log records: the path, never the query string.

Searches put personal data in query strings (`/grid/households/?q=13800138000`),
and the access log is kept longer and read by more people than the database.
gunicorn's default line holds the whole request line (`%(r)s`) and the referer
(`%(f)s`), both with their queries; ours holds the method, the path without its
query (`%(U)s`), the status, the size and the time. `grassroots serve` passes it.
"""

from __future__ import annotations

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'


def gunicorn_access_options() -> list[str]:
    """The gunicorn command-line options that set the access log's line."""
    return ["--access-logformat", ACCESS_LOG_FORMAT]
