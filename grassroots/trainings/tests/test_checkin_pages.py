"""The check-in pages: the phone's flow, the venue screen, the check-in by hand, and who
reaches them (out of reach answers 404, as a missing id does)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from grassroots.accounts.models import User
from grassroots.core.audit import Action, AuditEvent
from grassroots.testing import Town
from grassroots.trainings import tokens
from grassroots.trainings.models import Attendance
from grassroots.trainings.tests.checkin_fixtures import Training, make_training

pytestmark = pytest.mark.django_db
MISSING = 987_654_321


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def t(town: Town) -> Training:
    return make_training(town)


def screen_url(t: Training, venue: int = 0, session: int = 0) -> str:
    return reverse("trainings:venue_screen", args=[session or t.session.pk, venue or t.main.pk])


def test_the_phone_flow_checks_in_with_one_tap(t: Training, client) -> None:
    url = reverse(
        "trainings:checkin",
        kwargs={
            "session": t.session.pk,
            "venue": t.main.pk,
            "token": tokens.issue(t.session.pk, t.main.pk),
        },
    )
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "next=" in anonymous["Location"]
    client.force_login(t.mia)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert t.session.topic in text and t.main.name in text
    ticket = re.search(r'name="ticket" value="([^"]+)"', text).group(1)
    assert Attendance.objects.count() == 0  # reading the page records nothing
    done = client.post(url, {"ticket": ticket})
    assert done.status_code == 200
    assert "您已签到成功" in done.content.decode()
    row = Attendance.objects.get()
    assert (row.enrolment, row.venue, row.method) == (t.enrol_mia, t.main, Attendance.Method.QR)
    again = client.post(url, {"ticket": ticket})
    assert again.status_code == 409
    assert "已签到过本课次" in again.content.decode()
    assert Attendance.objects.count() == 1


def test_the_screen_shows_the_code_the_link_and_the_counts(t: Training, client_for) -> None:
    response = client_for("alice").get(screen_url(t))
    assert response.status_code == 200
    text = response.content.decode()
    link = re.search(r'data-checkin-url="([^"]+)"', text).group(1)
    assert link.startswith("http://testserver/trainings/c/")
    assert "<svg" in text and "style=" not in text.split("<main", 1)[1]
    assert 'data-count-venue="0"' in text
    client_for("mia").post(link)  # the tap without a ticket: the token still holds
    live = client_for("alice").get(
        reverse("trainings:venue_screen_live", args=[t.session.pk, t.main.pk])
    )
    assert live.status_code == 200
    assert 'data-count-venue="1"' in live.content.decode()
    assert 'data-count-session="1"' in live.content.decode()
    assert live["Cache-Control"] == "no-store"


@pytest.mark.parametrize("who", ["alice", "olga", "sam", "ivan"])
def test_venue_staff_who_reach_the_session_open_the_screen(t: Training, client_for, who) -> None:
    assert client_for(who).get(screen_url(t)).status_code == 200


@pytest.mark.parametrize("who", ["oscar", "rita", "irene", "mia"])
def test_the_screen_is_404_without_check_in_rights_or_reach(t: Training, client_for, who) -> None:
    assert client_for(who).get(screen_url(t)).status_code == 404
    assert (
        client_for(who)
        .get(reverse("trainings:venue_screen_live", args=[t.session.pk, t.main.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(who).get(reverse("trainings:hand", args=[t.session.pk, t.main.pk])).status_code
        == 404
    )


def test_a_venue_of_another_session_or_a_missing_one_is_404(t: Training, client_for) -> None:
    alice = client_for("alice")
    assert alice.get(screen_url(t, session=t.online.pk)).status_code == 404
    assert alice.get(screen_url(t, venue=MISSING)).status_code == 404
    assert alice.get(screen_url(t, session=MISSING)).status_code == 404


def test_check_in_by_hand_is_marked_as_such(t: Training, client_for) -> None:
    sam = client_for("sam")  # secretary of village A: reaches mia, not ben
    url = reverse("trainings:hand", args=[t.session.pk, t.sub_a.pk])
    page = sam.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert t.enrol_mia.name in text and t.enrol_ben.name not in text
    assert sam.post(url, {"enrolment": t.enrol_ben.pk}).status_code == 404
    assert sam.post(url, {"enrolment": "x"}).status_code == 404
    assert Attendance.objects.count() == 0
    response = sam.post(url, {"enrolment": t.enrol_mia.pk}, follow=True)
    assert response.status_code == 200
    row = Attendance.objects.get()
    assert (row.method, row.venue, row.enrolment) == (
        Attendance.Method.MANUAL,
        t.sub_a,
        t.enrol_mia,
    )
    assert row.recorded_by.username == "sam"
    event = AuditEvent.objects.get(action=Action.TRAININGS_ATTENDANCE_RECORDED)
    assert event.data["method"] == "manual"
    after = sam.get(url).content.decode()
    assert "本会场代签记录" in after and "代签" in after
    # Twice: refused with the reason, nothing more.
    again = sam.post(url, {"enrolment": t.enrol_mia.pk}, follow=True)
    assert "已签到过本课次" in again.content.decode()
    assert Attendance.objects.count() == 1


def test_the_hand_page_searches_by_name(t: Training, client_for) -> None:
    url = reverse("trainings:hand", args=[t.session.pk, t.main.pk])
    text = client_for("alice").get(url, {"q": "米"}).content.decode()
    assert t.enrol_mia.name in text and t.enrol_ben.name not in text


def test_the_session_links_show_screens_to_staff_and_study_to_the_enrolled(
    t: Training, client_for
) -> None:
    template = Template('{% include "trainings/checkin/_session_links.html" %}')

    def render(user, session):
        request = RequestFactory().get("/")
        request.user = user
        return template.render(Context({"request": request, "session": session}))

    staff = render(User.objects.get(username="alice"), t.session)
    assert screen_url(t) in staff
    assert reverse("trainings:hand", args=[t.session.pk, t.sub_a.pk]) in staff
    member = render(t.mia, t.online)
    assert reverse("trainings:study", args=[t.online.pk]) in member
    assert "screen" not in render(t.mia, t.session)
