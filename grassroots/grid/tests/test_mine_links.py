from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from grassroots.testing import Town


@pytest.mark.django_db
def test_a_representative_reaches_a_need_form_in_two_taps_from_her_households(
    town: Town, client_for: Any
) -> None:
    """My households → the household (1 tap) → report a need (1 tap), the form pre-filled.

    Each card carries one primary action (log a visit); the card itself opens the
    household, whose page puts "report a need" in the thumb's reach.
    """
    rita = client_for("rita")
    page = rita.get(reverse("grid:mine"))
    household = reverse("grid:household", args=[town.household_b1.pk])
    assert page.status_code == 200 and f'href="{household}"' in page.text
    intake = f"{reverse('cases:intake')}?household={town.household_b1.pk}"
    assert intake in rita.get(household).text
    form = rita.get(intake)
    assert form.status_code == 200 and town.household_b1.code in form.text
