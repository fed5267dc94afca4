from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from grassroots.bench import runner
from grassroots.core.bench import BenchContext, BenchResult
from grassroots.testing import Town


def test_ping_is_a_trivial_json_view_without_data() -> None:
    response = Client().get("/bench/ping")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert Client().post("/bench/ping").status_code == 405


def test_discovery_finds_the_benchmark_modules_in_order() -> None:
    names = [f"{label}.{bench.__name__}" for label, bench in runner.discover()]
    assert names.index("bench.ping") < names.index("analytics.dashboard_reads")
    assert "grid.pages" in names
    assert names[-1].startswith("demo.")


def test_the_table_and_json_show_medians_targets_and_query_counts(db: None) -> None:
    ok = BenchResult(name="fast read", samples_s=[0.001, 0.002, 0.003], queries=1, target_s=0.01)
    slow = BenchResult(name="slow read", samples_s=[0.5], target="p95 < 20 ms", target_s=0.02)
    outcomes = [
        runner.Outcome("x", "reads", [ok, slow]),
        runner.Outcome("y", "broken", [], error="Traceback: boom"),
    ]
    text = runner.table(outcomes, judge=True)
    assert "fast read" in text and "2.0" in text and "yes" in text and "NO" in text
    assert "y.broken" in text and "ERROR" in text
    ctx = BenchContext(quick=False, scale="town", households=10)
    data = runner.report_json(ctx, outcomes, {"synth_s": 1.0}, judge=True)
    json.dumps(data)
    assert [r.get("met") for r in data["results"]] == [True, False, None]
    assert data["results"][0]["queries"] == 1
    assert data["machine"]["cpus"] >= 1


def test_a_target_is_judged_only_at_the_scale_it_names(db: None) -> None:
    rebuild = BenchResult(
        name="rebuild", samples_s=[2.0], target="< 60 s", target_s=60.0, target_scale="province"
    )
    outcomes = [runner.Outcome("analytics", "rebuild", [rebuild])]
    assert "not run (province)" in runner.table(outcomes, judge=True, scale="county")
    assert "yes" in runner.table(outcomes, judge=True, scale="province").splitlines()[-1]
    county = runner.report_json(
        BenchContext(quick=False, scale="county", households=10), outcomes, {}, judge=True
    )
    assert county["results"][0]["met"] is None
    assert county["results"][0]["target_scale"] == "province"


def test_the_bench_refuses_a_database_with_real_data(town: Town, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "set-by-test")
    assert runner.has_real_data()
    with pytest.raises(CommandError, match="not marked as demo"):
        call_command("bench", "--quick")


def test_the_report_sets_runs_side_by_side_with_each_operations_growth(db: None, tmp_path) -> None:
    def run(scale: str, households: int, rebuild_s: float, read_s: float) -> Path:
        results = [
            BenchResult(name=f"rebuild ({households:,} households)", samples_s=[rebuild_s]),
            BenchResult(
                name="dashboard read", samples_s=[read_s], target="p95 < 20 ms", target_s=0.02
            ),
        ]
        if scale == "county":
            results.append(BenchResult(name="county only", samples_s=[0.5]))
        data = runner.report_json(
            BenchContext(quick=False, scale=scale, households=households),
            [runner.Outcome("analytics", "x", results)],
            {},
            judge=True,
        )
        path = tmp_path / f"{scale}.json"
        path.write_text(json.dumps(data))
        return path

    files = [run("county", 300_000, 3.0, 0.0021), run("town", 7_000, 0.07, 0.0020)]
    rerun = json.loads(files[0].read_text())  # a later `--only` re-run of one benchmark
    rerun["results"] = [r for r in rerun["results"] if r["name"].startswith("rebuild")]
    rerun["results"][0]["median_ms"] = 6000.0
    files.append(tmp_path / "county-rerun.json")
    files[-1].write_text(json.dumps(rerun))
    out = StringIO()
    call_command("bench", "--report", *map(str, files), stdout=out)
    text = out.getvalue()
    rows = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines()}
    assert "| [3] | county |" in text  # every run listed, numbered
    assert text.index("town median") < text.index("county median")  # columns by scale
    rebuild = rows["analytics: rebuild (N households)"]
    assert "6.00 s" in rebuild and "[3]" in rebuild  # the newest run of the scale wins, named
    assert "linear (k=1.18)" in rebuild
    assert "[1]" in rows["analytics: dashboard read"]
    assert (
        "constant" in rows["analytics: dashboard read"] and "✓" in rows["analytics: dashboard read"]
    )
    assert "not run" in rows["analytics: county only"]
    with pytest.raises(CommandError, match="no such results file"):
        call_command("bench", "--report", str(tmp_path / "missing.json"))
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(CommandError, match="not a results file"):
        call_command("bench", "--report", str(tmp_path / "bad.json"))
