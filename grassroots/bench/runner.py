"""`grassroots bench`: prepare data, start gunicorn, run every app's benchmarks, report.

Each app may ship `benchmarks.py` with a `BENCHMARKS` list (contract in
grassroots/core/bench.py). The runner owns everything around them: the bench
database, the synthetic data, logged-in bench users, the HTTP server and the
table/JSON report.
"""

from __future__ import annotations

import importlib
import os
import platform
import socket
import subprocess
import sys
import time
import traceback
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from grassroots.accounts import services as accounts
from grassroots.accounts.models import User
from grassroots.analytics import services as analytics
from grassroots.bench.cluster import die_with_parent
from grassroots.bench.synth import root_name, synthesize
from grassroots.core.bench import BenchContext, Benchmark, BenchResult
from grassroots.core.roles import Role
from grassroots.grid import services as grid
from grassroots.grid.models import Household, Place, Representative
from grassroots.party.models import Member, Organization

SCALES = {"town": 7_000, "county": 300_000, "province": 20_000_000}
QUICK_HOUSEHOLDS = 400
# Run order: cheap and foundational first; the demo load (a big write) last.
ORDER = [
    "bench",
    "analytics",
    "grid",
    "exchange",
    "party",
    "cases",
    "open311",
    "notify",
    "duties",
    "cadence",
    "trainings",
    "sites",
    "dashboards",
    "reports",
    "portal",
    "demo",
]
BENCH_PASSWORD = "bench-only-password-7Qx"  # noqa: S105 - synthetic bench users on a bench database


@dataclass
class Outcome:
    module: str
    function: str
    results: list[BenchResult]
    error: str = ""
    seconds: float = 0.0


# --- the database ----------------------------------------------------------------


def has_real_data() -> bool:
    """True when the database holds anything not marked as demo data."""
    return any(
        model.objects.filter(is_demo=False).exists()
        for model in (Place, Household, Organization, Member)
    )


def reset_database(log: Callable[[str], None]) -> None:
    """Empty the bench database completely and migrate it again."""
    log("resetting the bench database")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    else:
        name = Path(str(connection.settings_dict["NAME"]))
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    call_command("migrate", interactive=False, verbosity=0)


def prepare_data(
    households: int, seed: int, force: bool, log: Callable[[str], None]
) -> tuple[Place, dict[str, Any]]:
    info: dict[str, Any] = {}
    # Residents always: the roll-ups count them, and a province has ≈ 66 M of them.
    root = Place.objects.get_root_nodes().filter(name=root_name(households, seed, True)).first()
    if root is None:
        if Place.objects.exists() and not force:
            reset_database(log)
        log(f"synthesising {households} households")
        s = synthesize(households=households, seed=seed, residents=True, log=log)
        log(
            f"  {s.households} households, {s.residents} residents, {s.visits} visits "
            f"in {s.seconds:.1f} s"
        )
        started = time.perf_counter()
        analytics.rebuild(actor=None)
        info = {
            "synth_s": round(s.seconds, 2),
            "synth_rows": s.households
            + s.residents
            + s.visits
            + s.links
            + s.members
            + s.representatives,
            "synth_stages_s": {k: round(v, 1) for k, v in s.timings.items()},
            "first_rollup_s": round(time.perf_counter() - started, 2),
        }
        root = Place.objects.get(path=s.root_path)
    else:
        log(f"reusing the synthetic data under {root.path} ({root.name})")
    vacuum(log)
    return root, info


def vacuum(log: Callable[[str], None]) -> None:
    """Refresh planner statistics and drop dead rows left by earlier runs.

    Benchmarks that roll back (imports, demo loads) leave dead index entries; on a
    server without autovacuum they inflate every later page time.
    """
    if connection.vendor != "postgresql":
        return
    log("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def prepare_users(root: Place) -> dict[str, Any]:
    """Bench personas inside the synthetic province (created once, kept)."""
    town = Place.objects.filter(path__startswith=root.path, kind=Place.Kind.TOWN).order_by("path")[
        0
    ]
    suffix = root.path

    def user(name: str, **kwargs: Any) -> User:
        existing = User.objects.filter(username=name).first()
        return existing or accounts.user_create(
            actor=None, username=name, password=BENCH_PASSWORD, **kwargs
        )

    broot = user(f"bench_root_{suffix}", is_superuser=True)
    admin = User.objects.filter(username=f"bench_admin_{suffix}").first()
    if admin is None:
        admin = user(f"bench_admin_{suffix}")
        accounts.role_grant(actor=broot, user=admin, role=Role.TOWN_ADMIN, place=town)
    rep_user = User.objects.filter(username=f"bench_rep_{suffix}").first()
    if rep_user is None:
        rep_user = user(f"bench_rep_{suffix}")
        village = town.get_children().order_by("path")[0]
        rep = grid.representative_create(
            actor=broot, village=village, name="基准代表", user=rep_user, is_demo=True
        )
        group = village.get_children().order_by("path")[0]
        for household in Household.objects.filter(place=group).order_by("code")[:11]:
            grid.link_representative(actor=broot, household=household, representative=rep)
        analytics.rebuild(actor=broot)
    rep = Representative.objects.get(user=rep_user)
    cookies = {}
    for key, u in (("root", broot), ("admin", admin), ("rep", rep_user)):
        client = Client()
        client.force_login(u)
        cookies[key] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return {
        "users": {"root": broot, "admin": admin, "rep": rep_user},
        "cookies": cookies,
        "root_path": root.path,
        "town": town,
        "representative": rep,
    }


# --- the server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the bench database on 127.0.0.1."""

    def __init__(self, workers: int, debug: bool, log_dir: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
            "GRASSROOTS_BENCH": "1",
            "GRASSROOTS_DEBUG": "1" if debug else "0",
        }
        self.log = open(log_dir / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argument list
            [
                sys.executable,
                "-m",
                "gunicorn",
                "grassroots.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )

    def wait(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited; see var/bench/gunicorn.log")
            try:
                with urllib.request.urlopen(f"{self.base_url}/bench/ping", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /bench/ping in time")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# --- discovery, running, reporting ---------------------------------------------------------


def discover() -> list[tuple[str, Benchmark]]:
    found: list[tuple[str, Benchmark]] = []
    labels = [c.label for c in apps.get_app_configs() if c.name.startswith("grassroots.")]
    labels.sort(key=lambda label: (ORDER.index(label) if label in ORDER else len(ORDER), label))
    for label in labels:
        module_name = f"grassroots.{label}.benchmarks"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        for bench in getattr(module, "BENCHMARKS", []):
            found.append((label, bench))
    return found


def run_all(ctx: BenchContext, only: str, log: Callable[[str], None]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for label, bench in discover():
        name = f"{label}.{bench.__name__}"
        if only and only not in name:
            continue
        log(f"running {name}")
        started = time.perf_counter()
        try:
            results = bench(ctx)
            outcomes.append(
                Outcome(label, bench.__name__, results, seconds=time.perf_counter() - started)
            )
        except Exception:  # noqa: BLE001 - reported, and the run fails at the end
            # Paths relative to the project: the JSON is kept in docs/bench/.
            error = traceback.format_exc().replace(f"{settings.BASE_DIR}/", "")
            outcomes.append(
                Outcome(label, bench.__name__, [], error, time.perf_counter() - started)
            )
            log(outcomes[-1].error)
    return outcomes


def _ms(value: float) -> str:
    return f"{value * 1000:.1f}" if value < 10 else f"{value:.1f} s"


def verdict(r: BenchResult, scale: str, judge: bool) -> str:
    """What the "met" column says: yes, NO, "not run" (a target of another scale) or nothing."""
    if not judge or r.meets_target is None:
        return ""
    if r.target_scale and r.target_scale != scale:
        return f"not run ({r.target_scale})"
    return "yes" if r.meets_target else "NO"


def table(outcomes: list[Outcome], judge: bool, scale: str = "") -> str:
    header = ("benchmark", "median ms", "p95 ms", "per s", "queries", "target", "met")
    rows = [header]
    for o in outcomes:
        if o.error:
            rows.append((f"{o.module}.{o.function}", "ERROR", "", "", "", "", "✗"))
        for r in o.results:
            rows.append(
                (
                    r.name,
                    _ms(r.median_s),
                    _ms(r.p95_s),
                    f"{r.throughput:,.0f}" if r.throughput != float("inf") else "∞",
                    "" if r.queries is None else str(r.queries),
                    r.target,
                    verdict(r, scale, judge),
                )
            )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    lines = []
    for i, row in enumerate(rows):
        lines.append(
            "  ".join(
                str(c).ljust(w) if j == 0 or j == 5 else str(c).rjust(w)
                for j, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            db = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("select sqlite_version()")
            db = f"SQLite {cursor.fetchone()[0]}"
    return {
        "cpus": os.cpu_count(),
        "memory": mem,
        "database": db,
        "python": platform.python_version(),
        "platform": platform.platform(),
        # Other work on the machine skews timings: the load average says how much.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def report_json(
    ctx: BenchContext, outcomes: list[Outcome], info: dict[str, Any], judge: bool
) -> dict[str, Any]:
    results = []
    for o in outcomes:
        if o.error:
            results.append({"module": o.module, "function": o.function, "error": o.error})
        for r in o.results:
            results.append(
                {
                    "module": o.module,
                    "name": r.name,
                    "samples": len(r.samples_s),
                    "median_ms": round(r.median_s * 1000, 3),
                    "p95_ms": round(r.p95_s * 1000, 3),
                    "throughput_per_s": None
                    if r.throughput == float("inf")
                    else round(r.throughput, 1),
                    "items_per_sample": r.items_per_sample,
                    "queries": r.queries,
                    "target": r.target,
                    "target_scale": r.target_scale or None,
                    "met": r.judged_at(ctx.scale) if judge else None,
                    "notes": r.notes,
                }
            )
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": ctx.quick,
        "scale": ctx.scale,
        "households": ctx.households,
        "machine": machine(),
        "preparation": info,
        "results": results,
    }
