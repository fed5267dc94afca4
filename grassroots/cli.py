"""The `grassroots` console command: a thin front for Django management commands.

`grassroots demo`, `grassroots import households roster.xlsx`, `grassroots bench`, …
Any Django command works too (`grassroots migrate`).
"""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line

ALIASES = {
    "import": "import_data",
    "export": "export_data",
    "check": "deploy_check",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(
            "usage: grassroots COMMAND [ARGS]\n\n"
            "  demo [--reset]             load the demo town (idempotent)\n"
            "  serve [--port N]           gunicorn on 127.0.0.1 (PORT overrides), with the worker\n"
            "  worker                     the background worker (Huey and the pollers)\n"
            "  import KIND FILE [--dry-run]   KIND: households | organizations\n"
            "  export KIND FILE           KIND: households | organizations\n"
            "  token USERNAME             print an API token\n"
            "  check                      deployment checks\n"
            "  duties generate [--on DATE] | sweep | rebuild   the duty checklists' periods\n"
            "  cadence tick [--now ISO]   digests, monthly arrangements, quarterly reviews\n"
            "  bench [--quick]            the benchmark suite\n"
            "  synth --households N       synthetic data at scale\n\n"
            "Any Django management command also works, e.g. `grassroots migrate`."
        )
        return
    command = ALIASES.get(argv[0], argv[0])
    refuse_bad_configuration()
    execute_from_command_line(["grassroots", command, *argv[1:]])


def refuse_bad_configuration() -> None:
    """A missing or weak key, a bad variable: one clear line on stderr and exit 2, no traceback."""
    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting loads them all
    except ImproperlyConfigured as exc:
        print(f"grassroots: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
