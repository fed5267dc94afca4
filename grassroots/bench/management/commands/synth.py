"""`grassroots synth --households N`: synthetic data at scale (see grassroots/bench/synth.py)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from grassroots.analytics import services as analytics
from grassroots.bench.synth import synthesize


class Command(BaseCommand):
    help = "Build a synthetic province of N households (demo data) and its prepared figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--months", type=int, default=3, help="months of visits")
        parser.add_argument(
            "--residents", action="store_true", help="also write ≈3 residents per household"
        )
        parser.add_argument("--no-rollup", action="store_true", help="skip the figures rebuild")

    def handle(self, *args: Any, **options: Any) -> None:
        # A fresh database is brought to the current schema first (a no-op when it is).
        call_command("migrate", interactive=False, verbosity=0)
        s = synthesize(
            households=options["households"],
            seed=options["seed"],
            months=options["months"],
            residents=options["residents"],
            log=self.stdout.write,
        )
        self.stdout.write(
            f"synthesised under {s.root_path}: {s.places} places ({s.towns} towns), "
            f"{s.organizations} organisations, {s.members} members, {s.representatives} "
            f"representatives, {s.households} households, {s.visits} visits, "
            f"{s.residents} residents in {s.seconds:.1f} s "
            f"({', '.join(f'{k} {v:.1f} s' for k, v in s.timings.items())})"
        )
        if not options["no_rollup"]:
            started = time.perf_counter()
            analytics.rebuild(actor=None)
            self.stdout.write(f"figures rebuilt in {time.perf_counter() - started:.1f} s")
