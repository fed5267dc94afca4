from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from grassroots.testing import Town


@pytest.mark.django_db
def test_a_representative_can_report_a_need_straight_from_her_household_list(
    town: Town, client_for: Any
) -> None:
    page = client_for("rita").get(reverse("grid:mine"))
    intake = f"{reverse('cases:intake')}?household={town.household_b1.pk}"
    assert page.status_code == 200 and intake in page.text
    form = client_for("rita").get(intake)
    assert form.status_code == 200 and town.household_b1.code in form.text
