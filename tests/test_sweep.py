"""Sweeps: run identity, sampled points, resuming after a kill, failures, summary tables."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.config import ConfigError
from sim.output import MANIFEST, is_complete
from sim.results import TABLE_NAMES
from sim.runner import compose_config, simulate
from sim.sweep import (
    ENSEMBLE_TABLE,
    SWEEP_TABLE,
    ensemble_hash,
    labsim_command,
    run_folder_name,
    run_hash,
    summary_text,
)

SMALL = {"scale": 0.0005, "horizon_months": 6, "output__figures": False}
SMALL_ARGS = ["scale=0.0005", "horizon_months=6", "output.figures=false"]
ENV = {**os.environ, "NUMBA_THREADING_LAYER": "workqueue"}


def sweep(*args: str, cwd: Path, launcher: str = "basic") -> subprocess.CompletedProcess:
    return subprocess.run(
        labsim_command(list(args), launcher),
        cwd=cwd,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=900,
    )


@pytest.fixture(scope="module")
def one_by_one():
    """Seeds 1-4 of the small baseline run one by one in this process: seed -> tables."""
    return {
        seed: simulate(compose_config("baseline", seed=seed, **SMALL))[0] for seed in (1, 2, 3, 4)
    }


def folder_of(sweep_dir: Path, seed: int, **extra) -> Path:
    return sweep_dir / run_folder_name(compose_config("baseline", seed=seed, **SMALL, **extra))


def assert_same_tables(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(pd.read_parquet(folder / f"{name}.parquet"), tables[name])


def test_run_hash_names_the_resolved_config_and_seed():
    a = compose_config("baseline", seed=1, **SMALL)
    assert run_hash(a) == run_hash(compose_config("baseline", seed=1, **SMALL))
    b = compose_config("baseline", seed=2, **SMALL)
    assert run_hash(a) != run_hash(b)
    assert ensemble_hash(a) == ensemble_hash(b)
    c = compose_config("fast_ai", seed=1, **SMALL)
    assert ensemble_hash(a) != ensemble_hash(c)
    # A manifest's stored config (JSON) hashes like the config itself.
    assert run_hash(json.loads(json.dumps(asdict(a)))) == run_hash(a)
    d = compose_config("baseline", seed=1, automation__genai__learning_rate=0.36, **SMALL)
    assert run_hash(d) != run_hash(a)
    assert run_folder_name(a).startswith("baseline-seed1-")


def test_sample_rows_set_parameters_and_bad_files_are_named(tmp_path):
    samples = tmp_path / "points.csv"
    samples.write_text(
        "automation.genai.learning_rate,automation.attrition_months,reskilling.employed_at_risk\n"
        "0.25,3.4,0.7\n0.3,8.6,0.2\n"
    )
    cfg = compose_config("baseline", sweep__samples=str(samples), sweep__row=1, **SMALL)
    assert cfg.automation.genai.learning_rate == 0.3
    assert cfg.automation.attrition_months == 9  # an integer parameter takes the nearest
    assert cfg.reskilling.employed_at_risk is False
    other = compose_config("baseline", sweep__samples=str(samples), sweep__row=0, **SMALL)
    assert run_hash(cfg) != run_hash(other)
    with pytest.raises(ConfigError, match=r"sweep.row=2 is not a row .*allowed: 0 \.\. 1"):
        compose_config("baseline", sweep__samples=str(samples), sweep__row=2)
    bad = tmp_path / "bad.csv"
    bad.write_text("automation.genai.speed\n0.3\n")
    with pytest.raises(ConfigError, match="column 'automation.genai.speed' is not a numeric"):
        compose_config("baseline", sweep__samples=str(bad))
    with pytest.raises(ConfigError, match="cannot be read"):
        compose_config("baseline", sweep__samples=str(tmp_path / "missing.csv"))
    out_of_range = tmp_path / "range.csv"
    out_of_range.write_text("automation.genai.learning_rate\n1.5\n")
    with pytest.raises(ConfigError, match="automation.genai.learning_rate=1.5 is out of range"):
        compose_config("baseline", sweep__samples=str(out_of_range))


def test_killed_sweep_resumes_without_redoing_finished_runs(tmp_path, one_by_one):
    sweep_dir = tmp_path / "sweep"
    args = ["seed=1,2,3,4", *SMALL_ARGS, f"hydra.sweep.dir={sweep_dir}"]
    first = folder_of(sweep_dir, 1)
    proc = subprocess.Popen(
        labsim_command(args),
        cwd=tmp_path,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while not is_complete(first) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # as a lost node would: no clean-up at all
    proc.wait()
    assert is_complete(first), "the first run did not finish before the kill"
    finished = {p: (p / MANIFEST).stat().st_mtime_ns for p in sweep_dir.iterdir() if is_complete(p)}
    assert len(finished) < 4, "the sweep ended before it could be killed"
    # A run cut short while writing: tables without a manifest must not count as done.
    partial = folder_of(sweep_dir, 4)
    partial.mkdir(parents=True, exist_ok=True)
    (partial / "national.parquet").write_bytes(b"cut short")

    again = sweep(*args, cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{len(finished)} skipped" in again.stdout
    assert f"{4 - len(finished)} done" in again.stdout
    for folder, mtime in finished.items():
        assert (folder / MANIFEST).stat().st_mtime_ns == mtime, f"{folder.name} was redone"
    for seed, tables in one_by_one.items():
        assert_same_tables(folder_of(sweep_dir, seed), tables)
    assert len(pd.read_parquet(sweep_dir / SWEEP_TABLE)) == 4


def test_failing_run_is_reported_and_does_not_stop_the_others(tmp_path):
    sweep_dir = tmp_path / "sweep"
    res = sweep(
        "scale=0.0001,0.0005",
        "horizon_months=2",
        "output.figures=false",
        f"hydra.sweep.dir={sweep_dir}",
        cwd=tmp_path,
    )
    assert res.returncode == 1
    assert "2 runs in" in res.stdout and "1 done" in res.stdout and "1 failed" in res.stdout
    assert "scale=0.0001 is out of range; allowed: [0.0005, 1]" in res.stdout
    done = [p for p in sweep_dir.iterdir() if is_complete(p)]
    assert [p.name.split("-")[0] for p in done] == ["baseline"]
    assert not [p for p in sweep_dir.iterdir() if p.name.startswith("invalid-")]
    assert len(pd.read_parquet(sweep_dir / SWEEP_TABLE)) == 1


def test_sweep_table_and_ensemble_bands(tmp_path, one_by_one):
    sweep_dir = tmp_path / "sweep"
    res = sweep("seed=1,2,3", *SMALL_ARGS, f"hydra.sweep.dir={sweep_dir}", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    for k in (1, 2, 3):
        assert f"[{k}/3] done" in res.stdout
    runs = pd.read_parquet(sweep_dir / SWEEP_TABLE)
    assert sorted(runs["seed"]) == [1, 2, 3]
    assert runs["ensemble_hash"].nunique() == 1 and runs["run_hash"].nunique() == 3
    assert {"param.scale", "displaced_cum", "unemployment_rate", "horizon"} <= set(runs.columns)
    bands = pd.read_parquet(sweep_dir / ENSEMBLE_TABLE)
    rate = bands[bands["variable"] == "unemployment_rate"].set_index("month")
    paths = np.stack([one_by_one[s]["national"]["unemployment_rate"] for s in (1, 2, 3)])
    assert (rate["n"] == 3).all()
    np.testing.assert_allclose(rate["mean"], paths.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(rate["sd"], paths.std(axis=0, ddof=1), rtol=1e-9)
    assert (rate["ci_low"] <= rate["mean"]).all() and (rate["mean"] <= rate["ci_high"]).all()
    assert (sweep_dir / "figures" / "ensemble_bands.png").stat().st_size > 10_000


def test_summary_names_failures_and_jobs_that_never_reported():
    statuses = [
        {"run": "a", "status": "done", "reason": "", "overrides": ["seed=1"]},
        {"run": "b", "status": "skipped", "reason": "", "overrides": ["seed=2"]},
        {"run": "c", "status": "failed", "reason": "scale=0 is out of range", "overrides": []},
    ]
    text = summary_text(statuses, 12.0, total=5)
    assert "3 runs in 12.0 s: 1 done, 1 skipped (already complete), 1 failed" in text
    assert "2 not reported" in text
    assert "failed c (): scale=0 is out of range" in text
    assert "not reported" not in summary_text(statuses, 1.0, total=3)
