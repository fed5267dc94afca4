"""Cadence services: the tick (`runs`) and the jobs it runs, one module each.

Importing this package registers every job's work function with the tick.
"""

from __future__ import annotations

from grassroots.cadence.services import arrangement, digest, instructors, review
from grassroots.cadence.services.exports import export_record
from grassroots.cadence.services.runs import LEASE, WorkerKilled, run_job, tick

__all__ = [
    "LEASE",
    "WorkerKilled",
    "arrangement",
    "digest",
    "export_record",
    "instructors",
    "review",
    "run_job",
    "tick",
]
