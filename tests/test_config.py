"""Configuration: composition, typed schema and validation with clear messages."""

import pytest

from sim.config import ConfigError, LabsimConfig, ScheduledChange, validate
from sim.runner import available_scenarios, compose_config


def test_baseline_composes_with_defaults():
    cfg = compose_config("baseline")
    assert isinstance(cfg, LabsimConfig)
    assert cfg.scenario_name == "baseline"
    assert cfg.wages.minimum_wage == 85000.0
    assert "baseline" in available_scenarios()


def test_overrides_reach_the_typed_config():
    cfg = compose_config("baseline", scale=0.05, seed=9, wages__minimum_wage=100000)
    assert (cfg.scale, cfg.seed, cfg.wages.minimum_wage) == (0.05, 9, 100000.0)


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"scale": 0}, "scale"),
        ({"scale": 1.5}, "scale"),
        ({"horizon_months": -1}, "horizon_months"),
        ({"separations__p_quit_to_unemployment": 1.2}, "separations.p_quit_to_unemployment"),
        ({"wages__minimum_wage": -5}, "wages.minimum_wage"),
        ({"matching__p_apply_other_region": -0.1}, "matching.p_apply_other_region"),
        ({"start": "2024-13"}, "start"),
        ({"population__occupation_level": "dept"}, "population.occupation_level"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_values_name_the_key_and_the_allowed_values(overrides, key):
    with pytest.raises(ConfigError) as err:
        compose_config("baseline", **overrides)
    message = str(err.value)
    assert message.startswith(f"{key}=")
    assert "allowed" in message


def test_unknown_scenario_lists_the_known_ones():
    with pytest.raises(ConfigError, match="scenario='nope' is unknown; allowed: .*baseline"):
        compose_config("nope")


def test_unknown_key_and_wrong_type_are_rejected_by_the_schema():
    with pytest.raises(ConfigError, match="minimum_wag"):
        compose_config("baseline", wages__minimum_wag=1)
    with pytest.raises(ConfigError, match="scale"):
        compose_config("baseline", scale="big")


def test_schedule_is_validated():
    cfg = compose_config("baseline", horizon_months=24)
    cfg.schedule = [ScheduledChange(month=5, key="wages.minimum_wage", value=90000.0)]
    validate(cfg)
    cfg.schedule = [ScheduledChange(month=5, key="wages.nothing", value=1.0)]
    with pytest.raises(ConfigError, match=r"schedule\[0\]\.key='wages.nothing'"):
        validate(cfg)
    cfg.schedule = [ScheduledChange(month=0, key="wages.minimum_wage", value=1.0)]
    with pytest.raises(ConfigError, match=r"schedule\[0\]\.month=0 is before the first"):
        validate(cfg)
    cfg.schedule = [ScheduledChange(month=3, key="wages.minimum_wage", value=-1.0)]
    with pytest.raises(ConfigError, match="wages.minimum_wage=-1.0 is out of range"):
        validate(cfg)
