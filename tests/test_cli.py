"""The `labsim` command: contract files, determinism across launchers, clean failures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.data import DEFAULT_DIR
from sim.output import MANIFEST, is_complete
from sim.plots import FIGURE_NAMES
from sim.results import REQUIRED_COLUMNS, TABLE_NAMES
from sim.runner import available_scenarios, run

LABSIM = [sys.executable, "-c", "from sim.cli import main; main()"]
FIGURES = set(FIGURE_NAMES)


def labsim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NUMBA_THREADING_LAYER": "workqueue"}
    return subprocess.run(
        [*LABSIM, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    out = tmp / "run"
    res = labsim(
        "scenario=baseline",
        "scale=0.01",
        "seed=1",
        "horizon_months=24",
        f"hydra.run.dir={out}",
        cwd=tmp,
    )
    assert res.returncode == 0, res.stderr
    return out, res


def test_writes_every_contract_file_with_required_columns(cli_run):
    out, res = cli_run
    assert f"tables in {out}" in res.stdout
    for name in TABLE_NAMES:
        df = pd.read_parquet(out / f"{name}.parquet")
        assert set(REQUIRED_COLUMNS[name]) <= set(df.columns), name
    assert FIGURES <= {p.name for p in (out / "figures").iterdir()}
    manifest = json.loads((out / MANIFEST).read_text())
    for key in (
        "scenario",
        "seed",
        "scale",
        "horizon_months",
        "config",
        "package_version",
        "git_commit",
        "libraries",
        "wall_seconds",
        "number_of_agents",
    ):
        assert key in manifest, key
    assert manifest["config"]["wages"]["minimum_wage"] == 85000.0
    assert manifest["number_of_agents"]["workers"] > 90_000
    assert is_complete(out)
    assert not list(out.glob("**/*.tmp"))


def test_month_zero_of_the_cli_run_matches_the_data(cli_run):
    out, _ = cli_run
    nat = pd.read_parquet(out / "national.parquet")
    assert 9.05e6 <= nat.employed[0] <= 9.25e6
    assert 0.043 <= nat.unemployment_rate[0] <= 0.051


def test_python_api_and_cli_give_identical_tables(cli_run):
    out, _ = cli_run
    tables = run("baseline", scale=0.01, seed=1, horizon_months=24)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"), tables[name])


def test_same_seed_byte_identical_files(cli_run, tmp_path):
    out, _ = cli_run
    again = tmp_path / "again"
    res = labsim(
        "scale=0.01",
        "seed=1",
        "horizon_months=24",
        f"hydra.run.dir={again}",
        "output.figures=false",
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    for name in TABLE_NAMES:
        assert (out / f"{name}.parquet").read_bytes() == (again / f"{name}.parquet").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scale=-1"], "scale=-1.0 is out of range"),
        (["scale=0.00001"], "scale=1e-05 is out of range; allowed: [0.0005, 1]"),
        (["horizon_months=-3"], "horizon_months=-3 is out of range"),
        (["wages.minimum_wage=-5"], "wages.minimum_wage=-5.0 is out of range"),
        (["scenario=atlantis"], "Could not find 'scenario/atlantis'"),
        (["population.occupation_level=dept"], "population.occupation_level='dept' is unknown"),
    ],
)
def test_bad_input_one_clear_error_and_no_result_folder(tmp_path, args, message):
    out = tmp_path / "bad"
    res = labsim(*args, f"hydra.run.dir={out}", cwd=tmp_path)
    assert res.returncode != 0
    assert message in res.stderr
    assert "Traceback" not in res.stderr
    assert not (out / MANIFEST).exists()
    assert not list(out.glob("*.parquet")) if out.exists() else True


def test_corrupt_data_file_one_clear_error(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DIR, data)
    (data / "employment_cells.csv").write_text("region_id,sector\nKZ-10,A\n")
    out = tmp_path / "bad"
    res = labsim(
        f"population.data_dir={data}", "horizon_months=2", f"hydra.run.dir={out}", cwd=tmp_path
    )
    assert res.returncode == 2
    assert "employment_cells.csv lacks column(s)" in res.stderr
    assert "Traceback" not in res.stderr
    assert not out.exists()


@pytest.mark.parametrize("scenario", available_scenarios())
def test_every_shipped_scenario_runs_end_to_end(scenario):
    tables = run(scenario, scale=0.002, seed=1, horizon_months=15)
    nat = tables["national"]
    assert len(nat) == 16
    assert nat["employed"].gt(0).all() and nat["unemployment_rate"].between(0, 0.2).all()
