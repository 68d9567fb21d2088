"""Reskilling and unemployment benefits: hand-made worlds where the answer is known,
and model runs checking places, eligibility and accounts."""

import numpy as np
import pytest

from sim.config import LabsimConfig
from sim.data import GROUPS
from sim.mechanisms.benefits import benefits_kernel
from sim.mechanisms.reskilling import cell_jobs, isco_distance, reskilling_kernel, target_mask
from sim.model import LabourMarketModel
from sim.state import EMPLOYED, IN_TRAINING, IRREGULAR, REGULAR, UNEMPLOYED

KEY = np.uint64(12345)
NATIVE = GROUPS.index("native")
FOREIGN = GROUPS.index("foreign_migrant")

# Two occupations in one region: 0 is the workers' own (low pay, no jobs), 1 a target
# in demand (high pay, good job finding).
OCC_SKILL = np.array([2, 2], np.int8)


def _world(n, **cols):
    w = {
        "status": np.full(n, UNEMPLOYED, np.int8),
        "post": np.full(n, -1, np.int32),
        "region": np.zeros(n, np.int8),
        "occupation": np.zeros(n, np.int16),
        "skill": np.full(n, 2, np.int8),
        "skill_recognised": np.full(n, 2, np.int8),
        "digital": np.full(n, 0.8, np.float32),
        "language": np.full(n, 0.9, np.float32),
        "age": np.full(n, 30, np.int8),
        "group": np.full(n, NATIVE, np.int8),
        "legal": np.full(n, REGULAR, np.int8),
        "wage": np.full(n, 100000.0, np.float32),
        "productivity": np.ones(n, np.float32),
        "months": np.full(n, 3, np.int16),
        "reservation": np.full(n, 90000.0, np.float32),
        "benefit_left": np.zeros(n, np.int8),
        "ti_displaced": np.full(n, -1, np.int16),
        "target": np.full(n, -1, np.int16),
        "left": np.zeros(n, np.int8),
        "retrained": np.zeros(n, np.bool_),
    }
    for name, value in cols.items():
        w[name][:] = value
    return w


def _reskill(w, *, places=(100,), budget=10**9, filled=None, desired=None, attrition=None, **kw):
    params = dict(
        cell_wage=np.array([[100000.0, 300000.0]]),
        cell_share=np.array([[0.3, 0.9]]),
        home_share=np.full((1, 9), 0.3),
        consider_rate=1.0,
        risk_factor=1.0,
        employed_at_risk=False,
        horizon=24,
        taste_scale=0.0,
        stipend=40000.0,
        success=(5.0, 0.0, 0.0, 0.0, 0.0),
        eligible=(True, True, False, True),
        month=5,
        replacement=0.4,
        priority=False,
    )
    params.update(kw)
    n_reg = len(places)
    candidates = np.full((n_reg, 4, 2), -1, np.int16)
    candidates[:, :, 0] = 1
    candidates[:, :, 1] = 0
    starts_region = np.zeros(n_reg, np.int64)
    reskilled_group = np.zeros(len(GROUPS), np.int64)
    filled = np.array([5] if filled is None else filled, np.int32)
    desired = np.array([0] if desired is None else desired, np.int32)
    attrition = np.array([-1] if attrition is None else attrition, np.int32)
    a0, ad, al, aa, as_ = params["success"]
    out = reskilling_kernel(
        w["status"],
        w["post"],
        w["region"],
        w["occupation"],
        w["skill"],
        w["skill_recognised"],
        w["digital"],
        w["language"],
        w["age"],
        w["group"],
        w["legal"],
        w["wage"],
        w["productivity"],
        w["months"],
        w["reservation"],
        w["benefit_left"],
        w["ti_displaced"],
        w["target"],
        w["left"],
        w["retrained"],
        filled,
        desired,
        attrition,
        params["cell_wage"],
        params["cell_share"],
        params["home_share"],
        candidates,
        np.array([2, 3], np.int8) if kw.get("upgrade") else OCC_SKILL,
        np.array([7, 2], np.int8),
        np.zeros(2),
        np.zeros(2),
        isco_distance(["7111", "2511"]),
        np.array(params["eligible"], np.bool_),
        np.array(places, np.int64),
        budget,
        KEY,
        10,
        params["month"],
        params["consider_rate"],
        params["risk_factor"],
        params["employed_at_risk"],
        params["priority"],
        12,
        params["horizon"],
        params["taste_scale"],
        params["stipend"],
        2.0,
        1.0,
        3.0,
        a0,
        ad,
        al,
        aa,
        as_,
        0.1,
        0.8,
        85000.0,
        params["replacement"],
        0.0,
        1e9,
        starts_region,
        reskilled_group,
    )
    return out, starts_region, reskilled_group, filled


def test_isco_distance_and_target_mask():
    d = isco_distance(["2511", "2512", "2521", "2611", "7111"])
    assert d[0, 1] == 1 and d[0, 2] == 2 and d[0, 3] == 3 and d[0, 4] == 4 and d[0, 0] == 0
    # Codes of different lengths: 4 minus the common prefix.
    d = isco_distance(["251", "2511", "25", "3"])
    assert d.tolist() == [[0, 1, 2, 4], [1, 0, 2, 4], [2, 2, 0, 4], [4, 4, 4, 0]]
    assert d.dtype == np.int8
    assert target_mask(["2511", "3512", "7111"], ["25", "35"]).tolist() == [True, True, False]
    assert target_mask(["2511", "7111"], []).all()
    # At the major-group level, "25" selects major group 2.
    assert target_mask(["2", "7"], ["25"]).tolist() == [True, False]


def test_worker_trains_when_target_pays_and_not_otherwise():
    w = _world(1)
    (starts, *_), _, _, _ = _reskill(w)
    assert starts == 1
    assert w["status"][0] == IN_TRAINING and w["target"][0] == 1 and w["months"][0] == 0
    # Course length: 2 base months + 1 per ISCO level of distance (4: another major group).
    assert w["left"][0] == 6
    w = _world(1)
    (starts, *_), _, _, _ = _reskill(
        w, cell_wage=np.array([[100000.0, 90000.0]]), cell_share=np.array([[0.3, 0.3]])
    )
    assert starts == 0 and w["status"][0] == UNEMPLOYED


def test_capacity_is_never_exceeded_and_budget_binds():
    w = _world(10, region=np.array([0] * 6 + [1] * 4, np.int8))
    home = np.full((2, 9), 0.3)
    (starts, *_), by_region, _, _ = _reskill(
        w,
        places=(2, 3),
        cell_wage=np.array([[100000.0, 300000.0]] * 2),
        cell_share=np.array([[0.3, 0.9]] * 2),
        home_share=home,
    )
    assert by_region.tolist() == [2, 3] and starts == 5
    assert np.count_nonzero(w["status"] == IN_TRAINING) == 5
    w = _world(10)
    (starts, *_), _, _, _ = _reskill(w, places=(10,), budget=4)
    assert starts == 4


def test_target_groups_come_first_when_places_are_short():
    # Ten applicants, two places: the displaced and the long-term unemployed get them.
    w = _world(10)
    w["ti_displaced"][7] = 2
    w["months"][3] = 14
    (starts, *_), _, _, _ = _reskill(w, places=(2,), priority=True)
    assert starts == 2
    assert np.flatnonzero(w["status"] == IN_TRAINING).tolist() == [3, 7]
    # Without priority the same draws serve others too.
    w = _world(10)
    w["ti_displaced"][7] = 2
    w["months"][3] = 14
    _reskill(w, places=(2,), priority=False)
    assert np.flatnonzero(w["status"] == IN_TRAINING).tolist() != [3, 7]


def test_ineligible_workers_never_train():
    n = 4
    w = _world(n)
    w["group"][0] = FOREIGN  # foreign migrants not eligible in this world
    w["legal"][1] = IRREGULAR  # irregular: never, even though natives are eligible
    w["group"][2] = FOREIGN
    w["legal"][2] = IRREGULAR
    (starts, *_), _, _, _ = _reskill(w)
    assert starts == 1
    assert w["status"].tolist() == [UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, IN_TRAINING]
    # Even with every group eligible, the irregular stay out.
    w = _world(n, legal=IRREGULAR)
    (starts, *_), _, _, _ = _reskill(w, eligible=(True, True, True, True))
    assert starts == 0


@pytest.mark.parametrize("success", [True, False])
def test_trained_worker_changes_occupation_only_on_success(success):
    w = _world(1, status=IN_TRAINING, target=1, left=1, months=4, digital=0.5)
    # Success is certain (logit +50) or impossible (-50).
    rule = (50.0 if success else -50.0, 0.0, 0.0, 0.0, 0.0)
    (_, completions, successes, _), _, by_group, _ = _reskill(w, consider_rate=0.0, success=rule)
    assert completions == 1 and w["status"][0] == UNEMPLOYED and w["months"][0] == 0
    assert w["target"][0] == -1
    if success:
        assert successes == 1 and by_group[NATIVE] == 1
        assert w["occupation"][0] == 1 and w["retrained"][0]
        assert w["digital"][0] == pytest.approx(0.6)
        assert w["reservation"][0] == pytest.approx(0.8 * 300000.0)
    else:
        assert successes == 0 and by_group.sum() == 0
        assert w["occupation"][0] == 0 and not w["retrained"][0]
        assert w["digital"][0] == pytest.approx(0.5)
        assert w["reservation"][0] == pytest.approx(90000.0)


def test_course_runs_its_length_before_ending():
    w = _world(1, status=IN_TRAINING, target=1, left=3, months=1)
    for expected_left in (2, 1):
        (_, completions, _, _), _, _, _ = _reskill(w, consider_rate=0.0)
        assert completions == 0 and w["left"][0] == expected_left
        w["months"][0] += 1
    (_, completions, _, _), _, _, _ = _reskill(w, consider_rate=0.0)
    assert completions == 1


def test_employed_at_risk_enrol_only_under_the_lever():
    for lever in (False, True):
        w = _world(1, status=EMPLOYED, post=0)
        (starts, _, _, employed_starts), _, _, filled = _reskill(
            w, employed_at_risk=lever, attrition=[20], cell_wage=np.array([[100000.0, 400000.0]])
        )
        assert starts == employed_starts == int(lever)
        assert filled[0] == 5 - int(lever)
        assert (w["post"][0] == -1) == lever
        # Enrolled: reservation wage max(minimum wage, 0.8 x last wage), as on job loss.
        assert w["reservation"][0] == pytest.approx(85000.0 if lever else 90000.0)
    # Without an announced cut (attrition wait over, or no excess jobs) they never enrol.
    w = _world(1, status=EMPLOYED, post=0)
    (starts, *_), _, _, _ = _reskill(w, employed_at_risk=True, attrition=[3])
    assert starts == 0
    w = _world(1, status=EMPLOYED, post=0)
    (starts, *_), _, _, _ = _reskill(w, employed_at_risk=True, attrition=[20], desired=[5])
    assert starts == 0


def test_benefit_lowers_the_income_forgone_and_raises_take_up():
    # A target whose gain roughly equals the income forgone: the benefit tips it.
    # Gain 24 x (0.5 x 70,000 - 0.3 x 100,000) ~ 120,000 KZT against 6 months x 30,000
    # forgone without a benefit, nothing forgone with a benefit equal to the wage.
    wage = np.array([[100000.0, 70000.0]])
    share = np.array([[0.3, 0.5]])
    w = _world(1)
    (no_benefit, *_), _, _, _ = _reskill(w, cell_wage=wage, cell_share=share, stipend=0.0)
    # Benefit = replacement x last wage = the wage: a job would bring nothing more.
    w = _world(1, benefit_left=3)
    (with_benefit, *_), _, _, _ = _reskill(
        w, cell_wage=wage, cell_share=share, stipend=0.0, replacement=1.0
    )
    assert (no_benefit, with_benefit) == (0, 1)


def _benefits(w, take_up=1.0, kappa=0.5, duration=3, **kw):
    return benefits_kernel(
        w["status"],
        w["months"],
        w["wage"],
        w["legal"],
        w["insured"],
        w["benefit_left"],
        w["reservation"],
        KEY,
        kw.get("tick", 1),
        0.4,
        0.0,
        1e9,
        duration,
        take_up,
        kappa,
        1.0,
        85000.0,
    )


def test_benefits_raise_the_reservation_wage_while_paid():
    w = _world(3, months=0, reservation=80000.0)
    w["insured"] = np.array([True, False, True])
    w["legal"][2] = IRREGULAR
    claims, recipients, paid = _benefits(w)
    assert claims == 1 and recipients == 1 and paid == pytest.approx(40000.0)
    assert w["reservation"].tolist() == pytest.approx([100000.0, 80000.0, 80000.0])
    assert w["benefit_left"].tolist() == [2, 0, 0]
    w["months"][:] = 1
    for expected in (1, 0):
        _benefits(w)
        assert w["benefit_left"][0] == expected
    # Run out: the benefit's part of the reservation wage goes.
    assert w["reservation"][0] == pytest.approx(85000.0)  # floored at the minimum wage


def test_a_job_ends_the_benefit():
    w = _world(1, months=0)
    w["insured"] = np.array([True])
    _benefits(w)
    w["status"][0] = EMPLOYED
    claims, recipients, paid = _benefits(w)
    assert (claims, recipients, paid) == (0, 0, 0.0) and w["benefit_left"][0] == 0


def test_higher_benefit_means_higher_reservation_wage():
    reservations = []
    for kappa in (0.0, 0.5, 1.0):
        w = _world(1, months=0, reservation=80000.0)
        w["insured"] = np.array([True])
        _benefits(w, kappa=kappa)
        reservations.append(float(w["reservation"][0]))
    assert reservations[0] < reservations[1] < reservations[2]


def _small(**overrides):
    cfg = LabsimConfig(scale=0.002, seed=3, horizon_months=24)
    for key, value in overrides.items():
        node = cfg
        *path, name = key.split(".")
        for part in path:
            node = getattr(node, part)
        setattr(node, name, value)
    return LabourMarketModel(cfg)


def test_model_places_eligibility_and_accounts_over_a_run():
    model = _small(**{"reskilling.capacity_per_1000": 3.0})
    reskilling = next(m for m in model.mechanisms if m.name == "reskilling")
    w = model.workers
    cum_capacity = np.zeros(model.data.n_regions)
    cum_starts = np.zeros(model.data.n_regions)
    total_starts = 0
    for _ in range(24):
        model.step()
        cum_capacity += 3.0 / 1000 * reskilling.labour_force_0
        cum_starts += reskilling.starts_region
        total_starts += reskilling.starts_region.sum()
        assert (cum_starts <= cum_capacity + 1e-9).all()
        training = w.status == IN_TRAINING
        assert not (training & (w.legal_status == IRREGULAR)).any()
        assert not (training & (w.group == FOREIGN)).any()
        assert (w.post[training] == -1).all() and (w.training_target[training] >= 0).all()
    assert total_starts > 0
    national = model.datacollector.get_model_vars_dataframe()
    assert national["in_training"].iloc[-1] > 0
    assert national["reskilled_cum"].iloc[-1] > 0
    assert (national["training_starts"] <= national["training_places"]).all()


def test_no_places_means_no_training():
    model = _small(**{"reskilling.capacity_per_1000": 0.0})
    model.run_model()
    national = model.datacollector.get_model_vars_dataframe()
    assert national["in_training"].max() == 0 and national["reskilled_cum"].max() == 0


def test_cell_jobs_equal_their_numpy_definitions():
    rng = np.random.default_rng(1)
    n_posts, n_reg, n_occ = 400, 3, 5
    region = rng.integers(0, n_reg, n_posts).astype(np.int8)
    occupation = rng.integers(0, n_occ, n_posts).astype(np.int16)
    desired = rng.integers(0, 6, n_posts).astype(np.int32)
    filled = rng.integers(0, 6, n_posts).astype(np.int32)
    offer = rng.uniform(8e4, 9e5, n_posts).astype(np.float32)
    jobs, pay, vacancies, held = cell_jobs(region, occupation, desired, filled, offer, n_reg, n_occ)
    cell = region.astype(np.int64) * n_occ + occupation
    size = n_reg * n_occ
    expected_jobs = np.maximum(desired, filled).astype(np.float64)
    assert np.array_equal(jobs, np.bincount(cell, expected_jobs, size))
    assert np.array_equal(pay, np.bincount(cell, expected_jobs * offer, size))
    open_jobs = np.maximum(desired - filled, 0).astype(np.float64)
    assert np.array_equal(vacancies, np.bincount(cell, open_jobs, size))
    assert np.array_equal(held, np.bincount(cell, filled.astype(np.float64), size))
