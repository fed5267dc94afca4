"""Pages of the duties app: the secretary's week (`week`), the board (`board`), plans (`plans`)."""

from __future__ import annotations
