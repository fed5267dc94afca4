"""The Party pages: the tree, one organisation, an instructor's branches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.party import services
from grassroots.party.models import GuidanceVisit
from grassroots.testing import Town

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]


@pytest.fixture
def client_for(town: Town) -> ClientFor:
    """Logged-in page clients; force_login because axes refuses Client.login()."""
    from grassroots.accounts.models import User

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


def flatten(nodes: list) -> dict[str, object]:
    out = {}
    for node in nodes:
        out[node.org.name] = node
        out.update(flatten(node.children))
    return out


def test_tree_shows_member_counts_rolled_up(client_for: ClientFor, town: Town) -> None:
    response = client_for("olga").get(reverse("party:tree"))
    nodes = flatten(response.context["roots"])
    committee = nodes["中共测试镇委员会"]
    assert (committee.full, committee.probationary) == (1, 1)
    assert (nodes["上杉市村党支部"].full, nodes["上杉市村党支部"].probationary) == (0, 1)
    assert [i.name for i in nodes["上杉市村党支部"].instructors] == ["伊万"]
    assert "测试科技有限公司党支部" in response.content.decode()


def test_instructor_sees_only_his_branch_in_the_tree(client_for: ClientFor) -> None:
    nodes = flatten(client_for("ivan").get(reverse("party:tree")).context["roots"])
    assert "明月村党支部" not in nodes and "上杉市村党支部" in nodes


def test_tree_runs_the_same_number_of_queries_whatever_its_size(
    client_for: ClientFor, town: Town
) -> None:
    olga = client_for("olga")
    olga.get(reverse("party:tree"))
    with CaptureQueriesContext(connection) as few:
        olga.get(reverse("party:tree"))
    for i in range(5):
        branch = services.organization_create(
            actor=town.root, parent=town.committee, kind="branch", name=f"支部{i}"
        )
        services.member_create(actor=town.root, organization=branch, name=f"党员{i}")
    with CaptureQueriesContext(connection) as many:
        olga.get(reverse("party:tree"))
    assert len(many) == len(few)


def test_org_detail_lists_members_with_masked_phones(client_for: ClientFor, town: Town) -> None:
    response = client_for("olga").get(reverse("party:org", args=[town.branch_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "王书记" in html
    assert "135****0001" in html and "13500000001" not in html


@pytest.mark.parametrize(
    ("username", "org"),
    [("ivan", "branch_a"), ("ivan", "branch_firm"), ("sam", "branch_b"), ("oscar", "committee")],
)
def test_org_detail_out_of_scope_is_404(
    client_for: ClientFor, town: Town, username: str, org: str
) -> None:
    pk = getattr(town, org).pk
    assert client_for(username).get(reverse("party:org", args=[pk])).status_code == 404


def test_member_reveal_is_audited(client_for: ClientFor, town: Town) -> None:
    from grassroots.core.models import AuditEvent

    url = reverse("core:reveal", args=["party.member", town.member_a.pk, "phone"])
    response = client_for("olga").post(url, {"reason": "contact"})
    assert "13500000001" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.PERSONAL_REVEALED, actor=town.olga).count() == 1
    assert client_for("ivan").post(url, {"reason": "contact"}).status_code == 404


def test_my_branches_marks_a_branch_red_after_30_days(client_for: ClientFor, town: Town) -> None:
    services.guidance_visit_log(
        actor=town.ivan,
        organization=town.branch_b,
        topic="三会一课",
        visited_on=clock.today() - dt.timedelta(days=31),
    )
    rows = client_for("ivan").get(reverse("party:my_branches")).context["rows"]
    assert [r.assignment.organization for r in rows] == [town.branch_b]
    assert rows[0].overdue and rows[0].days_since == 31


def test_instructor_logs_a_guidance_visit(client_for: ClientFor, town: Town) -> None:
    ivan = client_for("ivan")
    url = reverse("party:guidance_new", args=[town.branch_b.pk])
    assert ivan.get(url).status_code == 200
    response = ivan.post(url, {"topic": "主题党日", "notes": "", "visited_on": ""})
    assert response.status_code == 302
    visit = GuidanceVisit.objects.get()
    assert visit.instructor == town.instructor and visit.visited_on == clock.today()
    rows = ivan.get(reverse("party:my_branches")).context["rows"]
    assert not rows[0].overdue


def test_instructor_cannot_log_guidance_for_another_branch(
    client_for: ClientFor, town: Town
) -> None:
    url = reverse("party:guidance_new", args=[town.branch_a.pk])
    assert client_for("ivan").post(url, {"topic": "x"}).status_code == 404
    assert (
        client_for("oscar").get(reverse("party:guidance_new", args=[town.branch_b.pk])).status_code
        == 404
    )
    assert not GuidanceVisit.objects.exists()


def test_my_branches_is_empty_for_someone_without_assignments(client_for: ClientFor) -> None:
    assert client_for("sam").get(reverse("party:my_branches")).context["rows"] == []
