"""Every catalogue is complete: no empty or fuzzy zh-hans translation, .mo up to date."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.apps import apps as django_apps

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry; plural forms joined."""
    result = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines or all(line.startswith("#~") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        text = "\n".join(line for line in lines if not line.startswith("#"))
        msgid = "".join(re.findall(r'"(.*)"', text.split("msgstr")[0].split("msgid_plural")[0]))
        msgstrs = re.split(r"^msgstr(?:\[\d+\])?", text, flags=re.M)[1:]
        msgstr = "|".join("".join(re.findall(r'"(.*)"', part)) for part in msgstrs)
        result.append((msgid, msgstr, fuzzy))
    return result


def test_there_are_catalogues_for_every_app_with_strings() -> None:
    apps = {po.parts[-5] for po in CATALOGUES}
    assert {"core", "accounts", "grid", "party", "exchange", "cases", "notify", "demo"} <= apps


def test_every_string_is_translated_and_none_is_fuzzy() -> None:
    problems = []
    for po in CATALOGUES:
        for msgid, msgstr, fuzzy in entries(po):
            if not msgid:
                continue  # the header
            if fuzzy or not msgstr.replace("|", "").strip():
                problems.append(f"{po.relative_to(ROOT)}: {msgid!r}")
    assert problems == [], "\n".join(problems[:50])


def test_compiled_catalogues_match_their_sources() -> None:
    stale = []
    for po in CATALOGUES:
        mo = po.with_suffix(".mo")
        if not mo.exists():
            stale.append(f"{po.relative_to(ROOT)}: no .mo")
            continue
        with mo.open("rb") as fh:
            catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        text = po.read_text(encoding="utf-8")
        for msgid, _msgstr, _fuzzy in entries(po):
            if msgid and "msgctxt" not in text:
                key = msgid.replace('\\"', '"').replace("\\n", "\n")
                if key not in catalog and (key, 0) not in catalog:
                    stale.append(f"{po.relative_to(ROOT)}: {msgid!r} missing from .mo")
                    break
    assert stale == [], "run `make messages`:\n" + "\n".join(stale)


def contextual_entries(po: Path) -> list[tuple[str | None, str, str]]:
    """(msgctxt, msgid, msgstr) for each live, translated, non-fuzzy entry; plural forms joined."""
    result = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines or any(line.startswith("#~") for line in lines):
            continue
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            continue
        text = "\n".join(line for line in lines if not line.startswith("#"))
        context = None
        if text.startswith("msgctxt"):
            head, text = text.split("\nmsgid", 1)
            context = "".join(re.findall(r'"(.*)"', head))
            text = "msgid" + text
        msgid = "".join(re.findall(r'"(.*)"', text.split("msgstr")[0].split("msgid_plural")[0]))
        msgstrs = re.split(r"^msgstr(?:\[\d+\])?", text, flags=re.M)[1:]
        msgstr = "|".join("".join(re.findall(r'"(.*)"', part)) for part in msgstrs)
        if msgid and msgstr.replace("|", "").strip():
            result.append((context, msgid, msgstr))
    return result


def test_a_string_is_translated_the_same_way_in_every_catalogue() -> None:
    """Django merges the apps' catalogues: the first app in INSTALLED_APPS wins everywhere.

    So a msgid (with the same msgctxt) worded differently in two catalogues shows one
    app's wording on another app's pages.
    """
    wordings: dict[tuple[str | None, str], dict[str, str]] = {}
    for po in CATALOGUES:
        app = po.parts[-5] if po.parts[-5] != "grassroots" else "(project)"
        for context, msgid, msgstr in contextual_entries(po):
            wordings.setdefault((context, msgid), {})[app] = msgstr
    # Django's own apps (sessions, admin, auth, humanize…) come first in INSTALLED_APPS, so
    # their wording of a msgid we share wins over ours ("Sessions" would read 会话).
    for config in django_apps.get_app_configs():
        po = Path(config.path) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if config.name.startswith("grassroots.") or not po.exists():
            continue
        for context, msgid, msgstr in contextual_entries(po):
            if (context, msgid) in wordings:
                wordings[(context, msgid)][f"django {config.label}"] = msgstr
    clashes = []
    for (context, msgid), by_app in sorted(
        wordings.items(), key=lambda item: (item[0][1], item[0][0] or "")
    ):
        if len(set(by_app.values())) > 1:
            label = f"{msgid!r}" + (f" (context {context!r})" if context else "")
            apps = ", ".join(f"{app}: {msgstr}" for app, msgstr in sorted(by_app.items()))
            clashes.append(f"{label} — {apps}")
    assert clashes == [], (
        f"{len(clashes)} string(s) translated differently in different catalogues; Django shows the "
        "wording of the app listed first in INSTALLED_APPS on every page. Use the same wording in "
        "every catalogue if the meaning is the same; otherwise give the app's own use a context "
        '(pgettext_lazy("<context>", ...) / {% translate "..." context "..." %}) and a msgctxt in '
        "its catalogue.\n" + "\n".join(clashes)
    )
