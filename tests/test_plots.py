"""Tests for :mod:`sim.plots` using small synthetic output tables."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.fiscal import REVENUE_COLUMNS, SPENDING_COLUMNS
from sim.plots import (
    BUDGET_COLUMNS,
    FIGURE_NAMES,
    RESKILLING_COLUMNS,
    _fig_public_budget,
    _fig_reskilling,
    _month_dates,
    _net_migration_per_year,
    _reemployment_last_month,
    save_figure,
    write_standard_figures,
)

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
NEW_FIGURES = (
    "net_migration_by_region.png",
    "groups_unemployment_wages.png",
    "displacement_reemployment_by_group.png",
    "international_migration.png",
    "reskilling.png",
    "public_budget.png",
)
GROUP_FIGURES = (
    "groups.png",
    "groups_unemployment_wages.png",
    "displacement_reemployment_by_group.png",
)


def _synthetic_flows(n_years: int) -> pd.DataFrame:
    """Moves between the synthetic regions in each of ``n_years`` years.

    Region ``i`` sends ``100 * (i + 1)`` persons a year to each other region, so with
    ``n`` regions its net migration is ``100 * (n * (n + 1) / 2 - n * (i + 1))`` a year.
    """
    rows = [
        {"year": year, "origin": origin, "destination": destination, "persons": 100.0 * (i + 1)}
        for year in range(1, n_years + 1)
        for i, origin in enumerate(REGIONS)
        for destination in REGIONS
        if destination != origin
    ]
    flows = pd.DataFrame(rows, columns=["year", "origin", "destination", "persons"])
    flows["year"] = flows["year"].astype(np.int32)
    for column in ("origin", "destination"):
        flows[column] = pd.Categorical(flows[column], REGIONS)
    return flows


TRAINING_BUDGET_FIGURES = ("reskilling.png", "public_budget.png")


def _set_budget_totals(national: pd.DataFrame) -> None:
    """Recompute the public budget totals of a national table from its items, in place."""
    national["public_spending_kzt"] = national[list(SPENDING_COLUMNS)].sum(axis=1)
    national["public_revenue_kzt"] = national[list(REVENUE_COLUMNS)].sum(axis=1)
    national["net_public_cost_kzt"] = (
        national["public_spending_kzt"] - national["public_revenue_kzt"]
    )


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
            "migration_moves": np.full(n_months, 9_000.0),
            "immigrants": np.full(n_months, 2_000.0),
            "foreign_arrivals": np.full(n_months, 1_700.0),
            "irregular_arrivals": np.full(n_months, 500.0),
            "kandas_arrivals": np.full(n_months, 300.0),
            "returns": np.full(n_months, 1_600.0) + rng.normal(0, 100, n_months),
            "emigrants": np.full(n_months, 1_500.0),
            "foreign_migrants": 300_000.0 + 100.0 * months,
            "irregular_migrants": 100_000.0 - 500.0 * months,
            # Training (persons): starts never exceed places.
            "training_places": 3_000.0 + 100.0 * months,
            "training_starts": np.full(n_months, 2_500.0),
            "training_completions": np.full(n_months, 2_000.0),
            "reskilled": np.full(n_months, 1_500.0),
            "reemployed_after_training_cum": np.cumsum(displaced) * 0.15,
            "long_term_unemployed": 100_000.0 - 1_000.0 * months,
            "displaced_jobless_12m": np.clip(months - 12, 0, None) * 500.0,
        }
    )
    # Public budget (KZT per month): some items are zero throughout.
    budget = {
        "benefits_kzt": 9e9 + 1e8 * months,
        "training_cost_kzt": np.full(n_months, 1.4e9),
        "training_stipends_kzt": np.full(n_months, 0.6e9),
        "inclusion_kzt": np.zeros(n_months),
        "relocation_subsidy_kzt": np.full(n_months, 5e7),
        "redeployment_subsidy_kzt": np.zeros(n_months),
        "automation_subsidy_kzt": np.zeros(n_months),
        "payroll_tax_revenue_kzt": 420e9 + 1e9 * months,
        "automation_tax_revenue_kzt": np.zeros(n_months),
    }
    for name, values in budget.items():
        national[name] = values
    # Month 0 is the initial state: no flows yet.
    flow_columns = [
        "internal_moves",
        "migration_moves",
        "immigrants",
        "foreign_arrivals",
        "irregular_arrivals",
        "kandas_arrivals",
        "returns",
        "emigrants",
        "training_places",
        "training_starts",
        "training_completions",
        "reskilled",
        *budget,
    ]
    national.loc[national["month"] == 0, flow_columns] = 0.0
    _set_budget_totals(national)

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
            # Natives are displaced and re-employed, internal migrants displaced but not
            # yet re-employed, foreign migrants and kandas not displaced at all.
            displaced = {"native": 1_000.0 * m, "internal_migrant": 200.0 * m}.get(group, 0.0)
            reemployed = 0.4 * displaced if group == "native" else 0.0
            search = 2.5 * displaced
            group_rows.append(
                {
                    "month": m,
                    "group": group,
                    "labour_force": lf,
                    "employed": lf - unemp,
                    "unemployed": unemp,
                    "in_training": 0.0,
                    # Foreign migrants are never reskilled.
                    "reskilled_cum": 0.0 if group == "foreign_migrant" else 300.0 * m / (k + 1),
                    "long_term_unemployed": 0.2 * unemp,
                    "mean_wage": 0.0 if lf == 0 else 350_000.0 - 20_000.0 * k + 500.0 * m,
                    "displaced_cum": displaced,
                    "reemployed_cum": reemployed,
                    "displaced_search_months_cum": search,
                    "months_to_reemployment_cum": 3.0 * reemployed,
                    "arrivals_cum": 100.0 * m if group in ("foreign_migrant", "kandas") else 0.0,
                    "departures_cum": 80.0 * m,
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
    groups = pd.DataFrame(group_rows)
    groups["group"] = pd.Categorical(groups["group"], GROUPS)

    return {
        "national": national,
        "regions": regions,
        "occupations": pd.DataFrame(occupation_rows),
        "groups": groups,
        "risk": pd.DataFrame(risk_rows),
        "technologies": technologies,
        # As in a run: months 1-12 are year 1; a run of month 0 only has no flows.
        "flows": _synthetic_flows(-(-(n_months - 1) // 12)),
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
def test_write_standard_figures_single_month(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tables = _synthetic_tables(1)
    assert tables["flows"].empty  # a run of month 0 only has no moves between regions
    with caplog.at_level(logging.WARNING, logger="sim.plots"):
        paths = write_standard_figures(tables, tmp_path)
    expected = tuple(n for n in FIGURE_NAMES if n != "net_migration_by_region.png")
    _check_output(paths, tmp_path, expected)
    assert any("net_migration_by_region.png" in r.getMessage() for r in caplog.records)


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
    assert [p.name for p in paths] == [n for n in FIGURE_NAMES if n not in GROUP_FIGURES]
    for name in GROUP_FIGURES:
        assert not (tmp_path / name).exists()


def test_figure_names_extended() -> None:
    assert FIGURE_NAMES == (
        "unemployment_vacancies.png",
        "beveridge_curve.png",
        "regions_panel.png",
        "employment_by_occupation_group.png",
        "groups.png",
        "adoption_by_region.png",
        "displacement_new_jobs.png",
        "jobs_at_risk_regions.png",
        "technology_cost_vs_wage.png",
        *NEW_FIGURES,
    )


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("n_months", [1, 13])
def test_risk_and_technologies_missing(
    tmp_path: Path, n_months: int, caplog: pytest.LogCaptureFixture
) -> None:
    tables = _synthetic_tables(n_months)
    del tables["risk"]
    tables["technologies"] = tables["technologies"].iloc[0:0]  # empty counts as missing
    skipped: tuple[str, ...] = ("jobs_at_risk_regions.png", "technology_cost_vs_wage.png")
    if n_months == 1:
        skipped += ("net_migration_by_region.png",)  # no flows in a run of month 0 only
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


# Tables each figure needs (for tests that pass only some tables, to stay fast).
FIGURE_TABLES: dict[str, tuple[str, ...]] = {
    "unemployment_vacancies.png": ("national",),
    "beveridge_curve.png": ("national",),
    "regions_panel.png": ("regions",),
    "employment_by_occupation_group.png": ("occupations",),
    "groups.png": ("groups",),
    "adoption_by_region.png": ("regions",),
    "displacement_new_jobs.png": ("national",),
    "jobs_at_risk_regions.png": ("risk",),
    "technology_cost_vs_wage.png": ("technologies", "regions"),
    "net_migration_by_region.png": ("flows",),
    "groups_unemployment_wages.png": ("groups",),
    "displacement_reemployment_by_group.png": ("groups",),
    "international_migration.png": ("national",),
    "reskilling.png": ("national",),  # the groups table is optional
    "public_budget.png": ("national",),
}


def _subset(tables: dict[str, pd.DataFrame], *keys: str) -> dict[str, pd.DataFrame]:
    """Only the tables ``keys`` of ``tables``."""
    return {key: tables[key] for key in keys}


def _buildable(*keys: str) -> tuple[str, ...]:
    """Figures (in output order) whose tables are all among ``keys``."""
    return tuple(n for n in FIGURE_NAMES if set(FIGURE_TABLES[n]) <= set(keys))


def test_figure_tables_cover_all_figures() -> None:
    assert set(FIGURE_TABLES) == set(FIGURE_NAMES)


def _expected_net_per_year() -> pd.Series:
    """Annual net migration of :func:`_synthetic_flows` (see its docstring)."""
    n = len(REGIONS)
    return pd.Series(
        [100.0 * (n * (n + 1) / 2 - n * (i + 1)) for i in range(n)], index=REGIONS, dtype=float
    )


def test_net_migration_per_year_annualises_partial_year() -> None:
    flows = _synthetic_flows(2)
    # Year 2 has only 6 simulated months (months 13-18), at the same monthly rate.
    flows.loc[flows["year"] == 2, "persons"] *= 0.5
    national = _synthetic_tables(19)["national"]  # months 0..18
    net, n_months, n_years = _net_migration_per_year(flows, national)
    assert (n_months, n_years) == (18, 2)
    pd.testing.assert_series_equal(net, _expected_net_per_year(), check_names=False)
    assert net.sum() == pytest.approx(0.0)
    # Without the national table every year counts as 12 months.
    net_no_national, n_months, _ = _net_migration_per_year(flows, None)
    assert n_months == 24
    pd.testing.assert_series_equal(
        net_no_national, 0.75 * _expected_net_per_year(), check_names=False
    )


def test_net_migration_keeps_regions_without_moves() -> None:
    flows = _synthetic_flows(1)
    flows = flows.loc[(flows["origin"] != "Lakeside Province")]
    flows = flows.loc[flows["destination"] != "Lakeside Province"]
    net, _, _ = _net_migration_per_year(flows, None)
    assert list(net.index) == REGIONS  # from the categories
    assert net["Lakeside Province"] == 0.0
    assert net.sum() == pytest.approx(0.0)


def test_reemployment_last_month() -> None:
    groups = pd.DataFrame(
        {
            "month": [0, 0, 0, 0, 5, 5, 5, 5],
            "group": ["native", "internal_migrant", "foreign_migrant", "kandas"] * 2,
            "displaced_cum": [0.0, 0.0, 0.0, 0.0, 1_000.0, 500.0, 0.0, 200.0],
            "reemployed_cum": [0.0, 0.0, 0.0, 0.0, 300.0, 0.0, 0.0, 200.0],
            "displaced_search_months_cum": [0.0, 0.0, 0.0, 0.0, 2_400.0, 900.0, 0.0, 0.0],
        }
    )
    stats = _reemployment_last_month(groups)
    assert list(stats.index) == GROUPS
    assert stats.loc["native", "hazard"] == pytest.approx(300.0 / 2_400.0)
    assert stats.loc["native", "mean_months"] == pytest.approx(8.0)
    # Displaced, not re-employed: hazard 0, time to re-employment undefined.
    assert stats.loc["internal_migrant", "hazard"] == 0.0
    assert np.isnan(stats.loc["internal_migrant", "mean_months"])
    # No months at risk: hazard undefined.
    assert np.isnan(stats.loc["foreign_migrant", "hazard"])
    assert np.isnan(stats.loc["kandas", "hazard"])
    assert stats.loc["kandas", "reemployed"] == 200.0


@pytest.mark.filterwarnings("error")
def test_net_migration_data_is_accepted(tmp_path: Path) -> None:
    # Only the tables the migration figures need, to keep the test fast.
    tables = _subset(_synthetic_tables(25), "national", "flows")
    data = {
        "Almaty city": 12_000.0,
        "Astana city": 9_500.5,
        "Atyrau Region": -3_000.0,
        # "Lakeside Province" has no data; a region with data only and a NaN value:
        "Unmodelled Region": 150.0,
        "Broken Region": float("nan"),
    }
    paths = write_standard_figures(tables, tmp_path, scenario="data", net_migration_data=data)
    expected = _buildable("national", "flows")
    assert "net_migration_by_region.png" in expected
    _check_output(paths, tmp_path, expected)
    # An empty mapping draws the model only.
    paths = write_standard_figures(tables, tmp_path, net_migration_data={})
    _check_output(paths, tmp_path, expected)


@pytest.mark.parametrize("how", ["deleted", "empty", "no_persons"])
def test_missing_flows_is_skipped(
    tmp_path: Path, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    tables = _subset(_synthetic_tables(13), "national", "flows")
    if how == "deleted":
        del tables["flows"]
    elif how == "empty":
        tables["flows"] = tables["flows"].iloc[0:0]
    else:
        tables["flows"] = tables["flows"].drop(columns="persons")
    with caplog.at_level(logging.WARNING, logger="sim.plots"):
        paths = write_standard_figures(tables, tmp_path, net_migration_data={"Almaty city": 1.0})
    skipped = "net_migration_by_region.png"
    _check_output(paths, tmp_path, tuple(n for n in _buildable("national") if n != skipped))
    messages = [r.getMessage() for r in caplog.records if skipped in r.getMessage()]
    assert messages and "flows" in messages[0]


def test_missing_migration_columns_are_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tables = _subset(_synthetic_tables(4), "national", "groups")
    tables["national"] = tables["national"].drop(columns="irregular_migrants")
    tables["groups"] = tables["groups"].drop(columns="displaced_search_months_cum")
    with caplog.at_level(logging.WARNING, logger="sim.plots"):
        paths = write_standard_figures(tables, tmp_path)
    skipped = ("displacement_reemployment_by_group.png", "international_migration.png")
    expected = tuple(n for n in _buildable("national", "groups") if n not in skipped)
    _check_output(paths, tmp_path, expected)
    messages = " ".join(record.getMessage() for record in caplog.records)
    assert "irregular_migrants" in messages and "displaced_search_months_cum" in messages


@pytest.mark.filterwarnings("error")
def test_no_displaced_workers(tmp_path: Path) -> None:
    tables = _subset(_synthetic_tables(6), "national", "groups")
    tables["groups"] = tables["groups"].assign(
        displaced_cum=0.0, reemployed_cum=0.0, displaced_search_months_cum=0.0
    )
    paths = write_standard_figures(tables, tmp_path)
    _check_output(paths, tmp_path, _buildable("national", "groups"))


# ---------------------------------------------------------------------------
# The new figures from the tables of a real (tiny) run
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def run_tables() -> dict[str, pd.DataFrame]:
    """Tables of a tiny baseline run (scale 0.002, seed 3, 24 months), built once."""
    from sim.runner import compose_config, simulate

    tables, _facts = simulate(compose_config("baseline", scale=0.002, seed=3, horizon_months=24))
    return tables


def test_new_figures_from_a_run(tmp_path: Path, run_tables: dict[str, pd.DataFrame]) -> None:
    regions = [str(r) for r in run_tables["flows"]["origin"].cat.categories]
    data = {region: 1_000.0 * (i - len(regions) / 2) for i, region in enumerate(regions)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = write_standard_figures(
            run_tables, tmp_path, scenario="baseline", net_migration_data=data
        )
    _check_output(paths, tmp_path)
    for name in NEW_FIGURES:
        assert (tmp_path / name).stat().st_size > 10_000, name

    net, n_months, n_years = _net_migration_per_year(run_tables["flows"], run_tables["national"])
    assert (n_months, n_years) == (24, 2)
    assert sorted(net.index) == sorted(regions)
    assert net.sum() == pytest.approx(0.0, abs=1e-6)  # moves between regions net out
    # Moves between regions in the flows table are the national internal moves.
    national = run_tables["national"]
    assert run_tables["flows"]["persons"].sum() == pytest.approx(
        national.loc[national["month"] >= 1, "internal_moves"].sum()
    )

    stats = _reemployment_last_month(run_tables["groups"])
    assert list(stats.index) == GROUPS
    last = run_tables["groups"].loc[run_tables["groups"]["month"] == 24].set_index("group")
    for group, row in stats.iterrows():
        assert row["displaced"] == last.loc[group, "displaced_cum"]
        if row["search_months"] > 0:
            assert row["hazard"] == pytest.approx(
                last.loc[group, "reemployed_cum"] / last.loc[group, "displaced_search_months_cum"]
            )


# ---------------------------------------------------------------------------
# Training and public-budget figures
# ---------------------------------------------------------------------------


def test_training_and_budget_columns() -> None:
    assert set(SPENDING_COLUMNS) | set(REVENUE_COLUMNS) < set(BUDGET_COLUMNS)
    national = _synthetic_tables(2)["national"]
    assert set(RESKILLING_COLUMNS) | set(BUDGET_COLUMNS) <= set(national.columns)


@pytest.mark.filterwarnings("error")
def test_training_and_budget_figures_one_flow_month(tmp_path: Path) -> None:
    # Months 0 and 1: a single month of flows is drawn as bars.
    tables = _subset(_synthetic_tables(2), "national", "groups")
    paths = write_standard_figures(tables, tmp_path, scenario="reskilling")
    _check_output(paths, tmp_path, _buildable("national", "groups"))
    for name in TRAINING_BUDGET_FIGURES:
        assert (tmp_path / name).stat().st_size > 10_000, name


@pytest.mark.parametrize(
    "dropped, skipped, how",
    [
        # A national table without the fiscal columns.
        (
            SPENDING_COLUMNS + REVENUE_COLUMNS + ("public_spending_kzt",),
            "public_budget.png",
            "dropped",
        ),
        (("net_public_cost_kzt",), "public_budget.png", "all_missing_values"),
        (("training_places", "training_starts"), "reskilling.png", "dropped"),
    ],
)
def test_missing_training_or_budget_columns_are_skipped(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    dropped: tuple[str, ...],
    skipped: str,
    how: str,
) -> None:
    tables = _subset(_synthetic_tables(3), "national")
    if how == "dropped":
        tables["national"] = tables["national"].drop(columns=list(dropped))
    else:
        tables["national"] = tables["national"].assign(**dict.fromkeys(dropped, np.nan))
    with caplog.at_level(logging.WARNING, logger="sim.plots"):
        paths = write_standard_figures(tables, tmp_path)
    expected = tuple(n for n in _buildable("national") if n != skipped)
    _check_output(paths, tmp_path, expected)
    assert not (tmp_path / skipped).exists()
    messages = [r.getMessage() for r in caplog.records if skipped in r.getMessage()]
    assert messages and dropped[0] in messages[0]


def _render(fig: Figure, path: Path) -> None:
    """Save ``fig`` as the module does and check that a real PNG was written."""
    save_figure(fig, path)
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("groups", ["no_reskilled_cum", "empty"])
def test_reskilling_without_group_data(tmp_path: Path, groups: str) -> None:
    # (A missing groups table is covered by test_missing_table_is_skipped.)
    tables = _synthetic_tables(5)
    group_table = tables["groups"]
    if groups == "no_reskilled_cum":
        group_table = group_table.drop(columns="reskilled_cum")
    else:
        group_table = group_table.iloc[0:0]
    national = tables["national"]
    fig = _fig_reskilling(national, group_table, _month_dates(national), "no groups")
    _render(fig, tmp_path / "reskilling.png")


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("case", ["zero", "automation"])
def test_public_budget_zero_and_automation_items(tmp_path: Path, case: str) -> None:
    national = _synthetic_tables(6)["national"]
    if case == "zero":
        # No spending at all: only the totals are drawn.
        national[list(SPENDING_COLUMNS)] = 0.0
    else:
        # An automation tax (on its own axis) and a subsidy counted as negative spending.
        after_start = national["month"] > 0
        national.loc[after_start, "automation_tax_revenue_kzt"] = 2e8 * national["month"]
        national.loc[after_start, "automation_subsidy_kzt"] = -1e8
    _set_budget_totals(national)
    fig = _fig_public_budget(national, _month_dates(national), case)
    _render(fig, tmp_path / "public_budget.png")
