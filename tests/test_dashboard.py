"""The dashboard without a browser: levers -> overrides, export, models, figures, the page.

The browser test (``tests/test_dashboard_browser.py``) drives the served app; these
tests pin down what it relies on: an untouched lever leaves its scenario alone, a moved
lever sets exactly its keys, the exported scenario file and command line give the
dashboard's configuration and results, and the page renders and runs.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shlex
import subprocess
import sys
import time
import zipfile

import numpy as np
import pandas as pd
import pytest
from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from matplotlib.figure import Figure

from sim.config import register_configs, to_config
from sim.dashboard import figures
from sim.dashboard.levers import (
    LEVERS,
    Settings,
    changed_levers,
    command_line,
    compose,
    export_name,
    hydra_overrides,
    overrides,
    scenario_levers,
    scenario_yaml,
)
from sim.dashboard.runs import (
    DashboardModel,
    baseline_tables,
    headline,
    run_archive,
    table_csv,
    table_parquet,
)
from sim.results import TABLE_NAMES
from sim.runner import available_scenarios, compose_config, scenario_dir

TINY = {"seed": 2, "scale": 0.001, "horizon_months": 6}


def as_dict(settings: Settings) -> dict:
    return dataclasses.asdict(compose(settings))


def compose_with_hydra(args: list[str]) -> dict:
    """Compose exactly as ``labsim`` does from command-line arguments."""
    register_configs()
    with initialize_config_dir(config_dir=str(scenario_dir()), version_base="1.3"):
        return dataclasses.asdict(to_config(hydra_compose(config_name="config", overrides=args)))


def without_names(cfg: dict) -> dict:
    return {k: v for k, v in cfg.items() if k not in ("scenario_name", "description")}


@pytest.mark.parametrize(
    "scenario",
    [
        "baseline",
        "combined",
        "minimum_wage_rise",
        "ai_subsidy",
        "migrant_training_access",
        "quota_cut",
    ],
)
def test_untouched_levers_leave_the_scenario_as_its_file_defines_it(scenario):
    settings = Settings(scenario, **TINY)
    assert changed_levers(settings) == []
    assert set(overrides(settings)) == {"seed", "scale", "horizon_months"}
    assert as_dict(settings) == dataclasses.asdict(compose_config(scenario, **TINY))


def test_every_scenario_value_lies_on_its_slider():
    # A value off the slider's range or grid would be moved by the slider itself.
    for scenario in available_scenarios():
        values = scenario_levers(scenario).values
        for lever in LEVERS:
            if lever.is_switch:
                continue
            shown = lever.to_display(values[lever.name])
            assert lever.minimum <= shown <= lever.maximum, (scenario, lever.name)
            steps = (shown - lever.minimum) / lever.step
            assert steps == pytest.approx(round(steps), abs=1e-6), (scenario, lever.name)


def flatten(cfg: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in cfg.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.name)
def test_a_moved_lever_sets_exactly_its_keys(lever):
    settings = Settings("baseline", **TINY)
    new = True if lever.is_switch else lever.from_display(lever.maximum)
    before = flatten(as_dict(settings))
    after = flatten(as_dict(settings.with_lever(lever.name, new)))
    assert {key for key in before if before[key] != after[key]} == set(lever.keys)
    if lever.is_switch:
        assert lever.member in after[lever.keys[0]]
    else:
        assert all(after[key] == pytest.approx(new) for key in lever.keys)


def test_a_scheduled_lever_changes_its_schedule_entry_and_keeps_its_month():
    settings = Settings("minimum_wage_rise", **TINY).with_lever("minimum_wage", 100000.0)
    cfg = compose(settings)
    assert [(c.month, c.key, c.value) for c in cfg.schedule] == [
        (13, "wages.minimum_wage", 100000.0)
    ]
    assert cfg.wages.minimum_wage == 85000.0  # the months before the rise are untouched
    combined = compose(Settings("combined", **TINY).with_lever("reskilling_capacity", 1.2))
    original = compose_config("combined").schedule
    assert len(combined.schedule) == len(original)
    for new, old in zip(combined.schedule, original, strict=True):
        expected = 1.2 if old.key == "reskilling.capacity_per_1000" else old.value
        assert (new.month, new.key, new.value) == (old.month, old.key, expected)


def test_switching_migrants_off_removes_them_from_the_eligible_groups():
    settings = Settings("migrant_training_access", **TINY)
    assert settings.lever("migrant_training") is True
    cfg = compose(settings.with_lever("migrant_training", False))
    assert cfg.reskilling.eligible_groups == ["native", "internal_migrant", "kandas"]


def test_a_new_scenario_starts_from_its_own_values():
    moved = Settings("baseline", **TINY).with_lever("reskilling_capacity", 2.0)
    fresh = moved.with_scenario("reskilling_push")
    assert fresh.lever("reskilling_capacity") == pytest.approx(0.9)
    assert (fresh.seed, fresh.scale, fresh.horizon_months) == (2, 0.001, 6)
    assert changed_levers(fresh) == []


def rich_settings() -> Settings:
    """A scenario with a schedule, with a list, a scheduled and a multi-key lever moved."""
    return (
        Settings("combined", **TINY)
        .with_lever("reskilling_capacity", 1.5)
        .with_lever("migrant_training", True)
        .with_lever("automation_tax", 0.25)
        .with_lever("minimum_wage", 100000.0)
    )


def test_the_command_line_composes_the_dashboard_config():
    settings = rich_settings()
    args = shlex.split(command_line(settings))
    assert args[0] == "labsim"
    assert args[1:] == hydra_overrides(settings)
    assert compose_with_hydra(args[1:]) == as_dict(settings)


def test_the_exported_scenario_file_composes_the_dashboard_config(tmp_path):
    settings = rich_settings()
    name = export_name(settings)
    (tmp_path / "scenario").mkdir()
    text = scenario_yaml(settings)
    assert text.startswith("# @package _global_\n")
    assert command_line(settings) in text
    (tmp_path / "scenario" / f"{name}.yaml").write_text(text)
    from_file = compose_with_hydra([f"scenario={name}", f"hydra.searchpath=[file://{tmp_path}]"])
    assert from_file["scenario_name"] == name
    assert without_names(from_file) == without_names(as_dict(settings))


def test_labsim_runs_the_exported_file_with_the_dashboard_results(tmp_path):
    settings = rich_settings()
    name = export_name(settings)
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / f"{name}.yaml").write_text(scenario_yaml(settings))
    out = tmp_path / "run"
    env = {**os.environ, "NUMBA_THREADING_LAYER": "workqueue"}
    res = subprocess.run(
        [
            sys.executable,
            "-c",
            "from sim.cli import main; main()",
            "--config-dir",
            str(tmp_path),
            f"scenario={name}",
            "output.figures=false",
            f"hydra.run.dir={out}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    model = DashboardModel(settings)
    model.run_model()
    mine = model.tables()["national"]
    theirs = pd.read_parquet(out / "national.parquet")
    pd.testing.assert_frame_equal(
        theirs.drop(columns="date"), mine.drop(columns="date"), check_dtype=False
    )


def test_the_model_stops_at_its_horizon_and_matches_a_plain_run():
    settings = Settings("baseline", seed=3, scale=0.001, horizon_months=3)
    model = DashboardModel(settings)
    for _ in range(5):
        model.step()
    assert model.month == 3
    assert model.running is False
    tables = model.tables()
    assert tables is model.tables()  # built once per month
    assert set(TABLE_NAMES) <= set(tables)
    plain = DashboardModel(settings)
    plain.run_model()
    pd.testing.assert_frame_equal(tables["national"], plain.tables()["national"])
    numbers = headline(tables["national"], 3)
    assert numbers["unemployment_rate"] == pytest.approx(
        tables["national"]["unemployment_rate"].iloc[-1]
    )
    assert np.isnan(headline(tables["national"], 99)["unemployment_rate"])


def test_the_baseline_is_computed_once_per_scale_seed_and_horizon():
    first = baseline_tables(0.001, 4, 2)
    assert baseline_tables(0.001, 4, 2) is first
    assert int(first["national"]["month"].max()) == 2


@pytest.fixture(scope="module")
def small_run():
    """A 12-month run with a lever moved, and its baseline."""
    model = DashboardModel(
        Settings("baseline", seed=1, scale=0.001, horizon_months=12).with_lever(
            "genai_learning_rate", 0.4
        )
    )
    model.run_model()
    return model, baseline_tables(0.001, 1, 12)


def test_exports_read_back(small_run):
    model, _ = small_run
    national = model.tables()["national"]
    back = pd.read_csv(io.BytesIO(table_csv(national)))
    assert list(back.columns) == list(national.columns)
    assert len(back) == 13
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(table_parquet(national))), national)
    with zipfile.ZipFile(io.BytesIO(run_archive(model))) as archive:
        names = set(archive.namelist())
        assert {f"{t}.parquet" for t in TABLE_NAMES} <= names
        text = archive.read(f"{export_name(model.settings)}.yaml").decode()
    assert "learning_rate: 0.4" in text


def test_figures_build_with_and_without_the_baseline(small_run):
    model, base = small_run
    t = model.tables()
    region = "Atyrau Region"
    built = [
        figures.national_figure(t["national"], base["national"]),
        figures.national_figure(t["national"], None),
        figures.region_map_figure(t["regions"], 12, "unemployment_rate", region),
        figures.region_map_figure(t["regions"], 12, "automation_share"),
        figures.region_figure(t["regions"], base["regions"], region, t["national"], None),
        figures.groups_figure(t["groups"], base["groups"], t["national"], base["national"]),
        figures.technology_figure(t["technologies"], t["regions"], t["national"], region, 0.15),
    ]
    assert all(isinstance(fig, Figure) and fig.axes for fig in built)


def test_crossings_follow_the_cost_and_wage_paths(small_run):
    model, _ = small_run
    t = model.tables()
    when = figures.crossings(t["technologies"], t["regions"], "Atyrau Region", 0.15)
    assert set(when) == {"robots", "software", "genai"}
    costs = figures.technology_costs(t["technologies"])
    bill = figures.wage_bill(t["regions"], "Atyrau Region", 0.15)
    for name, month in when.items():
        below = costs[name].to_numpy() < bill.reindex(costs.index).to_numpy()
        assert month == (int(costs.index[below.argmax()]) if below.any() else None)


# Mesa 3.3.1's ComponentsView breaks a rule of hooks that Solara checks; not ours to fix.
@pytest.mark.filterwarnings("ignore:.*ComponentsView.*:UserWarning")
def test_the_page_renders_and_runs_without_a_browser():
    solara = pytest.importorskip("solara")
    import ipyvuetify as v

    from sim.dashboard import app

    app.settings.value = Settings("baseline", seed=1, scale=0.001, horizon_months=12)
    _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    count = app.run_info.value.count
    app.settings.value = app.settings.value.with_lever("reskilling_capacity", 1.0)
    rc.find(v.Btn, children=["Run to month 12"]).widget.click()
    deadline = time.monotonic() + 120
    while app.run_info.value.count == count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert app.run_info.value.count == count + 1

    def shown(testid: str) -> str:
        cells = rc.find(v.Html, tag="td").widgets
        hits = [w for w in cells if w.attributes.get("data-testid") == testid]
        assert len(hits) == 1, testid
        return hits[0].attributes.get("data-value", "")

    rc.find(v.Html, attributes={"data-testid": "headline", "data-month": "12"}).assert_single()
    assert float(shown("kpi-reskilled_cum")) > float(shown("baseline-reskilled_cum"))


def test_the_command_serves_the_app_on_loopback_without_telemetry(monkeypatch, capsys):
    from sim.dashboard import cli

    calls = []
    monkeypatch.delenv("SOLARA_TELEMETRY_MIXPANEL_ENABLE", raising=False)
    monkeypatch.setattr(os, "execv", lambda path, args: calls.append(args))
    cli.main(["--port", "9123"])
    (args,) = calls
    assert args[1:5] == ["-m", "solara", "run", "sim.dashboard.app"]
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert args[args.index("--port") + 1] == "9123"
    assert {"--production", "--no-open"} <= set(args)
    assert os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert "http://127.0.0.1:9123/" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["--port", "0"])
