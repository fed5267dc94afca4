"""`grassroots rollup`: rebuild every prepared figure now."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from grassroots.analytics import services


class Command(BaseCommand):
    help = "Rebuild the prepared figures (dashboards) from the base tables."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        summary = services.rebuild(actor=None)
        self.stdout.write(
            f"rebuilt {summary.places} places, {summary.organizations} organisations, "
            f"{summary.months} month rows in {time.perf_counter() - started:.2f} s"
        )
