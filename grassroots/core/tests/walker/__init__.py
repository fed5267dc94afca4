"""The scope walker's parts: the world it walks (`world`) and the table of routes (`routes`)."""

from __future__ import annotations
