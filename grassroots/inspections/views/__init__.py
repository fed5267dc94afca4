"""Pages of inspections (`inspections.py`) and of the model-branch campaign (`campaigns.py`)."""

from __future__ import annotations
