"""Synthetic population: margins of the data at any scale, compact dtypes, Zipf firms."""

import numpy as np
import pytest

from sim.data import GROUPS, load_dataset
from sim.runner import compose_config
from sim.state import (
    ABROAD,
    EMPLOYED,
    IRREGULAR,
    UNEMPLOYED,
    _firm_sizes,
    generate_population,
    nbytes,
)


@pytest.fixture(scope="module")
def data():
    return load_dataset()


@pytest.fixture(scope="module")
def population(data):
    cfg = compose_config("baseline", scale=0.02, seed=5)
    return cfg, generate_population(data, cfg)


def test_margins_match_the_data(data, population):
    cfg, (w, firms, posts) = population
    weight = 1 / cfg.scale
    emp = w.status == EMPLOYED
    by_region = np.bincount(w.region[emp], minlength=20) * weight
    np.testing.assert_allclose(by_region, data.region_employed, rtol=0.02)
    lf = np.bincount(w.region, minlength=20) * weight
    u_rate = np.bincount(w.region[w.status == UNEMPLOYED], minlength=20) * weight / lf
    np.testing.assert_allclose(u_rate, data.region_unemployment_rate, atol=0.006)
    major = data.occupation_major[w.occupation[emp]] - 1
    by_major = np.bincount(major, minlength=9) / emp.sum()
    np.testing.assert_allclose(by_major, data.employment_cells.sum(axis=(0, 1)) / 9.2e6, atol=0.003)
    by_sector = np.bincount(w.sector[emp], minlength=14) / emp.sum()
    np.testing.assert_allclose(
        by_sector, data.employment_cells.sum(axis=(0, 2)) / 9.2e6, atol=0.003
    )


def test_groups_match_migrant_stocks(data, population):
    cfg, (w, _, _) = population
    resident = w.status != ABROAD  # the pool of migrants abroad is not in the stocks
    persons = np.bincount(w.group[resident], minlength=4) / cfg.scale
    expected = data.migrant_stocks.sum(axis=0)
    for g in range(1, 4):
        assert abs(persons[g] - expected[g]) / expected[g] < 0.05, GROUPS[g]


def test_migrant_attributes_follow_their_groups(data, population):
    cfg, (w, _, p) = population
    foreign = (w.group == GROUPS.index("foreign_migrant")) & (w.status != ABROAD)
    native = w.group == GROUPS.index("native")
    assert w.language[foreign].mean() < w.language[native].mean() - 0.2
    assert w.digital_literacy[foreign].mean() < w.digital_literacy[native].mean()
    assert (w.origin[foreign] >= 0).all() and (w.origin[~foreign & (w.status != ABROAD)] < 0).all()
    irregular = foreign & (w.legal_status == IRREGULAR)
    assert 0.2 < irregular.sum() / foreign.sum() < 0.4
    # Irregular migrants with a job hold informal posts; informality near the data's 13.6%.
    employed = w.status == EMPLOYED
    assert p.informal[w.post[irregular & employed]].all()
    assert 0.10 < p.informal[w.post[employed]].mean() < 0.20
    # Unrecognised foreign qualifications: real skill one above the level employers see.
    gap = w.skill.astype(int) - w.skill_recognised
    assert set(np.unique(gap[foreign])) <= {0, 1} and 0.3 < gap[foreign].mean() < 0.6
    assert (gap[native] == 0).all()
    # The pool abroad: foreign migrants and kandas only, with no job.
    abroad = w.status == ABROAD
    assert abroad.any() and (w.post[abroad] == -1).all()
    assert set(np.unique(w.group[abroad])) == {
        GROUPS.index("foreign_migrant"),
        GROUPS.index("kandas"),
    }


def test_wages_reproduce_the_regional_order(data, population):
    cfg, (w, _, _) = population
    emp = w.status == EMPLOYED
    mean = np.bincount(w.region[emp], weights=w.wage[emp], minlength=20) / np.bincount(
        w.region[emp], minlength=20
    )
    assert np.argmax(mean) == data.region_names.index("Atyrau Region")
    ranks = np.argsort(np.argsort(mean))
    data_ranks = np.argsort(np.argsort(data.region_mean_wage))
    assert np.corrcoef(ranks, data_ranks)[0, 1] > 0.95
    assert (w.wage[emp] >= cfg.wages.minimum_wage).all()


def test_jobs_and_posts_are_consistent(population):
    _, (w, firms, posts) = population
    emp = w.status == EMPLOYED
    np.testing.assert_array_equal(np.bincount(w.post[emp], minlength=posts.n), posts.filled)
    np.testing.assert_array_equal(posts.region, firms.region[posts.firm])
    assert (w.post[~emp] == -1).all()
    assert np.bincount(posts.firm, weights=posts.filled).astype(int).tolist() == (
        firms.jobs_initial.tolist()
    )


def test_compact_dtypes_and_memory(population):
    _, (w, firms, posts) = population
    assert w.status.dtype == np.int8 and w.region.dtype == np.int8
    assert w.occupation.dtype == np.int16 and w.wage.dtype == np.float32
    # Bytes per worker: 44 for the labour-market and migrant state, 6 for the benefit
    # and training state (insured, benefit months, course target, months and outcome).
    assert nbytes(w) / w.n <= 50
    assert w.benefit_months_left.dtype == np.int8 and w.training_target.dtype == np.int16


def test_firm_sizes_are_zipf_like():
    rng = np.random.default_rng(0)
    sizes = _firm_sizes(2_000_000, 2.0, 10**6, rng)
    assert sizes.sum() == 2_000_000 and sizes.min() >= 1
    # Survival P(S >= k) ~ k^-1 for a Zipf law: slope of the log-log tail.
    ks = np.array([4, 8, 16, 32, 64, 128])
    surv = np.array([(sizes >= k).mean() for k in ks])
    slope = np.polyfit(np.log(ks), np.log(surv), 1)[0]
    assert -1.15 < slope < -0.85


def test_same_seed_same_population_other_seed_differs(data):
    cfg = compose_config("baseline", scale=0.005, seed=11)
    a = generate_population(data, cfg)[0]
    b = generate_population(data, cfg)[0]
    assert np.array_equal(a.wage, b.wage) and np.array_equal(a.occupation, b.occupation)
    c = generate_population(data, compose_config("baseline", scale=0.005, seed=12))[0]
    assert not np.array_equal(a.wage[:1000], c.wage[:1000])


def test_population_does_not_depend_on_policy(data):
    base = compose_config("baseline", scale=0.005, seed=11)
    policy = compose_config("baseline", scale=0.005, seed=11, matching__p_apply_other_region=0.2)
    a, b = generate_population(data, base)[0], generate_population(data, policy)[0]
    assert np.array_equal(a.wage, b.wage) and np.array_equal(a.group, b.group)


def test_wage_dispersion_matches_the_median_to_mean_ratio(data, population):
    cfg, (w, _, _) = population
    emp = w.status == EMPLOYED
    ratio = np.median(w.wage[emp]) / w.wage[emp].mean()
    target = data.targets["median_wage"] / data.targets["mean_wage"]  # BNS 2023: 0.69
    assert abs(ratio - target) < 0.02
