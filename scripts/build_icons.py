"""Build static/vendor/tabler/sprite.svg: only the Tabler icons listed below, as one sprite.

    mkdir /tmp/icons && cd /tmp/icons && npm install @tabler/icons
    python scripts/build_icons.py /tmp/icons/node_modules/@tabler/icons

Each icon becomes a `<symbol id="NAME">`; `<c-icon name="NAME">` draws it with
`<svg><use href="…/sprite.svg#NAME">`. A name ending in `-filled` comes from the filled set.
Tabler Icons are MIT licensed; the licence is copied next to the sprite. Add an icon here,
run the script, commit the sprite.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ICON_NAMES = """
home home-heart users user user-circle id building building-community building-cottage
sitemap map map-pin flag star star-filled heart
message message-report messages bell bell-ringing mail send
clipboard-list clipboard-check list-details notes file-text file-spreadsheet news
alert-triangle alert-circle info-circle circle circle-check circle-x clock hourglass calendar
check x plus minus edit trash copy share external-link refresh dots
chevron-right chevron-left chevron-down chevron-up arrow-left arrow-right arrow-up arrow-down
search filter adjustments-horizontal sort-ascending sort-descending download upload
phone device-mobile camera photo walk route
chart-bar chart-pie trending-up trending-down
login logout language settings lock eye eye-off layout-grid layout-sidebar menu-2
"""
ICONS = ICON_NAMES.split()

OUT = Path(__file__).resolve().parent.parent / "static" / "vendor" / "tabler"
BOUNDING_BOX = re.compile(r'<path stroke="none" d="M0 0h24v24H0z" fill="none"\s*/>')


def symbol(package: Path, name: str) -> str:
    filled = name.endswith("-filled")
    base = name.removesuffix("-filled")
    source = package / "icons" / ("filled" if filled else "outline") / f"{base}.svg"
    text = source.read_text(encoding="utf-8")
    inner = text[text.index(">", text.index("<svg")) + 1 : text.rindex("</svg>")]
    inner = BOUNDING_BOX.sub("", inner)
    inner = " ".join(inner.split()).replace("> <", "><").strip()
    if filled:
        inner = f'<g fill="currentColor" stroke="none">{inner}</g>'
    return f'<symbol id="{name}" viewBox="0 0 24 24">{inner}</symbol>'


def main(package: Path) -> None:
    version = json.loads((package / "package.json").read_text())["version"]
    OUT.mkdir(parents=True, exist_ok=True)
    symbols = "\n".join(symbol(package, name) for name in sorted(set(ICONS)))
    (OUT / "sprite.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg">\n'
        f"<!-- Tabler Icons {version} (MIT), a subset built by scripts/build_icons.py -->\n"
        f"{symbols}\n</svg>\n",
        encoding="utf-8",
    )
    shutil.copyfile(package / "LICENSE", OUT / "LICENSE")
    print(f"{len(set(ICONS))} icons of Tabler Icons {version} -> {OUT / 'sprite.svg'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
