from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from grassroots.accounts import api as accounts_api
from grassroots.alliances import api as alliances_api
from grassroots.cadence import api as cadence_api
from grassroots.cases import api as cases_api
from grassroots.core import views as core_views
from grassroots.duties import api as duties_api
from grassroots.exchange import api as exchange_api
from grassroots.grid import api as grid_api
from grassroots.inspections import api as inspections_api
from grassroots.notify import api as notify_api
from grassroots.orglife import api as orglife_api
from grassroots.party import api as party_api
from grassroots.rectify import api as rectify_api
from grassroots.sites import api as sites_api
from grassroots.trainings import api as trainings_api
from grassroots.trainings import api_checkin as trainings_checkin_api

router = DefaultRouter()
# Cases first: filing is the busiest route, so it is the first the resolver tries.
for module in (
    cases_api,
    grid_api,
    party_api,
    accounts_api,
    exchange_api,
    notify_api,
    orglife_api,
    alliances_api,
    rectify_api,
    trainings_api,
    sites_api,
    inspections_api,
    duties_api,
    cadence_api,
):
    module.register(router)

urlpatterns = [
    # The queued filing's fast path, in front of the router's documented route (decision 0007).
    path("api/case-intake/", cases_api.intake_fast),
    # The token scan's fast path, in front of the router's documented route (decision 0011).
    path("api/training-checkins/", trainings_checkin_api.checkin_fast_view),
    # --- rollups (issue #13): the public figures (no login), in front of the router
    path("api/", include("grassroots.analytics.api_urls")),
    # --- end rollups
    path("api/", include(router.urls)),
    path("", include("grassroots.home.urls")),
    path("", include("grassroots.core.urls")),
    path("accounts/", include("grassroots.accounts.urls")),
    path("grid/", include("grassroots.grid.urls")),
    path("party/", include("grassroots.party.urls")),
    path("exchange/", include("grassroots.exchange.urls")),
    path("cases/", include("grassroots.cases.urls")),
    path("notify/", include("grassroots.notify.urls")),
    path("analytics/", include("grassroots.analytics.urls")),
    path("orglife/", include("grassroots.orglife.urls")),
    path("alliances/", include("grassroots.alliances.urls")),
    path("rectify/", include("grassroots.rectify.urls")),
    path("trainings/", include("grassroots.trainings.urls")),
    path("sites/", include("grassroots.sites.urls")),
    path("inspections/", include("grassroots.inspections.urls")),
    path("duties/", include("grassroots.duties.urls")),
    path("cadence/", include("grassroots.cadence.urls")),
    path("dashboards/", include("grassroots.dashboards.urls")),
    path("reports/", include("grassroots.reports.urls")),
    path("portal/", include("grassroots.portal.urls")),
    path("bench/", include("grassroots.bench.urls")),
    path("open311/v2/", include("grassroots.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split view: swagger-ui's initializer is served as a script file (our CSP allows no
    # inline script); only its small inline <style> needs an exemption.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

# Errors a person can read (core.errors): pages in the interface language, JSON under /api/.
handler400 = "grassroots.core.errors.bad_request"
handler403 = "grassroots.core.errors.permission_denied"
handler404 = "grassroots.core.errors.page_not_found"
handler500 = "grassroots.core.errors.server_error"
