"""Placeholder (pages follow)."""

from __future__ import annotations

from django.http import HttpResponse


def _todo(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("")


ledger = ledger_export = ledger_print = item_new = item_detail = item_act = _todo
extension_new = extension_decide = evidence = _todo
