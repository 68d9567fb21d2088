"""The sensitivity experiment completes at a small scale and ranks the parameters."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NUMBA_THREADING_LAYER": "workqueue"}


def test_sensitivity_experiment_names_what_drives_displacement(tmp_path):
    out = tmp_path / "morris"
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "experiments" / "sensitivity.py"),
            "--trajectories=2",
            "--scale=0.0005",
            "--horizon=36",
            "--launcher=joblib",
            f"--out={out}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=900,
    )
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    sys.path.insert(0, str(ROOT / "experiments"))
    from sensitivity import OUTCOMES, PARAMETERS

    indices = pd.read_csv(out / "indices.csv")
    assert len(indices) == len(OUTCOMES) * len(PARAMETERS) * 3
    assert "parameters that matter most for displaced_cum at month 36" in res.stdout
    ranked = (
        indices[(indices["outcome"] == "displaced_cum") & (indices["index"] == "mu_star")]
        .sort_values("value", ascending=False)
        .reset_index()
    )
    assert ranked["value"].iloc[0] > 0
    # Displacement follows technology costs and adoption, not the cost of moving.
    assert ranked["parameter"].iloc[0].startswith("automation.")
    assert f"1. {ranked['parameter'].iloc[0]}" in res.stdout
    assert (out / "sensitivity_morris.png").stat().st_size > 10_000
    assert len(pd.read_csv(out / "samples.csv")) == 2 * (len(PARAMETERS) + 1)
