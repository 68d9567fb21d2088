"""The ``labsim`` command: a Hydra application over the ``scenarios/`` config tree.

``labsim scenario=NAME scale=S seed=N horizon_months=M`` runs one scenario and writes
its folder (``results/<scenario>/<timestamp>/`` unless ``hydra.run.dir=DIR``);
``--multirun`` sweeps. Bad input stops the run before anything is simulated, with one
message naming the key; a failed run leaves no manifest and no tables.
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import ConfigError, register_configs, to_config
from sim.data import DataError
from sim.output import MANIFEST, write_run
from sim.runner import scenario_dir, simulate

register_configs()
# Mesa logs every step at INFO, which Hydra's logging would print for each month.
logging.getLogger("MESA").setLevel(logging.WARNING)


def _clean_failed_run(out_dir: Path) -> None:
    """Remove what a failed run wrote, so its folder cannot pass for a result."""
    if (out_dir / MANIFEST).exists():
        return
    shutil.rmtree(out_dir, ignore_errors=True)


@hydra.main(version_base="1.3", config_path=str(scenario_dir()), config_name="config")
def _main(cfg: DictConfig) -> None:
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        typed = to_config(cfg)
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
        write_run(out_dir, tables, typed, figures, facts)
    except (ConfigError, DataError) as exc:
        _clean_failed_run(out_dir)
        print(f"labsim: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except BaseException:
        _clean_failed_run(out_dir)
        raise
    n = tables["national"]
    last = n.iloc[-1]
    print(
        f"labsim: {typed.scenario_name} seed={typed.seed} scale={typed.scale} "
        f"{typed.horizon_months} months in {facts['wall_seconds']:.1f} s; "
        f"month {int(last.month)}: employed {last.employed / 1e6:.2f} M, "
        f"unemployment {100 * last.unemployment_rate:.2f}%\n"
        f"labsim: tables in {out_dir}"
        + (f"\nlabsim: figures in {out_dir / 'figures'}" if figures else "")
    )


def main() -> None:
    """Entry point of the ``labsim`` console script."""
    _main()
