"""Tests for :mod:`sim.compare` on hand-written run folders (no simulator runs)."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.compare import (
    COST_PER_JOB,
    HEADLINE_METRICS,
    TABLE_COLUMNS,
    CompareError,
    compare,
    find_runs,
    headline_metrics,
    main,
)
from sim.config import LabsimConfig
from sim.output import MANIFEST, write_run

GROUPS = ["native", "internal_migrant", "foreign_migrant", "kandas"]
T_975_DF2 = 4.302652729911275  # 0.975 quantile of Student's t with 2 degrees of freedom
PNG_MAGIC = b"\x89PNG"

NATIONAL_DEFAULTS = {
    "unemployment_rate": 0.05,
    "unemployed": 450_000.0,
    "employed": 9_000_000.0,
    "in_training": 10_000.0,
    "long_term_unemployed": 120_000.0,
    "displaced_long_term_unemployed": 15_000.0,
    "displaced_jobless_12m": 20_000.0,
    "displaced_cum": 50_000.0,
    "reskilled_cum": 5_000.0,
    "reemployed_after_training_cum": 3_000.0,
    "new_jobs_cum": 40_000.0,
    "wage_gini": 0.35,
    "public_spending_kzt": 2e10,
    "public_revenue_kzt": 1e10,
    "net_public_cost_kzt": 1e10,
}


def national_table(horizon: int, **columns: float | list[float]) -> pd.DataFrame:
    """National table for months 0..horizon; ``columns`` override the defaults.

    A scalar fills every month; a list gives the value of each month.
    """
    months = np.arange(horizon + 1)
    data = {"month": months.astype(np.int32)}
    for name, default in NATIONAL_DEFAULTS.items():
        value = columns.get(name, default)
        data[name] = np.broadcast_to(np.asarray(value, dtype=float), months.shape).copy()
    return pd.DataFrame(data)


def groups_table(
    horizon: int,
    labour_force: dict[str, float] | None = None,
    long_term_unemployed: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Groups table for months 0..horizon, the same values each month."""
    labour_force = labour_force or dict.fromkeys(GROUPS, 1_000_000.0)
    long_term_unemployed = long_term_unemployed or dict.fromkeys(GROUPS, 30_000.0)
    rows = [
        {
            "month": month,
            "group": group,
            "labour_force": labour_force[group],
            "unemployed": 0.05 * labour_force[group],
            "long_term_unemployed": long_term_unemployed[group],
            "displaced_jobless_12m": 5_000.0,
        }
        for month in range(horizon + 1)
        for group in GROUPS
    ]
    table = pd.DataFrame(rows)
    table["month"] = table["month"].astype(np.int32)
    table["group"] = pd.Categorical(table["group"], categories=GROUPS)
    return table


def write_synthetic_run(
    folder: Path,
    scenario: str,
    seed: int,
    horizon: int = 24,
    groups: pd.DataFrame | None = None,
    **columns: float | list[float],
) -> Path:
    """Write a complete run folder with the project's own writer (manifest with hashes)."""
    cfg = LabsimConfig(scenario_name=scenario, seed=seed, horizon_months=horizon)
    tables = {
        "national": national_table(horizon, **columns),
        "groups": groups if groups is not None else groups_table(horizon),
    }
    write_run(folder, tables, cfg, figures=[], extra={})
    return folder


def metric_row(table: pd.DataFrame, scenario: str, horizon: int, metric: str) -> pd.Series:
    rows = table[
        (table["scenario"] == scenario)
        & (table["horizon"] == horizon)
        & (table["metric"] == metric)
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def test_paired_difference_and_t_interval_match_hand_computation(tmp_path):
    base = {1: 0.050, 2: 0.060, 3: 0.055}
    diff = {1: 0.010, 2: 0.020, 3: 0.040}
    for seed in base:
        write_synthetic_run(tmp_path / f"b{seed}", "baseline", seed, unemployment_rate=base[seed])
        write_synthetic_run(
            tmp_path / f"a{seed}", "policy", seed, unemployment_rate=base[seed] + diff[seed]
        )
    table = compare(find_runs([tmp_path]), "baseline", [12])

    assert list(table.columns) == list(TABLE_COLUMNS)
    assert list(table["metric"]) == [*HEADLINE_METRICS, COST_PER_JOB]
    row = metric_row(table, "policy", 12, "unemployment_rate")
    d = list(diff.values())
    mean = sum(d) / 3
    half = T_975_DF2 * statistics.stdev(d) / math.sqrt(3)
    assert row["n_seeds"] == 3
    assert row["difference"] == pytest.approx(mean, rel=1e-9)
    assert row["ci_low"] == pytest.approx(mean - half, rel=1e-9)
    assert row["ci_high"] == pytest.approx(mean + half, rel=1e-9)
    assert row["baseline_mean"] == pytest.approx(0.055)
    assert row["scenario_mean"] == pytest.approx(0.055 + mean)
    assert row["relative_difference"] == pytest.approx(mean / 0.055)
    # Identical values in both scenarios: zero difference, zero-width interval.
    same = metric_row(table, "policy", 12, "employed")
    assert (same["difference"], same["ci_low"], same["ci_high"]) == (0.0, 0.0, 0.0)


def test_ci_level_changes_the_quantile(tmp_path):
    for seed, d in ((1, 1_000.0), (2, 3_000.0)):
        write_synthetic_run(tmp_path / f"b{seed}", "baseline", seed)
        write_synthetic_run(tmp_path / f"a{seed}", "policy", seed, employed=9_000_000.0 + d)
    runs = find_runs([tmp_path])
    wide = metric_row(compare(runs, "baseline", [12], level=0.99), "policy", 12, "employed")
    narrow = metric_row(compare(runs, "baseline", [12], level=0.5), "policy", 12, "employed")
    # n = 2: s_d = sqrt(2) * 1000, t_{0.75, 1} = 1, so the 50% half-width is 1000.
    assert narrow["ci_high"] - narrow["difference"] == pytest.approx(1_000.0)
    assert wide["ci_high"] - wide["ci_low"] > narrow["ci_high"] - narrow["ci_low"]


def test_pairing_uses_only_common_seeds(tmp_path):
    # Seed 1 only in the baseline and seed 4 only in the scenario, with wild values.
    for seed, value in ((1, 1e9), (2, 100.0), (3, 200.0)):
        write_synthetic_run(tmp_path / f"b{seed}", "baseline", seed, new_jobs_cum=value)
    for seed, value in ((2, 150.0), (3, 260.0), (4, -1e9)):
        write_synthetic_run(tmp_path / f"a{seed}", "policy", seed, new_jobs_cum=value)
    table = compare(find_runs([tmp_path]), "baseline", [6])
    row = metric_row(table, "policy", 6, "new_jobs_cum")
    assert row["n_seeds"] == 2
    assert row["difference"] == pytest.approx(55.0)
    assert row["baseline_mean"] == pytest.approx(150.0)
    assert row["scenario_mean"] == pytest.approx(205.0)


def test_single_seed_has_nan_interval_and_zero_baseline_nan_relative(tmp_path):
    write_synthetic_run(tmp_path / "b", "baseline", 1, reskilled_cum=0.0)
    write_synthetic_run(tmp_path / "a", "policy", 1, reskilled_cum=700.0)
    table = compare(find_runs([tmp_path]), "baseline", [12])
    row = metric_row(table, "policy", 12, "reskilled_cum")
    assert row["n_seeds"] == 1
    assert row["difference"] == pytest.approx(700.0)
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    assert math.isnan(row["relative_difference"])


def test_cumulative_cost_sums_months_1_to_h():
    # Month 0 carries a huge cost that must not count; months after h must not either.
    cost = [1e15] + [float(m) for m in range(1, 25)]
    national = national_table(24, net_public_cost_kzt=cost, public_spending_kzt=cost)
    metrics = headline_metrics(national, groups_table(24), 12)
    assert metrics["net_public_cost_cum_kzt"] == pytest.approx(sum(range(1, 13)))
    assert metrics["public_spending_cum_kzt"] == pytest.approx(sum(range(1, 13)))
    assert headline_metrics(national, groups_table(24), 0)["net_public_cost_cum_kzt"] == 0.0


def test_headline_metrics_groups_natives_and_migrants():
    lf = {"native": 8e6, "internal_migrant": 1e6, "foreign_migrant": 2e5, "kandas": 3e5}
    ltu = {
        "native": 80_000.0,
        "internal_migrant": 9e9,
        "foreign_migrant": 4_000.0,
        "kandas": 6_000.0,
    }
    national = national_table(12, unemployment_rate=[0.04] * 12 + [0.07], wage_gini=0.3)
    metrics = headline_metrics(national, groups_table(12, lf, ltu), 12)
    assert list(metrics) == list(HEADLINE_METRICS)
    assert metrics["unemployment_rate"] == pytest.approx(0.07)
    assert metrics["wage_gini"] == pytest.approx(0.3)
    assert metrics["ltu_natives"] == pytest.approx(80_000.0)
    assert metrics["ltu_migrants"] == pytest.approx(10_000.0)
    assert metrics["ltu_rate_natives"] == pytest.approx(0.01)
    assert metrics["ltu_rate_migrants"] == pytest.approx(0.02)


def test_cost_per_job_saved(tmp_path):
    for seed in (1, 2):
        write_synthetic_run(tmp_path / f"b{seed}", "baseline", seed, horizon=12)
        # Same employment, higher cost: no job saved.
        write_synthetic_run(
            tmp_path / f"s{seed}", "same_jobs", seed, horizon=12, net_public_cost_kzt=2e10
        )
        # Fewer jobs at higher cost: wrong sign.
        write_synthetic_run(
            tmp_path / f"f{seed}",
            "fewer_jobs",
            seed,
            horizon=12,
            net_public_cost_kzt=2e10,
            employed=8_990_000.0,
        )
        # 1e9 KZT more a month over 12 months for 1000 + 1000 * seed more employed.
        write_synthetic_run(
            tmp_path / f"m{seed}",
            "more_jobs",
            seed,
            horizon=12,
            net_public_cost_kzt=1.1e10,
            employed=9_000_000.0 + 1_000.0 + 1_000.0 * seed,
        )
    table = compare(find_runs([tmp_path]), "baseline", [12])
    for scenario in ("same_jobs", "fewer_jobs"):
        row = metric_row(table, scenario, 12, COST_PER_JOB)
        assert math.isnan(row["difference"]) and not math.isinf(row["difference"])
    row = metric_row(table, "more_jobs", 12, COST_PER_JOB)
    assert row["difference"] == pytest.approx(12e9 / 2_500.0)
    assert row["n_seeds"] == 2
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])


def test_find_runs_recursive_and_direct(tmp_path):
    write_synthetic_run(tmp_path / "sweep" / "baseline" / "0", "baseline", 1)
    write_synthetic_run(tmp_path / "sweep" / "deep" / "x" / "y", "policy", 1)
    direct = write_synthetic_run(tmp_path / "single", "policy", 2)
    runs = find_runs([tmp_path / "sweep", direct, tmp_path / "sweep" / "baseline"])
    assert [(r.scenario, r.seed) for r in runs] == [("baseline", 1), ("policy", 1), ("policy", 2)]
    assert runs[2].path == direct


def test_incomplete_run_folders_are_skipped(tmp_path, capsys):
    write_synthetic_run(tmp_path / "good", "baseline", 1)
    no_manifest = write_synthetic_run(tmp_path / "crashed", "baseline", 2)
    (no_manifest / MANIFEST).unlink()
    tampered = write_synthetic_run(tmp_path / "tampered", "baseline", 3)
    national_table(24, employed=1.0).to_parquet(tampered / "national.parquet")
    runs = find_runs([tmp_path])
    assert [r.seed for r in runs] == [1]
    err = capsys.readouterr().err
    assert "crashed" in err and "tampered" in err and "warning" in err


def test_error_missing_path(tmp_path):
    with pytest.raises(CompareError, match="nowhere"):
        find_runs([tmp_path / "nowhere"])


def test_error_folder_without_runs(tmp_path):
    write_synthetic_run(tmp_path / "ok", "baseline", 1)
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(CompareError, match="empty_dir"):
        find_runs([tmp_path / "ok", tmp_path / "empty_dir"])


def test_error_duplicate_scenario_seed(tmp_path):
    write_synthetic_run(tmp_path / "first", "baseline", 7)
    write_synthetic_run(tmp_path / "second", "baseline", 7)
    with pytest.raises(CompareError) as info:
        find_runs([tmp_path])
    message = str(info.value)
    assert "first" in message and "second" in message and "seed 7" in message


def test_error_missing_baseline(tmp_path):
    write_synthetic_run(tmp_path / "a", "fast_ai", 1)
    write_synthetic_run(tmp_path / "b", "robot_tax", 1)
    with pytest.raises(CompareError) as info:
        compare(find_runs([tmp_path]), "status_quo", [12])
    message = str(info.value)
    assert "status_quo" in message and "fast_ai" in message and "robot_tax" in message


def test_error_horizon_beyond_run(tmp_path):
    write_synthetic_run(tmp_path / "b", "baseline", 1, horizon=24)
    write_synthetic_run(tmp_path / "short", "policy", 1, horizon=10)
    with pytest.raises(CompareError) as info:
        compare(find_runs([tmp_path]), "baseline", [12])
    message = str(info.value)
    assert "policy seed 1" in message and "short" in message and "12" in message
    assert "0..10" in message


def test_main_writes_table_markdown_and_figures(tmp_path, capsys):
    for seed in (1, 2, 3):
        write_synthetic_run(tmp_path / "runs" / f"b{seed}", "baseline", seed)
        write_synthetic_run(
            tmp_path / "runs" / f"a{seed}",
            "policy",
            seed,
            unemployment_rate=0.05 + 0.001 * seed,
            employed=9_000_000.0 + 1_000.0 * seed,
        )
    write_synthetic_run(tmp_path / "runs" / "c1", "other", 1)
    out = tmp_path / "out" / "cmp"
    assert main([str(tmp_path / "runs"), "--out", str(out)]) == 0

    table = pd.read_csv(out / "comparison.csv")
    assert list(table.columns) == list(TABLE_COLUMNS)
    # Default horizons: 12, 60 and the last month; 60 is beyond these 24-month runs.
    assert sorted(set(table["horizon"])) == [12, 24]
    assert set(table["scenario"]) == {"policy", "other"}
    md = (out / "comparison.md").read_text()
    assert "## Month 12" in md and "## Month 24" in md and "`policy`" in md
    assert "+0.20 [" in md  # unemployment rate difference in percentage points
    assert "+2,000 [" in md  # employed, persons rounded to 100
    for name in ("compare_timeseries.png", "compare_differences.png"):
        assert (out / "figures" / name).read_bytes().startswith(PNG_MAGIC)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    printed = capsys.readouterr().out
    assert "policy: 3 seeds" in printed and str(out) in printed


def test_main_returns_2_on_error(tmp_path, capsys):
    write_synthetic_run(tmp_path / "a", "policy", 1)
    code = main([str(tmp_path), "--out", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("labsim-compare: error: ") and "'baseline'" in err and "policy" in err
    assert not (tmp_path / "out").exists()

    write_synthetic_run(tmp_path / "b", "baseline", 1)
    argv = [str(tmp_path), "--out", str(tmp_path / "out"), "--horizons", "12", "30"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "labsim-compare: error: " in err and "horizon 30" in err and "0..24" in err
    assert main([str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 2
    assert "missing" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
