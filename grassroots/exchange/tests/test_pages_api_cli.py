from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from grassroots.exchange import services, writers
from grassroots.exchange.tests.helpers import HH_HEADERS, good_households, xlsx
from grassroots.exchange.tests.test_export import sheets
from grassroots.grid.models import Household, Tag
from grassroots.testing import Town

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def tags(town: Town) -> None:
    Tag.objects.create(name="独居老人")


def bad_upload() -> bytes:
    return xlsx({"户": [HH_HEADERS, ["明月村", "九组", "A-900", "", "", "", "", "", "", ""]]})


def upload(data: bytes, name: str = "roster.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


# --- page -------------------------------------------------------------------


def test_the_page_lists_every_problem_of_an_upload_and_imports_nothing(
    town: Town, client_for: object
) -> None:
    client = client_for("sam")  # type: ignore[operator]
    assert client.get("/exchange/").status_code == 200
    response = client.post("/exchange/", {"kind": "households", "file": upload(bad_upload())})
    body = response.content.decode()
    assert response.status_code == 200
    # Each problem in a row of the table: its reason first, then sheet, row, column, value.
    assert "九组" in body and "户主姓名" in body
    assert re.search(r'<td class="num" data-label="[^"]+">2</td>', body)
    assert not Household.objects.filter(code="A-900").exists()


def test_the_page_imports_a_good_file_when_check_only_is_off(
    town: Town, client_for: object, tags: None
) -> None:
    client = client_for("sam")  # type: ignore[operator]
    response = client.post(
        "/exchange/",
        {"kind": "households", "file": upload(xlsx(good_households())), "dry_run": "on"},
    )
    assert response.status_code == 200 and not Household.objects.filter(code="A-101").exists()
    response = client.post(
        "/exchange/", {"kind": "households", "file": upload(xlsx(good_households()))}
    )
    assert response.status_code == 200
    assert Household.objects.filter(code__in=["A-101", "A-102"]).count() == 2


def test_people_without_import_or_export_rights_get_no_page(town: Town, client_for: object) -> None:
    assert client_for("oscar").get("/exchange/").status_code == 403  # type: ignore[operator]
    rita = client_for("rita")  # type: ignore[operator]
    assert rita.get("/exchange/").status_code == 200  # export only
    response = rita.post("/exchange/", {"kind": "households", "file": upload(bad_upload())})
    assert response.status_code == 403


def test_templates_download_with_the_import_headers(town: Town, client_for: object) -> None:
    client = client_for("sam")  # type: ignore[operator]
    for kind, first in (("households", "户"), ("organizations", "组织")):
        response = client.get(f"/exchange/template/{kind}.xlsx")
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        assert book.sheet_names[0] == first and "说明" in book.sheet_names
    assert client.get("/exchange/template/secrets.xlsx").status_code == 404


def test_the_households_template_itself_passes_a_dry_run(town: Town, client_for: object) -> None:
    Household.objects.none()
    report = services.import_file(
        actor=town.root,
        kind="households",
        filename="t.xlsx",
        data=writers.template_workbook("households"),
        dry_run=True,
    )
    # The example row names a village of the sample town, which this town lacks.
    assert {e.column for e in report.errors} <= {"村(社区)"}


def test_page_export_honours_filters_and_404s_outside_scope(town: Town, client_for: object) -> None:
    sam = client_for("sam")  # type: ignore[operator]
    response = sam.get(f"/exchange/export/households/?place={town.group_a2.pk}")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert [r[2] for r in sheets(response.content)["户"][1:]] == ["A-002"]
    assert sam.get(f"/exchange/export/households/?place={town.village_b.pk}").status_code == 404
    rita = client_for("rita")  # type: ignore[operator]
    response = rita.get("/exchange/export/households/")
    assert [r[2] for r in sheets(response.content)["户"][1:]] == ["B-001"]


def test_page_export_reveals_only_with_a_reason(town: Town, client_for: object) -> None:
    alice = client_for("alice")  # type: ignore[operator]
    assert alice.post("/exchange/export/households/", {"reveal": "1"}).status_code == 403
    response = alice.post("/exchange/export/households/", {"reveal": "1", "reason": "核对"})
    assert response.status_code == 200
    assert "13812345678" in {str(r[4]) for r in sheets(response.content)["户"]}


def test_a_town_admin_adds_a_tag_and_a_secretary_cannot(town: Town, client_for: object) -> None:
    client_for("alice").post("/exchange/tags/", {"name": "留守儿童", "applies_to": "both"})  # type: ignore[operator]
    assert Tag.objects.filter(name="留守儿童").exists()
    client_for("sam").post("/exchange/tags/", {"name": "越权", "applies_to": "both"})  # type: ignore[operator]
    assert not Tag.objects.filter(name="越权").exists()


# --- API --------------------------------------------------------------------


def test_api_import_answers_400_with_the_report_then_200_when_fixed(
    town: Town, api_for: object, tags: None
) -> None:
    api = api_for("sam")  # type: ignore[operator]
    response = api.post(
        "/api/exchange/import/",
        {"kind": "households", "file": upload(bad_upload())},
        format="multipart",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(2, "村民小组"), (2, "户主姓名")}
    response = api.post(
        "/api/exchange/import/",
        {"kind": "households", "file": upload(xlsx(good_households()))},
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["counts"]["households"] == 2


def test_api_export_is_scoped_and_404s_outside_scope(town: Town, api_for: object) -> None:
    response = api_for("rita").get("/api/exchange/export/households/")  # type: ignore[operator]
    assert response.status_code == 200
    assert [r[2] for r in sheets(response.content)["户"][1:]] == ["B-001"]
    sam = api_for("sam")  # type: ignore[operator]
    assert sam.get(f"/api/exchange/export/households/?place={town.village_b.pk}").status_code == 404
    assert sam.get("/api/exchange/export/nothing/").status_code == 404


# --- CLI --------------------------------------------------------------------


def test_cli_import_exits_1_with_the_report_and_imports_a_good_file(
    town: Town, tmp_path: Path, tags: None, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bad_upload())
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_data", "households", str(bad), "--as", "sam")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "九组" in out and "户主姓名" in out
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(good_households()))
    call_command("import_data", "households", str(good), "--as", "sam", "--dry-run")
    assert not Household.objects.filter(code="A-101").exists()
    call_command("import_data", "households", str(good))  # the first superuser
    assert Household.objects.filter(code="A-101").exists()


def test_cli_export_writes_the_visible_rows(town: Town, tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    call_command("export_data", "households", str(target), "--as", "rita")
    assert [r[2] for r in sheets(target.read_bytes())["户"][1:]] == ["B-001"]
    csv_target = tmp_path / "out.csv"
    call_command("export_data", "organizations", str(csv_target))
    assert csv_target.read_bytes().startswith(b"\xef\xbb\xbf")
