"""Static files with DEBUG off: hashed and compressed names, and no 500 for a missing manifest.

`grassroots serve` collects the static files (and so writes the manifest) before it
starts gunicorn. A process that serves without collecting first (`manage.py
runserver` with DEBUG off, a fresh clone) still renders its pages: a name missing
from the manifest is served under its own name, which whitenoise finds through the
finders (`WHITENOISE_USE_FINDERS`).

Every text file gets a gzip and a brotli variant (UI.md "Light"); whitenoise serves
the hashed names as immutable, cached for a year and more. Brotli at its best
quality takes most of a minute over the back office's and API docs' large bundles,
so files above `BEST_BROTLI_BELOW` bytes use quality 9 (a few per cent larger, ten
times faster), and a variant already written for the same file (same modification
time, which whitenoise copies onto it) is kept, so a second collect is quick.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import brotli
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)

BEST_BROTLI_BELOW = 200_000


class QuickCompressor(Compressor):
    def compress(self, path: str) -> list[str]:
        mtime = os.stat(path).st_mtime
        done = [path + suffix for suffix in (".br", ".gz")]
        if all(os.path.exists(name) and os.stat(name).st_mtime == mtime for name in done):
            return done
        return list(super().compress(path))

    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        quality = 11 if len(data) < BEST_BROTLI_BELOW else 9
        return bytes(brotli.compress(data, quality=quality))


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return QuickCompressor(**kwargs)

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:
            warned = self.__dict__.setdefault("_warned", set())
            if name not in warned:  # once per name, not once per page that links it
                warned.add(name)
                logger.warning(
                    "static file %s is not collected; run `grassroots collectstatic`", name
                )
            return name
