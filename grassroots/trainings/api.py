from __future__ import annotations

from rest_framework.routers import BaseRouter

from grassroots.trainings import api_checkin, api_programmes


def register(router: BaseRouter) -> None:
    api_programmes.register(router)
    api_checkin.register(router)
