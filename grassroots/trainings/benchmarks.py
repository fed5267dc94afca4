from __future__ import annotations

from grassroots.trainings.benchmarks_checkin import BENCHMARKS as BENCHMARKS
