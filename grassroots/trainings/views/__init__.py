"""Pages of trainings. The programmes part: `programmes`, `sessions`, `people`; the check-in
part: `checkin*`."""

from __future__ import annotations
