"""`grassroots cadence tick [--now ISO]`: run the due cadence jobs once, now or at a given time."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from grassroots.cadence import services
from grassroots.core import clock


class Command(BaseCommand):
    help = "The work cadence: `tick` runs the weekly, monthly and quarterly jobs that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["tick"])
        parser.add_argument("--now", help="an ISO date or date-time (default: the clock)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = clock.now()
        if options.get("now"):
            text = options["now"]
            try:
                moment = parse_datetime(text)
                day = parse_date(text) if moment is None and len(text) == 10 else None
            except ValueError:
                moment = day = None
            if moment is None:
                if day is None:
                    raise CommandError(f"--now: not an ISO date or date-time: {text!r}")
                moment = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 9, 0))
            elif timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            now = moment
        result = services.tick(now=now)
        self.stdout.write(json.dumps(result, sort_keys=True))
