"""The test of the scope gate: deliberately bad module texts are caught, good ones pass."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grassroots.core.tests.test_conventions import (
    gated,
    offences_in,
    scan,
    scoped_model_names,
    scoped_viewsets,
)

SCOPED = {"Household", "Place", "Visit"}

HEADER = "from grassroots.grid.models import Household, Place, Visit\n"


def write(root: Path, rel: str, body: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + textwrap.dedent(body))


def caught(root: Path) -> list[str]:
    return [o.key for o in scan(root, SCOPED)]


BAD = {
    "a form": (
        "grid/forms.py",
        """
        def choices():
            return Household.objects.select_related("place").all()
        """,
    ),
    "a filter, split over lines": (
        "grid/filters.py",
        """
        def places(value):
            return (
                Place
                .objects
                .values("path")
            )
        """,
    ),
    "a selector through _default_manager": (
        "grid/selectors.py",
        """
        def household(pk):
            return Household._default_manager.filter(pk=pk).first()
        """,
    ),
    "a _base_manager in an admin": (
        "grid/admin.py",
        """
        ROWS = Household._base_manager.count()
        """,
    ),
    "an alias of the class in a task": (
        "grid/tasks.py",
        """
        H = Household
        K = H
        def job():
            return list(K.objects.values_list("pk", flat=True))
        """,
    ),
    "an import alias in a views package": (
        "grid/views/pages.py",
        """
        from grassroots.grid.models import Household as Home
        def page(request):
            return Home.objects.order_by("pk")
        """,
    ),
    "getattr in a serializer": (
        "grid/serializers.py",
        """
        def rows():
            return getattr(Household, "objects").all()
        """,
    ),
    "any module of open311": (
        "open311/render.py",
        """
        def rows():
            return Visit.objects.exists()
        """,
    ),
    "a viewset core does not scope": (
        "grid/api.py",
        """
        class Households:
            queryset = Household.objects.all()
        """,
    ),
    "the viewset's unscoped template": (
        "grid/api.py",
        """
        class Households:
            def get_queryset(self):
                return self.queryset.filter(pk=1)
        """,
    ),
    "visible_to applied to something else": (
        "grid/selectors.py",
        """
        def rows(user):
            return [Household.objects.all(), Place.objects.visible_to(user)]
        """,
    ),
}


@pytest.mark.parametrize("rel, body", BAD.values(), ids=BAD.keys())
def test_the_gate_catches_a_bad_line(tmp_path: Path, rel: str, body: str) -> None:
    write(tmp_path, rel, body)
    assert len(caught(tmp_path)) == 1


GOOD = """
from django.db.models import Prefetch
from grassroots.core.scoping import get_visible_or_404

def rows(user, pk):
    a = Household.objects.visible_to(user)
    b = Household.objects.select_related("place").visible_to(user).filter(pk=pk)
    c = get_visible_or_404(Household.objects.select_related("place"), user, pk=pk)
    d = get_visible_or_404(Household, user, pk=pk)
    e = Place.objects.none()
    f = Household.objects.visible_to(user).prefetch_related(
        Prefetch("visits", queryset=Visit.objects.order_by("-at"))
    )
    return a, b, c, d, e, f

def shadowed(model):
    # a parameter named like an alias elsewhere is not the model
    return model.objects.all()

class Meta:
    model = Household
"""


def test_the_gate_lets_the_core_mechanism_through(tmp_path: Path) -> None:
    for rel in ("grid/forms.py", "grid/filters.py", "grid/selectors.py", "open311/x.py"):
        write(tmp_path, rel, GOOD)
    assert caught(tmp_path) == []


def test_the_gate_reads_only_the_gated_roles() -> None:
    assert gated(Path("grid/forms.py"))
    assert gated(Path("cases/services/filters.py"))
    assert gated(Path("cases/views/board.py"))
    assert gated(Path("open311/render.py"))
    assert not gated(Path("grid/services.py"))
    assert not gated(Path("core/views.py"))
    assert not gated(Path("grid/tests/test_forms.py"))
    assert not gated(Path("grid/migrations/0001_initial.py"))


def test_a_line_break_or_a_select_related_changes_nothing() -> None:
    source = HEADER + "rows = (Household.objects\n  .select_related('place')\n  .values('pk'))\n"
    assert [o.line for o in offences_in(source, "grid/forms.py", SCOPED)] == [2]


def test_core_viewsets_are_recognised_at_run_time() -> None:
    assert {"Household", "Place", "Case", "Member"} <= scoped_model_names()
    assert {"HouseholdViewSet", "PlaceViewSet"} <= scoped_viewsets("grassroots.grid.api")
    assert scoped_viewsets("no.such.module") == set()


def test_a_viewset_that_drops_the_scope_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "gate_probe_api.py").write_text(
        textwrap.dedent(
            """
            from __future__ import annotations
            from grassroots.core.api import ScopedViewSetMixin

            class Kept(ScopedViewSetMixin):
                def get_queryset(self):
                    return super().get_queryset().order_by("pk")

            class Dropped(ScopedViewSetMixin):
                def get_queryset(self):
                    return self.queryset.all()

            class Inherits(Dropped):
                pass
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert scoped_viewsets("gate_probe_api") == {"Kept", "ScopedViewSetMixin"}
