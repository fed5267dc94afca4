"""The self-service limit counts filings, in the cache every worker shares (issue #9)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from grassroots.cases.models import Case
from grassroots.cases.views import REPORT_LIMIT, REPORT_RATE
from grassroots.core import ratelimit
from grassroots.testing import Town


def _post(client: Client, town: Town, n: int, **files: Any) -> Any:
    client.get(reverse("cases:report"))
    return client.post(
        reverse("cases:report"),
        {
            "place": town.group_a1.pk,
            "text": f"第{n}次反映路面问题",
            "answer": client.session["case_challenge"],
            **files,
        },
    )


def test_a_filing_the_service_refuses_gives_its_slot_back(
    town: Town, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    for n in range(REPORT_LIMIT + 2):
        fake = SimpleUploadedFile("x.jpg", b"\xff\xd8\xff\xe0 not an image" * 20)
        assert _post(client, town, n, photos=[fake]).status_code == 200
    assert ratelimit.used(REPORT_RATE, "127.0.0.1", window=3600) == 0
    assert _post(client, town, 99).status_code == 302
    assert Case.objects.count() == 1


def test_the_limit_is_read_from_the_shared_counter(town: Town) -> None:
    # Another worker's filings count: the counter is in the shared cache, not here.
    for _ in range(REPORT_LIMIT):
        assert ratelimit.hit(REPORT_RATE, "127.0.0.1", limit=REPORT_LIMIT, window=3600)
    client = Client()
    assert client.get(reverse("cases:report")).status_code == 200  # the form still shows
    assert _post(client, town, 1).status_code == 429
    assert not Case.objects.exists()
