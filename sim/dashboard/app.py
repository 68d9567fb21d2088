"""The planner's dashboard: a Solara page built on Mesa's SolaraViz.

Serve it with ``labsim-dashboard`` (or ``solara run sim.dashboard.app``). SolaraViz
gives the frame, the model controls (Reset, Play, Step: one month or the render
interval) and the pages of views; the sidebar card "Scenario and levers" holds the
starting scenario, the levers, seed, horizon and scale, and "Run to the horizon".

State is per browser session: the reactive variables below are scoped to the session
by Solara, and the model is built inside :func:`Page` (a model at module level would
be shared by every session). Only the baseline runs are shared, through the cache of
:func:`sim.dashboard.runs.baseline_tables`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

import pandas as pd
import solara
import solara.lab
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from sim.dashboard import figures
from sim.dashboard.levers import (
    HORIZON_RANGE,
    LEVERS,
    SCALES,
    Lever,
    Settings,
    changed_levers,
    command_line,
    export_name,
    run_key,
    scenario_config,
    scenario_levers,
    scenario_yaml,
)
from sim.dashboard.runs import (
    EXPORT_TABLES,
    HEADLINE_COLUMNS,
    DashboardModel,
    baseline_tables,
    headline,
    run_archive,
    table_csv,
    table_parquet,
)
from sim.runner import available_scenarios

# Mesa logs every step at INFO; the dashboard steps thousands of months.
logging.getLogger("MESA").setLevel(logging.WARNING)

DEFAULT_REGION = "Almaty city"


@dataclass(frozen=True)
class RunInfo:
    """The last completed press of "Run to the horizon" in a session.

    Attributes
    ----------
    count : int
        Completed runs (the browser test waits for it to grow).
    seconds : float or None
        From the press to the result being handed to the views, s.
    months : int
        Months the model had simulated when the run finished.
    """

    count: int = 0
    seconds: float | None = None
    months: int = 0


settings = solara.reactive(Settings())
"""The controls' current settings (a run uses them when Run or Reset is pressed)."""
baseline = solara.reactive(None)
"""``(key, tables)`` of the baseline matching the shown model, or None while computing."""
run_info = solara.reactive(RunInfo())
progress = solara.reactive("")
"""What a run in progress is doing ("" when idle)."""
region = solara.reactive(DEFAULT_REGION)
region_metric = solara.reactive("unemployment_rate")


def baseline_key(value: Settings) -> tuple[float, int, int]:
    """The baseline a run is compared with: same scale, seed and horizon."""
    return (value.scale, value.seed, value.horizon_months)


class SessionModel(DashboardModel):
    """What SolaraViz's Reset builds: a model of the settings in the controls now.

    SolaraViz recreates a model as ``type(model)(**model_params)``; with no model
    parameters of its own, the dashboard's model reads the session's settings.
    """

    def __init__(self, settings_: Settings | None = None) -> None:
        super().__init__(settings_ if settings_ is not None else settings.value)


def _baseline_for(model: DashboardModel) -> dict[str, pd.DataFrame] | None:
    """The baseline tables matching ``model`` if they are ready."""
    value = baseline.value
    if value is not None and value[0] == baseline_key(model.settings):
        return value[1]
    return None


def _ensure_baseline(value: Settings) -> None:
    key = baseline_key(value)
    if baseline.value is None or baseline.value[0] != key:
        baseline.value = (key, baseline_tables(*key))


def _testid(name: str, text: str, value: float | int | str | None = None, tag: str = "span"):
    """An element with a stable ``data-testid`` (and the raw value) for tests and scripts."""
    attributes = {"data-testid": name}
    if value is not None:
        attributes["data-value"] = repr(value) if isinstance(value, float) else str(value)
    return solara.v.Html(tag=tag, attributes=attributes, children=[text])


def _table(
    header: list[str], body: list[list], testid: str, attributes: dict[str, str] | None = None
) -> None:
    """An HTML table; cells are text or elements (e.g. from :func:`_testid`)."""

    def row(cells: list, tag: str) -> solara.Element:
        return solara.v.Html(
            tag="tr",
            children=[
                c if isinstance(c, solara.Element) else solara.v.Html(tag=tag, children=[c])
                for c in cells
            ],
        )

    solara.v.Html(
        tag="table",
        attributes={"data-testid": testid, **(attributes or {})},
        children=[row(header, "th"), *(row(cells, "td") for cells in body)],
        style_="width: 100%; font-size: 13px; border-collapse: collapse",
    )


def _heading(text: str) -> None:
    solara.v.Html(tag="h3", children=[text], style_="margin: 4px 0")


def _figure(build, dependencies: list) -> None:
    """Show the figure ``build()`` makes, rebuilt only when ``dependencies`` change."""
    fig = solara.use_memo(build, dependencies)
    solara.FigureMatplotlib(fig, format="png", dependencies=dependencies)


def _month_label(tables: dict[str, pd.DataFrame], month: int) -> str:
    national = tables["national"]
    dates = national.loc[national["month"] == month, "date"]
    return f"month {month}" + (f" ({dates.iloc[0]:%b %Y})" if len(dates) else "")


# ---- controls ------------------------------------------------------------------------------


@solara.component
def LeverControl(lever: Lever) -> None:
    """A slider (or switch) for one lever, showing its value and the scenario's timing."""
    value = settings.value.lever(lever.name)
    month = scenario_levers(settings.value.scenario).scheduled_from.get(lever.name)
    timing = f" (from month {month})" if month else ""

    def set_value(new: float | bool) -> None:
        new = bool(new) if lever.is_switch else lever.from_display(new)
        settings.value = settings.value.with_lever(lever.name, new)

    with solara.Div(classes=["lever", f"lever-{lever.name}"]):
        if lever.is_switch:
            solara.Switch(label=lever.label + timing, value=bool(value), on_value=set_value)
        else:
            solara.Text(f"{lever.label}: {lever.describe(value)}{timing}")
            solara.SliderFloat(
                "",
                value=lever.to_display(float(value)),
                min=lever.minimum,
                max=lever.maximum,
                step=lever.step,
                on_value=set_value,
                thumb_label=False,
            )


@solara.component
def Controls(model: solara.Reactive[DashboardModel]) -> None:
    """Sidebar card: scenario, levers, seed, horizon, scale and the run button."""
    current = settings.value
    started = solara.use_ref(0.0)

    def run() -> None:
        wanted = settings.value
        progress.value = "Computing the baseline..."
        _ensure_baseline(wanted)
        target = model.value
        if target.key != run_key(wanted):
            progress.value = "Building month 0..."
            target = SessionModel(wanted)
        while target.month < target.cfg.horizon_months:
            target.step()
            if target.month % 12 == 0:
                progress.value = f"Running: month {target.month}"
        target.tables()  # built here so that the views only draw
        model.value = target
        force_update()
        progress.value = ""
        run_info.value = RunInfo(
            run_info.value.count + 1, time.perf_counter() - started.current, target.month
        )

    task = solara.lab.use_task(run, dependencies=None, raise_error=False)

    def press_run() -> None:
        started.current = time.perf_counter()
        task()

    with solara.Sidebar(), solara.Card("Scenario and levers"):
        solara.Select(
            "Starting scenario",
            values=available_scenarios(),
            value=current.scenario,
            on_value=lambda name: settings.set(settings.value.with_scenario(name)),
        )
        solara.Text(scenario_config(current.scenario).description, style={"font-size": "12px"})
        for lever in LEVERS:
            LeverControl(lever)
        solara.Button(
            "Restore the scenario's values",
            on_click=lambda: settings.set(settings.value.with_scenario(current.scenario)),
            text=True,
            disabled=not changed_levers(current),
        )
        with solara.Row():
            solara.InputInt(
                "Seed",
                value=current.seed,
                on_value=lambda v: settings.set(replace(settings.value, seed=max(0, int(v or 0)))),
            )
            solara.Select(
                "Scale",
                values=list(SCALES),
                value=current.scale,
                on_value=lambda v: settings.set(replace(settings.value, scale=float(v))),
            )
        solara.Text(f"Horizon: {current.horizon_months} months")
        solara.SliderInt(
            "",
            value=current.horizon_months,
            min=HORIZON_RANGE[0],
            max=HORIZON_RANGE[1],
            step=12,
            on_value=lambda v: settings.set(replace(settings.value, horizon_months=int(v))),
            thumb_label=False,
        )
        with solara.Div(attributes={"data-testid": "run-button"}):
            solara.Button(
                f"Run to month {current.horizon_months}",
                on_click=press_run,
                color="primary",
                disabled=task.pending,
                block=True,
            )
        if task.pending:
            solara.ProgressLinear(True)
            solara.Text(progress.value, style={"font-size": "12px"})
        elif task.error:
            solara.Error(f"Run failed: {task.exception}")
        solara.Text(
            "Controls (below): Reset rebuilds month 0 with these settings; Step and Play "
            "advance it month by month.",
            style={"font-size": "12px", "color": "grey"},
        )


# ---- views (SolaraViz components: each receives the model) --------------------------------


@solara.component
def HeadlineView(model: DashboardModel) -> None:
    """The headline numbers of the shown month against the baseline, as text."""
    update_counter.get()
    tables = model.tables()
    base = _baseline_for(model)
    month = model.month
    now = headline(tables["national"], month)
    then = headline(base["national"], month) if base is not None else None
    changes = changed_levers(model.settings)
    _heading(f"Headline numbers, {_month_label(tables, month)}")
    solara.Text(
        f"Scenario {model.settings.scenario!r}"
        + (
            " with " + "; ".join(f"{lv.label.lower()} {lv.describe(new)}" for lv, _, new in changes)
            if changes
            else ""
        )
        + f"; seed {model.settings.seed}, scale {model.settings.scale:g}, "
        f"month {month} of {model.cfg.horizon_months}.",
        style={"font-size": "13px"},
    )
    if run_key(settings.value) != model.key:
        solara.Warning("The controls differ from this run: press Run (or Reset) to apply them.")

    def cell(name: str, value: float | None, column: str) -> solara.Element:
        if value is None:
            return _testid(name, "computing...", tag="td")
        text = f"{100 * value:.2f} %" if column.endswith(("rate", "share")) else f"{value:,.0f}"
        return _testid(name, text, value, tag="td")

    body = [
        [
            label,
            cell(f"kpi-{column}", now[column], column),
            cell(f"baseline-{column}", then[column] if then is not None else None, column),
        ]
        for column, label in HEADLINE_COLUMNS.items()
    ]
    _table(["", "current", "baseline"], body, "headline", {"data-month": str(month)})
    info = run_info.value
    if info.seconds is not None:
        _testid(
            "run-info",
            f"Last run: {info.months} months shown {info.seconds:.1f} s after pressing Run.",
            info.count,
            tag="p",
        )
    else:
        _testid("run-info", "No run yet: press Run.", info.count, tag="p")


@solara.component
def NationalView(model: DashboardModel) -> None:
    """National unemployment, displaced, reskilled and new jobs, current and baseline."""
    update_counter.get()
    base = _baseline_for(model)
    national = model.tables()["national"]
    _heading("Kazakhstan over time")
    _figure(
        lambda: figures.national_figure(national, base["national"] if base else None),
        [model.key, model.month, base is not None],
    )


@solara.component
def RegionMapView(model: DashboardModel) -> None:
    """The 20 regions as tiles coloured by unemployment or automation; a region picker."""
    update_counter.get()
    regions = model.tables()["regions"]
    with solara.Row(style={"align-items": "center"}):
        solara.Select("Region", values=list(model.data.region_names), value=region, dense=True)
        with solara.ToggleButtonsSingle(value=region_metric, dense=True):
            for key, label in (
                ("unemployment_rate", "Unemployment"),
                ("automation_share", "Automation"),
            ):
                solara.Button(label, value=key)
    _figure(
        lambda: figures.region_map_figure(regions, model.month, region_metric.value, region.value),
        [model.key, model.month, region_metric.value, region.value],
    )


@solara.component
def RegionView(model: DashboardModel) -> None:
    """The picked region over time against the baseline."""
    update_counter.get()
    tables = model.tables()
    base = _baseline_for(model)
    _heading(f"{region.value}")
    _figure(
        lambda: figures.region_figure(
            tables["regions"],
            base["regions"] if base else None,
            region.value,
            tables["national"],
            base["national"] if base else None,
        ),
        [model.key, model.month, base is not None, region.value],
    )


@solara.component
def TechnologyView(model: DashboardModel) -> None:
    """Technology cost against the picked region's wage bill per job, with crossings."""
    update_counter.get()
    tables = model.tables()
    tax = model.cfg.automation.payroll_tax
    when = figures.crossings(tables["technologies"], tables["regions"], region.value, tax)
    _heading(f"Technology cost vs wage bill: {region.value}")
    parts = []
    for name, month in when.items():
        label = figures.TECHNOLOGY_LABELS[name]
        if month is None:
            text = f"{label} not by month {model.month}"
        else:
            text = f"{label} {_month_label(tables, month)}"
        parts.append(_testid(f"crossing-{name}", text, -1 if month is None else month))
        parts.append(" · ")
    solara.v.Html(
        tag="div",
        children=["Cheaper than labour from: ", *parts[:-1]],
        style_="font-size: 13px",
    )
    _figure(
        lambda: figures.technology_figure(
            tables["technologies"], tables["regions"], tables["national"], region.value, tax
        ),
        [model.key, model.month, region.value],
    )


@solara.component
def GroupsView(model: DashboardModel) -> None:
    """Natives and migrants over time, current and baseline."""
    update_counter.get()
    tables = model.tables()
    base = _baseline_for(model)
    _heading("Worker groups: natives and migrants")
    _figure(
        lambda: figures.groups_figure(
            tables["groups"],
            base["groups"] if base else None,
            tables["national"],
            base["national"] if base else None,
        ),
        [model.key, model.month, base is not None],
    )


@solara.component
def GroupsTableView(model: DashboardModel) -> None:
    """The groups' numbers in the shown month (persons)."""
    update_counter.get()
    groups = model.tables()["groups"]
    rows = groups.loc[groups["month"] == model.month]
    _heading(f"Worker groups, month {model.month}")
    columns = {
        "labour force": rows["labour_force"].map("{:,.0f}".format),
        "unemployment": (100 * rows["unemployment_rate"]).map("{:.2f} %".format),
        "mean wage (KZT)": rows["mean_wage"].map("{:,.0f}".format),
        "displaced (cum.)": rows["displaced_cum"].map("{:,.0f}".format),
        "reskilled (cum.)": rows["reskilled_cum"].map("{:,.0f}".format),
    }
    body = [
        [figures.GROUP_LABELS[str(g)], *(column.iloc[i] for column in columns.values())]
        for i, g in enumerate(rows["group"])
    ]
    _table(["group", *columns], body, "groups")


@solara.component
def ExportView(model: DashboardModel) -> None:
    """Downloads: the run's tables and the scenario file that reproduces it."""
    update_counter.get()
    name = export_name(model.settings)
    _heading(f"Export (month {model.month} of {model.cfg.horizon_months})")
    with solara.Div(attributes={"data-testid": "export"}):
        solara.FileDownload(
            lambda: scenario_yaml(model.settings).encode(),
            filename=f"{name}.yaml",
            label=f"Scenario file {name}.yaml",
        )
        for table in EXPORT_TABLES:
            with solara.Row():
                solara.FileDownload(
                    lambda table=table: table_csv(model.tables()[table]),
                    filename=f"{table}.csv",
                    label=f"{table}.csv",
                )
                solara.FileDownload(
                    lambda table=table: table_parquet(model.tables()[table]),
                    filename=f"{table}.parquet",
                    label=f"{table}.parquet",
                )
        solara.FileDownload(
            lambda: run_archive(model),
            filename=f"{name}_tables.zip",
            label="All tables (Parquet) and the scenario file, zip",
        )
    solara.Text("The same run from the command line:")
    solara.v.Html(
        tag="pre",
        attributes={"data-testid": "command-line"},
        children=[command_line(model.settings)],
        style_="white-space: pre-wrap; font-size: 12px",
    )
    solara.Text(
        f"or save the scenario file as DIR/scenario/{name}.yaml and run "
        f"labsim --config-dir DIR scenario={name}"
    )


# ---- the page --------------------------------------------------------------------------------


@solara.component
def Page() -> None:
    """One dashboard per browser session: its own model, settings and views."""
    initial = solara.use_memo(lambda: SessionModel(settings.value), [])
    model = solara.use_reactive(initial)

    shown = model.value.settings

    def load_baseline() -> None:
        _ensure_baseline(shown)
        force_update()

    # In the background, so that the page and a Reset to another scale, seed or horizon
    # appear at once; the views draw the baseline when it is ready.
    solara.lab.use_task(load_baseline, dependencies=[baseline_key(shown)], raise_error=False)
    Controls(model)
    SolaraViz(
        model,
        components=[
            (HeadlineView, 0),
            (NationalView, 0),
            (RegionMapView, 1),
            (RegionView, 1),
            (TechnologyView, 2),
            (GroupsView, 3),
            (GroupsTableView, 3),
            (ExportView, 2),
        ],
        name="labsim: planner's dashboard (Kazakhstan)",
        play_interval=20,
    )
