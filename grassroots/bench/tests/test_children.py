"""A bench run killed outright leaves none of its servers or workers behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")

# The "bench": starts a long child the way the runner and the cluster do, prints its pid, waits.
PARENT = """
import subprocess, sys, time
from grassroots.bench.cluster import die_with_parent
child = subprocess.Popen(["sleep", "120"], preexec_fn=die_with_parent)
print(child.pid, flush=True)
time.sleep(120)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def test_children_end_when_the_bench_process_is_killed() -> None:
    parent = subprocess.Popen(  # noqa: S603 - fixed argument list
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert alive(child)
    parent.kill()  # SIGKILL: no handler of the parent runs
    parent.wait()
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child), "the child outlived the killed bench process"
    if alive(child):  # pragma: no cover - cleanup after a failure
        os.kill(child, 9)
