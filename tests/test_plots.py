"""Tests for :mod:`sim.plots` using small synthetic output tables."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.plots import FIGURE_NAMES, write_standard_figures

PNG_MAGIC = b"\x89PNG"

# Three regions of the tile-map layout (two highlighted ones) and one that is not on it.
REGIONS = ["Almaty city", "Astana city", "Atyrau Region", "Lakeside Province"]
TECHNOLOGIES = ["robots", "software", "genai"]
OCCUPATIONS = [
    ("2512", "Software developers", 2),
    ("2211", "Generalist medical practitioners", 2),
    ("9112", "Cleaners and helpers in offices", 9),
    ("9313", "Building construction labourers", 9),
]
GROUPS = ["native", "internal_migrant", "foreign_migrant", "kandas"]


def _synthetic_tables(n_months: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Build consistent synthetic output tables with ``n_months`` rows per entity."""
    rng = np.random.default_rng(seed)
    months = np.arange(n_months)
    dates = pd.date_range("2025-01-01", periods=n_months, freq="MS")

    labour_force = np.full(n_months, 9_500_000.0)
    unemployed = 450_000.0 + 5_000.0 * months + rng.normal(0, 2_000, n_months)
    employed = labour_force - unemployed
    vacancies = 120_000.0 - 2_000.0 * months
    displaced = np.full(n_months, 3_000.0)
    national = pd.DataFrame(
        {
            "month": months,
            "date": dates,
            "labour_force": labour_force,
            "employed": employed,
            "unemployed": unemployed,
            "in_training": np.full(n_months, 20_000.0),
            "unemployment_rate": unemployed / labour_force,
            "vacancies": vacancies,
            "displaced": displaced,
            "displaced_cum": np.cumsum(displaced),
            "reskilled_cum": np.cumsum(displaced) * 0.3,
            "redeployed_cum": np.cumsum(displaced) * 0.5,
            "jobs_automated_cum": np.cumsum(displaced) * 1.6,
            "new_jobs_cum": np.cumsum(displaced) * 0.8,
            "new_jobs_reinstatement_cum": np.cumsum(displaced) * 0.4,
            "new_jobs_productivity_cum": np.cumsum(displaced) * 0.5,
            "new_jobs_trend_cum": -np.cumsum(displaced) * 0.1,
            "automation_share": 0.005 + 0.001 * months,
            "mean_wage": 380_000.0 + 1_500.0 * months,
            "internal_moves": np.full(n_months, 15_000.0),
            "immigrants": np.full(n_months, 2_000.0),
            "emigrants": np.full(n_months, 1_500.0),
        }
    )

    region_rows = []
    for i, region in enumerate(REGIONS):
        for m in months:
            lf = 1_000_000.0 * (i + 1)
            unemp = lf * (0.04 + 0.01 * i + 0.0005 * m)
            region_rows.append(
                {
                    "month": m,
                    "region": region,
                    "labour_force": lf,
                    "employed": lf - unemp,
                    "unemployed": unemp,
                    "unemployment_rate": unemp / lf,
                    "vacancies": 10_000.0 * (i + 1),
                    "mean_wage": 300_000.0 + 100_000.0 * i + 1_000.0 * m,
                    # Region i reaches 1% in month 3 * i (the last region never does).
                    "automation_share": 0.004 + 0.002 * m / (i + 1) if i < 3 else 0.002,
                    "displaced_cum": 500.0 * m,
                }
            )

    occupation_rows = []
    for j, (code, title, major) in enumerate(OCCUPATIONS):
        for m in months:
            occupation_rows.append(
                {
                    "month": m,
                    "occupation": code,
                    "title": title,
                    "major": major,
                    "employed": 1_500_000.0
                    + 200_000.0 * j
                    + (1 if major == 2 else -1) * 5_000.0 * m,
                    "unemployed": 50_000.0,
                    "vacancies": 5_000.0,
                    "mean_wage": 250_000.0 + 50_000.0 * j,
                    "automation_share": 0.1 * j,
                }
            )

    group_rows = []
    for k, group in enumerate(GROUPS):
        for m in months:
            # The last group ("kandas") is empty: zero labour force throughout.
            lf = 0.0 if group == "kandas" else 5_000_000.0 / (k + 1)
            unemp = lf * (0.05 + 0.01 * k)
            group_rows.append(
                {
                    "month": m,
                    "group": group,
                    "labour_force": lf,
                    "employed": lf - unemp,
                    "unemployed": unemp,
                    "in_training": 0.0,
                    "reskilled_cum": 0.0,
                    "mean_wage": 0.0 if lf == 0 else 350_000.0,
                }
            )

    risk_rows = []
    for i, region in enumerate(REGIONS):
        for j, (code, title, _major) in enumerate(OCCUPATIONS):
            jobs = 200_000.0 * (i + 1) + 50_000.0 * j
            risk_rows.append(
                {
                    "region": region,
                    "occupation": code,
                    "title": title,
                    "sector": "J" if j == 0 else "Q",
                    "jobs": jobs,
                    "jobs_at_risk": jobs * (0.1 + 0.05 * i + 0.1 * (j == 0)),
                    "genai_replaceable": jobs * 0.02 * (i + 1),
                }
            )

    technology_rows = []
    start_cost = {"robots": 900_000.0, "software": 420_000.0, "genai": 150_000.0}
    for tech in TECHNOLOGIES:
        for m in months:
            cost = start_cost[tech] * 0.97**m
            for i, region in enumerate(REGIONS):
                technology_rows.append(
                    {
                        "month": m,
                        "technology": tech,
                        "region": region,
                        "cost": cost,
                        "adoption_share": 0.001 * m * (i + 1),
                        "firms_adopting_share": 0.002 * m,
                        "firms_aware_share": min(1.0, 0.05 * (m + 1)),
                    }
                )
    technologies = pd.DataFrame(technology_rows)
    technologies["technology"] = pd.Categorical(technologies["technology"], TECHNOLOGIES)
    regions = pd.DataFrame(region_rows)
    regions["region"] = pd.Categorical(regions["region"], REGIONS)

    return {
        "national": national,
        "regions": regions,
        "occupations": pd.DataFrame(occupation_rows),
        "groups": pd.DataFrame(group_rows),
        "risk": pd.DataFrame(risk_rows),
        "technologies": technologies,
    }


def _check_output(
    paths: list[Path], out_dir: Path, expected: tuple[str, ...] = FIGURE_NAMES
) -> None:
    """Assert that the expected figures exist as PNGs and no other (temporary) file is left."""
    assert [p.name for p in paths] == list(expected)
    for path in paths:
        assert path.parent == out_dir
        assert path.is_file()
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC), path
        assert len(data) > 1_000, path
    leftovers = sorted(p.name for p in out_dir.iterdir() if p.name not in expected)
    assert leftovers == []


@pytest.mark.filterwarnings("error")
def test_write_standard_figures_13_months(tmp_path: Path) -> None:
    out_dir = tmp_path / "figures" / "nested"  # created by the function
    paths = write_standard_figures(_synthetic_tables(13), out_dir, scenario="baseline")
    _check_output(paths, out_dir)


@pytest.mark.filterwarnings("error")
def test_write_standard_figures_single_month(tmp_path: Path) -> None:
    paths = write_standard_figures(_synthetic_tables(1), tmp_path)
    _check_output(paths, tmp_path)


def test_overwrite_existing_figures(tmp_path: Path) -> None:
    tables = _synthetic_tables(4)
    first = write_standard_figures(tables, tmp_path, scenario="a")
    second = write_standard_figures(tables, tmp_path, scenario="b")
    assert first == second
    _check_output(second, tmp_path)


@pytest.mark.filterwarnings("error")
def test_all_groups_empty(tmp_path: Path) -> None:
    tables = _synthetic_tables(3)
    tables["groups"] = tables["groups"].assign(labour_force=0.0, employed=0.0, unemployed=0.0)
    paths = write_standard_figures(tables, tmp_path)
    _check_output(paths, tmp_path)


def test_missing_table_is_skipped(tmp_path: Path) -> None:
    tables = _synthetic_tables(3)
    del tables["groups"]
    paths = write_standard_figures(tables, tmp_path)
    assert [p.name for p in paths] == [n for n in FIGURE_NAMES if n != "groups.png"]
    assert not (tmp_path / "groups.png").exists()


def test_figure_names_extended() -> None:
    assert FIGURE_NAMES[-4:] == (
        "adoption_by_region.png",
        "displacement_new_jobs.png",
        "jobs_at_risk_regions.png",
        "technology_cost_vs_wage.png",
    )


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("n_months", [1, 13])
def test_risk_and_technologies_missing(
    tmp_path: Path, n_months: int, caplog: pytest.LogCaptureFixture
) -> None:
    tables = _synthetic_tables(n_months)
    del tables["risk"]
    tables["technologies"] = tables["technologies"].iloc[0:0]  # empty counts as missing
    skipped = ("jobs_at_risk_regions.png", "technology_cost_vs_wage.png")
    with caplog.at_level(logging.WARNING, logger="sim.plots"):
        paths = write_standard_figures(tables, tmp_path)
    expected = tuple(n for n in FIGURE_NAMES if n not in skipped)
    _check_output(paths, tmp_path, expected)
    for name in skipped:
        assert any(name in record.getMessage() for record in caplog.records), name


def test_missing_column_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    tables = _synthetic_tables(3)
    tables["national"] = tables["national"].drop(columns="redeployed_cum")
    tables["regions"] = tables["regions"].assign(automation_share=np.nan)
    with caplog.at_level(logging.WARNING, logger="sim.plots"):
        paths = write_standard_figures(tables, tmp_path)
    skipped = ("adoption_by_region.png", "displacement_new_jobs.png")
    _check_output(paths, tmp_path, tuple(n for n in FIGURE_NAMES if n not in skipped))
    messages = " ".join(record.getMessage() for record in caplog.records)
    assert "redeployed_cum" in messages and "automation_share" in messages


@pytest.mark.filterwarnings("error")
def test_technology_cost_payroll_tax_and_cheap_technology(tmp_path: Path) -> None:
    tables = _synthetic_tables(5)
    # A technology that is cheaper than labour from the start and one that never is.
    tables["technologies"] = tables["technologies"].assign(
        cost=np.where(tables["technologies"]["technology"] == "robots", 1e9, 1_000.0)
    )
    paths = write_standard_figures(tables, tmp_path, payroll_tax=0.0)
    _check_output(paths, tmp_path)
