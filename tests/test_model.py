"""The model end to end: calibration at month 0, accounts, determinism, common random
numbers, the Beveridge curve, direction of effects and degenerate cases."""

import numpy as np
import pandas as pd
import pytest

from sim import LabourMarketModel
from sim.accounting import AccountingError, check_accounts, gini_from_histogram
from sim.config import ScheduledChange
from sim.data import load_dataset
from sim.results import REQUIRED_COLUMNS
from sim.runner import compose_config, simulate
from sim.state import (
    EMPLOYED,
    IN_TRAINING,
    IRREGULAR,
    LONG_TERM_MONTHS,
    STATUS_NAMES,
    UNEMPLOYED,
)


def test_month_zero_matches_the_data(baseline_small):
    _, tables, _ = baseline_small
    n0 = tables["national"].iloc[0]
    assert 9.05e6 <= n0.employed <= 9.25e6
    assert 0.043 <= n0.unemployment_rate <= 0.051
    data = load_dataset()
    r0 = tables["regions"].query("month == 0").set_index("region")
    np.testing.assert_allclose(
        r0.loc[data.region_names, "mean_wage"], data.region_mean_wage, rtol=1e-3
    )
    assert r0["mean_wage"].idxmax() == "Atyrau Region"
    lowest = set(r0["mean_wage"].nsmallest(5).index)
    assert {"Zhambyl Region", "North Kazakhstan Region"} <= lowest


def test_contract_columns_and_units(baseline_small):
    cfg, tables, _ = baseline_small
    for name, cols in REQUIRED_COLUMNS.items():
        missing = set(cols) - set(tables[name].columns)
        assert not missing, (name, missing)
    nat = tables["national"]
    assert nat["month"].tolist() == list(range(cfg.horizon_months + 1))
    assert nat["date"].iloc[0] == pd.Timestamp("2024-01-01")
    assert nat["date"].iloc[12] == pd.Timestamp("2025-01-01")
    assert tables["regions"]["region"].nunique() == 20
    assert set(tables["groups"]["group"]) == {
        "native",
        "internal_migrant",
        "foreign_migrant",
        "kandas",
    }
    assert tables["risk"]["jobs"].sum() == pytest.approx(nat["employed"].iloc[0], rel=1e-9)


def test_breakdowns_add_up_to_the_nation_every_month(baseline_small):
    _, tables, _ = baseline_small
    nat = tables["national"].set_index("month")
    for name in ("regions", "occupations", "groups"):
        sums = tables[name].groupby("month", observed=True)[["employed", "unemployed"]].sum()
        np.testing.assert_allclose(sums["employed"], nat["employed"], rtol=1e-9)
        np.testing.assert_allclose(sums["unemployed"], nat["unemployed"], rtol=1e-9)
    np.testing.assert_allclose(
        nat["labour_force"], nat["employed"] + nat["unemployed"] + nat["in_training"]
    )
    vac = tables["regions"].groupby("month", observed=True)["vacancies"].sum()
    np.testing.assert_allclose(vac, nat["vacancies"])


@pytest.mark.parametrize(
    ("scenario", "seed", "occupation_level"),
    [
        ("baseline", 1, "unit"),
        ("baseline", 2, "major"),
        ("minimum_wage_rise", 3, "unit"),
        ("minimum_wage_rise", 4, "minor"),
    ],
)
def test_every_worker_in_exactly_one_status_every_month(scenario, seed, occupation_level):
    cfg = compose_config(
        scenario,
        scale=0.002,
        seed=seed,
        horizon_months=18,
        population__occupation_level=occupation_level,
        demand__cycle_volatility=0.02,
    )
    model = LabourMarketModel(cfg)
    n = model.workers.n
    for _ in range(cfg.horizon_months):
        model.step()  # step() itself raises AccountingError on any inconsistency
        counts = np.bincount(model.workers.status, minlength=len(STATUS_NAMES))
        assert counts.sum() == n == model.n_agents
        assert model.region_status[model.month].sum() == pytest.approx(n / cfg.scale)


def test_accounting_check_catches_a_broken_state(tiny_cfg):
    model = LabourMarketModel(tiny_cfg)
    model.posts.filled[0] += 1
    with pytest.raises(AccountingError, match="post 0"):
        check_accounts(model.workers, model.posts, model.n_agents)
    model.posts.filled[0] -= 1
    i = int(np.flatnonzero(model.workers.status == EMPLOYED)[0])
    model.workers.status[i] = 9
    with pytest.raises(AccountingError, match=f"worker {i} has an invalid status"):
        check_accounts(model.workers, model.posts, model.n_agents)


def test_accounting_check_catches_jobs_moved_between_posts(tiny_cfg):
    """Totals that still add up do not hide a post whose holders changed."""
    model = LabourMarketModel(tiny_cfg)
    w, p = model.workers, model.posts
    held = np.flatnonzero(w.status == EMPLOYED)
    i = int(held[0])
    other = int(np.flatnonzero(np.arange(p.n) != w.post[i])[-1])
    first = min(int(w.post[i]), other)
    w.post[i] = other  # the worker moves; neither post's filled jobs follow
    with pytest.raises(AccountingError, match=f"post {first} counts a different number"):
        check_accounts(w, p, model.n_agents)
    model = LabourMarketModel(tiny_cfg)
    p = model.posts
    a, b = np.flatnonzero(p.filled > 0)[:2]
    p.filled[a] -= 1  # one job moved in the books only: the sum of filled is unchanged
    p.filled[b] += 1
    with pytest.raises(AccountingError, match=f"post {min(a, b)} counts a different number"):
        check_accounts(model.workers, p, model.n_agents)


def _tables(**overrides):
    cfg = compose_config("baseline", **overrides)
    return simulate(cfg)[0]


def test_same_seed_identical_other_seed_different():
    a = _tables(scale=0.003, seed=4, horizon_months=12)
    b = _tables(scale=0.003, seed=4, horizon_months=12)
    c = _tables(scale=0.003, seed=5, horizon_months=12)
    for name in ("national", "regions", "occupations", "groups", "risk"):
        pd.testing.assert_frame_equal(a[name], b[name])
    assert not a["national"]["unemployed"].equals(c["national"]["unemployed"])


def test_common_random_numbers_a_late_lever_leaves_the_past_identical():
    base = compose_config("baseline", scale=0.003, seed=6, horizon_months=64)
    lever = compose_config("baseline", scale=0.003, seed=6, horizon_months=64)
    lever.schedule = [ScheduledChange(month=60, key="wages.minimum_wage", value=150000.0)]
    a, b = simulate(base)[0], simulate(lever)[0]
    for name in ("national", "regions", "occupations", "groups"):
        early_a = a[name][a[name]["month"] < 60].reset_index(drop=True)
        early_b = b[name][b[name]["month"] < 60].reset_index(drop=True)
        pd.testing.assert_frame_equal(early_a, early_b)
    late = a["national"]["month"] >= 60
    assert (b["national"]["mean_wage"][late] > a["national"]["mean_wage"][late]).all()


def test_beveridge_curve_vacancies_and_unemployment_move_opposite():
    corrs = []
    for seed in (1, 2, 3):
        nat = _tables(scale=0.005, seed=seed, horizon_months=60)["national"]
        corrs.append(nat["unemployment_rate"].corr(nat["vacancy_rate"]))
    assert max(corrs) < -0.3, corrs


def test_higher_minimum_wage_raises_wages_and_costs_jobs():
    """Direction of effect across seeds (common random numbers make pairs comparable)."""
    d_wage, d_emp = [], []
    for seed in (1, 2, 3):
        base = _tables(scale=0.003, seed=seed, horizon_months=24)["national"].iloc[-1]
        high = _tables(scale=0.003, seed=seed, horizon_months=24, wages__minimum_wage=150000)
        high = high["national"].iloc[-1]
        d_wage.append(high.mean_wage - base.mean_wage)
        d_emp.append(high.employed - base.employed)
    assert all(d > 0 for d in d_wage)
    assert np.mean(d_emp) < 0


def test_without_shocks_and_separations_the_market_is_frozen():
    """Degenerate case: no shocks, quits, search, wage or technology change: nothing moves."""
    tables = _tables(
        scale=0.003,
        seed=2,
        horizon_months=6,
        demand__cycle_volatility=0.0,
        demand__local_volatility=0.0,
        separations__p_quit_to_unemployment=0.0,
        matching__applications_per_month=0,
        matching__platform_applications=0,
        matching__p_on_the_job_search=0.0,
        wages__reservation_decay=0.0,
        automation__enabled=False,
        migration__enabled=False,
        new_jobs__sector_trend_scale=0.0,
        reskilling__capacity_per_1000=0.0,
    )
    nat = tables["national"]
    assert (nat["employed"] == nat["employed"].iloc[0]).all()
    assert (
        (nat[["quits", "layoffs", "hires_from_unemployment", "job_to_job"]].iloc[1:] == 0)
        .all()
        .all()
    )
    assert np.allclose(nat["mean_wage"], nat["mean_wage"].iloc[0])


def test_agent_views_read_the_arrays(tiny_cfg):
    model = LabourMarketModel(tiny_cfg)
    agent = model.worker_agent(5)
    assert agent.wage == model.workers.wage[5]
    assert agent.region_name in model.data.region_names
    assert agent.status_name in STATUS_NAMES
    assert len(model.agents) == 1
    firm = model.firm_agent(int(model.posts.firm[0]))
    jobs = firm.posts()
    held = model.workers.post[model.workers.post >= 0]
    n_workers = int((model.posts.firm[held] == firm.index).sum())
    assert sum(filled for filled, _, _ in jobs.values()) == n_workers
    assert firm.region_name in model.data.region_names
    model.release_agents()
    assert len(model.agents) == 0
    with pytest.raises(IndexError):
        model.worker_agent(model.workers.n)


def test_wage_gini_from_the_histogram():
    # Two equal halves earning 1 and 3: Lorenz curve through (0.5, 0.25), Gini 0.25.
    assert gini_from_histogram(np.array([1.0, 1.0]), np.array([1.0, 3.0])) == pytest.approx(0.25)
    assert gini_from_histogram(np.array([0.0, 5.0]), np.array([0.0, 5.0])) == pytest.approx(0.0)
    assert gini_from_histogram(np.zeros(3), np.zeros(3)) == 0.0


def test_one_pass_aggregates_equal_their_numpy_definitions(tiny_cfg):
    model = LabourMarketModel(tiny_cfg)
    for _ in range(6):
        model.step()
    t, w, p, f = model.month, model.workers, model.posts, model.firms
    n_reg, n_occ = model.data.n_regions, model.data.n_occupations
    weight = w.weight.astype(np.float64)
    for s in range(len(STATUS_NAMES)):
        at = w.status == s
        assert np.array_equal(
            model.region_status[t, :, s], np.bincount(w.region[at], weight[at], n_reg)
        )
        assert np.array_equal(
            model.occupation_status[t, :, s], np.bincount(w.occupation[at], weight[at], n_occ)
        )
    employed = w.status == EMPLOYED
    pay = (w.weight * w.wage)[employed]
    assert np.array_equal(model.region_wage[t], np.bincount(w.region[employed], pay, n_reg))
    n_grp = model.group_status.shape[1]
    unemployed = w.status == UNEMPLOYED
    jobless = unemployed | (w.status == IN_TRAINING)
    long_term = unemployed & (w.months_in_status >= LONG_TERM_MONTHS)
    displaced = w.ti_displaced >= 0
    stocks = model.group_stocks
    for name, mask in (
        ("long_term_unemployed", long_term),
        ("displaced_long_term_unemployed", long_term & displaced),
        ("displaced_jobless_12m", jobless & displaced & (t - w.ti_displaced >= LONG_TERM_MONTHS)),
    ):
        assert np.array_equal(stocks[name][t], np.bincount(w.group[mask], weight[mask], n_grp))
    irregular = (w.legal_status == IRREGULAR) & (w.status <= IN_TRAINING)
    assert model.national["irregular_migrants"] == irregular.sum() * model.person_weight
    automated = p.jobs_base_initial * p.automated_share
    assert np.array_equal(model.region_automation[t], np.bincount(p.region, automated, n_reg))
    adopted = p.adopted >= 0
    for k in range(adopted.shape[1]):
        on = adopted[:, k]
        assert np.array_equal(
            model.tech_adopted[t, k], np.bincount(p.region[on], p.jobs_base_initial[on], n_reg)
        )
        firm_adopted = np.zeros(f.n, dtype=bool)
        firm_adopted[p.firm[on]] = True
        assert np.array_equal(
            model.tech_firms_adopting[t, k], np.bincount(f.region[firm_adopted], minlength=n_reg)
        )
        assert np.array_equal(
            model.tech_firms_aware[t, k], np.bincount(f.region[f.aware[:, k]], minlength=n_reg)
        )
