"""Mesa's core classes without the import cost of the whole Mesa package.

``import mesa`` runs the package's ``__init__``, which also imports Mesa's spaces, its
experimental modules and its batch runner, and with them networkx and scipy.spatial:
about one second per process, more than the simulation of a small run. The simulator
uses only ``mesa.model``, ``mesa.agent`` and ``mesa.datacollection``.

If Mesa is not imported yet, the package module is created without running its
``__init__``, and the three submodules are imported into it. The first time any other
name of the package is looked up (``mesa.space``, ``from mesa import batch_run``), the
``__init__`` runs, so code that uses Mesa in full later in the same process (the
dashboard, Mesa's visualisation) sees the complete package.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys


def _package_without_init() -> None:
    spec = importlib.util.find_spec("mesa")
    if spec is None or spec.loader is None:
        raise ImportError("the mesa package is not installed")
    package = importlib.util.module_from_spec(spec)

    def complete_package(name: str) -> object:
        # Remove this hook first: the __init__ itself looks names up in the package.
        del package.__dict__["__getattr__"]
        spec.loader.exec_module(package)
        return getattr(package, name)

    package.__dict__["__getattr__"] = complete_package
    sys.modules["mesa"] = package


if "mesa" not in sys.modules:
    _package_without_init()
Agent = importlib.import_module("mesa.agent").Agent
Model = importlib.import_module("mesa.model").Model
DataCollector = importlib.import_module("mesa.datacollection").DataCollector

__all__ = ["Agent", "DataCollector", "Model"]
