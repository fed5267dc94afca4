from __future__ import annotations

from django.urls import path

from grassroots.core import auditlog, views
from grassroots.core.ui import views as ui

app_name = "core"
urlpatterns = [
    path("reveal/<str:label>/<id:pk>/<str:field>/", views.reveal, name="reveal"),
    path("me/", ui.me, name="me"),
    path("styleguide/", ui.styleguide, name="styleguide"),
    # --- audit (issue #14)
    path("audit/", auditlog.audit_log, name="audit_log"),
    path("audit/export/", auditlog.audit_log_export, name="audit_log_export"),
    # --- end audit
]
