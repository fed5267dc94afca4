"""Data labels in the interface language: a row's Chinese name, or its English name on English pages.

Category and tag names are data an administrator edits, not interface text, so
gettext cannot translate them; such rows carry an optional English name
(`name_en`) and show `data_label(name, name_en)`.
"""

from __future__ import annotations

from django.utils import translation


def data_label(name: str, name_en: str) -> str:
    language = translation.get_language() or ""
    if name_en and language.split("-")[0] == "en":
        return name_en
    return name
