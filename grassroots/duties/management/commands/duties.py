"""`grassroots duties generate [--on DATE]`, `duties sweep`, `duties rebuild`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from grassroots.core import clock
from grassroots.core.management.arguments import date_argument
from grassroots.duties import services


class Command(BaseCommand):
    help = "Duty checklists: generate a day's assignments, mark overdue ones, rebuild figures."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="make the assignments a day calls for (idempotent)")
        gen.add_argument("--on", type=date_argument, default=None, help="the day (default: today)")
        sub.add_parser("sweep", help="mark the duties past their due day as overdue")
        sub.add_parser("rebuild", help="recompute every prepared figure from the assignments")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            counts = services.generate(on=options["on"] or clock.today())
            self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
        elif action == "sweep":
            self.stdout.write(f"overdue={services.sweep_overdue()}")
        else:
            self.stdout.write(f"figures={services.figures_rebuild()}")
