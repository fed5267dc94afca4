"""The side-by-side report: one benchmark per row, one column per scale, and its growth.

`grassroots bench --report town.json county.json province.json` reads the JSON files that
runs wrote (`--json`) and prints a Markdown section for `docs/BENCHMARKS.md`: which run each
column comes from (date, database, households, load average), every benchmark's median and
p95 at each scale, whether its target was met at the scale it names, and how the operation
grows with the data (the exponent k of time ∝ households^k between two scales).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCALE_ORDER = ("town", "county", "province")


@dataclass
class Run:
    path: Path
    scale: str
    households: int
    when: str
    database: str
    load: list[float]
    results: dict[str, dict[str, Any]]


def key(name: str) -> str:
    """A benchmark's name without the sizes it mentions, so the same row matches across
    scales ("full roll-up rebuild (300,000 households)" → "full roll-up rebuild (N households)")."""
    return re.sub(r"\d[\d,.]*", "N", name)


def load_run(path: Path) -> Run:
    data = json.loads(path.read_text())
    results: dict[str, dict[str, Any]] = {}
    for r in data["results"]:
        if "name" in r:
            results.setdefault(f"{r['module']}: {key(r['name'])}", r)
        else:  # a benchmark that raised
            results[f"{r['module']}: {r['function']}"] = {"error": True}
    machine = data.get("machine", {})
    return Run(
        path=path,
        scale=data["scale"] if not data.get("quick") else "quick",
        households=int(data.get("households") or 0),
        when=_when(str(data.get("when", ""))),
        database=str(machine.get("database", "")),
        load=list(data.get("preparation", {}).get("load_average_start", []))
        + list(machine.get("load_average", [])),
        results=results,
    )


def _when(stamp: str) -> str:
    """ "2026-11-30T21:48:08+0800" → "2026-11-30 21:48 +0800" (the town's time, as recorded)."""
    day_time, _, offset = stamp.partition("+")
    return f"{day_time[:16].replace('T', ' ')} +{offset}" if offset else day_time[:16]


def growth(small: Run, large: Run, name: str) -> str:
    """ "constant", "sublinear", "linear" or "worse", from the medians of two scales."""
    a, b = small.results.get(name), large.results.get(name)
    if not a or not b or a.get("error") or b.get("error"):
        return ""
    if small.households <= 0 or large.households <= small.households:
        return ""
    ta, tb = a["median_ms"], b["median_ms"]
    if ta <= 0 or tb <= 0:
        return ""
    k = math.log(tb / ta) / math.log(large.households / small.households)
    label = "constant" if k < 0.2 else "sublinear" if k < 0.8 else "linear" if k <= 1.2 else "worse"
    return f"{label} (k={k:.2f})"


def _cell(r: dict[str, Any] | None, run_no: int) -> str:
    if r is None:
        return "not run"
    if r.get("error"):
        return f"ERROR [{run_no}]"
    met = r.get("met")
    mark = "" if met is None else (" ✓" if met else " ✗")
    return f"{_ms(r['median_ms'])} / {_ms(r['p95_ms'])}{mark} [{run_no}]"


def _ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f}"


@dataclass
class Scale:
    """The figures of one scale: each benchmark's newest result, and the run it comes from."""

    name: str
    households: int
    results: dict[str, tuple[dict[str, Any], int]]

    def run(self) -> Run:  # a Run view for growth()
        return Run(
            Path(),
            self.name,
            self.households,
            "",
            "",
            [],
            {k: r for k, (r, _) in self.results.items()},
        )


def render(runs: list[Run]) -> str:
    """One row per run (numbered), then one row per benchmark and one column per scale.

    Several runs of a scale may be given (a whole run and a later `--only` re-run): each
    benchmark's figure is taken from the last run given that has it, and names its run [n].
    """
    order = (*SCALE_ORDER, "quick")
    lines = [
        "| run | scale | households | database | ended | load average | file |",
        "|---|---|---|---|---|---|---|",
    ]
    scales: dict[str, Scale] = {}
    for no, run in enumerate(runs, start=1):
        # 1/5/15-minute load averages: at the start → at the end (older runs: the end only).
        half = len(run.load) // 2 if len(run.load) == 6 else 0
        load = " ".join(f"{x:.2f}" for x in run.load[:half]) + " → " if half else ""
        load += " ".join(f"{x:.2f}" for x in run.load[half:])
        lines.append(
            f"| [{no}] | {run.scale} | {run.households:,} | {run.database} | {run.when} | "
            f"{load} | `{run.path.name}` |"
        )
        scale = scales.setdefault(run.scale, Scale(run.scale, run.households, {}))
        for name, r in run.results.items():
            scale.results[name] = (r, no)
    ordered = sorted(scales.values(), key=lambda s: order.index(s.name))
    names: list[str] = []
    targets: dict[str, str] = {}
    for scale in ordered:
        for name, (r, _) in scale.results.items():
            if name not in names:
                names.append(name)
            if r.get("target") and name not in targets:
                at = f" (at {r['target_scale']})" if r.get("target_scale") else ""
                targets[name] = f"{r['target']}{at}"
    pairs = list(zip(ordered, ordered[1:], strict=False))
    header = ["benchmark", *(f"{s.name} median / p95 ms" for s in ordered), "target"]
    header += [f"growth {a.name}→{b.name}" for a, b in pairs]
    lines += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in names:
        cells = [name]
        for scale in ordered:
            found = scale.results.get(name)
            cells.append(_cell(found[0], found[1]) if found else "not run")
        cells.append(targets.get(name, ""))
        cells += [growth(a.run(), b.run(), name) for a, b in pairs]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    lines += [
        "",
        "[n]: the run the figure comes from. ✓/✗: the target met or missed at the scale it "
        "names (a target of another scale is not judged). Growth: the median's time ∝ "
        "households^k between the two scales' sizes; k < 0.2 constant, < 0.8 sublinear, "
        "≤ 1.2 linear, above: worse.",
    ]
    return "\n".join(lines)
