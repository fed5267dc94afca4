"""`grassroots bench`: the benchmark suite (see grassroots/bench/runner.py and docs/BENCHMARKS.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from grassroots.bench import report, runner
from grassroots.core.bench import BenchContext

CHILD_FLAG = "GRASSROOTS_BENCH_CHILD"


class Command(BaseCommand):
    help = "Prepare synthetic data, run every app's benchmarks, print a table and write JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quick", action="store_true", help="tiny sizes; check that all runs")
        parser.add_argument("--scale", choices=sorted(runner.SCALES), default="town")
        parser.add_argument("--households", type=int, default=0, help="override the scale's size")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--json", default="", help="results file (default var/bench/results.json)"
        )
        parser.add_argument(
            "--only", default="", help="run benchmarks whose app.function contains this"
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument(
            "--force", action="store_true", help="run even if the database holds non-demo data"
        )
        parser.add_argument(
            "--report",
            nargs="+",
            metavar="JSON",
            help="print the side-by-side Markdown table of earlier runs' JSON files and stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"]:
            missing = [p for p in options["report"] if not Path(p).is_file()]
            if missing:
                raise CommandError(f"no such results file: {', '.join(missing)}")
            try:
                runs = [report.load_run(Path(p)) for p in options["report"]]
            except (ValueError, KeyError) as exc:
                raise CommandError(f"not a results file of grassroots bench: {exc}") from exc
            self.stdout.write(report.render(runs))
            return
        work_dir = Path(settings.VAR_DIR) / "bench"
        work_dir.mkdir(parents=True, exist_ok=True)
        if not os.environ.get("DATABASE_URL") and not os.environ.get(CHILD_FLAG):
            # The default SQLite database is the user's own: run on a separate file instead.
            self._rerun_on(f"sqlite:///{work_dir / 'bench.sqlite3'}", options)
            return
        started = time.perf_counter()
        # In-process timings without DEBUG's per-query logging (query counts use
        # CaptureQueriesContext, which logs regardless).
        settings.DEBUG = False
        quick = options["quick"]
        households = options["households"] or (
            runner.QUICK_HOUSEHOLDS if quick else runner.SCALES[options["scale"]]
        )
        log = self.stderr.write
        call_command("migrate", interactive=False, verbosity=0)
        if runner.has_real_data() and not options["force"]:
            raise CommandError(
                "This database holds data not marked as demo data; benchmarks write and reset. "
                "Point DATABASE_URL at a bench database, or pass --force."
            )
        root, info = runner.prepare_data(households, options["seed"], options["force"], log)
        personas = runner.prepare_users(root)
        ctx = BenchContext(
            quick=quick,
            scale=options["scale"],
            households=households,
            work_dir=work_dir,
            # A million open cases on SQLite would take minutes to insert: a tenth there.
            options={
                **personas,
                "seed": options["seed"],
                "cases": 1_000_000 if connection.vendor == "postgresql" else 100_000,
            },
        )
        if not quick:
            # Production-like serving (DEBUG off) needs the static manifest, written before
            # the server starts and with the server's settings (DEBUG off selects the
            # manifest storage): without it every page answered 500.
            subprocess.run(  # noqa: S603 - our own command line
                [sys.executable, "-m", "grassroots.cli", "collectstatic", "--noinput", "-v", "0"],
                env={**os.environ, "GRASSROOTS_DEBUG": "0"},
                check=True,
            )
        info["load_average_start"] = [round(x, 2) for x in os.getloadavg()]
        server = runner.Server(options["workers"], debug=quick, log_dir=work_dir)
        try:
            server.wait()
            ctx.base_url = server.base_url
            outcomes = runner.run_all(ctx, options["only"], log)
        finally:
            server.stop()
        info["server"] = {"workers": options["workers"], "debug": quick}
        info["total_s"] = round(time.perf_counter() - started, 1)
        self.stdout.write(runner.table(outcomes, judge=not quick, scale=ctx.scale))
        out = Path(options["json"] or work_dir / "results.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps(
                runner.report_json(ctx, outcomes, info, judge=not quick),
                ensure_ascii=False,
                indent=2,
            )
        )
        self.stdout.write(f"results written to {out} ({info['total_s']} s)")
        failed = [f"{o.module}.{o.function}" for o in outcomes if o.error]
        if failed:
            raise CommandError(f"benchmarks raised: {', '.join(failed)}")

    def _rerun_on(self, database_url: str, options: dict[str, Any]) -> None:
        argv = [sys.executable, "-m", "grassroots.cli", "bench", "--scale", options["scale"]]
        for flag in ("quick", "force"):
            if options[flag]:
                argv.append(f"--{flag}")
        for name in ("households", "seed", "json", "only", "workers"):
            if options[name]:
                argv += [f"--{name}", str(options[name])]
        env = {**os.environ, "DATABASE_URL": database_url, CHILD_FLAG: "1"}
        code = subprocess.call(argv, env=env)  # noqa: S603 - our own command line
        if code:
            raise CommandError(f"the benchmark run failed (exit status {code})")
