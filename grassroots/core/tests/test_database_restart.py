"""The database stops and starts again under a running `grassroots serve`: it recovers by itself.

The test makes a throw-away PostgreSQL cluster of its own (initdb into a temporary
directory, a free port on 127.0.0.1), never the shared server: it stops and starts
that cluster while the server and the worker keep running. While the database is
down, pages and the API answer the readable 503 and `/healthz` says what is wrong;
the worker writes a line when the database goes and one when it is back, not a
traceback per pass; once the database is back, the same processes answer 200.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from grassroots.core.tests.test_serve import descendants, environment, free_port, grassroots

pytestmark = [pytest.mark.slow, pytest.mark.once]

PG_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


@dataclass
class Cluster:
    root: Path
    port: int
    bin: Path

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/grassroots"

    def pg_ctl(self, *args: str) -> None:
        as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), *args)

    def start(self) -> None:
        self.pg_ctl(
            "-l",
            str(self.root / "postgres.log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-w", "-m", mode, "stop")


def as_postgres(*command: str) -> None:
    """Run a server binary as the `postgres` account (it refuses to run as root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)  # noqa: S603


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if not PG_BINARIES:
        pytest.skip("PostgreSQL server binaries (initdb) are not installed")
    root = Path(tempfile.mkdtemp(prefix="grassroots-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    cluster = Cluster(root, free_port(), Path(PG_BINARIES[-1]).parent)
    try:
        as_postgres(
            str(cluster.bin / "initdb"), "-D", str(root / "data"), "-A", "trust", "-U", "postgres"
        )
        cluster.start()
        as_postgres(
            str(cluster.bin / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "grassroots"
        )
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # never started, or stopped
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def get(port: int, path: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for(port: int, path: str, status: int, timeout: float) -> float:
    """Seconds until `path` answers `status`; fails after `timeout`."""
    start = time.monotonic()
    last: tuple[int, str] | None = None
    while time.monotonic() - start < timeout:
        try:
            last = get(port, path)
        except OSError:
            last = None
        if last is not None and last[0] == status:
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"{path} did not answer {status} within {timeout} s: {last}")


@dataclass
class Served:
    server: subprocess.Popen[bytes]
    port: int
    log: Path


@pytest.fixture
def served(cluster: Cluster, tmp_path: Path) -> Iterator[Served]:
    env = environment(tmp_path)
    env.update(DATABASE_URL=cluster.url, GRASSROOTS_LOG_LEVEL="INFO")
    env.pop("GRASSROOTS_DEBUG", None)
    subprocess.run(grassroots("migrate", "--noinput", "-v", "0"), env=env, check=True, timeout=300)  # noqa: S603
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603
            grassroots("serve", "--port", str(port), "--workers", "1"),
            env=env,
            start_new_session=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(port, "/healthz", 200, 90)
        yield Served(server, port, log)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def log_lines(log: Path) -> list[str]:
    """What the web process and the worker logged (gunicorn's access log aside)."""
    return [
        line
        for line in log.read_text(errors="replace").splitlines()
        if line.strip() and '"GET ' not in line and "[INFO]" not in line
    ]


def test_the_server_and_the_worker_survive_a_database_restart(
    cluster: Cluster, served: Served
) -> None:
    port = served.port
    assert get(port, "/cases/public/")[0] == 200
    processes = {served.server.pid, *descendants(served.server.pid)}
    before = len(log_lines(served.log))

    cluster.stop("fast")
    wait_for(port, "/healthz", 503, 15)
    status, body = get(port, "/healthz")
    health = json.loads(body)
    assert health["status"] == "error" and health["database"].startswith("unavailable: ")
    status, page = get(port, "/cases/public/")
    assert status == 503 and "服务暂时不可用" in page and "返回首页" in page
    assert "Traceback" not in page and "OperationalError" not in page
    # A token is looked up in the database: that is where the fault surfaces.
    status, body = get(port, "/api/cases/", Authorization="Token 0123456789abcdef")
    assert status == 503 and json.loads(body)["code"] == "service_unavailable"
    time.sleep(8)  # the worker's pollers keep trying meanwhile
    assert json.loads(get(port, "/healthz")[1])["worker"]["database"].startswith("unavailable")

    cluster.start()
    assert wait_for(port, "/healthz", 200, 20) < 20
    assert wait_for(port, "/cases/public/", 200, 10) < 10
    assert served.server.poll() is None
    assert processes <= {served.server.pid, *descendants(served.server.pid)}  # no restart

    deadline = time.monotonic() + 30  # the worker's backoff is capped at 10 s
    while "available again" not in served.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.5)
    logged = log_lines(served.log)[before:]
    assert not any("Traceback" in line for line in logged), logged
    failed_page = [line for line in logged if line.startswith("Service Unavailable: /cases/")]
    assert failed_page and all("(database unavailable: " in line for line in failed_page), logged
    during = [line for line in logged if not line.startswith("Service Unavailable: ")]
    assert any("database unavailable" in line for line in during), during
    assert any("available again" in line for line in during), during
    # One line when the database went, one when it came back; no traceback per pass.
    assert len(during) <= 6, during
