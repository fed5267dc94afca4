from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
application = get_wsgi_application()

# What every request needs and nothing frees (modules, settings, the URL resolver) goes to
# the collector's permanent generation: a full collection then no longer walks it, which
# otherwise added about 100 ms to one request in ten on a page of a hundred table rows
# (the duty board at county scale: p95 171 ms before, see docs/BENCHMARKS.md).
get_resolver().url_patterns  # noqa: B018 - importing every URL module is the point
gc.freeze()
