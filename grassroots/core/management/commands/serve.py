"""Serve with gunicorn and run the Huey worker beside it (what `make run` starts).

The command owns its two children: SIGTERM or SIGINT (Ctrl-C) stops both and waits
for them, so nothing is left listening; if gunicorn cannot start (the port is taken)
or either child dies, the command stops the other one and exits non-zero.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from grassroots.core.logging import gunicorn_access_options

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# gunicorn's own graceful timeout is 5 s; past this a child is killed.
STOP_TIMEOUT = 15.0
POLL = 0.2


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could bind host:port now (as gunicorn does, with SO_REUSEADDR)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return True  # let gunicorn report the bad address itself
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return False
    return True


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    return [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        "grassroots.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        *gunicorn_access_options(),
        "--graceful-timeout",
        "5",
        # gunicorn 23+ otherwise binds one control socket in $HOME shared by every instance
        "--no-control-socket",
    ]


def stop(children: list[subprocess.Popen[bytes]], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM every live child, wait for all of them, SIGKILL any that outlast `timeout`."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


class Command(BaseCommand):
    help = "Serve the site with gunicorn and start the background worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3"))
        )
        parser.add_argument("--no-worker", action="store_true", help="do not start the Huey worker")

    def handle(self, *args: Any, **opts: Any) -> None:
        host, port = opts["host"], opts["port"]
        if not port_is_free(host, port):
            raise CommandError(
                f"cannot serve on {host}:{port}: the port is already in use "
                "(stop what holds it, or set PORT)"
            )
        call_command("collectstatic", interactive=False, verbosity=0)
        received: list[int] = []

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            received.append(signum)  # only note it: the loop below does the stopping

        previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
        children: list[subprocess.Popen[bytes]] = []
        try:
            if not opts["no_worker"]:
                worker = [sys.executable, "-m", "grassroots.cli", "worker"]
                children.append(subprocess.Popen(worker))  # noqa: S603
            self.stdout.write(f"Grassroots on http://{host}:{port}/  (Ctrl-C stops)")
            self.stdout.flush()
            children.insert(0, subprocess.Popen(gunicorn_command(host, port, opts["workers"])))  # noqa: S603
            ended = self._watch(children, received)
        finally:
            stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if ended is not None and ended.returncode != 0:
            name = "gunicorn" if ended is children[0] else "the worker"
            raise CommandError(f"{name} stopped unexpectedly (exit status {ended.returncode})")

    def _watch(
        self, children: list[subprocess.Popen[bytes]], received: list[int]
    ) -> subprocess.Popen[bytes] | None:
        """Wait for a stop signal (None) or for a child to end on its own (that child)."""
        while not received:
            for child in children:
                if child.poll() is not None:
                    return child
            time.sleep(POLL)
        return None
