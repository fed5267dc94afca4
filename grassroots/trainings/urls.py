from __future__ import annotations

from grassroots.trainings import urls_checkin, urls_programmes

app_name = "trainings"

urlpatterns = [*urls_programmes.urlpatterns, *urls_checkin.urlpatterns]
