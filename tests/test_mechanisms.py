"""Each mechanism on small hand-made worlds where the answer is known."""

import numpy as np
import pytest

from sim.mechanisms.demand import desired_jobs_kernel
from sim.mechanisms.matching import (
    coarse_bucket_count,
    gather_by_bucket,
    hire_by_bucket,
    key_bucket,
    matching_kernel,
    neighbour_tables,
)
from sim.mechanisms.separations import separations_kernel
from sim.mechanisms.wages import tightness_kernel, wage_update_kernel
from sim.rng import bucket_pass, stream_key
from sim.state import EMPLOYED, IRREGULAR, REGULAR, UNEMPLOYED

KEY = stream_key(1, "test")


# ---- separations -----------------------------------------------------------------------
def _sep_world(n_workers, filled, desired):
    post = np.repeat(np.arange(len(filled)), filled).astype(np.int32)
    assert len(post) == n_workers
    return dict(
        status=np.full(n_workers, EMPLOYED, np.int8),
        post=post,
        wage=np.full(n_workers, 200000.0, np.float32),
        months=np.zeros(n_workers, np.int16),
        reservation=np.zeros(n_workers, np.float32),
        insured=np.ones(n_workers, np.bool_),
        filled=np.array(filled, np.int32),
        desired=np.array(desired, np.int32),
    )


def _separate(w, p_quit, speed, month=1):
    return separations_kernel(
        w["status"],
        w["post"],
        w["wage"],
        w["months"],
        w["reservation"],
        w["insured"],
        w["filled"],
        w["desired"],
        np.full(len(w["filled"]), -1, np.int32),
        KEY,
        month,
        p_quit,
        speed,
        0.8,
        85000.0,
    )


def test_everyone_quits_when_p_quit_is_one():
    w = _sep_world(6, [4, 2], [4, 2])
    quits, layoffs = _separate(w, 1.0, 0.0)
    assert (quits, layoffs) == (6, 0)
    assert (w["status"] == UNEMPLOYED).all() and (w["post"] == -1).all()
    assert (w["filled"] == 0).all()
    np.testing.assert_allclose(w["reservation"], 160000.0)  # 0.8 x last wage
    assert not w["insured"].any()  # quitting forfeits the job-loss benefit


def test_no_separation_without_quits_or_excess():
    w = _sep_world(6, [4, 2], [5, 2])
    assert _separate(w, 0.0, 1.0) == (0, 0)
    assert (w["status"] == EMPLOYED).all()


def test_layoffs_shed_the_excess_at_the_layoff_speed():
    n_posts, size = 2000, 10
    w = _sep_world(n_posts * size, [size] * n_posts, [6] * n_posts)  # excess 4 per post
    _, layoffs = _separate(w, 0.0, 0.5)
    assert abs(layoffs / n_posts - 2.0) < 0.1  # 0.5 x 4 per post on average
    assert (w["filled"] >= 0).all()
    np.testing.assert_array_equal(
        np.bincount(w["post"][w["post"] >= 0], minlength=n_posts), w["filled"]
    )
    w = _sep_world(20, [10, 10], [0, 10])
    _separate(w, 0.0, 1.0)
    assert w["filled"].tolist() == [0, 10]  # full speed sheds all of an excess


# ---- matching --------------------------------------------------------------------------
def _network(n_occ, edges):
    """CSR mobility network from (source, target, weight) triples."""
    edges = sorted(edges)
    indptr = np.zeros(n_occ + 1, np.int64)
    for s, _, _ in edges:
        indptr[s + 1] += 1
    indptr = np.cumsum(indptr)
    return neighbour_tables(
        indptr,
        np.array([t for _, t, _ in edges], np.int32),
        np.array([w for _, _, w in edges], np.float64),
    )


def _match_world(workers, posts, occ_skill=(2, 2), edges=((0, 0, 1.0), (1, 1, 1.0))):
    n = len(workers)
    w = {
        "status": np.array([x.get("status", UNEMPLOYED) for x in workers], np.int8),
        "post": np.array([x.get("post", -1) for x in workers], np.int32),
        "region": np.array([x.get("region", 0) for x in workers], np.int8),
        "occupation": np.array([x.get("occ", 0) for x in workers], np.int16),
        "sector": np.zeros(n, np.int8),
        "skill": np.array([x.get("skill", 2) for x in workers], np.int8),
        "digital": np.array([x.get("digital", 0.9) for x in workers], np.float32),
        "language": np.array([x.get("language", 0.95) for x in workers], np.float32),
        "legal": np.array([x.get("legal", REGULAR) for x in workers], np.int8),
        "group": np.array([x.get("group", 0) for x in workers], np.int8),
        "wage": np.array([x.get("wage", 100000.0) for x in workers], np.float32),
        "productivity": np.ones(n, np.float32),
        "months": np.full(n, 3, np.int16),
        "reservation": np.array([x.get("reservation", 85000.0) for x in workers], np.float32),
        "insured": np.zeros(n, np.bool_),
    }
    p = {
        "region": np.array([x.get("region", 0) for x in posts], np.int8),
        "occupation": np.array([x.get("occ", 0) for x in posts], np.int16),
        "sector": np.zeros(len(posts), np.int8),
        "filled": np.array([x.get("filled", 0) for x in posts], np.int32),
        "desired": np.array([x["desired"] for x in posts], np.int32),
        "offer": np.array([x.get("offer", 150000.0) for x in posts], np.float32),
        "informal": np.array([x.get("informal", False) for x in posts], np.bool_),
    }
    nb = _network(len(occ_skill), list(edges))
    return w, p, np.array(occ_skill, np.int8), nb


def _match(w, p, occ_skill, nb, n_regions=1, **kw):
    n_occ = len(occ_skill)
    params = dict(
        digital_need=np.zeros(n_occ),
        language_need=np.zeros(n_occ),
        platform_literacy=0.5,
        apps_platform=0,
        screen_digital=1.5,
        screen_language=1.5,
        apps_u=3,
        apps_e=3,
        p_ojs=0.0,
        p_own=1.0,
        p_any=0.0,
        p_other=0.0,
        p_read=1.0,
        gap=1,
        gain=0.05,
        month=1,
    )
    params.update(kw)
    return matching_kernel(
        w["status"],
        w["post"],
        w["region"],
        w["occupation"],
        w["sector"],
        w["skill"],
        w["digital"],
        w["language"],
        w["legal"],
        w["group"],
        w["wage"],
        w["productivity"],
        w["months"],
        w["reservation"],
        w["insured"],
        p["region"],
        p["occupation"],
        p["sector"],
        p["filled"],
        p["desired"],
        p["offer"],
        p["informal"],
        occ_skill,
        np.full(n_occ, 2, np.int8),
        np.asarray(params["digital_need"], np.float64),
        np.asarray(params["language_need"], np.float64),
        np.cumsum(np.ones((n_regions, n_regions)) - np.eye(n_regions), axis=1),
        nb[0],
        nb[1],
        nb[2],
        n_regions,
        KEY,
        params["month"],
        params["apps_u"],
        params["apps_e"],
        params["p_ojs"],
        params["p_own"],
        params["p_any"],
        params["p_other"],
        params["p_read"],
        params["gap"],
        params["gain"],
        85000.0,
        params["platform_literacy"],
        params["apps_platform"],
        params["screen_digital"],
        params["screen_language"],
        np.zeros(n_regions * 9),
        np.zeros(n_regions * 9),
        np.zeros((n_regions, n_regions), np.int64),
    )


def hire_in_key_order(keys, pairs, remaining, n_searchers):
    """Hiring as the matching kernel does it: keys spread into coarse buckets, then hired."""
    n = keys.shape[0]
    n_coarse = coarse_bucket_count(n)
    coarse_key, coarse_pair = np.empty(n), np.empty(n, np.int64)
    end = np.empty(n_coarse + 1, np.int64)
    bucket_pass(keys, pairs, 0, n, 1.0, 0.0, n_coarse, coarse_key, coarse_pair, end)
    return hire_by_bucket(coarse_key, coarse_pair, end[:n_coarse], remaining, n_searchers)


def _serial_dictatorship(keys, pairs, remaining, n_searchers):
    """Reference: applications in stable key order (equal keys in input order)."""
    remaining = remaining.copy()
    hired = np.zeros(n_searchers, bool)
    hires = []
    for j in np.argsort(keys, kind="stable"):
        s, q = int(pairs[j]) >> 32, int(pairs[j]) & 0xFFFFFFFF
        if not hired[s] and remaining[q] > 0:
            hired[s] = True
            remaining[q] -= 1
            hires.append(pairs[j])
    return np.array(hires, np.int64), remaining


@pytest.mark.parametrize("n_apps", [0, 1, 700, 60_000])
def test_hiring_takes_applications_in_stable_order_of_their_keys(n_apps):
    rng = np.random.default_rng(n_apps)
    n_searchers, n_vposts = max(1, n_apps // 5), max(1, n_apps // 40)
    keys = rng.random(n_apps)
    if n_apps > 100:  # equal keys: in the order of the applications
        keys[rng.integers(0, n_apps, 50)] = keys[rng.integers(0, n_apps, 50)]
    searcher = rng.integers(0, n_searchers, n_apps)
    pairs = (searcher.astype(np.int64) << 32) | rng.integers(0, n_vposts, n_apps)
    remaining = rng.integers(0, 3, n_vposts).astype(np.int32)
    expected, expected_left = _serial_dictatorship(keys, pairs, remaining, n_searchers)
    for k in (keys, np.unique(keys)[rng.permutation(np.unique(keys).shape[0])]):
        m = k.shape[0]
        left = remaining.copy()
        got = hire_in_key_order(k, pairs[:m], left, n_searchers)
        want, want_left = _serial_dictatorship(k, pairs[:m], remaining, n_searchers)
        assert np.array_equal(got, want) and np.array_equal(left, want_left)
    assert len(expected) <= min(remaining.sum(), n_searchers)
    assert np.all(expected_left >= 0)


def test_equal_keys_for_the_last_vacancy_go_in_application_order():
    keys = np.array([0.5, 0.25, 0.5, 0.5])
    pairs = np.array([0 << 32, 1 << 32, 2 << 32, 3 << 32], np.int64)  # all for vpost 0
    remaining = np.array([2], np.int32)
    hires = hire_in_key_order(keys, pairs, remaining, 4)
    assert np.array_equal(hires >> 32, [1, 0]) and remaining[0] == 0


def test_valid_applications_are_gathered_by_key_bucket_in_application_order():
    rng = np.random.default_rng(7)
    n_searchers, apps_max, n_coarse = 3_000, 4, 37
    n_valid = rng.integers(0, apps_max + 1, n_searchers).astype(np.int32)
    vpost = rng.integers(0, 500, n_searchers * apps_max).astype(np.int32)
    keys = rng.random(n_searchers * apps_max)
    keys[0] = keys[4]  # equal keys stay in application order
    valid = [
        (s, k) for s in range(n_searchers) for k in range(s * apps_max, s * apps_max + n_valid[s])
    ]
    bucket = [key_bucket(keys[k], n_coarse) for _, k in valid]
    order = np.argsort(bucket, kind="stable")
    got_key, got_pair, end = gather_by_bucket(n_valid, apps_max, vpost, keys, n_coarse)
    assert np.array_equal(got_pair, [(valid[j][0] << 32) | int(vpost[valid[j][1]]) for j in order])
    assert np.array_equal(got_key, [keys[valid[j][1]] for j in order])
    assert np.array_equal(end, np.cumsum(np.bincount(bucket, minlength=n_coarse)))
    starts = np.r_[0, end[:-1]]
    for b in range(n_coarse):
        in_bucket = got_key[starts[b] : end[b]]
        assert np.all((in_bucket >= b / n_coarse) & (in_bucket < (b + 1) / n_coarse))


def test_one_vacancy_two_applicants_one_hire():
    w, p, s, nb = _match_world([{}, {}], [{"desired": 1}])
    hires, j2j, _, _ = _match(w, p, s, nb)
    assert (hires, j2j) == (1, 0)
    assert sorted(w["status"].tolist()) == [EMPLOYED, UNEMPLOYED]
    assert p["filled"][0] == 1
    hired = int(np.flatnonzero(w["status"] == EMPLOYED)[0])
    assert w["post"][hired] == 0 and w["wage"][hired] == 150000.0 and w["months"][hired] == 0


def test_no_vacancy_no_hire():
    w, p, s, nb = _match_world([{}, {}], [{"desired": 3, "filled": 3}])
    p["filled"][:] = 3
    assert _match(w, p, s, nb)[0] == 0


def test_skill_screening_blocks_underqualified_applicants():
    w, p, s, nb = _match_world([{"skill": 1}], [{"desired": 1}], occ_skill=(4, 2))
    assert _match(w, p, s, nb)[0] == 0
    w, p, s, nb = _match_world([{"skill": 3}], [{"desired": 1}], occ_skill=(4, 2))
    assert _match(w, p, s, nb)[0] == 1


def test_offers_below_the_reservation_wage_are_declined():
    w, p, s, nb = _match_world([{"reservation": 200000.0}], [{"desired": 1}])
    assert _match(w, p, s, nb)[0] == 0
    w, p, s, nb = _match_world([{"reservation": 140000.0}], [{"desired": 1}])
    assert _match(w, p, s, nb)[0] == 1


def test_search_follows_the_mobility_network():
    # Worker in occupation 0; the only vacancy is in occupation 1, a neighbour of 0.
    edges = ((0, 0, 0.5), (0, 1, 0.5), (1, 1, 1.0))
    w, p, s, nb = _match_world([{"occ": 0}], [{"desired": 1, "occ": 1}], edges=edges)
    hires, _, occ_changes, _ = _match(w, p, s, nb, p_own=0.5)
    assert (hires, occ_changes) == (1, 1) and w["occupation"][0] == 1
    # Without a network link the vacancy is out of reach.
    w, p, s, nb = _match_world([{"occ": 0}], [{"desired": 1, "occ": 1}])
    assert _match(w, p, s, nb, p_own=0.5)[0] == 0


def test_other_regions_only_through_p_other_region():
    w, p, s, nb = _match_world([{"region": 0}], [{"desired": 1, "region": 1}])
    assert _match(w, p, s, nb, n_regions=2, p_other=0.0)[0] == 0
    w, p, s, nb = _match_world([{"region": 0}], [{"desired": 1, "region": 1}])
    hires, _, _, moves = _match(w, p, s, nb, n_regions=2, p_other=1.0)
    assert (hires, moves) == (1, 1) and w["region"][0] == 1


def test_on_the_job_search_needs_a_wage_gain():
    emp = {"status": EMPLOYED, "post": 0, "wage": 150000.0}
    posts = [{"desired": 1, "filled": 1, "offer": 150000.0}, {"desired": 1, "offer": 155000.0}]
    w, p, s, nb = _match_world([emp], posts)
    assert _match(w, p, s, nb, p_ojs=1.0, gain=0.05)[1] == 0  # 3.3% < 5% gain
    posts[1]["offer"] = 170000.0
    w, p, s, nb = _match_world([emp], posts)
    _, j2j, _, _ = _match(w, p, s, nb, p_ojs=1.0, gain=0.05)
    assert j2j == 1 and w["post"][0] == 1 and p["filled"].tolist() == [0, 1]


def test_hires_never_exceed_vacancies():
    workers = [{} for _ in range(500)]
    posts = [{"desired": k % 4, "filled": 0} for k in range(100)]
    w, p, s, nb = _match_world(workers, posts)
    hires = _match(w, p, s, nb, apps_u=5)[0]
    assert hires <= p["desired"].sum()
    assert (p["filled"] <= p["desired"]).all()
    assert hires == p["filled"].sum() == (w["status"] == EMPLOYED).sum()


# ---- wages -----------------------------------------------------------------------------
def test_tight_cells_raise_wages_and_the_floor_holds():
    occ_major = np.array([1, 9], np.int64)
    status = np.array([EMPLOYED, EMPLOYED, UNEMPLOYED], np.int8)
    region = np.zeros(3, np.int8)
    occupation = np.array([0, 1, 1], np.int16)
    vac, unemp = tightness_kernel(
        status,
        region,
        occupation,
        np.zeros(2, np.int8),
        np.array([0, 1], np.int16),
        np.array([1, 1], np.int32),
        np.array([5, 1], np.int32),
        occ_major,
        1,
    )
    assert (vac[0], unemp[0], vac[8], unemp[8]) == (4.0, 0.0, 0.0, 1.0)
    wage = np.array([300000.0, 86000.0, 90000.0], np.float32)
    reservation = np.array([0.0, 0.0, 90000.0], np.float32)
    offer = np.array([300000.0, 86000.0], np.float32)
    change = np.zeros(9)
    change[0], change[8] = 0.01, -0.02
    wage_update_kernel(
        status,
        region,
        occupation,
        wage,
        reservation,
        np.zeros(2, np.int8),
        np.array([0, 1], np.int16),
        offer,
        occ_major,
        change,
        85000.0,
        0.05,
    )
    assert wage[0] > 300000.0 and offer[0] > 300000.0
    assert wage[1] == 85000.0  # 86000 x e^-0.02 = 84297, floored
    assert reservation[2] == 85500.0  # 90000 x 0.95


# ---- demand ----------------------------------------------------------------------------
def test_minimum_wage_cuts_demand_only_where_it_binds():
    base = np.array([100.0, 100.0], np.float32)
    offer = np.array([90000.0, 300000.0], np.float32)
    cost0 = np.maximum(offer, 85000.0).astype(np.float32)
    out = np.zeros(2, np.int32)
    args = (
        base,
        np.zeros(2, np.float32),
        offer,
        cost0,
        np.zeros(2, np.int8),
        np.zeros(2, np.int8),
        np.ones((1, 1)),
        1.0,
        np.ones(1),
        1.0,
    )
    desired_jobs_kernel(*args, 85000.0, 0.5, out)
    assert out.tolist() == [100, 100]
    desired_jobs_kernel(*args, 120000.0, 0.5, out)
    assert out[0] == int(np.floor(100 * (90000 / 120000) ** 0.5)) and out[1] == 100


def test_demand_index_scales_desired_jobs():
    out = np.zeros(1, np.int32)
    args = (
        np.array([200.0], np.float32),
        np.zeros(1, np.float32),
        np.array([2e5], np.float32),
        np.array([2e5], np.float32),
        np.zeros(1, np.int8),
        np.zeros(1, np.int8),
        np.full((1, 1), 1.1),
    )
    desired_jobs_kernel(*args, 0.95, np.array([1.2]), 1.0, 85000.0, 0.3, out)
    assert out[0] == int(np.floor(200 * 0.95 * 1.1 * 1.2))
    # Productivity growing faster than the job cost raises demand along the curve.
    desired_jobs_kernel(*args, 1.0, np.ones(1), 1.1, 85000.0, 0.3, out)
    assert out[0] == int(np.floor(200 * 1.1 * 1.1**0.3))


def test_open_applications_reach_unlinked_occupations_within_skill():
    # No network link from 0 to 1; an open application can still reach occupation 1.
    w, p, s, nb = _match_world([{"occ": 0}], [{"desired": 1, "occ": 1}])
    hires, _, occ_changes, _ = _match(w, p, s, nb, p_any=1.0)
    assert (hires, occ_changes) == (1, 1)
    # ... but not past the skill screen.
    w, p, s, nb = _match_world([{"occ": 0, "skill": 1}], [{"desired": 1, "occ": 1}], (2, 4))
    assert _match(w, p, s, nb, p_any=1.0)[0] == 0


# ---- digital gap, legal status, platform -----------------------------------------------
def test_irregular_migrants_are_hired_only_into_informal_posts():
    w, p, s, nb = _match_world([{"legal": IRREGULAR}], [{"desired": 1}])
    assert _match(w, p, s, nb)[0] == 0
    w, p, s, nb = _match_world([{"legal": IRREGULAR}], [{"desired": 1, "informal": True}])
    assert _match(w, p, s, nb)[0] == 1


def test_digital_and_language_screens_follow_the_shortfall():
    # A shortfall of 0.7 x 1.5 >= 1 never passes; no shortfall always passes.
    w, p, s, nb = _match_world([{"digital": 0.1}], [{"desired": 1}])
    assert _match(w, p, s, nb, digital_need=[0.8, 0.0])[0] == 0
    w, p, s, nb = _match_world([{"language": 0.2}], [{"desired": 1}])
    assert _match(w, p, s, nb, language_need=[0.9, 0.0])[0] == 0
    w, p, s, nb = _match_world([{"digital": 0.8, "language": 0.9}], [{"desired": 1}])
    assert _match(w, p, s, nb, digital_need=[0.8, 0.0], language_need=[0.9, 0.0])[0] == 1
    # A partial shortfall passes with probability 1 - 1.5 x 0.2 = 0.7 per application.
    workers = [{"digital": 0.4} for _ in range(4000)]
    w, p, s, nb = _match_world(workers, [{"desired": 4000}])
    hires = _match(w, p, s, nb, apps_u=1, digital_need=[0.6, 0.0])[0]
    assert abs(hires / 4000 - 0.7) < 0.03


def test_platform_users_send_more_applications():
    # One application each, one in two reaches the single occupation's posts only if read;
    # platform users (literacy >= 0.5, regular) send 3 more and find jobs more often.
    def hires(digital, legal):
        workers = [{"digital": digital, "legal": legal} for _ in range(3000)]
        w, p, s, nb = _match_world(workers, [{"desired": 3000, "informal": True}])
        return _match(w, p, s, nb, apps_u=1, apps_platform=3, p_read=0.3)[0]

    offline, online, irregular = hires(0.3, REGULAR), hires(0.7, REGULAR), hires(0.7, IRREGULAR)
    assert online > 1.8 * offline
    assert abs(irregular - offline) < 0.1 * offline  # no public platform without a permit


def test_a_native_hired_in_another_region_becomes_an_internal_migrant():
    w, p, s, nb = _match_world([{"region": 0, "group": 0}], [{"desired": 1, "region": 1}])
    _match(w, p, s, nb, n_regions=2, p_other=1.0)
    assert w["region"][0] == 1 and w["group"][0] == 1
