"""Grassroots: Party-building and grid governance for a township."""

from __future__ import annotations
