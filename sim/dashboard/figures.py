"""Figures of the dashboard: the current run beside the baseline, regions, groups, technology.

Like :mod:`sim.plots`, the functions take result tables only and build
:class:`matplotlib.figure.Figure` objects on the Agg canvas (no pyplot), so sessions in
threads cannot disturb each other. The tile map, labels, colours and the crossing
rule are :mod:`sim.plots`'s, so the dashboard and the run's standard figures agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import PercentFormatter

from sim.config import TECHNOLOGIES

# The helpers are imported rather than copied so that the crossing rule, the
# tile labels and the Agg-only figures stay those of the run's standard figures.
from sim.plots import (
    GROUP_COLOURS,
    GROUP_LABELS,
    TECHNOLOGY_LABELS,
    TILE_POSITIONS,
    first_month_below,
    new_figure,
    region_short_name,
)

CURRENT_COLOUR = "#c0392b"
CURRENT_LABEL = "current settings"
BASELINE_COLOUR = "0.45"
TECHNOLOGY_COLOURS = {"robots": "#1b9e77", "software": "#7570b3", "genai": "#d95f02"}

NATIONAL_PANELS: tuple[tuple[str, str, float], ...] = (
    ("unemployment_rate", "Unemployment rate (%)", 100.0),
    ("displaced_cum", "Displaced by automation, cumulative (thousand)", 1e-3),
    ("reskilled_cum", "Reskilled, cumulative (thousand)", 1e-3),
    ("new_jobs_cum", "New jobs, cumulative (thousand)", 1e-3),
)
"""National columns of the time-series view: (column, title, display factor)."""

REGION_METRICS: dict[str, str] = {
    "unemployment_rate": "Unemployment rate",
    "automation_share": "Automation share of month-0 jobs",
}
"""Region columns the map can be coloured by, with their labels."""


def _series(table: pd.DataFrame, column: str, factor: float) -> tuple[pd.Series, np.ndarray]:
    rows = table.sort_values("month")
    return pd.to_datetime(rows["date"]), rows[column].to_numpy(dtype=float) * factor


def _compare(
    ax: Axes, current: pd.DataFrame, baseline: pd.DataFrame | None, column: str, factor: float
) -> None:
    """Draw the baseline (dashed, full horizon) and the current run (solid) of one column."""
    if baseline is not None:
        x, y = _series(baseline, column, factor)
        ax.plot(x, y, color=BASELINE_COLOUR, linestyle="--", linewidth=1.4, label="baseline")
    x, y = _series(current, column, factor)
    ax.plot(x, y, color=CURRENT_COLOUR, linewidth=2.0, label=CURRENT_LABEL)
    ax.grid(True, alpha=0.3)
    ax.tick_params(labelsize=8)


def _with_dates(table: pd.DataFrame, national: pd.DataFrame) -> pd.DataFrame:
    """Add the national table's ``date`` to a month-indexed table (regions, groups)."""
    return table.merge(national[["month", "date"]], on="month", how="left")


def national_figure(current: pd.DataFrame, baseline: pd.DataFrame | None) -> Figure:
    """Four national series over time, the current run solid and the baseline dashed.

    Parameters
    ----------
    current, baseline : pandas.DataFrame
        National tables (``month``, ``date`` and the columns of
        :data:`NATIONAL_PANELS`); the baseline may be missing.
    """
    fig = new_figure(7.6, 4.6)
    axes = fig.subplots(2, 2, sharex=True)
    for ax, (column, title, factor) in zip(axes.flat, NATIONAL_PANELS, strict=True):
        _compare(ax, current, baseline, column, factor)
        ax.set_title(title, fontsize=9)
    axes[0, 0].legend(fontsize=8, loc="best")
    return fig


def region_map_figure(
    regions: pd.DataFrame, month: int, metric: str, selected: str | None = None
) -> Figure:
    """Tile map of the regions coloured by ``metric`` in ``month``; ``selected`` outlined.

    Parameters
    ----------
    regions : pandas.DataFrame
        Regions table (``month``, ``region`` and ``metric``, a fraction).
    month : int
        Month shown.
    metric : str
        A key of :data:`REGION_METRICS`.
    selected : str, optional
        Region drawn with a thick outline.
    """
    rows = regions.loc[regions["month"] == month]
    values = dict(zip(rows["region"].astype(str), rows[metric].astype(float) * 100, strict=True))
    cmap = colormaps["Reds" if metric == "unemployment_rate" else "Purples"]
    shown = [v for v in values.values() if np.isfinite(v)]
    norm = Normalize(min(shown, default=0.0), max(max(shown, default=1.0), 1e-9))
    decimals = 1 if max(shown, default=0.0) >= 1.0 else 2  # early automation shares are tiny
    fig = new_figure(5.0, 3.4)
    ax = fig.subplots()
    for region, (col, row) in TILE_POSITIONS.items():
        value = values.get(region, np.nan)
        colour = cmap(norm(value)) if np.isfinite(value) else "0.9"
        is_selected = region == selected
        ax.add_patch(
            Rectangle(
                (col, -row),
                0.95,
                0.95,
                facecolor=colour,
                edgecolor="black" if is_selected else "white",
                linewidth=3.0 if is_selected else 1.0,
            )
        )
        dark = np.isfinite(value) and norm(value) > 0.6
        ax.text(
            col + 0.475,
            -row + 0.55,
            region_short_name(region, 9),
            ha="center",
            va="center",
            fontsize=6,
            color="white" if dark else "black",
        )
        ax.text(
            col + 0.475,
            -row + 0.18,
            f"{value:.{decimals}f}%" if np.isfinite(value) else "",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if dark else "black",
        )
    cols = [c for c, _ in TILE_POSITIONS.values()]
    rows_ = [r for _, r in TILE_POSITIONS.values()]
    ax.set_xlim(min(cols) - 0.1, max(cols) + 1.05)
    ax.set_ylim(-max(rows_) - 0.1, -min(rows_) + 1.05)
    ax.set_aspect("equal")
    ax.axis("off")
    bar = fig.colorbar(ScalarMappable(norm, cmap), ax=ax, shrink=0.7, pad=0.01, fraction=0.04)
    bar.ax.yaxis.set_major_formatter(PercentFormatter(decimals=decimals))
    bar.ax.tick_params(labelsize=8)
    ax.set_title(f"{REGION_METRICS[metric]}, month {month}", fontsize=9)
    return fig


def region_figure(
    current: pd.DataFrame,
    baseline: pd.DataFrame | None,
    region: str,
    current_national: pd.DataFrame,
    baseline_national: pd.DataFrame | None,
) -> Figure:
    """Unemployment and automation share of one region, current run against baseline."""
    fig = new_figure(6.2, 3.6)
    axes = fig.subplots(2, 1, sharex=True)

    def pick(table: pd.DataFrame, national: pd.DataFrame) -> pd.DataFrame:
        return _with_dates(table.loc[table["region"].astype(str) == region], national)

    cur = pick(current, current_national)
    base = None
    if baseline is not None and baseline_national is not None:
        base = pick(baseline, baseline_national)
    for ax, (column, title) in zip(axes, REGION_METRICS.items(), strict=True):
        _compare(ax, cur, base, column, 100.0)
        ax.set_title(f"{region}: {title.lower()} (%)", fontsize=9)
    axes[0].legend(fontsize=8, loc="best")
    return fig


def groups_figure(
    current: pd.DataFrame,
    baseline: pd.DataFrame | None,
    current_national: pd.DataFrame,
    baseline_national: pd.DataFrame | None,
) -> Figure:
    """Unemployment rate and reskilled workers by group (natives and migrants) over time.

    The current run is solid, the baseline dashed, each group in its colour of
    :data:`sim.plots.GROUP_COLOURS`.
    """
    fig = new_figure(7.6, 4.4)
    axes = fig.subplots(1, 2)
    cur = _with_dates(current, current_national)
    base = None
    if baseline is not None and baseline_national is not None:
        base = _with_dates(baseline, baseline_national)
    panels = (("unemployment_rate", "Unemployment rate (%)", 100.0),)
    panels += (("reskilled_cum", "Reskilled, cumulative (thousand)", 1e-3),)
    for ax, (column, title, factor) in zip(axes, panels, strict=True):
        for group, colour in GROUP_COLOURS.items():
            if base is not None:
                x, y = _series(base.loc[base["group"].astype(str) == group], column, factor)
                ax.plot(x, y, color=colour, linestyle="--", linewidth=1.0, alpha=0.8)
            x, y = _series(cur.loc[cur["group"].astype(str) == group], column, factor)
            ax.plot(x, y, color=colour, linewidth=2.0, label=GROUP_LABELS[group])
        ax.set_title(title, fontsize=9)
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=8)
    axes[0].legend(fontsize=7, loc="best", title="solid: current, dashed: baseline")
    axes[0].get_legend().get_title().set_fontsize(7)
    return fig


def wage_bill(regions: pd.DataFrame, region: str, payroll_tax: float) -> pd.Series:
    """Monthly wage bill per job of ``region`` by month: mean wage x (1 + payroll tax), KZT.

    This is the labour cost that a technology's cost per job-equivalent is compared
    with in the adoption test (section 5.1 of ``docs/ODD.md``), at the region's mean wage.
    """
    rows = regions.loc[regions["region"].astype(str) == region].sort_values("month")
    return pd.Series(
        rows["mean_wage"].to_numpy(dtype=float) * (1.0 + payroll_tax),
        index=rows["month"].to_numpy(dtype=int),
    )


def technology_costs(technologies: pd.DataFrame) -> pd.DataFrame:
    """Cost per job-equivalent (KZT a month, incl. tax) by month (rows) and technology."""
    tech = technologies.assign(technology=technologies["technology"].astype(str))
    costs = tech.pivot_table(index="month", columns="technology", values="cost", aggfunc="mean")
    return costs[[t for t in TECHNOLOGIES if t in costs.columns]].sort_index()


def crossings(
    technologies: pd.DataFrame, regions: pd.DataFrame, region: str, payroll_tax: float
) -> dict[str, int | None]:
    """First month each technology costs less than ``region``'s wage bill per job (or None)."""
    costs = technology_costs(technologies)
    bill = wage_bill(regions, region, payroll_tax).reindex(costs.index)
    out: dict[str, int | None] = {}
    for name in costs.columns:
        idx = first_month_below(costs[name].to_numpy() - bill.to_numpy(), 0.0)
        out[name] = None if idx is None else int(costs.index[idx])
    return out


def technology_figure(
    technologies: pd.DataFrame,
    regions: pd.DataFrame,
    national: pd.DataFrame,
    region: str,
    payroll_tax: float,
) -> Figure:
    """Cost of each technology against ``region``'s wage bill per job, crossings marked."""
    costs = technology_costs(technologies) / 1e3
    bill = wage_bill(regions, region, payroll_tax).reindex(costs.index) / 1e3
    dates = pd.to_datetime(national.set_index("month")["date"].reindex(costs.index))
    when = crossings(technologies, regions, region, payroll_tax)
    fig = new_figure(6.6, 3.3)
    ax = fig.subplots()
    ax.plot(dates, bill, color="black", linewidth=2.2, label="wage bill per job")
    for name in costs.columns:
        colour = TECHNOLOGY_COLOURS.get(name, "0.3")
        ax.plot(dates, costs[name], color=colour, linewidth=1.8, label=TECHNOLOGY_LABELS[name])
        month = when[name]
        if month is not None:
            ax.scatter([dates[month]], [costs[name][month]], s=60, color=colour, edgecolors="black")
    ax.set_yscale("log")
    ax.set_ylabel("KZT thousand a month\nper job-equivalent", fontsize=8)
    ax.grid(True, which="both", alpha=0.25)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7, loc="lower left")
    return fig
