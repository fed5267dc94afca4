"""The meeting pages and export, per persona: each sees only the meetings it reaches."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.orglife.models import Meeting, MeetingKind
from grassroots.orglife.tests.helpers import PDF, meeting, pdf
from grassroots.testing import Town


@pytest.fixture
def meetings(town: Town, today: dt.date) -> dict[str, Meeting]:
    return {
        "a": meeting(
            town.alice, town.branch_a, today, topic="明月村主题党日", present=[town.member_a]
        ),
        "b": meeting(
            town.alice, town.branch_b, today, topic="乙村支委会", kind=MeetingKind.COMMITTEE_MEETING
        ),
        "firm": meeting(
            town.alice,
            town.branch_firm,
            dt.date(2026, 1, 9),
            topic="企业党课",
            kind=MeetingKind.PARTY_LECTURE,
        ),
    }


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("sam", {"a"}, {"b", "firm"}),
        ("olga", {"a", "b", "firm"}, set()),
        ("alice", {"a", "b", "firm"}, set()),
        ("ivan", {"b"}, {"a", "firm"}),
    ],
)
def test_the_list_shows_only_reachable_meetings(
    client_for: Any, meetings: dict[str, Meeting], persona: str, shown: set[str], hidden: set[str]
) -> None:
    page = client_for(persona).get(reverse("orglife:list")).content.decode()
    for key in shown:
        assert meetings[key].topic in page
    for key in hidden:
        assert meetings[key].topic not in page
    for key, m in meetings.items():
        status = client_for(persona).get(reverse("orglife:meeting", args=[m.pk])).status_code
        assert status == (200 if key in shown else 404)


def test_an_outsider_gets_404_and_a_visitor_the_login(
    client_for: Any, meetings: dict[str, Meeting]
) -> None:
    oscar = client_for("oscar")
    for url in (
        reverse("orglife:list"),
        reverse("orglife:new"),
        reverse("orglife:meeting", args=[meetings["a"].pk]),
        reverse("orglife:export"),
    ):
        assert oscar.get(url).status_code == 404
        assert Client().get(url).status_code == 302


def test_the_tiles_count_this_year_by_kind_and_link_to_the_filtered_list(
    client_for: Any, meetings: dict[str, Meeting], town: Town
) -> None:
    response = client_for("olga").get(reverse("orglife:list"))
    tiles = {kind: n for kind, _label, n in response.context["tiles"]}
    assert (tiles["party_day"], tiles["committee_meeting"], tiles["party_lecture"]) == (1, 1, 1)
    assert "?kind=party_day&amp;held_after=2026-01-01" in response.content.decode()
    rows = {r.branch.pk: r.total for r in response.context["branches"]}
    assert rows[town.branch_a.pk] == 1 and rows[town.branch_firm.pk] == 1
    filtered = client_for("olga").get(
        reverse("orglife:list"), {"kind": "party_day", "branch": town.branch_a.pk}
    )
    assert list(filtered.context["page"].object_list) == [meetings["a"]]


def test_a_branch_out_of_reach_in_the_filter_shows_nothing_of_it(
    client_for: Any, meetings: dict[str, Meeting], town: Town
) -> None:
    page = client_for("sam").get(reverse("orglife:list"), {"branch": town.branch_b.pk})
    assert meetings["b"].topic not in page.content.decode()
    huge = client_for("sam").get(reverse("orglife:list"), {"branch": "99999999999999999999"})
    assert huge.status_code == 200


def test_the_secretary_records_a_meeting_with_everyone_ticked_by_default(
    client_for: Any, town: Town, today: dt.date, media: Any
) -> None:
    sam = client_for("sam")
    form = sam.get(reverse("orglife:new"))
    assert form.context["org"] == town.branch_a
    assert form.context["form"]["present"].initial == [town.member_a.pk]
    assert "checked" in form.content.decode()
    response = sam.post(
        reverse("orglife:new"),
        {
            "kind": "party_day",
            "held_on": "2026-03-09",
            "place": "党群服务中心",
            "topic": "垃圾分类志愿服务",
            "present": [town.member_a.pk],
            "file": pdf(),
        },
    )
    m = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "orglife:meeting", args=[m.pk]
    )
    assert (m.present, m.expected, m.file_name) == (1, 1, "纪要.pdf")
    download = sam.get(reverse("orglife:file", args=[m.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_for("ivan").get(reverse("orglife:file", args=[m.pk])).status_code == 404


def test_bad_input_on_the_form_shows_inline_and_writes_nothing(
    client_for: Any, town: Town, today: dt.date, media: Any
) -> None:
    sam = client_for("sam")
    data = {"kind": "party_day", "held_on": "2026-03-11", "place": "村部", "topic": "主题"}
    response = sam.post(reverse("orglife:new"), data)
    assert response.status_code == 200
    assert "held_on" in response.context["form"].errors
    data["held_on"] = "2026-03-09"
    data["file"] = [pdf(), pdf("second.pdf")]
    response = sam.post(reverse("orglife:new"), data)
    assert "file" in response.context["form"].errors
    data["file"] = io.BytesIO(b"not a document")
    data["file"].name = "x.pdf"
    response = sam.post(reverse("orglife:new"), data)
    assert "file" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_the_officer_chooses_the_organisation_first_and_a_secretary_cannot_pick_another(
    client_for: Any, town: Town
) -> None:
    olga = client_for("olga")
    chooser = olga.get(reverse("orglife:new"))
    assert (
        town.branch_b in chooser.context["orgs"] and town.committee not in chooser.context["orgs"]
    )
    assert (
        olga.get(reverse("orglife:new"), {"org": town.branch_b.pk}).context["org"] == town.branch_b
    )
    sam = client_for("sam")
    assert sam.get(reverse("orglife:new"), {"org": town.branch_b.pk}).status_code == 404
    assert sam.get(reverse("orglife:new"), {"org": "x"}).status_code == 404
    assert client_for("ivan").get(reverse("orglife:new")).status_code == 404


def _sheet(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_the_export_holds_only_reachable_filtered_rows_and_is_audited(
    client_for: Any, meetings: dict[str, Meeting], town: Town
) -> None:
    rows = _sheet(client_for("sam").get(reverse("orglife:export")).content)
    assert [r[5] for r in rows[1:]] == ["明月村主题党日"]
    everything = _sheet(client_for("olga").get(reverse("orglife:export")).content)
    assert len(everything) == 4
    filtered = client_for("olga").get(reverse("orglife:export"), {"kind": "party_lecture"})
    assert [r[5] for r in _sheet(filtered.content)[1:]] == ["企业党课"]
    assert AuditEvent.objects.filter(action=Action.ORGLIFE_MEETINGS_EXPORTED).count() == 3
    assert client_for("ivan").get(reverse("orglife:export")).status_code == 403


def test_the_export_neutralises_formulas(client_for: Any, town: Town, today: dt.date) -> None:
    meeting(town.sam, town.branch_a, today, topic='=HYPERLINK("http://x")')
    rows = _sheet(client_for("sam").get(reverse("orglife:export")).content)
    assert rows[1][5].startswith("'=")


def test_a_record_is_corrected_on_its_page_within_30_days(
    client_for: Any, town: Town, meetings: dict[str, Meeting], media: Any
) -> None:
    from django.utils import timezone

    from grassroots.core import clock

    m = meetings["a"]
    sam = client_for("sam")
    url = reverse("orglife:edit", args=[m.pk])
    assert (
        reverse("orglife:edit", args=[m.pk])
        in sam.get(reverse("orglife:meeting", args=[m.pk])).content.decode()
    )
    form = sam.get(url)
    assert form.context["form"]["present"].value() == [town.member_a.pk]
    data = {
        "held_on": "2026-03-08",
        "place": "村部",
        "topic": "改正后的主题",
        "excused": [town.member_a.pk],
        "excuse_reason": "外出",
    }
    response = sam.post(url, data)
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.topic, m.kind, m.present, m.held_on) == (
        "改正后的主题",
        "party_day",
        0,
        dt.date(2026, 3, 8),
    )
    assert (
        client_for("sam").get(reverse("orglife:edit", args=[meetings["b"].pk])).status_code == 404
    )
    assert (
        client_for("ivan").get(reverse("orglife:edit", args=[meetings["b"].pk])).status_code == 404
    )
    clock.set_now(timezone.make_aware(dt.datetime(2026, 5, 1, 9, 0)))
    sam = client_for("sam")  # a fresh session: the old one timed out with the moved clock
    assert (
        reverse("orglife:edit", args=[m.pk])
        not in sam.get(reverse("orglife:meeting", args=[m.pk])).content.decode()
    )
    late = sam.post(url, {**data, "topic": "太迟了"})
    assert late.status_code == 200 and late.context["form"].non_field_errors()
    m.refresh_from_db()
    assert m.topic == "改正后的主题"


def test_strange_ids_are_form_errors_never_500(client_for: Any, town: Town, today: dt.date) -> None:
    sam = client_for("sam")
    huge = "99999999999999999999"
    data = {"kind": "party_day", "held_on": "2026-03-09", "place": "村部", "topic": "主题"}
    for present in ([huge], ["-1"], ["x"], [str(town.member_b.pk)]):
        response = sam.post(reverse("orglife:new"), {**data, "present": present})
        assert response.status_code == 200 and "present" in response.context["form"].errors
    assert sam.get(reverse("orglife:new"), {"org": huge}).status_code == 404
    listing = sam.get(reverse("orglife:list"), {"branch": huge, "held_after": "2026-99-01"})
    assert listing.status_code == 200
    api = client_for("sam").get("/api/meetings/", {"branch": huge})
    assert api.status_code in (400, 403)
    assert not Meeting.objects.exists()
