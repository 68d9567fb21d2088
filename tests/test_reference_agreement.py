"""The array engine agrees in distribution with the idiomatic Mesa reference of its core loop.

``benchmarks/mesa_reference.py`` re-implements the month's core mechanisms (automation,
demand, displacement, separations, matching, wages) as one Mesa agent per worker and
per firm, with its own random numbers. For each seed both start from the same engine
month-0 population under ``CORE_OVERRIDES`` (everything outside the core loop
switched off) and run ``MONTHS`` months; the unemployment-rate and automation-share
paths must agree across seeds. A reference with the quit probability doubled must be
caught by the same criterion, so the test can fail.

Criterion
---------
Both models run on the same population per seed, so the test compares paired
differences ``d_s = engine_s(t) - reference_s(t)``: the population's own spread
cancels and only the two models' dynamic noise remains. At each check month the mean
difference must satisfy ``|mean(d)| <= max(3 * SE, floor)``, ``SE = sd(d) / sqrt(N)``
over the ``N = 8`` seeds. Three standard errors keep a false alarm per comparison near
2% (t with 7 degrees of freedom; measured: the six comparisons passed for 93% of random
sets of 8 out of 36 seeds); the seeds are fixed, so the outcome is deterministic. The
floors are differences nobody reads off a national series and that the two codes'
arithmetic alone can produce (float32 arrays against Python floats, whole-job rounding
of desired jobs): 0.05 percentage points of unemployment (about 5 of the ~9,600
labour-force agents at scale 0.001) and 0.02 points of automation share (about 2 of
the ~9,200 month-0 job-equivalents). They bind only where the paths have barely
diverged (unemployment at month 12: 3 SE = 0.048 pp); otherwise 3 SE is larger (SE of
the difference with these seeds: 0.016-0.059 pp of unemployment, 0.023-0.039 pp of
automation share).

Doubling quits raises unemployment by 0.13 pp at month 24 and 0.18 pp at month 36
(about 3-4 paired standard errors) and lowers the automation share by 0.1 pp at month
36: the market is demand-constrained and refills most quits within the month, so the
effect needs two to three years to show, which is why the test runs 36 months.
"""

from __future__ import annotations

import copy
import gc
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.data import load_dataset
from sim.model import LabourMarketModel

SCALE = 0.001  # ~9,600 labour-force workers, ~2,900 firms
MONTHS = 36
SEEDS = tuple(range(1, 9))
CHECK_MONTHS = (12, 24, 36)
N_SE = 3.0
FLOOR = {"unemployment_rate": 0.0005, "automation_share": 0.0002}  # rates (0.05, 0.02 pp)
COLUMNS = tuple(FLOOR)


def _load_reference():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "mesa_reference.py"
    spec = importlib.util.spec_from_file_location("mesa_reference", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ref = _load_reference()


def _paths(frame) -> dict[str, np.ndarray]:
    return {c: frame[c].to_numpy(dtype=float) for c in COLUMNS}


@pytest.fixture(scope="module")
def runs() -> dict[str, list[dict[str, np.ndarray]]]:
    """Engine, reference and quit-doubled reference paths, one entry per seed."""
    base = ref.core_config(SCALE, MONTHS, SEEDS[0])
    data = load_dataset(base.population.data_dir, base.population.occupation_level)
    out: dict[str, list[dict[str, np.ndarray]]] = {
        "engine": [],
        "reference": [],
        "double_quits": [],
    }
    # The agents' reference cycles make the collector scan ~30,000 live objects often
    # (a quarter of the reference's time): collect once per seed instead.
    gc.disable()
    try:
        for seed in SEEDS:
            cfg = copy.deepcopy(base)
            cfg.seed = seed
            engine = LabourMarketModel(cfg, data=data)
            out["reference"].append(_paths(ref.run_reference(engine, MONTHS)))
            wrong = copy.deepcopy(engine.cfg)
            wrong.separations.p_quit_to_unemployment *= 2.0
            out["double_quits"].append(_paths(ref.run_reference(engine, MONTHS, cfg=wrong)))
            engine.run_model()
            out["engine"].append(_paths(engine.datacollector.get_model_vars_dataframe()))
            engine.release_agents()
            gc.collect()
    finally:
        gc.enable()
    return out


def _compare(
    engine: list[dict[str, np.ndarray]], other: list[dict[str, np.ndarray]]
) -> list[tuple[str, int, float, float, float]]:
    """Rows (column, month, mean paired difference, its SE, tolerance) at the check months."""
    rows = []
    for column in COLUMNS:
        e = np.array([run[column] for run in engine])
        o = np.array([run[column] for run in other])
        for t in CHECK_MONTHS:
            d = e[:, t] - o[:, t]
            se = float(d.std(ddof=1) / np.sqrt(len(d)))
            rows.append((column, t, float(d.mean()), se, max(N_SE * se, FLOOR[column])))
    return rows


def _report(rows: list[tuple[str, int, float, float, float]]) -> str:
    return "\n".join(
        f"{c:18s} month {t:2d}: diff {d:+.5f}  SE {se:.5f}  tolerance {tol:.5f}"
        f"{'' if abs(d) <= tol else '  <- disagrees'}"
        for c, t, d, se, tol in rows
    )


def test_same_month_zero(runs):
    """Both start from the same state: identical month-0 unemployment and no automation."""
    for e, r in zip(runs["engine"], runs["reference"], strict=True):
        assert e["unemployment_rate"][0] == pytest.approx(r["unemployment_rate"][0], abs=1e-12)
        assert e["automation_share"][0] == r["automation_share"][0] == 0.0


def test_engine_agrees_with_mesa_reference(runs):
    """Mean unemployment and automation paths agree within the criterion at months 12-36."""
    rows = _compare(runs["engine"], runs["reference"])
    assert all(abs(d) <= tol for _, _, d, _, tol in rows), _report(rows)


def test_criterion_detects_a_different_reference(runs):
    """A reference whose workers quit twice as often is caught by the same criterion."""
    rows = _compare(runs["engine"], runs["double_quits"])
    assert any(abs(d) > tol for _, _, d, _, tol in rows), _report(rows)


def test_reference_refuses_mechanisms_it_lacks():
    """The reference runs only the core loop: other active mechanisms are refused."""
    cfg = ref.core_config(SCALE, 1, 1)
    cfg.migration.enabled = True
    cfg.benefits.take_up = 0.4
    with pytest.raises(ValueError, match=r"migration\.enabled, benefits\.take_up"):
        ref.check_core_config(cfg)
