"""The processes of a cluster: N gunicorn nodes and N workers on one PostgreSQL and one
Redis, optionally behind a PgBouncer in transaction mode (issue #15, decision 0025).

Everything runs on 127.0.0.1 with the key prefix and Huey queue name of its own, so
nothing else in the Redis is touched. Used by `bench/nodes.py` (the checks, the
benchmark) and its test.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

PR_SET_PDEATHSIG = 1  # linux/prctl.h
# Looked up in the parent: between fork and exec the child only calls it.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def die_with_parent() -> None:
    """`preexec_fn` of a bench child: SIGTERM when the bench process dies, even by SIGKILL
    (Linux), so a killed run leaves no server or worker behind."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- PgBouncer -------------------------------------------------------------------------


class PgBouncer:
    """A PgBouncer in transaction mode on a free port in front of `database_url`'s server.

    It runs as the `postgres` system user when started by root (PgBouncer refuses root).
    Authentication to PgBouncer is `trust` on 127.0.0.1 only: a bench and test fixture.
    """

    def __init__(self, database_url: str, *, pool_size: int = 4) -> None:
        binary = shutil.which("pgbouncer") or (
            "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
        )
        if binary is None:
            raise FileNotFoundError("pgbouncer is not installed (apt-get install pgbouncer)")
        parts = urlsplit(database_url)
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="grassroots-pgbouncer-"))
        user = parts.username or "postgres"
        (self.dir / "users.txt").write_text(f'"{user}" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={parts.hostname or '127.0.0.1'} port={parts.port or 5432}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            f"unix_socket_dir = {self.dir}\n"
            "auth_type = trust\n"
            f"auth_file = {self.dir / 'users.txt'}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {pool_size}\nmax_client_conn = 500\n"
            f"logfile = {self.dir / 'pgbouncer.log'}\n"
            "server_reset_query =\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        command = [binary, str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:
            shutil.chown(self.dir, user="postgres")
            for path in self.dir.iterdir():
                shutil.chown(path, user="postgres")
            command = [binary, "-u", "postgres", str(self.dir / "pgbouncer.ini")]
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argument list
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )
        self.url = parts._replace(netloc=f"{user}@127.0.0.1:{self.port}").geturl()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"pgbouncer did not start: {self.log()}")

    def log(self) -> str:
        path = self.dir / "pgbouncer.log"
        return path.read_text()[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- the cluster -----------------------------------------------------------------------


@dataclass
class Cluster:
    """N gunicorn nodes and N workers on one database and one Redis."""

    database_url: str
    redis_url: str
    log_dir: Path
    nodes: int = 2
    workers: int = 2
    gunicorn_workers: int = 2
    pooler: str = ""  # "pgbouncer": every process goes through it
    prefix: str = field(default_factory=lambda: f"nodes-{uuid.uuid4().hex[:12]}")
    urls: list[str] = field(default_factory=list)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    bouncer: PgBouncer | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.pop("GRASSROOTS_MEMO_REDIS_URL", None)  # the nodes use REDIS_URL for everything
        env.update(
            DATABASE_URL=self.bouncer.url if self.bouncer else self.database_url,
            REDIS_URL=self.redis_url,
            GRASSROOTS_CACHE_PREFIX=self.prefix,
            GRASSROOTS_HUEY_NAME=self.prefix,
            GRASSROOTS_DEBUG="0",
            GRASSROOTS_BENCH="1",
            GRASSROOTS_VAR_DIR=str(settings.VAR_DIR),
            PYTHONPATH=os.pathsep.join(
                filter(None, [str(settings.BASE_DIR), os.environ.get("PYTHONPATH", "")])
            ),
        )
        if self.bouncer:
            env["DATABASE_POOLER"] = "pgbouncer"
        return env

    def _spawn(self, args: list[str], log: str) -> None:
        with (self.log_dir / log).open("wb") as out:
            self.procs.append(
                subprocess.Popen(  # noqa: S603 - fixed argument list
                    [sys.executable, *args],
                    env=self.env(),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=die_with_parent,
                )
            )

    def start(self) -> Cluster:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if self.pooler == "pgbouncer":
            self.bouncer = PgBouncer(self.database_url)
        for n in range(self.nodes):
            port = free_port()
            self.urls.append(f"http://127.0.0.1:{port}")
            self._spawn(
                [
                    "-m",
                    "gunicorn",
                    "grassroots.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(self.gunicorn_workers),
                    "--timeout",
                    "120",
                    # Else gunicorn 23+ binds one control socket in $HOME for every instance.
                    "--no-control-socket",
                ],
                f"node-{n}.log",
            )
        for n in range(self.workers):
            self._spawn(["-m", "grassroots.cli", "worker"], f"worker-{n}.log")
        self.wait()
        return self

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
            for p in sorted(self.log_dir.glob("*.log"))
        )

    def wait(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        for url in self.urls:
            while True:
                if any(p.poll() is not None for p in self.procs):
                    raise RuntimeError(f"a node or worker exited:\n{self.logs()}")
                try:
                    with urllib.request.urlopen(f"{url}/bench/ping", timeout=2) as r:  # noqa: S310
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not answer in time:\n{self.logs()}")
                time.sleep(0.3)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()
        if self.bouncer:
            self.bouncer.stop()

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
