"""The check-in API: the same services as the pages, refusals with a code, 404 out of reach."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from grassroots.core import clock
from grassroots.core.audit import Action, AuditEvent
from grassroots.testing import Town
from grassroots.trainings import tokens
from grassroots.trainings.models import Attendance, Session
from grassroots.trainings.tests.checkin_fixtures import AT, Training, make_training

pytestmark = pytest.mark.django_db
URL = "/api/training-checkins/"
MISSING = 987_654_321


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def t(town: Town) -> Training:
    return make_training(town)


def body(t: Training, **over: Any) -> dict[str, Any]:
    data = {
        "session": t.session.pk,
        "venue": t.main.pk,
        "token": tokens.issue(t.session.pk, t.main.pk),
    }
    data.update(over)
    return data


def test_a_scan_through_the_api(t: Training, api_for) -> None:
    mia = api_for("mia")
    response = mia.post(URL, body(t), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["method"] == "qr" and response.json()["venue"] == t.main.pk
    again = mia.post(URL, body(t), format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already")
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (lambda t: {"token": "x~y"}, 400, "forged"),
        (lambda t: {"token": tokens.issue(t.other.pk, t.main.pk)}, 400, "wrong_session"),
        (lambda t: {"token": tokens.issue(t.session.pk, t.sub_a.pk)}, 400, "wrong_venue"),
        (
            lambda t: {
                "token": tokens.issue(t.session.pk, t.main.pk, AT - dt.timedelta(seconds=60))
            },
            410,
            "expired",
        ),
        (lambda t: {"session": MISSING, "token": tokens.issue(MISSING, t.main.pk)}, 404, "unknown"),
    ],
    ids=["forged", "other-session", "other-venue", "expired", "missing"],
)
def test_refusals_through_the_api(t: Training, api_for, make, status, code) -> None:
    response = api_for("mia").post(URL, body(t, **make(t)), format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Attendance.objects.count() == 0
    assert not AuditEvent.objects.filter(action=Action.TRAININGS_ATTENDANCE_RECORDED).exists()


def test_hand_check_in_through_the_api(t: Training, api_for) -> None:
    data = {"session": t.session.pk, "venue": t.sub_a.pk, "enrolment": t.enrol_mia.pk}
    response = api_for("sam").post(URL + "hand/", data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["method"] == "manual"
    again = api_for("sam").post(URL + "hand/", data, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already")


@pytest.mark.parametrize(
    ("who", "over"),
    [
        ("sam", {"enrolment": "ben"}),  # a person out of the secretary's reach
        ("oscar", {}),  # no reach at all
        ("rita", {}),  # a representative: no check-in rights, no reach of the session
        ("alice", {"session": MISSING}),
        ("alice", {"venue": MISSING}),
    ],
)
def test_hand_check_in_out_of_reach_is_404(t: Training, api_for, who, over) -> None:
    data = {"session": t.session.pk, "venue": t.sub_a.pk, "enrolment": t.enrol_mia.pk}
    data.update(over)
    if data["enrolment"] == "ben":
        data["enrolment"] = t.enrol_ben.pk
    response = api_for(who).post(URL + "hand/", data, format="json")
    assert response.status_code == 404
    assert Attendance.objects.count() == 0


def test_the_heartbeat_through_the_api(t: Training, api_for) -> None:
    mia = api_for("mia")
    first = mia.post(URL + "beat/", {"session": t.online.pk}, format="json")
    assert first.status_code == 200
    assert first.json() == {
        "session": t.online.pk,
        "seconds": 0,
        "required": 80,
        "material_seconds": 100,
        "done": False,
    }
    clock.set_now(clock.now() + dt.timedelta(seconds=15))
    assert mia.post(URL + "beat/", {"session": t.online.pk}, format="json").json()["seconds"] == 15
    assert (
        api_for("oscar").post(URL + "beat/", {"session": t.online.pk}, format="json").status_code
        == 404
    )


def test_the_video_upload_through_the_api(t: Training, api_for) -> None:
    video = SimpleUploadedFile("a.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 64)
    response = api_for("alice").post(
        URL + "material/", {"session": t.online.pk, "file": video, "seconds": 90}
    )
    assert response.status_code == 200, response.content
    assert response.json()["material_kind"] == "video"
    assert Session.objects.get(pk=t.online.pk).material_file.name.endswith(".webm")
    bad = api_for("alice").post(
        URL + "material/",
        {"session": t.online.pk, "file": SimpleUploadedFile("a.mp4", b"GIF89a" * 4), "seconds": 9},
    )
    assert bad.status_code == 400, bad.content
    assert "file" in str(bad.json()), bad.json()
    out = api_for("oscar").post(
        URL + "material/",
        {
            "session": t.online.pk,
            "file": SimpleUploadedFile("a.webm", b"\x1a\x45\xdf\xa3"),
            "seconds": 9,
        },
    )
    assert out.status_code == 404


def test_anonymous_is_refused(t: Training, client) -> None:
    assert client.post(URL, body(t), content_type="application/json").status_code in (401, 403)
