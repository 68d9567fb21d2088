"""Direction of policy effects across seeds, measured with the comparison tool.

Five seeds of baseline, ``reskilling_push`` and ``migrant_inclusion`` at scale 0.01 over
120 months. Scenarios share random streams by seed, so differences are paired; the
comparison tool gives each a t confidence interval over seeds.
"""

import math

import pandas as pd
import pytest

from sim.compare import compare, find_runs
from sim.output import write_run
from sim.runner import compose_config, simulate

SEEDS = (1, 2, 3, 4, 5)
HORIZON = 120
SCENARIOS = ("baseline", "reskilling_push", "migrant_inclusion")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("policy_runs")
    for scenario in SCENARIOS:
        for seed in SEEDS:
            cfg = compose_config(scenario, scale=0.01, seed=seed, horizon_months=HORIZON)
            tables, facts = simulate(cfg)
            write_run(root / f"{scenario}_{seed}", tables, cfg, [], facts)
    return root


@pytest.fixture(scope="module")
def comparison(runs):
    table = compare(find_runs([runs]), "baseline", [HORIZON])
    return table.set_index(["scenario", "metric"])


def _reemployment_hazard(root, scenario):
    """Pooled monthly re-employment hazard of displaced workers by group, 5 seeds."""
    groups = pd.concat(
        pd.read_parquet(root / f"{scenario}_{seed}" / "groups.parquet") for seed in SEEDS
    )
    last = groups[groups["month"] == HORIZON].groupby("group", observed=True).sum()
    return last["reemployed_cum"] / last["displaced_search_months_cum"], last["reemployed_cum"]


def _row(table, scenario, metric):
    row = table.loc[(scenario, metric)]
    assert row["n_seeds"] == len(SEEDS)
    assert math.isfinite(row["ci_low"]) and math.isfinite(row["ci_high"])
    assert row["ci_low"] <= row["difference"] <= row["ci_high"]
    return row


def test_reskilling_push_lowers_long_term_unemployment_of_displaced_workers(comparison):
    row = _row(comparison, "reskilling_push", "displaced_long_term_unemployed")
    # The whole confidence interval of the paired difference lies below zero.
    assert row["ci_high"] < 0
    reskilled = _row(comparison, "reskilling_push", "reskilled_cum")
    assert reskilled["ci_low"] > 0


def test_migrant_inclusion_lowers_migrants_long_term_unemployment_more_than_natives(
    comparison,
):
    migrants = _row(comparison, "migrant_inclusion", "ltu_rate_migrants")
    natives = _row(comparison, "migrant_inclusion", "ltu_rate_natives")
    assert migrants["difference"] < 0
    assert migrants["relative_difference"] < natives["relative_difference"]


def test_displaced_foreign_migrants_are_reemployed_slower_and_inclusion_narrows_the_gap(runs):
    hazard, events = _reemployment_hazard(runs, "baseline")
    # Persons at scale 0.01: 100 per agent; at least 20 re-employment events of migrants.
    assert events["foreign_migrant"] >= 20 * 100
    gap_baseline = hazard["native"] - hazard["foreign_migrant"]
    assert gap_baseline > 0
    hazard_inclusion, _ = _reemployment_hazard(runs, "migrant_inclusion")
    assert hazard_inclusion["native"] - hazard_inclusion["foreign_migrant"] < gap_baseline
