"""Site rows for the scope walker: a project with a checklist item, a photo and a linked
visit in the far town; a project per village branch of the persona town."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grassroots.sites import services
from grassroots.testing import Town


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile("site.png", out.getvalue(), content_type="image/png")


def far_rows(root: Any, far: dict[str, Any]) -> dict[str, Any]:
    project = services.project_create(
        actor=root,
        branch=far["branch"],
        name="远山村党群服务中心",
        deadline=dt.date(2027, 5, 31),
        checklist=["远方验收项"],
    )
    photo = services.photo_add(actor=root, project=project, upload=png(), caption="远方照片")
    services.visit_log(
        actor=root, project=project, topic="远方阵地指导", instructor=far["instructor"]
    )
    return {"site_project": project, "site_photo": photo, "site_check": project.checks.get()}


def town_rows(town: Town) -> None:
    for branch in (town.branch_a, town.branch_b):
        services.project_create(
            actor=town.root, branch=branch, name=f"{branch.name}党群服务中心", checklist=["场所"]
        )
