"""Pages of the rectification ledger: the list, its export and print view, register, detail."""

from __future__ import annotations

from grassroots.rectify.views.items import (
    evidence,
    extension_decide,
    extension_new,
    item_act,
    item_detail,
    item_new,
)
from grassroots.rectify.views.ledger import ledger, ledger_export, ledger_print

__all__ = [
    "evidence",
    "extension_decide",
    "extension_new",
    "item_act",
    "item_detail",
    "item_new",
    "ledger",
    "ledger_export",
    "ledger_print",
]
