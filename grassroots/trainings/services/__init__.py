"""Every change to trainings goes through these modules (keyword-only, `actor` first).

- `attendance`: `attend`, the one way an attendance is recorded, whatever took it
  (a QR scan, venue staff by hand, online time, a make-up session, a lesson taken home).
"""

from __future__ import annotations
