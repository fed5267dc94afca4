from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadenceConfig(AppConfig):
    name = "grassroots.cadence"
    label = "cadence"
    verbose_name = _("work cadence")

    def ready(self) -> None:
        from grassroots.cadence import services  # noqa: F401 - registers the jobs' work
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.core.roles import Cap

        def leads(scope):  # noqa: ANN001, ANN202
            return scope.can(Cap.MANAGE_DUTIES)

        register(
            NavItem(
                "arrangements",
                PLACES["arrangements"],
                "cadence:arrangements",
                "calendar",
                "party",
                40,
                visible=lambda scope: leads(scope) or scope.can(Cap.DO_DUTIES),
            ),
            NavItem(
                "reviews",
                PLACES["reviews"],
                "cadence:reviews",
                "chart-bar",
                "party",
                41,
                visible=lambda scope: leads(scope) or scope.can(Cap.REVIEW_DUTIES),
            ),
            NavItem(
                "guidance",
                PLACES["guidance"],
                "cadence:instructors",
                "users",
                "party",
                42,
                visible=lambda scope: leads(scope) or bool(scope.instructor_ids),
            ),
        )
