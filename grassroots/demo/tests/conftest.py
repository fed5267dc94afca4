"""The demo town, loaded once per test module and removed afterwards."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.core.models import AuditEvent
from grassroots.demo import loader
from grassroots.grid.models import Tag


def load_for_module(blocker: Any, **kwargs: Any) -> Iterator[loader.DemoResult]:
    """Load outside the per-test transactions; undo everything at the end of the module."""
    with blocker.unblock():
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        tags_before = set(Tag.objects.values_list("pk", flat=True))
        started = time.perf_counter()
        result = loader.load_demo(**kwargs)
        # Recorded, never asserted: the benchmark judges the time.
        print(f"\ndemo load: {time.perf_counter() - started:.1f} s {result.counts}")
    yield result
    with blocker.unblock():
        loader.reset_demo()
        loader.system_user().delete()
        Tag.objects.exclude(pk__in=tags_before).delete()
        # Audit events are append-only for code, but test data must not leak into other modules.
        AuditEvent.objects.filter(pk__gt=before).delete()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[loader.DemoResult]:
    yield from load_for_module(django_db_blocker, extras=False)
