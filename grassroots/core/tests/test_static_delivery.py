"""Static delivery in production mode (issue #10, UI.md "Light"): hashed names, gzip and
brotli variants, a year of caching, and no 500 for a name the manifest lacks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

PRODUCTION_STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "grassroots.core.staticfiles.StaticFilesStorage"},
}
STATIC = Path(settings.BASE_DIR) / "static"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def manifest(root: Path) -> dict[str, str]:
    return json.loads((root / "staticfiles.json").read_text())["paths"]


@pytest.mark.parametrize(
    "name", ["css/site.css", "js/site.js", "vendor/htmx/htmx.min.js", "vendor/tabler/sprite.svg"]
)
def test_hashed_and_compressed_with_gzip_and_brotli(collected: Path, name: str) -> None:
    hashed = manifest(collected)[name]
    assert hashed != name and hashed.rsplit(".", 1)[0].rsplit(".", 1)[1]  # name.<hash>.ext
    for suffix in ("", ".gz", ".br"):
        assert (collected / (hashed + suffix)).is_file(), hashed + suffix


def test_the_shell_files_are_collected(collected: Path) -> None:
    paths = manifest(collected)
    for name in ("favicon.svg", "favicon-32.png", "manifest.webmanifest", "icon-192.png"):
        assert name in paths
    # ECharts ships only as the dashboards' tree-shaken build (scripts/echarts), never the full 1 MB.
    lean = collected / paths["vendor/echarts/echarts.min.js"]
    assert lean.stat().st_size < 500_000
    assert Path(str(lean) + ".gz").stat().st_size < 160_000


def test_hashed_files_are_cached_for_a_year(collected: Path) -> None:
    with override_settings(STATIC_ROOT=collected, STORAGES=PRODUCTION_STORAGES):
        whitenoise = WhiteNoiseMiddleware(get_response=lambda request: None)
        hashed = manifest(collected)["css/site.css"]
        assert whitenoise.immutable_file_test("", f"/static/{hashed}")
        assert not whitenoise.immutable_file_test("", "/static/css/site.css")


def test_a_name_missing_from_the_manifest_is_served_as_is(collected: Path) -> None:
    with override_settings(STATIC_ROOT=collected, STORAGES=PRODUCTION_STORAGES):
        assert staticfiles_storage.url("css/site.css") != "/static/css/site.css"
        assert staticfiles_storage.url("not/collected.css") == "/static/not/collected.css"


def test_our_own_css_and_js_stay_small() -> None:
    assert (STATIC / "css" / "site.css").stat().st_size < 40_000
    assert (STATIC / "js" / "site.js").stat().st_size < 20_000
    assert (STATIC / "vendor" / "tabler" / "sprite.svg").stat().st_size < 40_000


def test_the_icon_sprite_has_every_icon_the_templates_use() -> None:
    sprite = (STATIC / "vendor" / "tabler" / "sprite.svg").read_text()
    ids = set(re.findall(r'<symbol id="([^"]+)"', sprite))
    used: set[str] = set()
    for template in Path(settings.BASE_DIR, "grassroots").rglob("*.html"):
        used |= set(re.findall(r'<c-icon name="([a-z0-9-]+)"', template.read_text()))
        used |= set(re.findall(r'icon="([a-z0-9-]+)"', template.read_text()))
    for apps_py in Path(settings.BASE_DIR, "grassroots").glob("*/apps.py"):
        used |= set(
            re.findall(
                r'NavItem\(\s*"[^"]+",\s*[^,]+,\s*"[^"]+",\s*"([a-z0-9-]+)"', apps_py.read_text()
            )
        )
    assert used - ids == set()
    assert (STATIC / "vendor" / "tabler" / "LICENSE").is_file()
