"""Mechanical gates on how the code is written (STYLE.md)."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

from grassroots.core.scoping import ScopedQuerySet

ROOT = Path(__file__).resolve().parents[2]


def scoped_model_names() -> set[str]:
    return {
        m.__name__
        for m in apps.get_models()
        if isinstance(m._default_manager.all(), ScopedQuerySet)
    }


def test_views_and_api_never_query_scoped_models_directly() -> None:
    names = scoped_model_names()
    assert {"Household", "Place", "Organization", "Member"} <= names
    pattern = re.compile(
        r"\b(" + "|".join(sorted(names)) + r")\.objects\.(get|filter|all|exclude)\("
    )
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.name in {"views.py", "api.py", "serializers.py"} or path.parent.name in {
            "views",
            "api",
        }:
            for lineno, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert offenders == [], (
        "use Model.objects.visible_to(user) or get_visible_or_404:\n" + "\n".join(offenders)
    )


def test_every_module_starts_with_future_annotations() -> None:
    missing = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or path.stat().st_size == 0:
            continue
        if "from __future__ import annotations" not in path.read_text():
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []
