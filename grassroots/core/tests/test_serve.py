"""`grassroots serve` as a real process: it stops its children on a signal, and fails loudly.

Each test starts the command in a session of its own on a migrated, demo-less
SQLite database in a temporary directory, so whatever goes wrong, the test can
still end every process it started.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from grassroots.core.management.commands.serve import gunicorn_command

REPO = Path(__file__).resolve().parents[3]
STARTUP_TIMEOUT = 90.0

pytestmark = [pytest.mark.slow, pytest.mark.once]


def environment(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        GRASSROOTS_VAR_DIR=str(var_dir),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")])),
    )
    return env


def grassroots(*args: str) -> list[str]:
    return [sys.executable, "-m", "grassroots.cli", *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def can_bind(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def descendants(root: int) -> set[int]:
    parent_of = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            parent_of[int(entry.name)] = st[1]
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parent_of.items() if ppid in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] != "Z"


def wait_healthy(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, "serve ended before it answered"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("serve never answered /healthz")


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database without the demo town, shared by the tests of this module."""
    path = tmp_path_factory.mktemp("serve")
    subprocess.run(  # noqa: S603
        grassroots("migrate", "--noinput", "-v", "0"),
        env=environment(path),
        check=True,
        timeout=300,
    )
    return path


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts; whatever is still running at the end is killed with its group."""
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_gunicorn_and_the_worker(
    var_dir: Path, started: list[subprocess.Popen[bytes]], signum: int
) -> None:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        grassroots("serve", "--port", str(port), "--workers", "1"),
        env=environment(var_dir),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started.append(server)
    wait_healthy(port, server)
    children = descendants(server.pid)
    # gunicorn's master and its worker, and the Huey worker
    assert len(children) >= 3, children

    server.send_signal(signum)

    assert server.wait(timeout=60) == 0
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in children if alive(pid)] == []
    assert can_bind(port)


def test_a_taken_port_is_a_clear_failure(
    var_dir: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        server = subprocess.Popen(  # noqa: S603
            grassroots("serve", "--port", str(port), "--workers", "1"),
            env=environment(var_dir),
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(server)  # type: ignore[arg-type]
        _out, err = server.communicate(timeout=120)

    assert server.returncode != 0
    assert f"127.0.0.1:{port}" in err
    assert "already in use" in err


def test_gunicorn_uses_no_shared_control_socket() -> None:
    assert "--no-control-socket" in gunicorn_command("127.0.0.1", 8000, 1)


def test_serve_shows_the_friendly_404_without_debug_and_serves_its_static_files(
    var_dir: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    """`grassroots serve` (what `make run` starts) runs with DEBUG off unless asked."""
    port = free_port()
    env = environment(var_dir)
    env.pop("GRASSROOTS_DEBUG", None)
    server = subprocess.Popen(  # noqa: S603
        grassroots("serve", "--port", str(port), "--workers", "1", "--no-worker"),
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started.append(server)
    wait_healthy(port, server)
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page/", timeout=10)  # noqa: S310
    page = caught.value.read().decode()
    assert caught.value.code == 404
    assert "页面没有找到" in page and "返回首页" in page
    for leak in ("Traceback", "URLconf", "DEBUG", "urlpatterns"):
        assert leak not in page
    stylesheet = re.search(r'href="(/static/css/site[^"]*\.css)"', page)
    assert stylesheet, page
    assert stylesheet.group(1) != "/static/css/site.css"  # hashed: the manifest is in use
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet.group(1)}", timeout=10) as r:  # noqa: S310
        assert r.status == 200
