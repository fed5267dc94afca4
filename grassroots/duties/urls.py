from __future__ import annotations

app_name = "duties"

urlpatterns: list = []
