"""Migration and inclusion: hand-made worlds, model-level accounts and quota."""

import numpy as np
import pytest

from sim.data import GROUPS
from sim.mechanisms.inclusion import inclusion_kernel
from sim.mechanisms.migration import (
    abroad_pools,
    employed_share,
    filled_jobs_and_pay,
    labour_force_by_region,
    migration_kernel,
)
from sim.model import LabourMarketModel
from sim.rng import stream_key
from sim.runner import compose_config
from sim.state import ABROAD, EMIGRATED, EMPLOYED, IRREGULAR, REGULAR, UNEMPLOYED

KEY = stream_key(1, "test")
NATIVE, INTERNAL, FOREIGN, KANDAS = (GROUPS.index(g) for g in GROUPS)


def _world(n, region_wage, status=UNEMPLOYED, group=NATIVE, age=30, displaced=-1):
    """``n`` identical workers in region 0, major group 1, two regions 1,000 km apart."""
    return {
        "status": np.full(n, status, np.int8),
        "post": np.where(status == EMPLOYED, 0, -1).repeat(n).astype(np.int32),
        "region": np.zeros(n, np.int8),
        "occupation": np.zeros(n, np.int16),
        "group": np.full(n, group, np.int8),
        "age": np.full(n, age, np.int8),
        "wage": np.full(n, region_wage[0], np.float32),
        "productivity": np.ones(n, np.float32),
        "months": np.full(n, 2, np.int16),
        "reservation": np.full(n, 100000.0, np.float32),
        "ti_displaced": np.full(n, displaced, np.int16),
        "legal": np.full(n, REGULAR, np.int8),
        "filled": np.array([n if status == EMPLOYED else 0], np.int32),
        "wage_table": np.array([[region_wage[0]] * 9, [region_wage[1]] * 9], np.float64),
    }


def _migrate(w, *, subsidy=0.0, taste=0.0, consider=1.0, cost=4.0, employed_share=0.9, **kw):
    params = dict(
        return_rate=0.0,
        emigration=0.0,
        amenity=(0.0, 0.0),
        family=3.0,
        displaced_factor=1.0,
        permit_loss=0.0,
    )
    params.update(kw)
    moves_od = np.zeros((2, 2), np.int64)
    departures = np.zeros(len(GROUPS), np.int64)
    out = migration_kernel(
        w["status"],
        w["post"],
        w["region"],
        w["occupation"],
        w["group"],
        w["age"],
        w["wage"],
        w["productivity"],
        w["months"],
        w["reservation"],
        w["ti_displaced"],
        w["legal"],
        w["filled"],
        np.ones(1, np.int8),
        w["wage_table"],
        np.full((2, 9), employed_share),
        np.array([[0.0, 1.0], [1.0, 1.0]]),  # from region 0 always to region 1
        np.array([[0.0, 1000.0], [1000.0, 0.0]]),
        np.asarray(params["amenity"], np.float64),
        np.full(2, params["emigration"]),
        KEY,
        1,
        24,
        consider,
        params["displaced_factor"],
        cost,
        2.0,
        params["family"],
        taste,
        subsidy,
        params["return_rate"],
        3.0,
        3.0,
        params["permit_loss"],
        85000.0,
        moves_od,
        departures,
    )
    return out, moves_od, departures


def test_a_worker_moves_when_the_income_gain_beats_the_cost_and_stays_otherwise():
    # Unemployed, home wage 200k, destination 230k, both 90% of months employed:
    # gain = 24 x (230 - 200) x 0.9 / 200 = 3.24 months; cost = 4 + 2 x 1 = 6 months.
    w = _world(10, (200000.0, 230000.0))
    (moves, *_), _, _ = _migrate(w)
    assert moves == 0 and (w["region"] == 0).all()
    # Destination 300k: gain 10.8 > 6, everybody moves and becomes an internal migrant.
    w = _world(10, (200000.0, 300000.0))
    (moves, *_), od, _ = _migrate(w)
    assert moves == 10 and (w["region"] == 1).all() and od[0, 1] == 10
    assert (w["group"] == INTERNAL).all()
    np.testing.assert_allclose(w["reservation"], 150000.0)  # rescaled to the new wage level
    # Aged 35+: a family cost of 6 makes the cost 12 > 10.8, so they stay.
    w = _world(10, (200000.0, 300000.0), age=40)
    assert _migrate(w, family=6.0)[0][0] == 0


def test_employed_workers_move_only_with_a_job():
    # The migration rule itself never moves the employed (they move through matching).
    w = _world(5, (200000.0, 900000.0), status=EMPLOYED)
    (moves, *_), _, _ = _migrate(w)
    assert moves == 0 and (w["region"] == 0).all() and w["filled"][0] == 5


def test_displaced_workers_consider_moving_more_often():
    def share(displaced):
        w = _world(20000, (200000.0, 300000.0), displaced=displaced)
        return _migrate(w, consider=0.1, displaced_factor=2.0)[0][0] / 20000

    assert abs(share(-1) - 0.1) < 0.01 and abs(share(5) - 0.2) < 0.015


def test_the_relocation_subsidy_lowers_the_cost_of_unemployed_movers():
    # gain 3.24 < cost 6; a 600k subsidy is 3 months of the 200k home wage: 3.24 > 3.
    w = _world(10, (200000.0, 230000.0))
    (moves, subsidised, *_), _, _ = _migrate(w, subsidy=600000.0)
    assert moves == subsidised == 10
    # With a taste shock, a smaller subsidy raises the share of movers.
    shares = []
    for subsidy in (0.0, 200000.0):
        w = _world(20000, (200000.0, 230000.0))
        (moves, *_), _, _ = _migrate(w, subsidy=subsidy, taste=6.0, consider=0.5)
        shares.append(moves / 20000)
    assert shares[1] > shares[0] * 1.1


def test_amenities_pull_and_push():
    w = _world(10, (200000.0, 230000.0))
    assert _migrate(w, amenity=(0.0, 3.0))[0][0] == 10  # gain 3.24 > 6 - 3
    w = _world(10, (200000.0, 300000.0))
    assert _migrate(w, amenity=(0.0, -5.0))[0][0] == 0  # gain 10.8 < 6 + 5


def test_foreign_migrants_return_and_residents_emigrate():
    w = _world(10, (200000.0, 200000.0), status=EMPLOYED, group=FOREIGN)
    (_, _, returns, emigrants), _, dep = _migrate(w, return_rate=1.0, consider=0.0)
    assert (returns, emigrants) == (10, 0) and (w["status"] == ABROAD).all()
    assert w["filled"][0] == 0 and dep[FOREIGN] == 10
    w = _world(10, (200000.0, 200000.0), group=NATIVE)
    (_, _, returns, emigrants), _, dep = _migrate(w, emigration=1.0, consider=0.0)
    assert (returns, emigrants) == (0, 10) and (w["status"] == EMIGRATED).all()


def test_a_permit_lapses_with_the_job_it_is_tied_to():
    w = _world(10, (200000.0, 200000.0), group=FOREIGN)
    w["months"][:5] = 0  # lost their job this month
    _migrate(w, consider=0.0, permit_loss=1.0)
    assert (w["legal"][:5] == IRREGULAR).all() and (w["legal"][5:] == REGULAR).all()
    natives = _world(10, (200000.0, 200000.0), group=NATIVE)
    natives["months"][:] = 0
    _migrate(natives, consider=0.0, permit_loss=1.0)
    assert (natives["legal"] == REGULAR).all()


def test_expected_employed_share():
    assert employed_share(1.0, 24) == 1.0 and employed_share(0.0, 24) == 0.0
    # f = 0.5, H = 2: months employed 0.5 + 0.75 = 1.25 of 2.
    assert employed_share(0.5, 2) == pytest.approx(0.625)


# ---- inclusion -------------------------------------------------------------------------
def _inclusion_world(n, legal, group=FOREIGN):
    return {
        "status": np.full(n, UNEMPLOYED, np.int8),
        "group": np.full(n, group, np.int8),
        "legal": np.full(n, legal, np.int8),
        "digital": np.full(n, 0.3, np.float32),
        "language": np.full(n, 0.5, np.float32),
        "skill": np.full(n, 3, np.int8),
        "skill_recognised": np.full(n, 2, np.int8),
        "course": np.zeros(n, np.bool_),
    }


def _include(w, course=1.0, recognition=1.0, regularisation=0.0):
    return inclusion_kernel(
        w["status"],
        w["group"],
        w["legal"],
        w["digital"],
        w["language"],
        w["skill"],
        w["skill_recognised"],
        w["course"],
        KEY,
        1,
        course,
        0.5,
        0.25,
        0.15,
        recognition,
        regularisation,
    )


def test_irregular_migrants_never_enter_public_programmes():
    w = _inclusion_world(50, IRREGULAR)
    assert _include(w) == (0, 0, 0)
    assert not w["course"].any() and (w["skill_recognised"] == 2).all()
    np.testing.assert_allclose(w["digital"], 0.3)


def test_courses_and_recognition_for_regular_migrants_only_once():
    w = _inclusion_world(50, REGULAR)
    assert _include(w) == (50, 50, 0)
    np.testing.assert_allclose(w["digital"], 0.55)
    np.testing.assert_allclose(w["language"], 0.65)
    assert (w["skill_recognised"] == 3).all()
    assert _include(w)[0] == 0  # one course per person
    natives = _inclusion_world(50, REGULAR, group=NATIVE)
    assert _include(natives) == (0, 0, 0)


def test_regularisation_gives_a_permit():
    w = _inclusion_world(50, IRREGULAR)
    assert _include(w, regularisation=1.0)[2] == 50
    assert (w["legal"] == REGULAR).all()


# ---- the model -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def quota_run():
    cfg = compose_config(
        "quota_cut", scale=0.005, seed=2, horizon_months=24, migration__foreign_quota_annual=50000
    )
    model = LabourMarketModel(cfg)
    model.run_model()
    return model


def test_immigration_respects_the_quota(quota_run):
    nat = quota_run.datacollector.get_model_vars_dataframe()
    regular = nat["foreign_arrivals"] - nat["irregular_arrivals"]
    for year in (0, 1):
        months = (nat["month"] >= 12 * year + 1) & (nat["month"] <= 12 * year + 12)
        assert regular[months].sum() <= 50000 + 1e-6
        assert regular[months].sum() > 0.8 * 50000  # the quota binds
    assert nat["irregular_arrivals"].iloc[1:].sum() > 0


def test_the_labour_force_changes_only_by_arrivals_and_departures(quota_run):
    nat = quota_run.datacollector.get_model_vars_dataframe()
    change = nat["labour_force"].diff().iloc[1:]
    net = (nat["immigrants"] - nat["emigrants"] - nat["returns"]).iloc[1:]
    np.testing.assert_allclose(change.to_numpy(), net.to_numpy(), rtol=0, atol=1e-6)
    assert (nat["immigrants"].iloc[1:] > 0).all() and nat["returns"].iloc[1:].sum() > 0
    # Every worker in exactly one status, none lost, pool included.
    w = quota_run.workers
    assert np.bincount(w.status, minlength=6).sum() == quota_run.n_agents


def test_yearly_flows_add_up_to_the_monthly_moves(quota_run):
    nat = quota_run.datacollector.get_model_vars_dataframe()
    for year in (1, 2):
        months = (nat["month"] >= 12 * year - 11) & (nat["month"] <= 12 * year)
        total = quota_run.moves_od[year - 1].sum()
        assert total == pytest.approx(nat.loc[months, "internal_moves"].sum())
        assert total > 0


# ---- calibration across seeds ----------------------------------------------------------
@pytest.fixture(scope="module")
def net_migration_runs():
    """Mean annual net internal migration by region, baseline at scale 0.01, 5 seeds."""
    from sim.runner import simulate

    nets = []
    for seed in range(1, 6):
        tables, _ = simulate(compose_config("baseline", scale=0.01, seed=seed, horizon_months=60))
        f = tables["flows"]
        net = (
            f.groupby("destination", observed=True)["persons"].sum()
            - f.groupby("origin", observed=True)["persons"].sum()
        )
        nets.append(net / 5.0)
    return nets


def test_net_internal_migration_flows_towards_the_three_cities(net_migration_runs):
    for net in net_migration_runs:
        top = set(net.sort_values(ascending=False).index[:3])
        assert top == {"Astana city", "Almaty city", "Shymkent city"}
        assert net["Turkistan Region"] < 0


def test_net_migration_by_region_follows_the_data(net_migration_runs):
    from sim.data import load_dataset

    data = load_dataset(None, "unit")
    target = np.array([data.net_migration_labour_force[r] for r in data.region_names])
    model = np.mean([net.reindex(data.region_names).to_numpy() for net in net_migration_runs], 0)
    assert np.corrcoef(model, target)[0, 1] > 0.75


def test_state_summaries_equal_their_numpy_definitions():
    rng = np.random.default_rng(0)
    n_posts, n_workers, n_reg = 500, 2000, 3
    region = rng.integers(0, n_reg, n_posts).astype(np.int8)
    occupation = rng.integers(0, 4, n_posts).astype(np.int16)
    occ_major = np.array([1, 2, 9, 4], np.int8)
    filled = rng.integers(0, 5, n_posts).astype(np.int32)
    offer = rng.uniform(8e4, 9e5, n_posts).astype(np.float32)
    jobs, pay = filled_jobs_and_pay(region, occupation, filled, offer, occ_major, n_reg)
    cell = region.astype(np.int64) * 9 + occ_major[occupation] - 1
    assert np.array_equal(jobs, np.bincount(cell, filled, n_reg * 9))
    assert np.array_equal(pay, np.bincount(cell, filled * offer.astype(np.float64), n_reg * 9))
    status = rng.integers(0, 6, n_workers).astype(np.int8)
    w_region = rng.integers(0, n_reg, n_workers).astype(np.int8)
    group = rng.integers(0, len(GROUPS), n_workers).astype(np.int8)
    in_lf = (status == EMPLOYED) | (status == UNEMPLOYED)
    assert np.array_equal(
        labour_force_by_region(status, w_region, n_reg), np.bincount(w_region[in_lf], None, n_reg)
    )
    pools = abroad_pools(status, group)
    for pool, g in zip(pools, (FOREIGN, KANDAS), strict=True):
        assert np.array_equal(pool, np.flatnonzero((status == ABROAD) & (group == g)))
