"""Browser tests of UI.md's rules, the screenshots and the representative's flow (issue #10)."""

from __future__ import annotations
