"""The dashboard's levers: their configuration keys, the settings of a run, and its export.

A planner starts from a shipped scenario and moves levers. :class:`Settings` holds the
value of every lever; only the levers that differ from the scenario's own values become
configuration overrides (:func:`overrides`), so an untouched lever leaves the scenario
exactly as its file defines it. A lever whose key the scenario changes through its
``schedule`` (e.g. ``minimum_wage_rise``: 120,000 KZT from month 13) shows the scheduled
value and, when moved, changes that schedule entry's value, keeping its month.

The same overrides give the Hydra command line of ``labsim`` (:func:`command_line`) and
a scenario file that ``labsim`` runs (:func:`scenario_yaml`), so a planner's experiment
is a reproducible run.
"""

from __future__ import annotations

import dataclasses
import math
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from typing import Any

from omegaconf import OmegaConf

from sim.config import LabsimConfig
from sim.runner import compose_config, scenario_dir

SCALES: tuple[float, ...] = (0.001, 0.003, 0.005, 0.01)
"""Population scales offered (agents per person); 0.01 is the ``labsim`` default."""

DEFAULT_SCALE = 0.003
"""About 29,000 workers: a 120-month run takes 3-4 s on one core."""

HORIZON_RANGE = (12, 240)
"""Smallest and largest horizon offered, months (steps of 12)."""

ELIGIBLE_GROUPS_KEY = "reskilling.eligible_groups"


@dataclass(frozen=True)
class Lever:
    """One control of the dashboard and the configuration keys it sets.

    Parameters
    ----------
    name : str
        Identifier (settings key and the widget's CSS class ``lever-<name>``).
    label : str
        What the planner reads.
    keys : tuple of str
        Dotted configuration keys set together to the lever's value (one list key for a
        switch).
    minimum, maximum, step : float
        Slider range and step, in display units (config value x ``factor``); the range
        contains every shipped scenario's value and the steps hit them exactly.
    unit : str
        Display unit.
    factor : float
        Display value per configuration value (100 for percentages).
    member : str or None
        For a switch: the item whose presence in the list ``keys[0]`` the switch sets.
    """

    name: str
    label: str
    keys: tuple[str, ...]
    minimum: float = 0.0
    maximum: float = 1.0
    step: float = 1.0
    unit: str = ""
    factor: float = 1.0
    member: str | None = None

    @property
    def is_switch(self) -> bool:
        """Whether the lever is an on/off switch rather than a slider."""
        return self.member is not None

    def to_display(self, value: float) -> float:
        """Configuration value in display units, rounded to the slider's precision."""
        return round(float(value) * self.factor, 6)

    def from_display(self, value: float) -> float:
        """Display value (slider position) in configuration units."""
        return round(float(value) / self.factor, 10)

    def describe(self, value: float | bool) -> str:
        """Human-readable value with its unit, e.g. ``'20 % a year'`` or ``'on'``."""
        if self.is_switch:
            return "on" if value else "off"
        shown = self.to_display(float(value))
        text = f"{shown:,.0f}" if abs(shown) >= 1000 else f"{shown:g}"
        return f"{text} {self.unit}".strip()


LEVERS: tuple[Lever, ...] = (
    Lever(
        "genai_learning_rate",
        "Generative-AI cost decline",
        ("automation.genai.learning_rate",),
        0.0,
        60.0,
        2.0,
        "% a year",
        100.0,
    ),
    Lever(
        "automation_tax",
        "Automation tax on robots, software and generative AI (negative: subsidy)",
        ("automation.robots.tax", "automation.software.tax", "automation.genai.tax"),
        -50.0,
        100.0,
        5.0,
        "% of cost",
        100.0,
    ),
    Lever(
        "reskilling_capacity",
        "Training places",
        ("reskilling.capacity_per_1000",),
        0.0,
        3.0,
        0.1,
        "starts a month per 1,000 labour force",
    ),
    Lever(
        "migrant_training",
        "Foreign migrants with a permit may enrol in training",
        (ELIGIBLE_GROUPS_KEY,),
        member="foreign_migrant",
    ),
    Lever(
        "digital_inclusion",
        "Digital inclusion of migrants",
        ("inclusion.digital_inclusion_rate",),
        0.0,
        20.0,
        1.0,
        "% of eligible migrants a month",
        100.0,
    ),
    Lever(
        "recognition",
        "Recognition of prior learning",
        ("inclusion.recognition_rate",),
        0.0,
        20.0,
        1.0,
        "% of migrants a month",
        100.0,
    ),
    Lever(
        "relocation_subsidy",
        "Relocation subsidy",
        ("migration.relocation_subsidy",),
        0.0,
        1_000_000.0,
        25_000.0,
        "KZT per move",
    ),
    Lever(
        "minimum_wage",
        "Minimum wage",
        ("wages.minimum_wage",),
        50_000.0,
        250_000.0,
        5_000.0,
        "KZT a month",
    ),
    Lever(
        "foreign_quota",
        "Foreign labour quota",
        ("migration.foreign_quota_annual",),
        0.0,
        600_000.0,
        50.0,  # 50 so that the quota_cut value (146,650) lies on the slider's grid
        "permits a year",
    ),
)
"""The main levers of ``docs/ODD.md`` section 5.15, in the order they are shown."""

LEVER_BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}


def _get(cfg: LabsimConfig, dotted: str) -> Any:
    return reduce(getattr, dotted.split("."), cfg)


def _same(a: float | bool, b: float | bool) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


@dataclass(frozen=True)
class ScenarioLevers:
    """The levers' values in a shipped scenario.

    Attributes
    ----------
    values : dict
        Lever name -> value (configuration units; bool for switches). For a scheduled
        lever, the value the schedule sets.
    scheduled_from : dict
        Lever name -> month from which the scenario's schedule sets it.
    """

    values: dict[str, float | bool]
    scheduled_from: dict[str, int]


@lru_cache(maxsize=64)
def scenario_config(scenario: str) -> LabsimConfig:
    """The composed configuration of a shipped scenario (cached; do not mutate)."""
    return compose_config(scenario)


@lru_cache(maxsize=64)
def scenario_levers(scenario: str) -> ScenarioLevers:
    """Values of the levers in ``scenario`` (see :class:`ScenarioLevers`)."""
    cfg = scenario_config(scenario)
    values: dict[str, float | bool] = {}
    scheduled: dict[str, int] = {}
    for lever in LEVERS:
        if lever.is_switch:
            values[lever.name] = lever.member in _get(cfg, lever.keys[0])
            continue
        values[lever.name] = float(_get(cfg, lever.keys[-1]))
        for change in cfg.schedule:
            if change.key in lever.keys:
                values[lever.name] = float(change.value)
                scheduled[lever.name] = change.month
    return ScenarioLevers(values, scheduled)


@dataclass(frozen=True)
class Settings:
    """Everything that defines a dashboard run.

    Attributes
    ----------
    scenario : str
        Shipped scenario used as the starting point.
    seed : int
        Random seed.
    scale : float
        Agents per person.
    horizon_months : int
        Months simulated after month 0.
    levers : dict
        Lever name -> value (configuration units); missing levers keep the scenario's
        value. Levers equal to the scenario's value are not overrides.
    """

    scenario: str = "baseline"
    seed: int = 1
    scale: float = DEFAULT_SCALE
    horizon_months: int = 120
    levers: Mapping[str, float | bool] = field(default_factory=dict)

    def lever(self, name: str) -> float | bool:
        """Current value of lever ``name`` (the scenario's if not set)."""
        if name in self.levers:
            return self.levers[name]
        return scenario_levers(self.scenario).values[name]

    def with_lever(self, name: str, value: float | bool) -> Settings:
        """A copy with lever ``name`` set to ``value`` (configuration units)."""
        return dataclasses.replace(self, levers={**self.levers, name: value})

    def with_scenario(self, scenario: str) -> Settings:
        """A copy starting from ``scenario`` with its own lever values (seed etc. kept)."""
        return dataclasses.replace(self, scenario=scenario, levers={})

    def baseline(self) -> Settings:
        """The baseline scenario at the same seed, scale and horizon."""
        return Settings("baseline", self.seed, self.scale, self.horizon_months)


def changed_levers(settings: Settings) -> list[tuple[Lever, float | bool, float | bool]]:
    """Levers that differ from the scenario: ``(lever, scenario value, new value)``."""
    own = scenario_levers(settings.scenario).values
    return [
        (lever, own[lever.name], settings.lever(lever.name))
        for lever in LEVERS
        if not _same(own[lever.name], settings.lever(lever.name))
    ]


def overrides(settings: Settings) -> dict[str, Any]:
    """Configuration overrides of ``settings`` against its scenario (dotted keys).

    Returns
    -------
    dict
        ``seed``, ``scale``, ``horizon_months`` and, for every changed lever, its keys
        (a list for the eligible groups; the whole ``schedule`` when a scheduled lever
        changed), as plain Python values.
    """
    cfg = scenario_config(settings.scenario)
    scheduled = scenario_levers(settings.scenario).scheduled_from
    out: dict[str, Any] = {
        "seed": int(settings.seed),
        "scale": float(settings.scale),
        "horizon_months": int(settings.horizon_months),
    }
    schedule = [dataclasses.asdict(change) for change in cfg.schedule]
    schedule_changed = False
    for lever, _, value in changed_levers(settings):
        if lever.is_switch:
            groups = [g for g in _get(cfg, lever.keys[0]) if g != lever.member]
            out[lever.keys[0]] = groups + [lever.member] if value else groups
        elif lever.name in scheduled:
            for change in schedule:
                if change["key"] in lever.keys:
                    change["value"] = float(value)
            schedule_changed = True
        else:
            out.update({key: float(value) for key in lever.keys})
    if schedule_changed:
        out["schedule"] = schedule
    return out


def hydra_value(value: Any) -> str:
    """``value`` in Hydra's override grammar (lists, dicts, bools, numbers, names)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{k}:{hydra_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(hydra_value(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def hydra_overrides(settings: Settings) -> list[str]:
    """The ``labsim`` command-line arguments that reproduce ``settings``."""
    return [f"scenario={settings.scenario}"] + [
        f"{key}={hydra_value(value)}" for key, value in overrides(settings).items()
    ]


def run_key(settings: Settings) -> tuple[str, ...]:
    """Equal exactly when two settings compose to the same configuration (hashable)."""
    return tuple(hydra_overrides(settings))


def compose(settings: Settings) -> LabsimConfig:
    """Compose and validate the configuration of ``settings`` exactly as ``labsim`` does."""
    return compose_config(
        settings.scenario,
        **{key.replace(".", "__"): hydra_value(v) for key, v in overrides(settings).items()},
    )


def command_line(settings: Settings) -> str:
    """A shell command running ``settings`` with ``labsim`` (arguments quoted)."""
    return " ".join(["labsim", *(shlex.quote(arg) for arg in hydra_overrides(settings))])


def export_name(settings: Settings) -> str:
    """Scenario name of the exported file: ``dashboard_<scenario>``."""
    return f"dashboard_{settings.scenario}"


def scenario_yaml(settings: Settings) -> str:
    """A scenario file that ``labsim`` runs with the configuration of ``settings``.

    The file is the starting scenario's own file with the overrides merged in (lists and
    the schedule replaced whole) and the seed, scale and horizon set; its comments say
    how to run it. Run it by saving it as ``DIR/scenario/<name>.yaml`` and calling
    ``labsim --config-dir DIR scenario=<name>``, or with the command line in its header.
    """
    name = export_name(settings)
    changes = changed_levers(settings)
    described = "; ".join(
        f"{lever.label.lower()} {lever.describe(new)}" for lever, _, new in changes
    )
    doc = OmegaConf.load(scenario_dir() / "scenario" / f"{settings.scenario}.yaml")
    for key, value in overrides(settings).items():
        OmegaConf.update(doc, key, value, merge=False)
    body = OmegaConf.to_container(doc)
    assert isinstance(body, dict)
    body.pop("scenario_name", None)
    body.pop("description", None)
    head = {
        "scenario_name": name,
        "description": f"labsim-dashboard: {settings.scenario}"
        + (f" with {described}" if described else ""),
    }
    lines = [
        "# @package _global_",
        f"# Exported by labsim-dashboard: scenario {settings.scenario!r}"
        + (", levers changed:" if changes else ", no lever changed."),
        *(
            f"#   {lever.label}: {lever.describe(old)} -> {lever.describe(new)}"
            for lever, old, new in changes
        ),
        "# Run it (the same configuration either way):",
        f"#   save this file as DIR/scenario/{name}.yaml, then",
        f"#   labsim --config-dir DIR scenario={name}",
        "# or, without the file:",
        f"#   {command_line(settings)}",
    ]
    return "\n".join(lines) + "\n" + OmegaConf.to_yaml(OmegaConf.create({**head, **body}))
