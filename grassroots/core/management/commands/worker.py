"""`grassroots worker`: the Huey consumer, plus the short-interval pollers (core.pollers)."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey

from grassroots.core import pollers


class Command(RunHuey):
    help = "Run the background worker: queued and periodic tasks, and the pollers."

    def handle(self, *args: Any, **options: Any) -> None:
        pollers.STATE.beat(force=True)
        stop, _threads = pollers.start_all()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
