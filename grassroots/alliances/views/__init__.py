"""Pages of "Party-building+": alliances (alliance_pages) and innovation projects (project_pages)."""

from __future__ import annotations
