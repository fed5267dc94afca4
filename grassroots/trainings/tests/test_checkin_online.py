"""Online study: heartbeats credit capped time, too-frequent beats count for nothing, the
share reached records the attendance once; the video is ours, served with Range, to the
enrolled only; the upload checks the file's content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from grassroots.core import clock
from grassroots.core.audit import Action, AuditEvent
from grassroots.testing import Town
from grassroots.trainings.models import Attendance, OnlineProgress, Session
from grassroots.trainings.services import checkin, online
from grassroots.trainings.tests.checkin_fixtures import AT, Training, make_training

pytestmark = pytest.mark.django_db
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


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


def beat_after(t: Training, seconds: float) -> OnlineProgress:
    clock.set_now(clock.now() + dt.timedelta(seconds=seconds))
    row, _ = online.beat(actor=t.mia, session=t.online)
    return row


def test_beats_credit_the_time_between_them_capped(t: Training) -> None:
    assert beat_after(t, 0).seconds == 0  # the first beat starts the count
    assert beat_after(t, 15).seconds == 15
    assert beat_after(t, 5).seconds == 15  # too soon: ignored
    assert beat_after(t, 10).seconds == 30  # 15 s since the last counted beat, capped at 20: 15
    assert beat_after(t, 40).seconds == 50  # 40 s since: capped at 20
    assert beat_after(t, 300).seconds == 50  # after a long absence the count only restarts
    assert Attendance.objects.count() == 0


def test_the_share_reached_records_the_attendance_once(t: Training) -> None:
    required = online.required_seconds(t.online)
    assert required == 80  # 0.80 × 100 s
    beat_after(t, 0)
    for _ in range(3):
        beat_after(t, 20)
    assert Attendance.objects.count() == 0  # 60 s
    row, attendance = online.beat(actor=t.mia, session=t.online)  # too soon: nothing
    assert attendance is None
    clock.set_now(clock.now() + dt.timedelta(seconds=20))
    row, attendance = online.beat(actor=t.mia, session=t.online)
    assert row.seconds == 80 and attendance is not None
    assert attendance.method == Attendance.Method.ONLINE and attendance.venue is None
    for _ in range(3):
        beat_after(t, 20)
    assert beat_after(t, 20).seconds == 100  # never more than the material's length
    assert Attendance.objects.filter(session=t.online).count() == 1
    assert AuditEvent.objects.filter(action=Action.TRAININGS_ATTENDANCE_RECORDED).count() == 1


def test_only_the_enrolled_study_and_only_while_open(t: Training, town: Town) -> None:
    with pytest.raises(checkin.Refused) as exc:
        online.beat(actor=town.oscar, session=t.online)
    assert exc.value.code == "not_enrolled"
    with pytest.raises(checkin.Refused):
        online.beat(actor=t.mia, session=t.session)  # offline: no material
    clock.set_now(AT + dt.timedelta(days=8))
    with pytest.raises(checkin.Refused) as exc:
        online.beat(actor=t.mia, session=t.online)
    assert exc.value.code == "not_open"
    assert OnlineProgress.objects.count() == 0


def test_the_study_page_and_its_heartbeat(t: Training, client_for) -> None:
    mia = client_for("mia")
    page = mia.get(reverse("trainings:study", args=[t.online.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "第一章" in text and 'data-beat-url="/trainings/sessions/' in text
    url = reverse("trainings:study_beat", args=[t.online.pk])
    assert mia.post(url).json() == {
        "seconds": 0,
        "required": 80,
        "material_seconds": 100,
        "done": False,
    }
    clock.set_now(clock.now() + dt.timedelta(seconds=15))
    assert mia.post(url).json()["seconds"] == 15
    refused = mia.post(reverse("trainings:study_beat", args=[t.session.pk]))
    assert refused.status_code == 409 and refused.json()["code"] == "not_open"


@pytest.mark.parametrize("who", ["oscar", "alice", "sam"])
def test_someone_not_enrolled_gets_404(t: Training, client_for, who) -> None:
    client = client_for(who)
    assert client.get(reverse("trainings:study", args=[t.online.pk])).status_code == 404
    assert client.post(reverse("trainings:study_beat", args=[t.online.pk])).status_code == 404
    assert client.get(reverse("trainings:video", args=[t.online.pk])).status_code == 404


def upload(t: Training, who: Any, data: bytes = MP4, seconds: int = 600) -> Session:
    return online.material_upload(
        actor=who,
        session=t.online,
        file=SimpleUploadedFile("lesson.mp4", data, content_type="video/mp4"),
        seconds=seconds,
    )


def test_the_video_upload_checks_content_and_renames(t: Training, town: Town) -> None:
    with pytest.raises(ValidationError) as exc:
        upload(t, town.alice, b"<html>not a video</html>")
    assert "file" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        upload(t, town.sam)  # a secretary does not manage trainings
    session = upload(t, town.alice)
    assert session.material_kind == Session.MaterialKind.VIDEO
    assert session.material_seconds == 600
    assert session.material_file.name.endswith(".mp4")
    assert "lesson" not in session.material_file.name
    assert AuditEvent.objects.filter(action=Action.TRAININGS_MATERIAL_UPLOADED).count() == 1


def test_the_video_is_served_with_range(t: Training, town: Town, client_for) -> None:
    upload(t, town.alice)
    mia = client_for("mia")
    url = reverse("trainings:video", args=[t.online.pk])
    whole = mia.get(url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == MP4
    part = mia.get(url, HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 4-11/{len(MP4)}"
    assert b"".join(part.streaming_content) == b"ftypmp42"
    tail = mia.get(url, HTTP_RANGE="bytes=-8")
    assert b"".join(tail.streaming_content) == MP4[-8:]
    assert mia.get(url, HTTP_RANGE=f"bytes={len(MP4)}-").status_code == 416
    page = mia.get(reverse("trainings:study", args=[t.online.pk])).content.decode()
    assert f'src="{url}"' in page and "<video" in page
