"""Running a scenario from Python or the command line.

``simulate`` builds and runs a model from a configuration and returns its tables;
``run`` composes a scenario with Hydra exactly as the ``labsim`` command does, so a
run from Python and from the shell with the same overrides give identical tables.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
from hydra import compose, initialize_config_dir
from hydra.errors import ConfigCompositionException, MissingConfigException
from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

from sim.config import ConfigError, LabsimConfig, register_configs, to_config
from sim.results import build_tables, risk_table


def scenario_dir() -> Path:
    """Folder of the Hydra config tree (``scenarios/``, shipped inside the package)."""
    from importlib import resources

    return Path(str(resources.files("sim.scenarios")))


def available_scenarios() -> list[str]:
    """Names of the shipped scenarios."""
    return sorted(p.stem for p in (scenario_dir() / "scenario").glob("*.yaml"))


def compose_config(scenario: str = "baseline", **overrides: Any) -> LabsimConfig:
    """Compose and validate the configuration of ``scenario`` with ``overrides``.

    Overrides use dotted names as keywords with ``__`` for dots, or plain names, e.g.
    ``compose_config("baseline", scale=0.01, wages__minimum_wage=100000)``.
    """
    known = available_scenarios()
    if scenario not in known:
        raise ConfigError(f"scenario={scenario!r} is unknown; allowed: {', '.join(known)}")
    register_configs()
    args = [f"scenario={scenario}"] + [
        f"{k.replace('__', '.')}={_hydra_value(v)}" for k, v in overrides.items()
    ]
    try:
        with initialize_config_dir(config_dir=str(scenario_dir()), version_base="1.3"):
            cfg = compose(config_name="config", overrides=args)
    except (MissingConfigException, ConfigCompositionException) as exc:
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        raise ConfigError(f"{exc} {cause if cause is not exc else ''}".strip()) from exc
    try:
        return to_config(cfg)
    except OmegaConfBaseException as exc:
        raise ConfigError(str(exc)) from exc


def _hydra_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "null"
    return str(value)


def simulate(cfg: LabsimConfig | DictConfig) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Build and run a model; return its tables and run facts for the manifest."""
    from sim.model import LabourMarketModel

    t0 = time.perf_counter()
    model = LabourMarketModel(cfg)
    risk = risk_table(model)
    t_init = time.perf_counter() - t0
    model.run_model()
    tables = build_tables(model, risk)
    facts = {
        "number_of_agents": {
            "workers": model.workers.n,
            "firms": model.firms.n,
            "posts": model.posts.n,
        },
        "init_seconds": round(t_init, 3),
        "wall_seconds": round(time.perf_counter() - t0, 3),
    }
    model.release_agents()
    return tables, facts


def run(scenario: str = "baseline", **overrides: Any) -> dict[str, pd.DataFrame]:
    """Run ``scenario`` and return the contract tables as DataFrames.

    Parameters
    ----------
    scenario : str
        Name of a file in ``scenarios/scenario/``.
    **overrides
        Parameter overrides, e.g. ``scale=0.01, seed=2, horizon_months=24`` or
        ``wages__minimum_wage=100000`` (``__`` stands for a dot).

    Returns
    -------
    dict of DataFrame
        ``national``, ``regions``, ``occupations``, ``groups`` and ``risk``.
    """
    tables, _ = simulate(compose_config(scenario, **overrides))
    return tables
