"""A planner's dashboard on Mesa's SolaraViz: ``labsim-dashboard`` (see docs/dashboard.md).

The package is split like a Mesa example: :mod:`sim.dashboard.levers` maps the
dashboard's controls to configuration overrides and exports a runnable scenario,
:mod:`sim.dashboard.runs` builds and runs models and caches the baseline,
:mod:`sim.dashboard.figures` draws the views, :mod:`sim.dashboard.app` is the only
module that knows Solara, and :mod:`sim.dashboard.cli` serves it.
"""
