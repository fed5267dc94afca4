"""Every representative, secretary, instructor and handler of the demo town can log in."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from grassroots.accounts.models import RoleAssignment, User
from grassroots.core.roles import Role
from grassroots.core.scoping import forget_scope, scope_for
from grassroots.demo import loader
from grassroots.demo.spec import HANDLER_UNITS, INSTRUCTORS, VILLAGE_SLUGS, VILLAGES
from grassroots.grid.models import Place, Representative
from grassroots.party.models import Instructor

pytestmark = pytest.mark.django_db


def test_every_representative_has_an_active_login_anchored_at_their_village(
    demo: loader.DemoResult,
) -> None:
    reps = list(
        Representative.objects.filter(town=demo.town).select_related("user", "place").order_by("pk")
    )
    assert len(reps) == 605
    assert [r.user.username for r in reps] == [f"rep.{n:04d}" for n in range(1, 606)]
    assert all(r.user.is_active and r.user.has_usable_password() for r in reps)
    assert all(
        r.active
        and r.place.path.startswith(demo.town.path)
        and r.place.depth == demo.town.depth + 1
        for r in reps
    )
    # The same hash for all (hashed once), and it is the demo password's.
    assert len({r.user.password for r in reps}) == 1
    assert reps[0].user.check_password(loader.PASSWORD)
    # Their login reaches what a representative reaches, anchored at their village.
    for rep in reps[::60]:
        forget_scope(rep.user)
        scope = scope_for(rep.user)
        assert Role.REPRESENTATIVE in scope.roles
        assert scope.representative_ids == (rep.pk,)
        assert scope.representative_paths == (rep.place.path,)
        assert rep.user.display_name == rep.name


def test_every_village_has_a_secretary_login(demo: loader.DemoResult) -> None:
    for spec in VILLAGES:
        village = Place.objects.get(path__startswith=demo.town.path, name=spec.name)
        username = f"secretary.{VILLAGE_SLUGS[spec.name]}"
        assert RoleAssignment.objects.filter(
            user__username=username, role=Role.SECRETARY, place=village, active=True
        ).exists(), username


def test_every_instructor_and_handler_has_a_login(demo: loader.DemoResult) -> None:
    instructors = Instructor.objects.filter(
        town=demo.town, kind=Instructor.Kind.INSTRUCTOR
    ).select_related("user")
    assert sorted(i.user.username for i in instructors) == [
        f"instructor.{n:02d}" for n in range(1, INSTRUCTORS + 1)
    ]
    for suffix, name in HANDLER_UNITS:
        handler = User.objects.get(username=f"handler.{suffix}")
        assert handler.display_name == name
        assert RoleAssignment.objects.filter(
            user=handler, role=Role.HANDLER, place=demo.town
        ).exists()


@pytest.mark.parametrize(
    ("username", "page"),
    [
        ("secretary.fengshu", "/grid/households/"),
        ("instructor.42", "/party/mine/"),
        ("handler.water", "/cases/"),
        ("rep.0605", "/grid/mine/"),
    ],
)
def test_a_secretary_an_instructor_a_handler_and_a_representative_log_in(
    demo: loader.DemoResult, username: str, page: str
) -> None:
    # Through the login form (django-axes refuses Client.login(), which has no request).
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": loader.PASSWORD})
    assert response.status_code == 302, username
    assert client.get(page).status_code == 200


def test_the_demo_command_names_a_few_logins_and_the_pattern(
    demo: loader.DemoResult, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("demo")
    out = capsys.readouterr().out
    for text in (
        "secretary.mingyue",
        "rep.0001",
        "handler.water",
        "rep.0001 … rep.0605",
        "instructor.01 … instructor.42",
        "secretary.<pinyin>",
        loader.PASSWORD,
    ):
        assert text in out
    assert "rep.0100" not in out  # a few, not all 605
