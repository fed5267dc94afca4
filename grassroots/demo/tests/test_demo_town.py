"""The full demo town: the figures of DOMAIN.md §4, links, coverage and the demo accounts' reach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.http import Http404
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from stdnum.cn import ric

from grassroots.accounts.models import User
from grassroots.core import clock, personal
from grassroots.core.scoping import get_visible_or_404
from grassroots.demo import loader
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    RepresentativeLink,
    Resident,
    Tag,
)
from grassroots.party.models import GuidanceVisit, Instructor, Member, Organization

pytestmark = pytest.mark.django_db


def user(username: str) -> User:
    return User.objects.get(username=username)


def test_the_demo_town_has_exactly_the_reported_household_and_representative_counts(
    demo: loader.DemoResult,
) -> None:
    assert demo.created
    assert Household.objects.visible_to(user("admin")).count() == 6896
    assert Representative.objects.visible_to(user("admin")).count() == 605
    assert Household.objects.filter(is_demo=True).count() == 6896


def test_every_household_has_exactly_one_open_link_matching_its_representative(
    demo: loader.DemoResult,
) -> None:
    open_links = RepresentativeLink.objects.filter(ended_at__isnull=True)
    assert open_links.count() == 6896
    assert not open_links.values("household").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not Household.objects.filter(representative__isnull=True).exists()
    mismatched = [
        link
        for link in open_links.select_related("household")
        if link.household.representative_id != link.representative_id
    ]
    assert mismatched == []


def test_each_representative_serves_five_to_fifteen_households_of_their_own_village(
    demo: loader.DemoResult,
) -> None:
    sizes = list(Representative.objects.annotate(n=Count("households")).values_list("n", flat=True))
    assert min(sizes) >= 5 and max(sizes) <= 15
    assert 11.0 < sum(sizes) / len(sizes) < 11.8
    for h in Household.objects.select_related("representative")[::97]:
        assert h.place_path.startswith(h.representative.place_path)


def test_the_town_has_the_named_villages_each_with_eight_to_twenty_groups(
    demo: loader.DemoResult,
) -> None:
    town = demo.town
    assert [a.name for a in Place.objects.get_ancestors(town)] == ["湖南省", "长沙市", "长沙县"]
    villages = Place.objects.get_children(town)
    assert {"明月村", "上杉市村", "麻林社区"} <= {v.name for v in villages}
    assert 10 <= villages.count() <= 12
    for village in villages:
        assert 8 <= Place.objects.get_children_count(village) <= 20
        assert Household.objects.filter(place_path__startswith=village.path).exists()


def test_residents_have_plausible_families_and_valid_id_numbers(
    demo: loader.DemoResult,
) -> None:
    per_household = Household.objects.annotate(n=Count("residents")).values_list("n", flat=True)
    assert min(per_household) >= 2 and max(per_household) <= 5
    assert Resident.objects.filter(relation=Resident.Relation.HEAD).count() == 6896
    sample = list(Resident.objects.exclude(id_number="")[:500])
    assert len(sample) == 500
    for r in sample:
        number = personal.decrypt(r.id_number)
        assert ric.is_valid(number) and number.startswith("430121")
        assert r.id_number_masked == personal.mask_id_number(number)
    assert Resident.objects.exclude(id_number="").count() > 0.5 * Resident.objects.count()


def test_sensitive_tags_are_flagged_and_tags_are_applied_to_some_households(
    demo: loader.DemoResult,
) -> None:
    tagged = dict(
        Household.objects.values("tags__name")
        .annotate(n=Count("id"))
        .values_list("tags__name", "n")
    )
    for spec in loader.DEFAULT_TAGS:
        assert 0 < tagged.get(spec.name, 0) < 1000
    assert set(Tag.objects.filter(sensitive=True).values_list("name", flat=True)) >= {
        "低保户",
        "残疾人",
    }


def test_visit_coverage_in_the_last_thirty_days_differs_between_villages(
    demo: loader.DemoResult,
) -> None:
    since = clock.now() - dt.timedelta(days=30)
    shares = []
    for village in Place.objects.get_children(demo.town):
        qs = Household.objects.filter(place_path__startswith=village.path)
        shares.append(qs.filter(last_visit_at__gte=since).count() / qs.count())
    assert max(shares) - min(shares) > 0.15
    assert Household.objects.filter(last_visit_at__isnull=True).exists()


def test_the_party_tree_has_56_branches_of_three_types_and_over_a_thousand_members(
    demo: loader.DemoResult,
) -> None:
    branches = Organization.objects.visible_to(user("organizer")).filter(kind="branch")
    assert branches.count() == 56
    types = dict(branches.order_by().values_list("org_type").annotate(n=Count("id")))
    assert set(types) == {"village", "two_new", "institution"}
    assert Organization.objects.filter(kind="general_branch").exists()
    assert Organization.objects.filter(kind="group").exists()
    assert 1000 <= Member.objects.count() <= 1300
    assert Member.objects.filter(status=Member.Status.PROBATIONARY).exists()
    secretaries = dict(
        Member.objects.filter(post="secretary")
        .order_by()
        .values_list("organization")
        .annotate(n=Count("id"))
    )
    assert sorted(secretaries) == sorted(branches.values_list("pk", flat=True))
    assert set(secretaries.values()) == {1}


def test_42_instructors_cover_every_branch_and_leaders_do_not_count(
    demo: loader.DemoResult,
) -> None:
    instructors = Instructor.objects.filter(kind=Instructor.Kind.INSTRUCTOR)
    assert instructors.count() == 42
    assert Instructor.objects.filter(kind=Instructor.Kind.LEADER).exists()
    uncovered = Organization.objects.filter(kind="branch").exclude(
        guidance_assignments__instructor__kind=Instructor.Kind.INSTRUCTOR,
        guidance_assignments__ended_on__isnull=True,
    )
    assert not uncovered.exists()
    assert not instructors.annotate(n=Count("assignments")).filter(n=0).exists()
    assert GuidanceVisit.objects.count() >= 30


def test_secretary_of_mingyue_sees_only_mingyue_households(demo: loader.DemoResult) -> None:
    mingyue = Place.objects.get(name="明月村", is_demo=True)
    visible = Household.objects.visible_to(user("secretary.mingyue"))
    assert visible.count() == Household.objects.filter(place_path__startswith=mingyue.path).count()
    assert not visible.exclude(place_path__startswith=mingyue.path).exists()
    outside = Household.objects.exclude(place_path__startswith=mingyue.path).first()
    with pytest.raises(Http404):
        get_visible_or_404(Household, user("secretary.mingyue"), pk=outside.pk)


def test_rep_0001_sees_only_their_own_eleven_households_some_of_them_overdue(
    demo: loader.DemoResult,
) -> None:
    rep = Representative.objects.get(user__username="rep.0001")
    assert rep.place.name == "明月村"
    visible = Household.objects.visible_to(user("rep.0001"))
    assert set(visible.values_list("pk", flat=True)) == set(
        Household.objects.filter(representative=rep).values_list("pk", flat=True)
    )
    assert visible.count() == 11
    overdue = visible.exclude(last_visit_at__gte=clock.now() - dt.timedelta(days=30))
    assert overdue.filter(last_visit_at__isnull=True).exists()
    assert overdue.filter(last_visit_at__isnull=False).exists()
    other = Household.objects.exclude(representative=rep).filter(place=visible.first().place)
    with pytest.raises(Http404):
        get_visible_or_404(Household, user("rep.0001"), pk=other.first().pk)


def test_instructor_01_reaches_only_their_branches(demo: loader.DemoResult) -> None:
    ins = Instructor.objects.get(user__username="instructor.01")
    assigned = set(ins.assignments.values_list("organization_id", flat=True))
    assert 1 <= len(assigned) <= 2
    visible = Organization.objects.visible_to(user("instructor.01")).filter(kind="branch")
    assert set(visible.values_list("pk", flat=True)) == assigned
    assert not Household.objects.visible_to(user("instructor.01")).exists()


def test_admin_is_a_town_administrator_not_a_superuser(demo: loader.DemoResult) -> None:
    admin = user("admin")
    assert admin.is_staff and not admin.is_superuser
    assert admin.check_password(loader.PASSWORD)
    assert admin.role_assignments.get().place == demo.town
    assert admin.has_perm("grid.change_household")
    assert not admin.has_perm("accounts.change_user")
    assert not user(loader.SYSTEM_USERNAME).has_usable_password()


def test_running_the_demo_command_again_adds_nothing_and_prints_the_logins(
    demo: loader.DemoResult, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (Household.objects.count(), Member.objects.count(), User.objects.count())
    call_command("demo")
    out = capsys.readouterr().out
    assert (Household.objects.count(), Member.objects.count(), User.objects.count()) == before
    for username in ("admin", "organizer", "secretary.mingyue", "rep.0001", "instructor.01"):
        assert username in out
    assert loader.PASSWORD in out
    assert "http://127.0.0.1:" in out


def api(username: str) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user(username))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def count(client: APIClient, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json()["count"]


def test_the_api_counts_the_reported_figures_for_the_town_administrator(
    demo: loader.DemoResult,
) -> None:
    admin = api("admin")
    assert count(admin, "/api/households/?page_size=1") == 6896
    assert count(admin, "/api/households/?page_size=1&has_active_representative=false") == 0
    assert count(admin, "/api/households/?page_size=1&has_active_representative=true") == 6896
    assert count(admin, "/api/representatives/?page_size=1") == 605
    assert count(admin, "/api/organizations/?kind=branch&page_size=1") == 56
    assert count(admin, "/api/instructors/?kind=instructor&page_size=1") == 42


def test_the_api_limits_secretary_mingyue_and_rep_0001_to_their_reach(
    demo: loader.DemoResult,
) -> None:
    mingyue = Place.objects.get(name="明月村", is_demo=True)
    in_mingyue = Household.objects.filter(place_path__startswith=mingyue.path)
    elsewhere = Household.objects.exclude(place_path__startswith=mingyue.path).first()
    secretary = api("secretary.mingyue")
    assert count(secretary, "/api/households/?page_size=1") == in_mingyue.count()
    assert secretary.get(f"/api/households/{in_mingyue.first().pk}/").status_code == 200
    assert secretary.get(f"/api/households/{elsewhere.pk}/").status_code == 404

    rep = api("rep.0001")
    own = Household.objects.filter(representative__user__username="rep.0001")
    assert count(rep, "/api/households/?page_size=1") == 11
    assert rep.get(f"/api/households/{own.first().pk}/").status_code == 200
    neighbour = in_mingyue.exclude(pk__in=own.values("pk")).first()
    assert rep.get(f"/api/households/{neighbour.pk}/").status_code == 404
