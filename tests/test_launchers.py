"""The same 4-run sweep on each Hydra launcher gives the tables of the runs done one by one."""

from __future__ import annotations

import importlib.util
import os
import subprocess

import pandas as pd
import pytest

from sim.output import is_complete
from sim.results import TABLE_NAMES
from sim.runner import compose_config, simulate
from sim.sweep import SWEEP_TABLE, labsim_command, run_folder_name

SMALL = {"scale": 0.0005, "horizon_months": 6, "output__figures": False}
POINTS = [(seed, rate) for seed in (1, 2) for rate in (0.2, 0.3)]
ARGS = [
    "seed=1,2",
    "automation.genai.learning_rate=0.2,0.3",
    "scale=0.0005",
    "horizon_months=6",
    "output.figures=false",
]
ENV = {**os.environ, "NUMBA_THREADING_LAYER": "workqueue", "RAY_DEDUP_LOGS": "0"}


@pytest.fixture(scope="module")
def one_by_one():
    """The four runs, one after the other in this process: (seed, rate) -> (config, tables)."""
    out = {}
    for seed, rate in POINTS:
        cfg = compose_config("baseline", seed=seed, automation__genai__learning_rate=rate, **SMALL)
        out[seed, rate] = cfg, simulate(cfg)[0]
    return out


@pytest.mark.parametrize(
    ("launcher", "plugin"),
    [
        ("joblib", "hydra_plugins.hydra_joblib_launcher"),
        ("submitit_local", "hydra_plugins.hydra_submitit_launcher"),
        ("ray", "hydra_plugins.hydra_ray_launcher"),
    ],
)
def test_sweep_on_launcher_matches_runs_one_by_one(launcher, plugin, tmp_path, one_by_one):
    if importlib.util.find_spec(plugin) is None:
        pytest.skip(f"{plugin} is not installed (pip install .[slurm] / .[ray])")
    sweep_dir = tmp_path / "sweep"
    res = subprocess.run(
        labsim_command([*ARGS, f"hydra.sweep.dir={sweep_dir}"], launcher, n_jobs=2),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=900,
    )
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert "4 runs in" in res.stdout and "4 done" in res.stdout
    for cfg, tables in one_by_one.values():
        folder = sweep_dir / run_folder_name(cfg)
        assert is_complete(folder), folder
        for name in TABLE_NAMES:
            pd.testing.assert_frame_equal(pd.read_parquet(folder / f"{name}.parquet"), tables[name])
    runs = pd.read_parquet(sweep_dir / SWEEP_TABLE)
    rates = runs["param.automation.genai.learning_rate"]
    assert sorted(zip(runs["seed"], rates, strict=True)) == POINTS
