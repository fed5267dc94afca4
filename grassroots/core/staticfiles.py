"""Static files with DEBUG off: hashed and compressed names, and no 500 for a missing manifest.

`grassroots serve` collects the static files (and so writes the manifest) before it
starts gunicorn. A process that serves without collecting first (`manage.py
runserver` with DEBUG off, a fresh clone) still renders its pages: a name missing
from the manifest is served under its own name, which whitenoise finds through the
finders (`WHITENOISE_USE_FINDERS`).
"""

from __future__ import annotations

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:
            logger.warning("static file %s is not collected; run `grassroots collectstatic`", name)
            return name
