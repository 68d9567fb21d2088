"""The ``labsim`` command: a Hydra application over the ``scenarios/`` config tree.

``labsim scenario=NAME scale=S seed=N horizon_months=M`` runs one scenario and writes
its folder (``results/<scenario>/<timestamp>/`` unless ``hydra.run.dir=DIR``);
``--multirun`` sweeps through any Hydra launcher (basic, joblib, submitit, Ray): each run
of a sweep goes to a folder named by the hash of its configuration, a complete one is
skipped when the sweep is run again, a failed one is reported without stopping the
others (:mod:`sim.sweep`). Bad input stops a run before anything is simulated, with one
message naming the key; a failed run leaves no manifest and no tables.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.config import ConfigError, LabsimConfig, register_configs, to_config
from sim.data import DataError
from sim.output import MANIFEST, write_run
from sim.precompile import compile_kernels
from sim.runner import scenario_dir, simulate
from sim.sweep import completed_run, record_job, register_resolvers, run_hash

register_configs()
register_resolvers()
# Mesa logs every step at INFO, which Hydra's logging would print for each month.
logging.getLogger("MESA").setLevel(logging.WARNING)


def _clean_failed_run(out_dir: Path) -> None:
    """Remove what a failed run wrote, so its folder cannot pass for a result."""
    if (out_dir / MANIFEST).exists():
        return
    shutil.rmtree(out_dir, ignore_errors=True)


def _run(typed: LabsimConfig, out_dir: Path, overrides: list[str]) -> dict[str, Any]:
    """Simulate ``typed`` and write its folder; return the run facts."""
    tables, facts = simulate(typed)
    figures = []
    if typed.output.figures:
        from sim.data import load_dataset
        from sim.plots import write_standard_figures

        data = load_dataset(typed.population.data_dir, typed.population.occupation_level)
        figures = write_standard_figures(
            tables,
            out_dir / "figures",
            typed.scenario_name,
            payroll_tax=typed.automation.payroll_tax,
            net_migration_data=data.net_migration_labour_force,
        )
    facts = {"run_hash": run_hash(typed), "overrides": overrides, **facts}
    write_run(out_dir, tables, typed, figures, facts)
    last = tables["national"].iloc[-1]
    return {**facts, "figures": bool(figures), "last": last}


def _single_run(cfg: DictConfig, out_dir: Path, overrides: list[str]) -> None:
    try:
        typed = to_config(cfg)
        facts = _run(typed, out_dir, overrides)
    except (ConfigError, DataError) as exc:
        _clean_failed_run(out_dir)
        print(f"labsim: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except BaseException:
        _clean_failed_run(out_dir)
        raise
    last = facts["last"]
    print(
        f"labsim: {typed.scenario_name} seed={typed.seed} scale={typed.scale} "
        f"{typed.horizon_months} months in {facts['wall_seconds']:.1f} s; "
        f"month {int(last.month)}: employed {last.employed / 1e6:.2f} M, "
        f"unemployment {100 * last.unemployment_rate:.2f}%\n"
        f"labsim: tables in {out_dir}"
        + (f"\nlabsim: figures in {out_dir / 'figures'}" if facts["figures"] else "")
    )


def _one_kernel_thread() -> None:
    """Run parallel kernels on one thread, unless ``NUMBA_NUM_THREADS`` says otherwise.

    Parallel launchers run several jobs on one machine (or node); a thread pool per job
    the size of the machine would have them compete for the same cores. Results do not
    depend on the number of threads.
    """
    if "NUMBA_NUM_THREADS" not in os.environ:
        import numba

        numba.set_num_threads(1)


def _sweep_job(cfg: DictConfig, out_dir: Path, overrides: list[str], sweep_dir: Path) -> None:
    """One run of a sweep: skipped when already complete, recorded (not raised) on failure."""
    t0 = time.perf_counter()
    status, reason = "done", ""
    try:
        typed = to_config(cfg)
        if completed_run(out_dir, run_hash(typed)):
            status = "skipped"
        else:
            _run(typed, out_dir, overrides)
    except Exception as exc:  # noqa: BLE001 - reported in the sweep summary, others go on
        _clean_failed_run(out_dir)
        status = "failed"
        reason = str(exc) if isinstance(exc, ConfigError | DataError) else repr(exc)
    except BaseException:
        _clean_failed_run(out_dir)
        raise
    seconds = time.perf_counter() - t0
    line = record_job(sweep_dir, out_dir.name, status, seconds, reason, overrides)
    print(line, flush=True)


@hydra.main(version_base="1.3", config_path=str(scenario_dir()), config_name="config")
def _main(cfg: DictConfig) -> None:
    # On a cold numba cache, compile every kernel up front on all cores.
    compile_kernels()
    hydra_cfg = HydraConfig.get()
    out_dir = Path(hydra_cfg.runtime.output_dir)
    overrides = list(hydra_cfg.overrides.task)
    if hydra_cfg.mode == RunMode.MULTIRUN:
        if not hydra_cfg.launcher._target_.endswith(".BasicLauncher"):
            _one_kernel_thread()
        _sweep_job(cfg, out_dir, overrides, Path(hydra_cfg.sweep.dir))
    else:
        _single_run(cfg, out_dir, overrides)


def main() -> None:
    """Entry point of the ``labsim`` console script."""
    _main()
