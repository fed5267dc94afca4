from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from grassroots.accounts import api as accounts_api
from grassroots.core import views as core_views
from grassroots.grid import api as grid_api
from grassroots.party import api as party_api

router = DefaultRouter()
for module in (grid_api, party_api, accounts_api):
    module.register(router)

urlpatterns = [
    path("", include("grassroots.core.urls")),
    path("accounts/", include("grassroots.accounts.urls")),
    path("grid/", include("grassroots.grid.urls")),
    path("party/", include("grassroots.party.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
