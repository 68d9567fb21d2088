"""Agent-based regional labour-market simulator of automation and AI (Kazakhstan default).

``sim.run(scenario, **overrides)`` runs a scenario and returns its tables;
``sim.LabourMarketModel(cfg)`` is the Mesa model.
"""

import sim.numba_cache  # noqa: F401 - before any kernel is compiled or loaded
from sim.model import LabourMarketModel
from sim.runner import compose_config, run

__all__ = ["LabourMarketModel", "compose_config", "run"]
__version__ = "0.1.0"
