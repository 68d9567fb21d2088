"""Automation and new work: hand-made worlds with known answers, then model-level checks."""

import numpy as np
import pytest

from sim.config import TECHNOLOGIES
from sim.mechanisms.automation import (
    adoption_kernel,
    alternative_posts,
    awareness_kernel,
    displacement_kernel,
    hurdle_costs,
    technology_costs,
)
from sim.mechanisms.new_jobs import largest_post_by_cell, reinstatement_kernel
from sim.rng import stream_key
from sim.runner import compose_config
from sim.state import EMPLOYED, UNEMPLOYED

KEY = stream_key(1, "test-automation")
K = len(TECHNOLOGIES)
GENAI = TECHNOLOGIES.index("genai")


def _world(offer, task_share=0.5, subst=1.0, constrained=False, aware=True, base=10.0):
    """One firm with one post of occupation 0 (ISCO major 4); only generative AI matters."""
    shares = np.zeros((K, 1))
    shares[GENAI, 0] = task_share
    return {
        "p_firm": np.zeros(1, np.int32),
        "p_occupation": np.zeros(1, np.int16),
        "p_sector": np.zeros(1, np.int8),
        "p_wage_offer": np.array([offer], np.float32),
        "p_jobs_base": np.array([base], np.float32),
        "p_automated_share": np.zeros(1, np.float32),
        "p_adopted": np.full((1, K), -1, np.int32),
        "p_attrition_until": np.full(1, -1, np.int32),
        "f_cost_multiplier": np.ones(1, np.float32),
        "f_constrained": np.array([constrained]),
        "f_aware": np.full((1, K), aware),
        "f_adopted": np.zeros((1, K), bool),
        "occ_major": np.array([4], np.int64),
        "task_share": shares,
        "subst": np.full((K, 1, 1), subst),
    }


def _adopt(w, hurdle, month=1, p_credit=0.0, implementation=1.0, gain=0.3, allowed=None):
    if allowed is None:
        allowed = np.ones((K, 10), dtype=np.bool_)
    events = [np.zeros(K, np.int64), np.zeros(K, np.int64), np.zeros(K), np.zeros(K)]
    factor = np.ones(1, np.float32)
    n = adoption_kernel(
        *w.values(),
        allowed,
        np.asarray(hurdle, float),
        np.asarray(hurdle, float),
        0.0,
        0.02,
        implementation,
        p_credit,
        gain,
        6,
        KEY,
        month,
        *events,
        factor,
    )
    return n, events, factor


def test_adopts_exactly_when_cost_is_below_the_wage_bill():
    hurdle = np.full(K, 1e12)
    hurdle[GENAI] = 300000.0
    w = _world(offer=299999.0)
    assert _adopt(w, hurdle)[0] == 0 and w["p_adopted"][0, GENAI] == -1
    w = _world(offer=300001.0)
    n, (ev_post, ev_tech, ev_jobs, _), _ = _adopt(w, hurdle)
    assert n == 1 and w["p_adopted"][0, GENAI] == 1 and ev_tech[0] == GENAI
    assert w["f_adopted"][0].tolist() == [k == GENAI for k in range(K)]
    assert ev_jobs[0] == pytest.approx(5.0)  # 10 jobs x 0.5 of the tasks
    assert w["p_jobs_base"][0] == pytest.approx(5.0)
    assert w["p_automated_share"][0] == pytest.approx(0.5)
    assert w["p_attrition_until"][0] == 1 + 6
    # Adopted once: no second event.
    assert _adopt(w, hurdle, month=2)[0] == 0


def test_cheaper_technology_or_dearer_labour_brings_adoption_earlier():
    from sim.config import LabsimConfig

    cfg = LabsimConfig()

    def first_month(offer, cost_initial):
        cfg.automation.genai.cost_initial = cost_initial
        for month in range(0, 600):
            w = _world(offer=offer)
            if _adopt(w, hurdle_costs(cfg, month), month=month)[0]:
                return month
        return None

    base = first_month(300000.0, 1.2e6)
    assert base is not None and base > 0
    assert first_month(450000.0, 1.2e6) < base  # dearer labour
    assert first_month(300000.0, 0.8e6) < base  # cheaper technology


def test_unaware_banned_or_unavailable_technology_is_not_adopted():
    hurdle = np.zeros(K)
    w = _world(offer=500000.0, aware=False)
    assert _adopt(w, hurdle)[0] == 0
    allowed = np.ones((K, 10), dtype=np.bool_)
    allowed[GENAI, 4] = False  # banned for ISCO major group 4
    w = _world(offer=500000.0)
    assert _adopt(w, hurdle, allowed=allowed)[0] == 0


def test_credit_constrained_firms_adopt_only_with_credit():
    hurdle = np.zeros(K)
    w = _world(offer=500000.0, constrained=True)
    assert _adopt(w, hurdle, p_credit=0.0)[0] == 0
    assert _adopt(w, hurdle, p_credit=1.0)[0] == 1


def test_augmentation_raises_wages_and_cuts_no_jobs():
    hurdle = np.zeros(K)
    w = _world(offer=400000.0, task_share=0.5, subst=0.0)  # pure augmentation
    n, (_, _, ev_jobs, _), factor = _adopt(w, hurdle, gain=0.3)
    assert n == 1 and ev_jobs[0] == 0.0
    assert w["p_jobs_base"][0] == pytest.approx(10.0)
    assert w["p_wage_offer"][0] == pytest.approx(400000.0 * 1.15)
    assert factor[0] == pytest.approx(1.15)
    assert w["p_attrition_until"][0] == -1


def _displacement_world(n_workers=10, desired=5, second_post=True):
    n_posts = 2 if second_post else 1
    return {
        "w_status": np.full(n_workers, EMPLOYED, np.int8),
        "w_post": np.zeros(n_workers, np.int32),
        "w_occupation": np.zeros(n_workers, np.int16),
        "w_wage": np.full(n_workers, 300000.0, np.float32),
        "w_productivity": np.ones(n_workers, np.float32),
        "w_months": np.zeros(n_workers, np.int16),
        "w_reservation": np.zeros(n_workers, np.float32),
        "w_ti_displaced": np.full(n_workers, -1, np.int16),
        "w_region": np.zeros(n_workers, np.int8),
        "w_group": np.zeros(n_workers, np.int8),
        "p_occupation": np.arange(n_posts).astype(np.int16),
        "p_filled": np.array([n_workers, 0][:n_posts], np.int32),
        "p_jobs_desired": np.array([desired, 0][:n_posts], np.int32),
        "p_jobs_base": np.array([desired, 3.0][:n_posts], np.float32),
        "p_wage_offer": np.array([300000.0, 250000.0][:n_posts], np.float32),
        "p_attrition_until": np.array([7, -1][:n_posts], np.int32),
    }


def _displace(w, tick, redeploy):
    factor = np.ones(len(w["p_filled"]), np.float32)
    alt = alternative_posts(np.zeros(len(w["p_filled"]), np.int32), w["p_jobs_base"], 1)
    by_region, by_group = np.zeros(1, np.int64), np.zeros(6, np.int64)
    out = displacement_kernel(
        *w.values(), factor, alt, redeploy, 0.8, 85000.0, KEY, tick, tick, by_region, by_group
    )
    assert by_region[0] == by_group[0] == out[0]
    return out


def test_cuts_wait_for_attrition_then_displace_or_redeploy_without_losing_anyone():
    w = _displacement_world()
    assert _displace(w, tick=6, redeploy=0.5) == (0, 0)  # still waiting
    displaced, redeployed = _displace(w, tick=7, redeploy=0.5)
    assert displaced + redeployed > 0
    status, post = w["w_status"], w["w_post"]
    assert (status == UNEMPLOYED).sum() == displaced
    assert (post == 1).sum() == redeployed == w["p_filled"][1]
    assert w["p_filled"][0] == (post == 0).sum()
    assert w["p_filled"].sum() + displaced == 10  # nobody lost
    assert (w["w_ti_displaced"][status == UNEMPLOYED] == 7).all()
    assert (w["w_occupation"][post == 1] == 1).all()


def test_expected_cut_is_the_excess_over_many_posts():
    total, n_trials = 0, 400
    for trial in range(n_trials):
        w = _displacement_world(second_post=False)
        w["p_attrition_until"][:] = trial
        d, r = _displace(w, tick=trial, redeploy=1.0)
        assert r == 0  # no other post: everyone cut is laid off
        total += d
    assert abs(total / n_trials - 5.0) < 0.3


def test_awareness_spreads_from_adopters_in_the_same_region_and_sector():
    n_firms = 2000
    region = np.zeros(n_firms, np.int8)
    sector = np.zeros(n_firms, np.int8)
    region[1000:] = 1  # second half in another region without adopters
    aware = np.zeros((n_firms, K), bool)
    adopted = np.zeros((n_firms, K), bool)
    adopted[:500, GENAI] = True  # half the firms of region 0 adopted
    awareness_kernel(region, sector, aware, adopted, 2, 1, 0.0, 0.4, KEY, 1)
    share0 = aware[500:1000, GENAI].mean()
    assert abs(share0 - 0.4 * 0.5) < 0.05
    assert not aware[1000:, GENAI].any()  # no innovation, no adopters: nobody learns


def test_reinstatement_goes_to_the_new_technology_occupations_in_the_region():
    p_region = np.array([0, 0, 1], np.int8)
    p_occupation = np.array([0, 5, 5], np.int16)
    p_jobs_base = np.array([10.0, 2.0, 4.0])
    largest = largest_post_by_cell(p_region, p_occupation, p_jobs_base, 6, 12)
    assert largest[5] == 1 and largest[6 + 5] == 2 and largest[0] == 0
    ptr = np.array([0, 0, 0, 1], np.int64)  # only genai (k=2) has new work: occupation 5
    occ = np.array([5], np.int64)
    missing = [np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1)]
    added, n_missing = reinstatement_kernel(
        np.array([0], np.int64),
        np.array([2], np.int64),
        np.array([4.0]),
        1,
        p_region,
        p_jobs_base,
        largest,
        6,
        ptr,
        occ,
        np.array([0.0, 0.0, 0.25]),
        KEY,
        1,
        *missing,
    )
    assert (added, n_missing) == (1.0, 0) and p_jobs_base[1] == 3.0


def test_costs_follow_the_learning_curve_and_tax():
    cfg = compose_config("baseline")
    c0, c12 = technology_costs(cfg, 0), technology_costs(cfg, 12)
    np.testing.assert_allclose(
        c12 / c0, [1 - getattr(cfg.automation, k).learning_rate for k in TECHNOLOGIES]
    )
    taxed = compose_config("robot_tax")
    np.testing.assert_allclose(technology_costs(taxed, 0) / c0, 1.3)


# ---- the calibrated default --------------------------------------------------------------
CITIES = ("Almaty city", "Astana city", "Shymkent city")


@pytest.fixture(scope="module")
def risk_by_seed():
    from sim.runner import simulate

    return [
        simulate(compose_config("baseline", scale=0.01, seed=s, horizon_months=0))[0]["risk"]
        for s in (1, 2, 3, 4, 5)
    ]


def test_risk_assessment_reproduces_the_ministry_figures(risk_by_seed):
    for risk in risk_by_seed:
        share = risk["jobs_at_risk"].sum() / risk["jobs"].sum()
        assert 0.22 <= share <= 0.28, share  # Ministry: about 25 % (2.2 million)
        assert 1.7e6 <= risk["jobs_at_risk"].sum() <= 2.7e6
        assert 0.9e6 <= risk["genai_replaceable"].sum() <= 1.3e6  # "a little over 1 million"
        by_region = risk.groupby("region", observed=True)[["jobs", "jobs_at_risk"]].sum()
        city_share = (
            by_region.loc[list(CITIES), "jobs_at_risk"] / by_region.loc[list(CITIES), "jobs"]
        )
        assert (city_share > share).all(), city_share


def test_finance_is_the_most_exposed_industry(risk_by_seed):
    by_sector = risk_by_seed[0].groupby("sector")[["jobs", "jobs_at_risk"]].sum()
    share = (by_sector["jobs_at_risk"] / by_sector["jobs"]).sort_values(ascending=False)
    assert share.index[0] == "K"  # finance and insurance
    assert {"Q", "P"} <= set(share.index[:5])  # health and education among the top five
    assert share["A"] < 0.1 and share["F"] < 0.15  # agriculture, construction low


@pytest.fixture(scope="module")
def scenario_runs():
    from sim.runner import simulate

    out = {}
    for scenario in ("baseline", "fast_ai", "robot_tax"):
        out[scenario] = [
            simulate(compose_config(scenario, scale=0.005, seed=s, horizon_months=120))[0]
            for s in (1, 2, 3)
        ]
    return out


def test_fast_ai_displaces_more_and_robot_tax_less(scenario_runs):
    def displaced(scenario):
        return [t["national"]["displaced_cum"].iloc[-1] for t in scenario_runs[scenario]]

    base, fast, taxed = displaced("baseline"), displaced("fast_ai"), displaced("robot_tax")
    assert all(f > b for f, b in zip(fast, base, strict=True)), (fast, base)
    assert all(t < b for t, b in zip(taxed, base, strict=True)), (taxed, base)


def test_adoption_starts_in_high_wage_regions(scenario_runs):
    def first_month(regions, name, level=0.01):
        series = regions[regions["region"] == name].set_index("month")["automation_share"]
        reached = series[series >= level]
        return int(reached.index[0]) if len(reached) else 10**6

    for tables in scenario_runs["baseline"]:
        regions = tables["regions"]
        turkistan = first_month(regions, "Turkistan Region")
        assert first_month(regions, "Atyrau Region") < turkistan
        assert first_month(regions, "Astana city") < turkistan


def test_displacement_is_gradual_and_new_work_appears(scenario_runs):
    for tables in scenario_runs["baseline"]:
        nat = tables["national"]
        assert nat["automation_share"].iloc[0] == 0.0
        assert nat["automation_share"].is_monotonic_increasing
        yearly = nat["automation_share"].iloc[::12].diff().dropna()
        assert yearly.max() < 0.03  # no year automates more than 3 % of jobs
        last = nat.iloc[-1]
        assert 0.02 < last["automation_share"] < 0.15
        assert last["new_jobs_reinstatement_cum"] > 0 and last["new_jobs_productivity_cum"] > 0
        np.testing.assert_allclose(nat["displaced_cum"], nat["displaced"].cumsum())
