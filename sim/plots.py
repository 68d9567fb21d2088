"""Standard figures for the Kazakhstan labour-market simulator.

The functions in this module only receive :class:`pandas.DataFrame` objects (the
aggregated output tables of a run) and write PNG files. They deliberately import
nothing else from :mod:`sim` and never touch :mod:`matplotlib.pyplot`, so they are
safe to call from worker processes and do not change the global matplotlib backend:
figures are built with :class:`matplotlib.figure.Figure` and rendered by the Agg
canvas.

Public entry point: :func:`write_standard_figures`.
"""

from __future__ import annotations

import logging
import os
import tempfile
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import (
    FuncFormatter,
    LogLocator,
    MaxNLocator,
    NullFormatter,
    PercentFormatter,
)

from sim.data import MAJOR_GROUPS
from sim.fiscal import FISCAL_COLUMNS

__all__ = [
    "FIGURE_NAMES",
    "ISCO_MAJOR_NAMES",
    "write_standard_figures",
]

logger = logging.getLogger(__name__)

DPI = 120
"""Resolution of the written PNG files (dots per inch)."""

ISCO_MAJOR_NAMES: dict[int, str] = MAJOR_GROUPS
"""ISCO-08 major group names keyed by the major group digit."""

GROUP_LABELS: dict[str, str] = {
    "native": "Native (non-migrant)",
    "internal_migrant": "Internal migrants",
    "foreign_migrant": "Foreign migrants",
    "kandas": "Kandas (ethnic Kazakh returnees)",
}
"""Display names of the worker groups."""

GROUP_COLOURS: dict[str, str] = {
    "native": "#1f77b4",
    "internal_migrant": "#ff7f0e",
    "foreign_migrant": "#2ca02c",
    "kandas": "#9467bd",
}
"""Fixed line colours of the worker groups, so colours agree across scenarios."""

FIGURE_NAMES: tuple[str, ...] = (
    "unemployment_vacancies.png",
    "beveridge_curve.png",
    "regions_panel.png",
    "employment_by_occupation_group.png",
    "groups.png",
    "adoption_by_region.png",
    "displacement_new_jobs.png",
    "jobs_at_risk_regions.png",
    "technology_cost_vs_wage.png",
    "net_migration_by_region.png",
    "groups_unemployment_wages.png",
    "displacement_reemployment_by_group.png",
    "international_migration.png",
    "reskilling.png",
    "public_budget.png",
)
"""File names of the standard figures, in the order they are written."""

HIGHLIGHT_REGIONS: dict[str, str] = {
    "Atyrau Region": "#d62728",
    "Astana city": "#1f77b4",
    "Almaty city": "#2ca02c",
    "Mangystau Region": "#ff7f0e",
    "Turkistan Region": "#9467bd",
}
"""Regions highlighted in the automation figures, with their fixed colours."""

TILE_POSITIONS: dict[str, tuple[int, int]] = {
    "West Kazakhstan Region": (0, 1),
    "Atyrau Region": (0, 2),
    "Mangystau Region": (0, 3),
    "Aktobe Region": (1, 1),
    "Kostanay Region": (2, 0),
    "North Kazakhstan Region": (3, 0),
    "Pavlodar Region": (4, 0),
    "East Kazakhstan Region": (6, 1),
    "Akmola Region": (3, 1),
    "Astana city": (4, 1),
    "Karaganda Region": (4, 2),
    "Ulytau Region": (2, 2),
    "Abai Region": (5, 2),
    "Kyzylorda Region": (2, 3),
    "Turkistan Region": (3, 4),
    "Shymkent city": (3, 5),
    "Zhambyl Region": (4, 4),
    "Almaty Region": (5, 4),
    "Almaty city": (5, 5),
    "Zhetisu Region": (6, 3),
}
"""Tile-map position ``(column, row)`` of each region; row 0 is the top (north)."""

TECHNOLOGY_LABELS: dict[str, str] = {
    "robots": "Robots",
    "software": "Software",
    "genai": "Generative AI",
}
"""Display names of the automation technologies."""

_FIRST_COLOUR = "#9ecae1"
_LAST_COLOUR = "#08519c"
_UNEMP_COLOUR = "#c0392b"
_VAC_COLOUR = "#2471a3"


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _safe_ratio(
    numerator: Sequence[float] | np.ndarray, denominator: Sequence[float] | np.ndarray
) -> np.ndarray:
    """Element-wise ``numerator / denominator`` with 0 where the denominator is not positive.

    Parameters
    ----------
    numerator, denominator : array-like
        Values of equal length; missing values are treated as 0.

    Returns
    -------
    numpy.ndarray
        The ratio as float array; entries with ``denominator <= 0`` (or NaN) are 0.
    """
    num = np.nan_to_num(np.asarray(numerator, dtype=float), nan=0.0)
    den = np.nan_to_num(np.asarray(denominator, dtype=float), nan=0.0)
    out = np.zeros(np.broadcast(num, den).shape, dtype=float)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _title(text: str, scenario: str) -> str:
    """Append the scenario name to a figure title when one is given."""
    return f"{text} — scenario: {scenario}" if scenario else text


def _thousands(decimals: int = 0) -> FuncFormatter:
    """Tick formatter with thousands separators and a fixed number of decimals."""
    return FuncFormatter(lambda value, _pos: f"{value:,.{decimals}f}")


def _month_dates(national: pd.DataFrame | None) -> dict[int, pd.Timestamp]:
    """Map simulation month index to calendar date using the national table.

    Parameters
    ----------
    national : pandas.DataFrame or None
        National table with ``month`` and ``date`` columns.

    Returns
    -------
    dict of int to pandas.Timestamp
        Empty when the table or its ``date`` column is unavailable.
    """
    if national is None or national.empty or not {"month", "date"} <= set(national.columns):
        return {}
    dates = pd.to_datetime(national["date"], errors="coerce")
    return {
        int(m): pd.Timestamp(d)
        for m, d in zip(national["month"], dates, strict=True)
        if not pd.isna(d)
    }


def _x_values(
    months: Sequence[int] | np.ndarray, dates: Mapping[int, pd.Timestamp]
) -> tuple[np.ndarray, bool]:
    """Return x-axis values for month indices: dates when all are known, else the indices.

    Returns
    -------
    tuple of (numpy.ndarray, bool)
        The x values and whether they are dates.
    """
    months_arr = np.asarray(months, dtype=int)
    if dates and all(int(m) in dates for m in months_arr):
        return np.array([dates[int(m)] for m in months_arr], dtype="datetime64[ns]"), True
    return months_arr, False


def _month_label(month: int, dates: Mapping[int, pd.Timestamp]) -> str:
    """Human-readable label of a simulation month (``'Jan 2025'`` or ``'Month 3'``)."""
    if month in dates:
        return dates[month].strftime("%b %Y")
    return f"Month {month}"


def _format_time_axis(ax: Axes, x: np.ndarray, is_date: bool) -> None:
    """Format an x axis holding either calendar dates or month indices.

    With a single point the axis is centred on it with a window of about three months.
    """
    if is_date:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlabel("Date (month)")
        if len(x) == 1:
            centre = pd.Timestamp(x[0])
            ax.set_xlim(centre - pd.Timedelta(days=46), centre + pd.Timedelta(days=46))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("Simulation month")
        if len(x) == 1:
            ax.set_xlim(float(x[0]) - 1.5, float(x[0]) + 1.5)


def _line_style(n_points: int) -> dict[str, object]:
    """Line keyword arguments; markers are shown when there are few points."""
    return {"marker": "o", "markersize": 5} if n_points <= 2 else {}


def new_figure(width: float, height: float) -> Figure:
    """Create a figure attached to an Agg canvas (no pyplot, no global backend change)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, path: Path) -> Path:
    """Write ``fig`` as PNG to a temporary file next to ``path`` and rename it into place.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to render.
    path : pathlib.Path
        Final destination; its directory must exist.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".png.tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            fig.savefig(handle, format="png", dpi=DPI)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _no_data(ax: Axes, message: str = "No data") -> None:
    """Show a centred message in an otherwise empty axes."""
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_xticks([])
    ax.set_yticks([])


def _national_rates(national: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return months, unemployment rate (%) and vacancy rate (%) of the national table.

    The vacancy rate is ``vacancies / (employed + vacancies)``.
    """
    nat = national.sort_values("month")
    months = nat["month"].to_numpy(dtype=int)
    if "unemployment_rate" in nat.columns:
        urate = nat["unemployment_rate"].astype(float).fillna(0.0).to_numpy() * 100.0
    else:
        urate = _safe_ratio(nat["unemployed"], nat["labour_force"]) * 100.0
    employed = nat["employed"].astype(float).fillna(0.0).to_numpy()
    vacancies = nat["vacancies"].astype(float).fillna(0.0).to_numpy()
    vrate = _safe_ratio(vacancies, employed + vacancies) * 100.0
    return months, urate, vrate


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def _fig_unemployment_vacancies(national: pd.DataFrame, scenario: str) -> Figure:
    """National unemployment and vacancy rates over time, in two stacked panels."""
    months, urate, vrate = _national_rates(national)
    x, is_date = _x_values(months, _month_dates(national))
    style = _line_style(len(x))

    fig = new_figure(10, 6.5)
    ax_u, ax_v = fig.subplots(2, 1, sharex=True)
    ax_u.plot(x, urate, color=_UNEMP_COLOUR, linewidth=2, **style)
    ax_u.set_ylabel("Unemployment rate\n(% of labour force)")
    ax_u.set_title("Unemployment rate", loc="left", fontsize=10)
    ax_v.plot(x, vrate, color=_VAC_COLOUR, linewidth=2, **style)
    ax_v.set_ylabel("Vacancy rate\n(% of employed + vacancies)")
    ax_v.set_title("Vacancy rate = vacancies / (employed + vacancies)", loc="left", fontsize=10)
    for ax in (ax_u, ax_v):
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=100))
        ax.grid(True, alpha=0.3)
    ax_u.tick_params(labelbottom=False)
    _format_time_axis(ax_v, x, is_date)
    fig.suptitle(_title("Kazakhstan: unemployment and vacancy rates", scenario), fontweight="bold")
    return fig


def _fig_beveridge(national: pd.DataFrame, scenario: str) -> Figure:
    """Beveridge curve: vacancy rate against unemployment rate, coloured by month."""
    months, urate, vrate = _national_rates(national)
    dates = _month_dates(national)

    fig = new_figure(8.5, 6.5)
    ax = fig.subplots()
    ax.plot(urate, vrate, color="grey", linewidth=1, alpha=0.6, zorder=1)
    vmin = float(months.min())
    vmax = float(months.max()) if months.max() > months.min() else vmin + 1.0
    points = ax.scatter(
        urate,
        vrate,
        c=months,
        cmap="viridis",
        norm=Normalize(vmin=vmin, vmax=vmax),
        s=30,
        zorder=2,
        edgecolors="none",
    )
    cbar = fig.colorbar(points, ax=ax)
    cbar.set_label("Simulation month (0 = initial state)")
    cbar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))

    first, last = int(months[0]), int(months[-1])
    ax.scatter(
        urate[0],
        vrate[0],
        s=160,
        facecolors="none",
        edgecolors="black",
        linewidths=1.8,
        zorder=3,
        label=f"Start ({_month_label(first, dates)})",
    )
    ax.scatter(
        urate[-1],
        vrate[-1],
        s=160,
        marker="s",
        facecolors="none",
        edgecolors=_UNEMP_COLOUR,
        linewidths=1.8,
        zorder=3,
        label=f"End ({_month_label(last, dates)})",
    )
    ax.annotate("start", (urate[0], vrate[0]), xytext=(8, 8), textcoords="offset points")
    if len(months) > 1:
        ax.annotate("end", (urate[-1], vrate[-1]), xytext=(8, -14), textcoords="offset points")
    else:
        ax.margins(0.5)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=100))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=100))
    ax.set_xlabel("Unemployment rate (% of labour force)")
    ax.set_ylabel("Vacancy rate (% of employed + vacancies)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", frameon=True)
    ax.set_title(_title("Beveridge curve, Kazakhstan", scenario), fontweight="bold")
    return fig


def _bar_pair(
    ax: Axes,
    frame: pd.DataFrame,
    value: str,
    first_label: str,
    last_label: str,
    single: bool,
) -> None:
    """Draw grouped horizontal bars of ``value_first``/``value_last`` per region, sorted by last."""
    data = frame.sort_values(f"{value}_last", ascending=True, kind="mergesort")
    y = np.arange(len(data))
    if single:
        ax.barh(y, data[f"{value}_last"], height=0.7, color=_LAST_COLOUR, label=last_label)
    else:
        height = 0.38
        ax.barh(
            y + height / 2,
            data[f"{value}_first"],
            height=height,
            color=_FIRST_COLOUR,
            label=first_label,
        )
        ax.barh(
            y - height / 2,
            data[f"{value}_last"],
            height=height,
            color=_LAST_COLOUR,
            label=last_label,
        )
    ax.set_yticks(y, labels=data["region"].astype(str).tolist())
    ax.set_ylim(-0.7, len(data) - 0.3)
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)


def _fig_regions(regions: pd.DataFrame, dates: Mapping[int, pd.Timestamp], scenario: str) -> Figure:
    """Regional unemployment rate and mean wage, first versus last month."""
    first, last = int(regions["month"].min()), int(regions["month"].max())
    single = first == last

    def snapshot(month: int) -> pd.DataFrame:
        rows = regions.loc[regions["month"] == month]
        if "unemployment_rate" in rows.columns:
            rate = rows["unemployment_rate"].astype(float).fillna(0.0).to_numpy()
        else:
            rate = _safe_ratio(rows["unemployed"], rows["labour_force"])
        snap = pd.DataFrame(
            {
                "region": rows["region"].astype(str).to_numpy(),
                "urate": rate * 100.0,
                "wage": rows["mean_wage"].astype(float).fillna(0.0).to_numpy() / 1_000.0,
            }
        )
        return snap.groupby("region", as_index=False).mean()

    merged = snapshot(first).merge(
        snapshot(last), on="region", how="outer", suffixes=("_first", "_last")
    )
    merged = merged.fillna(0.0)
    first_label, last_label = _month_label(first, dates), _month_label(last, dates)

    n = len(merged)
    fig = new_figure(13, max(4.5, 0.38 * n + 1.8))
    ax_u, ax_w = fig.subplots(1, 2)
    _bar_pair(ax_u, merged, "urate", first_label, last_label, single)
    ax_u.xaxis.set_major_formatter(PercentFormatter(xmax=100))
    ax_u.set_xlabel("Unemployment rate (% of labour force)")
    ax_u.set_title("Unemployment rate by region", fontsize=11)
    _bar_pair(ax_w, merged, "wage", first_label, last_label, single)
    ax_w.xaxis.set_major_formatter(_thousands(0))
    ax_w.set_xlabel("Mean wage (thousand KZT per month)")
    ax_w.set_title("Mean monthly wage by region", fontsize=11)
    period = last_label if single else f"{first_label} vs {last_label}"
    fig.suptitle(_title(f"Regions of Kazakhstan, {period}", scenario), fontweight="bold")
    return fig


def _fig_occupations(
    occupations: pd.DataFrame, dates: Mapping[int, pd.Timestamp], scenario: str
) -> Figure:
    """Employment by ISCO-08 major group: stacked areas over time plus percent change."""
    occ = occupations.copy()
    occ["major"] = pd.to_numeric(occ["major"], errors="coerce").fillna(0).astype(int)
    table = (
        occ.pivot_table(
            index="month", columns="major", values="employed", aggfunc="sum", fill_value=0.0
        )
        .sort_index()
        .sort_index(axis=1)
    )
    majors = [int(m) for m in table.columns]
    names = [f"{m} {ISCO_MAJOR_NAMES.get(m, 'Other / unknown')}" for m in majors]
    colours = [_major_colour(m) for m in majors]
    millions = table.to_numpy(dtype=float) / 1e6
    x, is_date = _x_values(table.index.to_numpy(), dates)

    fig = new_figure(14, 7.5)
    ax_area, ax_pct = fig.subplots(1, 2, width_ratios=[2.3, 1])
    if len(x) > 1:
        ax_area.stackplot(x, millions.T, labels=names, colors=colours, alpha=0.9)
        ax_area.set_xlim(x[0], x[-1])
        _format_time_axis(ax_area, x, is_date)
    else:
        # A single month cannot be drawn as an area: show one stacked bar instead.
        bottom = 0.0
        for j, (name, colour) in enumerate(zip(names, colours, strict=True)):
            ax_area.bar([0.0], millions[:, j], bottom=bottom, width=0.5, color=colour, label=name)
            bottom += float(millions[0, j])
        ax_area.set_xlim(-1.0, 1.0)
        ax_area.set_xticks([0.0], labels=[_month_label(int(table.index[0]), dates)])
        ax_area.set_xlabel("Month")
    ax_area.set_ylabel("Employed persons (millions)")
    ax_area.yaxis.set_major_formatter(_thousands(1))
    ax_area.grid(True, axis="y", alpha=0.3)
    ax_area.set_title("Employment by ISCO-08 major group", fontsize=11)
    ax_area.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
        fontsize=8,
        frameon=False,
        reverse=True,
    )

    first_vals = table.iloc[0].to_numpy(dtype=float)
    last_vals = table.iloc[-1].to_numpy(dtype=float)
    pct = _safe_ratio(last_vals - first_vals, first_vals) * 100.0
    defined = first_vals > 0
    y = np.arange(len(majors))[::-1]
    ax_pct.barh(y, np.where(defined, pct, 0.0), color=colours, height=0.65)
    ax_pct.axvline(0.0, color="black", linewidth=0.8)
    ax_pct.set_yticks(y, labels=[textwrap.fill(n, 26) for n in names], fontsize=8)
    ax_pct.xaxis.set_major_formatter(PercentFormatter(xmax=100))
    span = float(np.max(np.abs(pct[defined]))) if defined.any() else 0.0
    span = max(span, 1.0)
    ax_pct.set_xlim(-span * 1.45, span * 1.45)
    for yi, value, ok in zip(y, pct, defined, strict=True):
        text = f"{value:+,.1f}%" if ok else "n/a"
        ha = "left" if value >= 0 else "right"
        offset = span * 0.04 if value >= 0 else -span * 0.04
        ax_pct.text(value + offset if ok else offset, yi, text, va="center", ha=ha, fontsize=8)
    ax_pct.grid(True, axis="x", alpha=0.3)
    first_label = _month_label(int(table.index[0]), dates)
    last_label = _month_label(int(table.index[-1]), dates)
    ax_pct.set_xlabel(f"Change in employment, {first_label} → {last_label} (%)")
    ax_pct.set_title("Percent change, first → last month", fontsize=11)
    fig.suptitle(_title("Kazakhstan: employment by occupation group", scenario), fontweight="bold")
    return fig


def _major_colour(major: int) -> tuple[float, float, float, float]:
    """Stable colour of an ISCO major group (tab10 palette; grey for unknown groups)."""
    if 1 <= major <= 9:
        return colormaps["tab10"](major - 1)
    return (0.6, 0.6, 0.6, 1.0)


def _fig_groups(groups: pd.DataFrame, dates: Mapping[int, pd.Timestamp], scenario: str) -> Figure:
    """Unemployment rate by worker group over time; groups without labour force are skipped."""
    agg = groups.groupby(["group", "month"], as_index=False)[["labour_force", "unemployed"]].sum()
    fig = new_figure(10, 5.5)
    ax = fig.subplots()
    plotted = 0
    order = [g for g in GROUP_LABELS if g in set(agg["group"])]
    order += sorted(set(agg["group"].astype(str)) - set(order))
    for group in order:
        sub = agg.loc[agg["group"] == group].sort_values("month")
        if float(sub["labour_force"].fillna(0.0).sum()) <= 0:
            continue
        rate = _safe_ratio(sub["unemployed"], sub["labour_force"]) * 100.0
        x, is_date = _x_values(sub["month"].to_numpy(), dates)
        ax.plot(
            x,
            rate,
            linewidth=2,
            color=GROUP_COLOURS.get(group),
            label=GROUP_LABELS.get(group, str(group).replace("_", " ").capitalize()),
            **_line_style(len(x)),
        )
        _format_time_axis(ax, x, is_date)
        plotted += 1
    if plotted == 0:
        _no_data(ax, "No worker group has a labour force")
    else:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=100))
        ax.set_ylabel("Unemployment rate (% of group labour force)")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="Worker group")
    ax.set_title(_title("Unemployment rate by worker group", scenario), fontweight="bold")
    return fig


def region_short_name(region: str, width: int = 11) -> str:
    """Short, wrapped tile label of a region: ``'Atyrau Region'`` becomes ``'Atyrau'``.

    The suffix ``' city'`` is kept so that e.g. Almaty city and Almaty Region stay distinct.
    """
    name = region.removesuffix(" Region")
    return textwrap.fill(name, width, break_long_words=False)


def first_month_below(values: np.ndarray, threshold: float) -> int | None:
    """Index of the first element of ``values`` strictly below ``threshold`` (None if none)."""
    hits = np.flatnonzero(np.asarray(values, dtype=float) < threshold)
    return int(hits[0]) if hits.size else None


def _fig_adoption_by_region(
    regions: pd.DataFrame,
    national: pd.DataFrame | None,
    dates: Mapping[int, pd.Timestamp],
    scenario: str,
) -> Figure:
    """Automation share over time per region, plus the month each region first reaches 1%."""
    reg = regions.assign(region=regions["region"].astype(str))
    table = (
        reg.pivot_table(index="month", columns="region", values="automation_share", aggfunc="mean")
        .sort_index()
        .astype(float)
        * 100.0
    )
    months = table.index.to_numpy(dtype=int)
    x, is_date = _x_values(months, dates)
    style = _line_style(len(x))
    others = [r for r in table.columns if r not in HIGHLIGHT_REGIONS]
    highlighted = [r for r in HIGHLIGHT_REGIONS if r in table.columns]

    fig = new_figure(15, max(6.5, 0.3 * len(table.columns) + 2.5))
    ax_line, ax_bar = fig.subplots(1, 2, width_ratios=[1.6, 1])
    for i, region in enumerate(others):
        ax_line.plot(
            x,
            table[region].to_numpy(),
            color="0.65",
            linewidth=0.8,
            label="Other regions" if i == 0 else None,
            **({"marker": "o", "markersize": 3} if style else {}),
        )
    for region in highlighted:
        ax_line.plot(
            x,
            table[region].to_numpy(),
            color=HIGHLIGHT_REGIONS[region],
            linewidth=1.8,
            label=region,
            **style,
        )
    if national is not None and "automation_share" in national.columns:
        nat = national.sort_values("month")
        nx, _ = _x_values(nat["month"].to_numpy(), dates)
        ax_line.plot(
            nx,
            nat["automation_share"].astype(float).to_numpy() * 100.0,
            color="black",
            linewidth=3,
            label="Kazakhstan (national)",
            **style,
        )
    ax_line.axhline(1.0, color="black", linestyle=":", linewidth=1, label="1% threshold")
    ax_line.set_ylim(bottom=0.0)
    ax_line.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=1))
    ax_line.set_ylabel("Automation share (% of month-0 jobs automated away)")
    ax_line.grid(True, alpha=0.3)
    ax_line.legend(loc="upper left", fontsize=8)
    ax_line.set_title("Automation share by region", fontsize=11)
    _format_time_axis(ax_line, x, is_date)

    # Second panel: first month with an automation share of at least 1%.
    first_month, last_month = int(months.min()), int(months.max())
    reached: dict[str, int | None] = {}
    for region in table.columns:
        hits = np.flatnonzero(table[region].to_numpy() >= 1.0)
        reached[str(region)] = int(months[hits[0]]) if hits.size else None
    order = sorted(
        reached, key=lambda r: (reached[r] is None, reached[r] or 0, r)
    )  # earliest first, "not reached" last
    span = last_month - first_month
    edge = last_month + max(1.0, 0.3 * span)
    y = np.arange(len(order))[::-1]
    for yi, region in zip(y, order, strict=True):
        month = reached[region]
        colour = HIGHLIGHT_REGIONS.get(region, "#5b7f95")
        if month is None:
            ax_bar.barh(
                yi,
                edge - first_month,
                left=first_month,
                height=0.7,
                color="0.9",
                hatch="///",
                edgecolor="0.6",
                linewidth=0,
            )
            ax_bar.text(edge, yi, "not reached ", va="center", ha="right", fontsize=8)
        else:
            ax_bar.barh(yi, month - first_month, left=first_month, height=0.7, color=colour)
            ax_bar.text(
                month + 0.02 * max(span, 1),
                yi,
                f" {_month_label(month, dates)}",
                va="center",
                ha="left",
                fontsize=8,
            )
    ax_bar.set_yticks(y, labels=order, fontsize=8)
    ax_bar.set_ylim(-0.7, len(order) - 0.3)
    ax_bar.set_xlim(first_month, edge)
    ax_bar.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_bar.set_xlabel("Simulation month (0 = initial state)")
    ax_bar.grid(True, axis="x", alpha=0.3)
    ax_bar.set_title("Month in which automation share first reaches 1%", fontsize=11)
    fig.suptitle(
        _title("Automation of jobs across regions of Kazakhstan", scenario), fontweight="bold"
    )
    return fig


def _signed_stack(
    ax: Axes,
    x: np.ndarray,
    layers: Sequence[tuple[str, np.ndarray, str]],
    bar_width: float | None = None,
) -> None:
    """Stack layers upwards (positive parts) and downwards (negative parts) from zero.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Target axes.
    x : numpy.ndarray
        x values of the points.
    layers : sequence of (str, numpy.ndarray, str)
        Label, values and colour of each layer, stacked in order away from zero.
    bar_width : float, optional
        When given, draw stacked bars of this width instead of filled areas (for a single
        point, where areas would be invisible).
    """
    pos_base = np.zeros(len(x), dtype=float)
    neg_base = np.zeros(len(x), dtype=float)
    for label, values, colour in layers:
        vals = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
        pos, neg = np.clip(vals, 0.0, None), np.clip(vals, None, 0.0)
        if bar_width is not None:
            ax.bar(x, pos, bottom=pos_base, width=bar_width, color=colour, label=label)
            ax.bar(x, neg, bottom=neg_base, width=bar_width, color=colour)
        else:
            ax.fill_between(x, pos_base, pos_base + pos, color=colour, label=label, linewidth=0)
            ax.fill_between(x, neg_base, neg_base + neg, color=colour, linewidth=0)
        pos_base += pos
        neg_base += neg


def _fig_displacement_new_jobs(
    national: pd.DataFrame, dates: Mapping[int, pd.Timestamp], scenario: str
) -> Figure:
    """Cumulative displaced, redeployed and new jobs by source, with the net job balance."""
    nat = national.sort_values("month")
    months = nat["month"].to_numpy(dtype=int)

    def col(name: str) -> np.ndarray:
        return nat[name].astype(float).fillna(0.0).to_numpy() / 1e3

    layers = [
        ("New jobs: reinstatement (new tasks)", col("new_jobs_reinstatement_cum"), "#1b7837"),
        ("New jobs: productivity effect", col("new_jobs_productivity_cum"), "#5aae61"),
        ("New jobs: sector trends", col("new_jobs_trend_cum"), "#a6dba0"),
        ("Redeployed (moved to other work in the firm)", -col("redeployed_cum"), "#f4a582"),
        ("Displaced into unemployment", -col("displaced_cum"), "#b2182b"),
    ]
    net = col("new_jobs_cum") - col("jobs_automated_cum")
    automated = -col("jobs_automated_cum")

    fig = new_figure(13, 6.5)
    ax = fig.subplots()
    if len(months) > 1:
        x, is_date = _x_values(months, dates)
        _signed_stack(ax, x, layers)
        ax.set_xlim(x[0], x[-1])
        _format_time_axis(ax, x, is_date)
        style: dict[str, object] = {}
    else:
        # A single month cannot be drawn as an area: show stacked bars instead.
        x = np.zeros(1)
        _signed_stack(ax, x, layers, bar_width=0.5)
        ax.set_xlim(-1.0, 1.0)
        ax.set_xticks([0.0], labels=[_month_label(int(months[0]), dates)])
        ax.set_xlabel("Month")
        style = {"marker": "o", "markersize": 7}
    ax.plot(
        x,
        automated,
        color="0.3",
        linestyle="--",
        linewidth=1.3,
        label="Jobs automated (total)",
        **style,
    )
    ax.plot(
        x,
        net,
        color="black",
        linewidth=2.5,
        label=f"Net = new jobs − jobs automated ({net[-1]:+,.1f} thousand at end)",
        **style,
    )
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(_thousands(0))
    ax.set_ylabel("Cumulative persons since start (thousands)\nlosses below zero, gains above")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    ax.set_title(
        _title("Kazakhstan: jobs lost to automation and new jobs created (cumulative)", scenario),
        fontweight="bold",
    )
    return fig


def _fig_jobs_at_risk(risk: pd.DataFrame, scenario: str) -> Figure:
    """Tile map of the share of jobs at risk per region, plus GenAI-replaceable jobs per region."""
    data = risk
    if "month" in data.columns and data["month"].notna().any():
        data = data.loc[data["month"] == data["month"].min()]
    data = data.assign(region=data["region"].astype(str))
    agg = (
        data.groupby("region")[["jobs", "jobs_at_risk", "genai_replaceable"]]
        .sum()
        .astype(float)
        .fillna(0.0)
    )
    share = pd.Series(_safe_ratio(agg["jobs_at_risk"], agg["jobs"]) * 100.0, index=agg.index)

    n_cols = 7
    positions = {r: TILE_POSITIONS[r] for r in agg.index if r in TILE_POSITIONS}
    unknown = sorted(r for r in agg.index if r not in TILE_POSITIONS)
    extra_row = max(row for _col, row in TILE_POSITIONS.values()) + 1
    for i, region in enumerate(unknown):
        positions[region] = (i % n_cols, extra_row + i // n_cols)
    n_rows = max(row for _col, row in positions.values()) + 1

    fig = new_figure(15, max(7.5, 1.0 * n_rows + 1.5))
    ax_map, ax_bar = fig.subplots(1, 2, width_ratios=[1.5, 1])
    cmap = colormaps["YlOrRd"]
    lo, hi = float(share.min()), float(share.max())
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    norm = Normalize(vmin=lo, vmax=hi)
    size = 0.94
    if positions.keys() & TILE_POSITIONS.keys():
        # Outline the layout regions without data so the map keeps its shape.
        for region, (col, row) in TILE_POSITIONS.items():
            if region in positions:
                continue
            ax_map.add_patch(
                Rectangle((col, row), size, size, facecolor="0.95", edgecolor="0.8", linewidth=1)
            )
            ax_map.text(
                col + size / 2,
                row + size / 2,
                f"{region_short_name(region)}\nno data",
                ha="center",
                va="center",
                fontsize=7,
                color="0.55",
            )
    for region, (col, row) in positions.items():
        colour = cmap(norm(float(share[region])))
        ax_map.add_patch(
            Rectangle((col, row), size, size, facecolor=colour, edgecolor="white", linewidth=1.5)
        )
        luminance = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]
        ax_map.text(
            col + size / 2,
            row + size / 2,
            f"{region_short_name(region)}\n{share[region]:.1f}%",
            ha="center",
            va="center",
            fontsize=8,
            color="black" if luminance > 0.5 else "white",
        )
    if unknown:
        ax_map.text(
            0, extra_row - 0.08, "Other regions (not on the map layout)", fontsize=8, va="bottom"
        )
    ax_map.set_xlim(-0.1, n_cols + 0.04)
    ax_map.set_ylim(n_rows + 0.04, -0.1)
    ax_map.set_aspect("equal")
    ax_map.set_axis_off()
    ax_map.set_title("Share of jobs at risk of automation (schematic map)", fontsize=11)
    mappable = ScalarMappable(norm=norm, cmap=cmap)
    cbar = fig.colorbar(mappable, ax=ax_map, shrink=0.7, format=PercentFormatter(xmax=100))
    cbar.set_label("Jobs at risk (% of the region's jobs)")

    genai = (agg["genai_replaceable"] / 1e3).sort_values(ascending=True, kind="mergesort")
    y = np.arange(len(genai))
    colours = [HIGHLIGHT_REGIONS.get(r, "#6a51a3") for r in genai.index]
    ax_bar.barh(y, genai.to_numpy(), height=0.7, color=colours)
    ax_bar.set_yticks(y, labels=genai.index.tolist(), fontsize=8)
    ax_bar.set_ylim(-0.7, len(genai) - 0.3)
    ax_bar.xaxis.set_major_formatter(_thousands(0))
    ax_bar.set_xlabel("Jobs replaceable by generative AI (thousands)")
    ax_bar.grid(True, axis="x", alpha=0.3)
    ax_bar.set_title("Generative-AI-replaceable jobs by region", fontsize=11)
    right = float(genai.max()) if len(genai) and genai.max() > 0 else 1.0
    ax_bar.set_xlim(0.0, right * 1.18)
    for yi, value in zip(y, genai.to_numpy(), strict=True):
        ax_bar.text(value + right * 0.01, yi, f"{value:,.1f}", va="center", fontsize=7)

    total_jobs = float(agg["jobs"].sum())
    at_risk = float(_safe_ratio(agg["jobs_at_risk"].sum(), total_jobs)) * 100.0
    genai_total = float(agg["genai_replaceable"].sum())
    genai_pct = float(_safe_ratio(genai_total, total_jobs)) * 100.0
    fig.suptitle(
        _title(
            f"Jobs at risk of automation: {at_risk:.1f}% of jobs in Kazakhstan; "
            f"replaceable by generative AI: {genai_total / 1e6:,.2f} million ({genai_pct:.1f}%)",
            scenario,
        ),
        fontweight="bold",
    )
    return fig


def _national_wage_month0(
    national: pd.DataFrame | None, regions: pd.DataFrame, month0: int
) -> float | None:
    """National mean wage in ``month0``: from the national table, else employment-weighted."""
    if national is not None and {"month", "mean_wage"} <= set(national.columns):
        values = national.loc[national["month"] == month0, "mean_wage"].astype(float).dropna()
        if len(values):
            return float(values.iloc[0])
    rows = regions.loc[regions["month"] == month0]
    wages = rows["mean_wage"].astype(float).fillna(0.0).to_numpy()
    if "employed" in rows.columns:
        weights = rows["employed"].astype(float).fillna(0.0).to_numpy()
        if weights.sum() > 0:
            return float(np.sum(wages * weights) / weights.sum())
    return float(np.mean(wages)) if len(wages) else None


def _fig_technology_cost(
    technologies: pd.DataFrame,
    regions: pd.DataFrame,
    national: pd.DataFrame | None,
    dates: Mapping[int, pd.Timestamp],
    scenario: str,
    payroll_tax: float,
) -> Figure:
    """Cost path of each technology against month-0 wage bills per job of selected regions."""
    tech = technologies.assign(technology=technologies["technology"].astype(str))
    costs = (
        tech.pivot_table(index="month", columns="technology", values="cost", aggfunc="mean")
        .sort_index()
        .astype(float)
        / 1e3
    )
    names = [t for t in TECHNOLOGY_LABELS if t in costs.columns]
    names += sorted(str(t) for t in costs.columns if t not in TECHNOLOGY_LABELS)
    months = costs.index.to_numpy(dtype=int)
    x, is_date = _x_values(months, dates)

    reg = regions.assign(region=regions["region"].astype(str))
    month0 = int(reg["month"].min())
    wages0 = reg.loc[reg["month"] == month0].groupby("region")["mean_wage"].mean().astype(float)
    factor = (1.0 + payroll_tax) / 1e3
    lines = [
        (region, float(wages0[region]) * factor, colour, "--")
        for region, colour in HIGHLIGHT_REGIONS.items()
        if region in wages0.index and np.isfinite(wages0[region])
    ]
    national_wage = _national_wage_month0(national, reg, month0)
    if national_wage is not None and np.isfinite(national_wage):
        lines.append(("Kazakhstan (national mean)", national_wage * factor, "black", "-."))

    fig = new_figure(max(6.0, 5.2 * len(names)), 7.5)
    axes = fig.subplots(1, len(names), sharey=True, squeeze=False)[0]
    values = costs.to_numpy()
    positive = values[np.isfinite(values)]
    log_scale = positive.size > 0 and bool(np.all(positive > 0))
    for ax, name in zip(axes, names, strict=True):
        cost = costs[name].to_numpy()
        label = TECHNOLOGY_LABELS.get(name, name)
        ax.plot(
            x, cost, color="#3f007d", linewidth=2.8, label=f"{label}: cost", **_line_style(len(x))
        )
        for line_name, wage, colour, linestyle in lines:
            idx = first_month_below(cost, wage)
            dot_size = 130.0 * 0.75 ** len(ax.collections)  # nested dots stay visible
            if idx is None:
                when = f"not cheaper by {_month_label(int(months[-1]), dates)}"
            else:
                when = f"cheaper from {_month_label(int(months[idx]), dates)}"
                ax.scatter(
                    [x[idx]],
                    [cost[idx]],
                    s=dot_size,
                    color=colour,
                    edgecolors="black",
                    linewidths=0.8,
                    zorder=4,
                )
            ax.axhline(
                wage,
                color=colour,
                linestyle=linestyle,
                linewidth=1.3,
                label=(f"{line_name} ({wage:,.0f}k): {when}"),
            )
        if log_scale:
            ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.25)
        ax.set_title(label, fontsize=11)
        _format_time_axis(ax, x, is_date)
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14),
            fontsize=8,
            frameon=False,
            title=f"Month-0 wage bill per job (wage × {1.0 + payroll_tax:.2f})",
            title_fontsize=8,
        )
    if log_scale:
        axes[0].yaxis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
        axes[0].yaxis.set_minor_formatter(NullFormatter())
    axes[0].yaxis.set_major_formatter(
        FuncFormatter(lambda v, _pos: f"{v:,.0f}" if v >= 1 else f"{v:g}")
    )
    axes[0].set_ylabel("KZT thousand per month per job-equivalent")
    fig.suptitle(
        _title("When does technology become cheaper than labour?", scenario), fontweight="bold"
    )
    return fig


# ---------------------------------------------------------------------------
# Migration and worker-group figures
# ---------------------------------------------------------------------------

_GAIN_COLOUR = "#2471a3"
_LOSS_COLOUR = "#c0392b"


def _group_label(group: str) -> str:
    """Display name of a worker group (``'some_group'`` becomes ``'Some group'``)."""
    return GROUP_LABELS.get(group, str(group).replace("_", " ").capitalize())


def _ordered_groups(names: Sequence[str] | np.ndarray) -> list[str]:
    """Known worker groups in the order of :data:`GROUP_LABELS`, then others sorted."""
    present = {str(n) for n in names}
    order = [g for g in GROUP_LABELS if g in present]
    return order + sorted(present - set(order))


def _region_names(*columns: pd.Series) -> list[str]:
    """Region names of categorical categories and observed values, in first-seen order."""
    names: dict[str, None] = {}
    for column in columns:
        if isinstance(column.dtype, pd.CategoricalDtype):
            names.update(dict.fromkeys(str(c) for c in column.cat.categories))
        names.update(dict.fromkeys(str(v) for v in column.dropna().unique()))
    return list(names)


def _net_migration_per_year(
    flows: pd.DataFrame, national: pd.DataFrame | None
) -> tuple[pd.Series, int, int]:
    """Mean annual net internal migration by region from the ``flows`` table.

    Net migration of a region is the persons moving in from other regions minus those
    moving out (moves within a region are ignored). The total over all simulated years
    is annualised over the simulated months: year ``y`` covers months ``12(y-1)+1 ..
    12y``, and a last, partial year counts only its months up to the last month of the
    ``national`` table. Without that table every year counts as 12 months.

    Parameters
    ----------
    flows : pandas.DataFrame
        Columns ``year``, ``origin``, ``destination`` and ``persons``.
    national : pandas.DataFrame or None
        National table; its largest ``month`` is the last simulated month.

    Returns
    -------
    tuple of (pandas.Series, int, int)
        Net migration in persons per year indexed by region name (every region that
        appears as origin or destination, 0 without moves), the number of simulated
        months and the number of simulated years it covers.
    """
    frame = flows.dropna(subset=["year", "origin", "destination"])
    names = _region_names(flows["origin"], flows["destination"])
    data = pd.DataFrame(
        {
            "year": frame["year"].astype(int).to_numpy(),
            "origin": frame["origin"].astype(str).to_numpy(),
            "destination": frame["destination"].astype(str).to_numpy(),
            "persons": pd.to_numeric(frame["persons"], errors="coerce").fillna(0.0).to_numpy(),
        }
    )
    data = data.loc[data["origin"] != data["destination"]]
    arrivals = data.groupby("destination")["persons"].sum().reindex(names, fill_value=0.0)
    departures = data.groupby("origin")["persons"].sum().reindex(names, fill_value=0.0)
    net_total = (arrivals - departures).astype(float)

    years = sorted({int(y) for y in frame["year"]})
    last_month: int | None = None
    if national is not None and "month" in national.columns and national["month"].notna().any():
        last_month = int(national["month"].max())
    if last_month is None:
        n_months = 12 * len(years)
    else:
        n_months = sum(min(12, max(0, last_month - 12 * (y - 1))) for y in years)
        if n_months <= 0:
            n_months = 12 * len(years)
    annual = net_total * 12.0 / n_months if n_months > 0 else net_total * 0.0
    return annual, n_months, len(years)


def _fig_net_migration(
    flows: pd.DataFrame,
    national: pd.DataFrame | None,
    scenario: str,
    net_migration_data: Mapping[str, float] | None,
) -> Figure:
    """Mean annual net internal migration by region, optionally against data."""
    model, n_months, n_years = _net_migration_per_year(flows, national)
    data = pd.Series(dtype=float)
    if net_migration_data:
        data = pd.Series(
            {str(k): float(v) for k, v in net_migration_data.items()}, dtype=float
        ).dropna()
        data = data.loc[np.isfinite(data.to_numpy())]
    regions = list(model.index) + [r for r in data.index if r not in model.index]
    frame = pd.DataFrame(
        {"model": model.reindex(regions), "data": data.reindex(regions)}, index=regions
    )
    frame["key"] = frame["model"].fillna(frame["data"])
    frame = frame.sort_values("key", ascending=True, kind="mergesort")
    has_data = bool(frame["data"].notna().any())

    n = len(frame)
    fig = new_figure(12, max(5.0, 0.34 * n + 2.4))
    ax = fig.subplots()
    y = np.arange(n)
    values = frame["model"].to_numpy(dtype=float)
    drawn = np.nan_to_num(values, nan=0.0)
    colours = [_GAIN_COLOUR if v >= 0 else _LOSS_COLOUR for v in drawn]
    ax.barh(y, drawn, height=0.65, color=colours)
    span = float(np.nanmax(np.abs(np.concatenate([drawn, frame["data"].fillna(0.0)])))) if n else 0
    span = span if span > 0 else 1.0
    # Values in a column right of the axes (model, then data), so they never hide a marker.
    columns = [("Model", values)]
    if has_data:
        columns.append(("Data", frame["data"].to_numpy(dtype=float)))
    column_transform = ax.get_yaxis_transform()  # x in axes fraction, y in data units
    for k, (header, column) in enumerate(columns):
        x_text = 1.0 + 0.075 * (k + 1)
        ax.text(
            x_text,
            n - 0.4,
            header,
            transform=column_transform,
            ha="right",
            va="bottom",
            fontsize=8,
            fontweight="bold",
        )
        for yi, value in zip(y, column, strict=True):
            text = "–" if not np.isfinite(value) else f"{value:+,.0f}" if value else "0"
            ax.text(
                x_text, yi, text, transform=column_transform, ha="right", va="center", fontsize=7.5
            )
    if has_data:
        ax.scatter(
            frame["data"].to_numpy(dtype=float),
            y,
            marker="D",
            s=34,
            color="black",
            zorder=3,
        )
    labels = [
        str(r) if np.isfinite(v) else f"{r} (not in model)"
        for r, v in zip(frame.index, values, strict=True)
    ]
    ax.set_yticks(y, labels=labels, fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(-span * 1.12, span * 1.12)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(_thousands(0))
    ax.set_xlabel("Net internal migration (persons per year; + = more arrivals than departures)")
    ax.grid(True, axis="x", alpha=0.3)

    years_text = "simulation year 1" if n_years == 1 else f"simulation years 1-{n_years}"
    handles = [
        Rectangle((0, 0), 1, 1, color=_GAIN_COLOUR, label="Model: net inflow"),
        Rectangle((0, 0), 1, 1, color=_LOSS_COLOUR, label="Model: net outflow"),
    ]
    subtitle = (
        f"Model: moves between regions (migration and hires in another region), "
        f"mean per year over the {n_months} simulated months ({years_text})"
    )
    if has_data:
        handles.append(
            ax.scatter(
                [], [], marker="D", s=34, color="black", label="Data (labour-force persons/year)"
            )
        )
        both = frame.dropna(subset=["model", "data"])
        if len(both) >= 3 and both["model"].std() > 0 and both["data"].std() > 0:
            r = float(np.corrcoef(both["model"], both["data"])[0, 1])
            subtitle += f"\nCorrelation model vs data across {len(both)} regions: r = {r:.2f}"
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    ax.set_title(subtitle, loc="left", fontsize=9)
    fig.suptitle(
        _title(
            "Net internal migration by region: arrivals − departures, persons per year", scenario
        ),
        fontweight="bold",
    )
    return fig


def _fig_groups_unemployment_wages(
    groups: pd.DataFrame, dates: Mapping[int, pd.Timestamp], scenario: str
) -> Figure:
    """Unemployment rate and mean wage by worker group over time, in two panels."""
    data = groups.assign(group=groups["group"].astype(str))
    employed = (
        data["employed"].astype(float).fillna(0.0)
        if "employed" in data.columns
        else pd.Series(np.nan, index=data.index)
    )
    data = data.assign(
        labour_force=data["labour_force"].astype(float).fillna(0.0),
        unemployed=data["unemployed"].astype(float).fillna(0.0),
        employed=employed,
        wage_bill=data["mean_wage"].astype(float) * employed,
    )

    fig = new_figure(11, 7.5)
    ax_u, ax_w = fig.subplots(2, 1, sharex=True)
    plotted_u = plotted_w = 0
    x_all: np.ndarray | None = None
    is_date = False
    for group in _ordered_groups(data["group"].unique()):
        sub = (
            data.loc[data["group"] == group]
            .groupby("month")
            .agg(
                labour_force=("labour_force", "sum"),
                unemployed=("unemployed", "sum"),
                employed=("employed", "sum"),
                wage_bill=("wage_bill", "sum"),
                mean_wage=("mean_wage", "mean"),
            )
        )
        sub = sub.sort_index()
        x, is_date = _x_values(sub.index.to_numpy(), dates)
        if x_all is None or len(x) > len(x_all):
            x_all = x
        style = _line_style(len(x))
        colour = GROUP_COLOURS.get(group)
        label = _group_label(group)
        if float(sub["labour_force"].sum()) > 0:
            rate = _safe_ratio(sub["unemployed"], sub["labour_force"]) * 100.0
            rate = np.where(sub["labour_force"].to_numpy() > 0, rate, np.nan)
            ax_u.plot(x, rate, linewidth=2, color=colour, label=label, **style)
            plotted_u += 1
        if "employed" in groups.columns:
            wage = _safe_ratio(sub["wage_bill"], sub["employed"])
            wage = np.where(sub["employed"].to_numpy() > 0, wage, np.nan)
        else:
            wage = sub["mean_wage"].astype(float).to_numpy()
            wage = np.where(wage > 0, wage, np.nan)
        if np.isfinite(wage).any():
            ax_w.plot(x, wage / 1e3, linewidth=2, color=colour, label=label, **style)
            plotted_w += 1
    if plotted_u == 0:
        _no_data(ax_u, "No worker group has a labour force")
    else:
        ax_u.yaxis.set_major_formatter(PercentFormatter(xmax=100))
        ax_u.set_ylabel("Unemployment rate\n(% of group labour force)")
        ax_u.grid(True, alpha=0.3)
        ax_u.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="Worker group")
    ax_u.set_title("Unemployment rate by worker group", loc="left", fontsize=10)
    if plotted_w == 0:
        _no_data(ax_w, "No worker group has employed members")
    else:
        ax_w.yaxis.set_major_formatter(_thousands(0))
        ax_w.set_ylabel("Mean wage of the employed\n(thousand KZT per month)")
        ax_w.grid(True, alpha=0.3)
        if plotted_u == 0:
            ax_w.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="Worker group")
    ax_w.set_title("Mean monthly wage by worker group", loc="left", fontsize=10)
    if x_all is not None and (plotted_u or plotted_w):
        _format_time_axis(ax_w, x_all, is_date)
    ax_u.tick_params(labelbottom=False)
    fig.suptitle(_title("Worker groups: unemployment and wages", scenario), fontweight="bold")
    return fig


def _reemployment_last_month(groups: pd.DataFrame) -> pd.DataFrame:
    """Displacement and re-employment of displaced workers by group in the last month.

    Returns
    -------
    pandas.DataFrame
        Indexed by group (order of :data:`GROUP_LABELS`) with ``displaced`` (persons
        displaced by automation so far), ``reemployed`` (of them re-employed so far),
        ``search_months`` (person-months they spent unemployed), ``hazard`` (monthly
        re-employment hazard ``reemployed / search_months``; NaN without months at
        risk) and ``mean_months`` (``1 / hazard``, the mean time to re-employment under
        a constant hazard; NaN when the hazard is 0 or undefined).
    """
    data = groups.assign(group=groups["group"].astype(str))
    last = data.loc[data["month"] == data["month"].max()]
    columns = {
        "displaced": "displaced_cum",
        "reemployed": "reemployed_cum",
        "search_months": "displaced_search_months_cum",
    }
    table = (
        last.groupby("group")[list(columns.values())]
        .sum()
        .astype(float)
        .fillna(0.0)
        .rename(columns={v: k for k, v in columns.items()})
    )
    table = table.reindex(_ordered_groups(data["group"].unique()), fill_value=0.0)
    search = table["search_months"].to_numpy()
    hazard = np.full(len(table), np.nan)
    np.divide(table["reemployed"].to_numpy(), search, out=hazard, where=search > 0)
    mean_months = np.full(len(table), np.nan)
    np.divide(1.0, hazard, out=mean_months, where=np.nan_to_num(hazard, nan=0.0) > 0)
    return table.assign(hazard=hazard, mean_months=mean_months)


def _fig_displacement_reemployment(
    groups: pd.DataFrame, dates: Mapping[int, pd.Timestamp], scenario: str
) -> Figure:
    """Cumulative displacement by group and the re-employment hazard of displaced workers."""
    data = groups.assign(group=groups["group"].astype(str))
    table = (
        data.pivot_table(
            index="month", columns="group", values="displaced_cum", aggfunc="sum", fill_value=0.0
        )
        .sort_index()
        .astype(float)
    )
    order = _ordered_groups(table.columns)
    months = table.index.to_numpy(dtype=int)
    x, is_date = _x_values(months, dates)
    style = _line_style(len(x))

    fig = new_figure(15, 6.8)
    ax_d, ax_h = fig.subplots(1, 2, width_ratios=[1.25, 1])
    for group in order:
        values = table[group].to_numpy()
        ax_d.plot(
            x,
            values,
            linewidth=2,
            color=GROUP_COLOURS.get(group),
            label=f"{_group_label(group)}: {values[-1]:,.0f}",
            **style,
        )
    top_d = float(np.nanmax(table.to_numpy())) if table.size else 0.0
    ax_d.set_ylim(0.0, max(top_d, 1.0) * 1.05)
    ax_d.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax_d.yaxis.set_major_formatter(_thousands(0))
    ax_d.set_ylabel("Persons displaced by automation since start (cumulative)")
    ax_d.grid(True, alpha=0.3)
    ax_d.legend(loc="upper left", fontsize=8, title="Worker group: total at end", title_fontsize=8)
    ax_d.set_title("Workers displaced into unemployment by automation", fontsize=11)
    _format_time_axis(ax_d, x, is_date)

    stats = _reemployment_last_month(groups)
    positions = np.arange(len(stats))
    hazard_pct = np.nan_to_num(stats["hazard"].to_numpy(), nan=0.0) * 100.0
    ax_h.bar(
        positions,
        hazard_pct,
        width=0.6,
        color=[GROUP_COLOURS.get(g, "#5b7f95") for g in stats.index],
    )
    top = float(hazard_pct.max()) if len(hazard_pct) and hazard_pct.max() > 0 else 1.0
    ax_h.set_ylim(0.0, top * 1.6)
    for xi, (_group, row) in zip(positions, stats.iterrows(), strict=True):
        if row["displaced"] <= 0:
            text = "no displaced\nworkers"
        elif row["search_months"] <= 0:
            text = (
                f"{row['reemployed']:,.0f} re-employed,\n"
                "no months unemployed yet:\nhazard undefined"
            )
        elif row["reemployed"] <= 0:
            text = (
                f"0 re-employed in\n{row['search_months']:,.0f} person-months\n(1/hazard undefined)"
            )
        else:
            text = (
                f"{row['hazard'] * 100:.1f}% per month\n≈ {row['mean_months']:,.1f} months\n"
                f"({row['reemployed']:,.0f} re-employed /\n"
                f"{row['search_months']:,.0f} person-months)"
            )
        ax_h.text(
            xi,
            float(hazard_pct[xi]) + top * 0.03,
            text,
            ha="center",
            va="bottom",
            fontsize=7.5,
            color="black" if row["displaced"] > 0 else "grey",
        )
    ax_h.set_xticks(positions, labels=[textwrap.fill(_group_label(g), 16) for g in stats.index])
    ax_h.tick_params(axis="x", labelsize=8)
    ax_h.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=1))
    ax_h.set_ylabel("Re-employment hazard (% of displaced job seekers per month)")
    ax_h.grid(True, axis="y", alpha=0.3)
    last_label = _month_label(int(months[-1]), dates)
    ax_h.set_title(
        f"Monthly re-employment hazard of displaced workers, {last_label}\n"
        "= re-employed / person-months unemployed since displacement;\n"
        "≈ months = implied mean time to re-employment (1 / hazard)",
        fontsize=10,
    )
    ax_h.text(
        0.01,
        0.99,
        "No 95% interval: it needs agent counts, and the person weight\n"
        "(persons per agent) is not in the groups table.",
        transform=ax_h.transAxes,
        ha="left",
        va="top",
        fontsize=7,
        color="0.35",
    )
    fig.suptitle(
        _title("Automation displacement and re-employment by worker group", scenario),
        fontweight="bold",
    )
    return fig


def _fig_international_migration(
    national: pd.DataFrame, dates: Mapping[int, pd.Timestamp], scenario: str
) -> Figure:
    """Monthly international arrivals and departures, and the foreign migrant stocks."""
    nat = national.sort_values("month")

    def col(frame: pd.DataFrame, name: str) -> np.ndarray:
        return frame[name].astype(float).fillna(0.0).to_numpy()

    # Month 0 is the initial state without flows; show flows from month 1 when possible.
    flows = nat.loc[nat["month"] > nat["month"].min()] if len(nat) > 1 else nat
    fx, is_date = _x_values(flows["month"].to_numpy(), dates)
    sx, _ = _x_values(nat["month"].to_numpy(), dates)
    irregular = col(flows, "irregular_arrivals")
    regular = col(flows, "foreign_arrivals") - irregular
    kandas = col(flows, "kandas_arrivals")
    returns = col(flows, "returns")
    emigrants = col(flows, "emigrants")
    net = regular + irregular + kandas - returns - emigrants
    series = [
        ("Foreign arrivals, regular (with permit)", regular, GROUP_COLOURS["foreign_migrant"], "-"),
        ("Foreign arrivals, irregular", irregular, "#bcbd22", "-"),
        ("Kandas arrivals", kandas, GROUP_COLOURS["kandas"], "-"),
        ("Foreign migrants returning home", returns, "#d62728", "--"),
        ("Emigrants (other groups leaving Kazakhstan)", emigrants, "0.45", "--"),
    ]

    fig = new_figure(12, 8)
    ax_f, ax_s = fig.subplots(2, 1, sharex=True)
    if len(nat) > 1:
        style = _line_style(len(fx))
        for label, values, colour, linestyle in series:
            ax_f.plot(
                fx, values, color=colour, linestyle=linestyle, linewidth=1.8, label=label, **style
            )
        ax_f.plot(
            fx,
            net,
            color="black",
            linewidth=2.4,
            label="Net = arrivals − returns − emigrants",
            **style,
        )
        ax_f.axhline(0.0, color="black", linewidth=0.8)
        if not np.any(np.abs(np.concatenate([item[1] for item in series])) > 0):
            ax_f.set_ylim(-1.0, 1.0)
        ax_f.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax_f.yaxis.set_major_formatter(_thousands(0))
        ax_f.set_ylabel("Persons per month")
        ax_f.grid(True, alpha=0.3)
        ax_f.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    else:
        _no_data(ax_f, "No monthly flows: the table holds only the initial month")
    ax_f.set_title("International arrivals and departures (labour force)", loc="left", fontsize=10)

    style = _line_style(len(sx))
    foreign = col(nat, "foreign_migrants")
    irregular_stock = col(nat, "irregular_migrants")
    ax_s.plot(
        sx,
        foreign,
        color=GROUP_COLOURS["foreign_migrant"],
        linewidth=2.2,
        label=f"Foreign migrants in the labour force ({foreign[-1]:,.0f} at end)",
        **style,
    )
    ax_s.plot(
        sx,
        irregular_stock,
        color="#bcbd22",
        linewidth=2.2,
        label=f"Workers with irregular status ({irregular_stock[-1]:,.0f} at end)",
        **style,
    )
    ax_s.set_ylim(0.0, max(float(np.max(foreign)), float(np.max(irregular_stock)), 1.0) * 1.05)
    ax_s.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax_s.yaxis.set_major_formatter(_thousands(0))
    ax_s.set_ylabel("Persons (stock)")
    ax_s.grid(True, alpha=0.3)
    ax_s.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax_s.set_title("Foreign migrant and irregular-status stocks", loc="left", fontsize=10)
    ax_f.tick_params(labelbottom=False)
    _format_time_axis(ax_s, sx, is_date)
    fig.suptitle(_title("Kazakhstan: international migration", scenario), fontweight="bold")
    return fig


# ---------------------------------------------------------------------------
# Training and public-budget figures
# ---------------------------------------------------------------------------

RESKILLING_COLUMNS: tuple[str, ...] = (
    "month",
    "in_training",
    "training_places",
    "training_starts",
    "reskilled_cum",
    "reemployed_after_training_cum",
    "long_term_unemployed",
    "displaced_jobless_12m",
)
"""Columns of the national table that ``reskilling.png`` needs (persons)."""

SPENDING_ITEMS: dict[str, tuple[str, str]] = {
    "benefits_kzt": ("Unemployment benefits", "#4e79a7"),
    "training_cost_kzt": ("Training courses", "#f28e2b"),
    "training_stipends_kzt": ("Training stipends", "#ffbe7d"),
    "inclusion_kzt": ("Digital inclusion and recognition of prior learning", "#59a14f"),
    "relocation_subsidy_kzt": ("Relocation grants", "#76b7b2"),
    "redeployment_subsidy_kzt": ("Redeployment (in-firm retraining) subsidy", "#edc948"),
    "automation_subsidy_kzt": ("Automation subsidy", "#b07aa1"),
}
"""Public spending items of the national table (KZT per month): display name and colour."""

REVENUE_ITEMS: dict[str, tuple[str, str]] = {
    "payroll_tax_revenue_kzt": ("Payroll tax revenue", "#2471a3"),
    "automation_tax_revenue_kzt": ("Automation tax revenue", "#b07aa1"),
}
"""Public revenue items of the national table (KZT per month): display name and colour."""

BUDGET_COLUMNS: tuple[str, ...] = ("month", *FISCAL_COLUMNS)
"""Columns of the national table that ``public_budget.png`` needs (KZT per month)."""

_PLACES_COLOUR = "#c6dbef"
_STARTS_COLOUR = "#2171b5"
_TRAINING_COLOUR = "#e6550d"


def _bar_width(is_date: bool, fraction: float) -> float:
    """Width of monthly bars: ``fraction`` of a month, in days on a date axis."""
    return fraction * 30.4 if is_date else fraction


def _billions_axis(ax: Axes, values: np.ndarray) -> None:
    """Tick an axis in billions of KZT: steps of 1, 2 or 5 and separators.

    Labels have no decimals from 10 bn, one from 1 bn and two below.
    """
    finite = np.abs(values[np.isfinite(values)])
    top = float(finite.max()) if finite.size else 0.0
    ax.yaxis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(_thousands(0 if top >= 10.0 else 1 if top >= 1.0 else 2))


def _stack_with_total(
    ax: Axes,
    x: np.ndarray,
    layers: Sequence[tuple[str, np.ndarray, str]],
    total: np.ndarray,
    label: str,
    bar_width: float | None,
    style: dict,
) -> None:
    """Signed stack of spending ``layers`` with their ``total`` as a black line (bn KZT)."""
    _signed_stack(ax, x, layers, bar_width=bar_width)
    ax.plot(x, total, color="black", linewidth=2.2, label=label, **style)
    ax.axhline(0.0, color="black", linewidth=0.8)
    if not np.any(np.abs(total) > 0) and not layers:
        ax.set_ylim(-1.0, 1.0)
    _billions_axis(ax, total)


def _side_note(ax: Axes, text: str) -> None:
    """Small grey note in the legend column right of ``ax``, at its bottom."""
    ax.text(
        1.08,
        0.0,
        textwrap.fill(text, 48),
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=7.5,
        color="0.3",
    )


def _fig_reskilling(
    national: pd.DataFrame,
    groups: pd.DataFrame | None,
    dates: Mapping[int, pd.Timestamp],
    scenario: str,
) -> Figure:
    """Training places and starts, reskilling outcomes, long-term unemployment and groups.

    Panels: (a) course places offered and courses started per month (bars, from month 1)
    with the stock of trainees; (b) cumulative reskilled workers and those re-employed
    after training; (c) long-term unemployed and workers displaced by automation 12+
    months ago still without a job; (d) cumulative reskilled by worker group (from the
    optional ``groups`` table; a note is shown when it lacks ``reskilled_cum``).
    """
    nat = national.sort_values("month")

    def col(frame: pd.DataFrame, name: str) -> np.ndarray:
        return frame[name].astype(float).fillna(0.0).to_numpy()

    # Month 0 is the initial state without flows; show flows from month 1 when possible.
    flows = nat.loc[nat["month"] > nat["month"].min()] if len(nat) > 1 else nat.iloc[0:0]
    fx, _ = _x_values(flows["month"].to_numpy(), dates)
    sx, is_date = _x_values(nat["month"].to_numpy(), dates)
    style = _line_style(len(sx))

    fig = new_figure(15, 10)
    (ax_a, ax_b), (ax_c, ax_d) = fig.subplots(2, 2, sharex=True)

    # (a) Places and starts per month, trainees in training.
    places, starts = col(flows, "training_places"), col(flows, "training_starts")
    if len(flows):
        ax_a.bar(
            fx,
            places,
            width=_bar_width(is_date, 0.8),
            color=_PLACES_COLOUR,
            label=f"Course places offered per month ({places.sum():,.0f} in total)",
        )
        ax_a.bar(
            fx,
            starts,
            width=_bar_width(is_date, 0.45),
            color=_STARTS_COLOUR,
            label=f"Courses started per month ({starts.sum():,.0f} in total)",
        )
    trainees = col(nat, "in_training")
    ax_a.plot(
        sx,
        trainees,
        color=_TRAINING_COLOUR,
        linewidth=2.2,
        label=f"Persons in training, stock ({trainees[-1]:,.0f} at end)",
        **style,
    )
    top_a = max(float(np.max(trainees)), float(np.max(places, initial=0.0)), 1.0)
    ax_a.set_ylim(0.0, top_a * 1.35)  # headroom for the legend
    ax_a.set_ylabel("Persons (places and starts per month;\ntrainees: stock)")
    title_a = "Training places, course starts and trainees"
    if not len(flows):
        title_a += " (no monthly flows: only the initial month)"
    ax_a.set_title(title_a, loc="left", fontsize=10)

    # (b) Cumulative reskilled and re-employed after training.
    reskilled, reemployed = col(nat, "reskilled_cum"), col(nat, "reemployed_after_training_cum")
    share = f", {reemployed[-1] / reskilled[-1]:.0%} of reskilled" if reskilled[-1] > 0 else ""
    ax_b.plot(
        sx,
        reskilled,
        color="#31a354",
        linewidth=2.2,
        label=f"Reskilled: completed with a qualification ({reskilled[-1]:,.0f} at end)",
        **style,
    )
    ax_b.plot(
        sx,
        reemployed,
        color="#756bb1",
        linewidth=2.2,
        label=f"Re-employed after training ({reemployed[-1]:,.0f} at end{share})",
        **style,
    )
    ax_b.set_ylim(0.0, max(float(np.max(reskilled)), float(np.max(reemployed)), 1.0) * 1.05)
    ax_b.set_ylabel("Persons since start (cumulative)")
    ax_b.set_title("Reskilled workers and their re-employment", loc="left", fontsize=10)

    # (c) Long-term unemployment and displaced workers still jobless after 12 months.
    long_term, jobless = col(nat, "long_term_unemployed"), col(nat, "displaced_jobless_12m")
    ax_c.plot(
        sx,
        long_term,
        color=_UNEMP_COLOUR,
        linewidth=2.2,
        label=f"Long-term unemployed, 12+ months ({long_term[-1]:,.0f} at end)",
        **style,
    )
    ax_c.plot(
        sx,
        jobless,
        color="0.3",
        linestyle="--",
        linewidth=2.2,
        label=(
            "Displaced by automation 12+ months ago, still without a job "
            f"({jobless[-1]:,.0f} at end)"
        ),
        **style,
    )
    top_c = max(float(np.max(long_term)), float(np.max(jobless)), 1.0)
    ax_c.set_ylim(0.0, top_c * 1.35)  # headroom for the legend
    ax_c.set_ylabel("Persons (stock)")
    ax_c.set_title("Long-term joblessness", loc="left", fontsize=10)

    # (d) Cumulative reskilled by worker group.
    ax_d.set_title("Reskilled workers by worker group", loc="left", fontsize=10)
    if (
        groups is None
        or groups.empty
        or not {"month", "group", "reskilled_cum"} <= set(groups.columns)
        or not groups["reskilled_cum"].notna().any()
    ):
        _no_data(ax_d, "No 'reskilled_cum' by worker group in the groups table")
    else:
        data = groups.assign(group=groups["group"].astype(str))
        table = (
            data.pivot_table(
                index="month",
                columns="group",
                values="reskilled_cum",
                aggfunc="sum",
                fill_value=0.0,
            )
            .sort_index()
            .astype(float)
        )
        gx, _ = _x_values(table.index.to_numpy(), dates)
        for group in _ordered_groups(table.columns):
            values = table[group].to_numpy()
            ax_d.plot(
                gx,
                values,
                linewidth=2,
                color=GROUP_COLOURS.get(group),
                label=f"{_group_label(group)}: {values[-1]:,.0f}",
                **_line_style(len(gx)),
            )
        top_d = float(np.nanmax(table.to_numpy())) if table.size else 0.0
        ax_d.set_ylim(0.0, max(top_d, 1.0) * 1.05)
        ax_d.set_ylabel("Persons reskilled since start (cumulative)")
        ax_d.grid(True, alpha=0.3)
        ax_d.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax_d.yaxis.set_major_formatter(_thousands(0))
        ax_d.legend(
            loc="upper left", fontsize=8, title="Worker group: total at end", title_fontsize=8
        )

    for ax in (ax_a, ax_b, ax_c):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(_thousands(0))
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
    for ax in (ax_c, ax_d):
        _format_time_axis(ax, sx, is_date)
    for ax in (ax_a, ax_b):
        ax.tick_params(labelbottom=False)
    fig.suptitle(_title("Kazakhstan: training and reskilling", scenario), fontweight="bold")
    return fig


def _fig_public_budget(
    national: pd.DataFrame, dates: Mapping[int, pd.Timestamp], scenario: str
) -> Figure:
    """Public spending and revenue of labour-market policy, in billions of KZT.

    Panels: (a) spending items per month as a stacked area (items that are zero in every
    month are left out) with total public spending; (b) revenue items per month, on
    their own axes because payroll tax revenue dwarfs spending (the automation tax
    revenue gets a right-hand axis of its own when it is not zero); (c) cumulative
    spending by item since month 1 with the total. Month 0 is the initial state without
    flows, so all panels start at month 1.
    """
    nat = national.sort_values("month")
    flows = nat.loc[nat["month"] > nat["month"].min()] if len(nat) > 1 else nat.iloc[0:0]

    def billions(name: str) -> np.ndarray:
        return flows[name].astype(float).fillna(0.0).to_numpy() / 1e9

    fig = new_figure(12.5, 11)
    ax_s, ax_r, ax_c = fig.subplots(3, 1, sharex=True)
    ax_s.set_title("Public spending per month, by item", loc="left", fontsize=10)
    ax_r.set_title("Public revenue per month", loc="left", fontsize=10)
    ax_c.set_title("Cumulative public spending since month 1, by item", loc="left", fontsize=10)
    if not len(flows):
        for ax in (ax_s, ax_r, ax_c):
            _no_data(ax, "No monthly flows: the table holds only the initial month")
        fig.suptitle(_title("Public budget of labour-market policy", scenario), fontweight="bold")
        return fig

    x, is_date = _x_values(flows["month"].to_numpy(), dates)
    single = len(x) == 1
    bar_width = _bar_width(is_date, 0.6) if single else None
    style = _line_style(len(x))
    items = {name: billions(name) for name in SPENDING_ITEMS}
    layers = [
        (SPENDING_ITEMS[name][0], values, SPENDING_ITEMS[name][1])
        for name, values in items.items()
        if np.any(np.abs(values) > 0.0)
    ]
    omitted = [SPENDING_ITEMS[name][0] for name, values in items.items() if not np.any(values)]

    # (a) Spending per month.
    spending = billions("public_spending_kzt")
    _stack_with_total(
        ax_s,
        x,
        layers,
        spending,
        f"Total public spending ({spending.sum():,.1f} bn KZT over the period)",
        bar_width,
        style,
    )
    ax_s.set_ylabel("Billion KZT per month")
    if omitted:
        _side_note(ax_s, "Zero in every month (not shown): " + "; ".join(omitted) + ".")

    # (b) Revenue per month: payroll tax on the left axis, automation tax on its own.
    payroll_label, payroll_colour = REVENUE_ITEMS["payroll_tax_revenue_kzt"]
    payroll = billions("payroll_tax_revenue_kzt")
    handles = ax_r.plot(
        x,
        payroll,
        color=payroll_colour,
        linewidth=2.2,
        label=f"{payroll_label} ({payroll.sum():,.0f} bn KZT over the period)",
        **style,
    )
    _billions_axis(ax_r, payroll)
    ax_r.set_ylabel(f"{payroll_label}\n(billion KZT per month)")
    auto_label, auto_colour = REVENUE_ITEMS["automation_tax_revenue_kzt"]
    automation = billions("automation_tax_revenue_kzt")
    if np.any(np.abs(automation) > 0.0):
        ax_auto = ax_r.twinx()
        handles += ax_auto.plot(
            x,
            automation,
            color=auto_colour,
            linestyle="--",
            linewidth=2.0,
            label=f"{auto_label}, right axis ({automation.sum():,.1f} bn KZT over the period)",
            **style,
        )
        ax_auto.set_ylim(bottom=min(0.0, float(automation.min()) * 1.05))
        _billions_axis(ax_auto, automation)
        ax_auto.set_ylabel(f"{auto_label}\n(billion KZT per month)", color=auto_colour)
        ax_auto.tick_params(axis="y", colors=auto_colour)
    else:
        handles.append(
            Rectangle((0, 0), 1, 1, color="none", label=f"{auto_label}: 0 in every month")
        )
    ax_r.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.08, 1.0),
        fontsize=8,
        frameon=False,
    )

    # (c) Cumulative spending by item and in total.
    cumulative = [(label, np.cumsum(values), colour) for label, values, colour in layers]
    total_cum = np.cumsum(sum(items.values()))
    revenue_cum = float(billions("public_revenue_kzt").sum())
    net_cum = float(billions("net_public_cost_kzt").sum())
    _stack_with_total(
        ax_c,
        x,
        cumulative,
        total_cum,
        f"Total spending on programmes ({total_cum[-1]:,.1f} bn KZT at end)",
        bar_width,
        style,
    )
    ax_c.set_ylabel("Billion KZT since month 1\n(cumulative)")
    _side_note(
        ax_c,
        f"Over the period: public revenue {revenue_cum:,.1f} bn KZT; "
        f"net public cost (spending − revenue) {net_cum:+,.1f} bn KZT.",
    )

    for ax in (ax_s, ax_c):
        ax.legend(loc="upper left", bbox_to_anchor=(1.08, 1.0), fontsize=8, frameon=False)
    for ax in (ax_s, ax_r, ax_c):
        ax.grid(True, alpha=0.3)
    for ax in (ax_s, ax_r):
        ax.tick_params(labelbottom=False)
    _format_time_axis(ax_c, x, is_date)
    fig.suptitle(_title("Public budget of labour-market policy", scenario), fontweight="bold")
    return fig


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def _missing_input(
    tables: Mapping[str, pd.DataFrame], needs: Mapping[str, Sequence[str]]
) -> str | None:
    """Describe the first missing input of a figure, or return None when all are present.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Output tables of a run.
    needs : mapping of str to sequence of str
        Required table names and, for each, the columns that must exist and hold at
        least one non-missing value.

    Returns
    -------
    str or None
        A human-readable reason, e.g. ``"table 'risk' is missing or empty"``.
    """
    for key, columns in needs.items():
        table = tables.get(key)
        if table is None or table.empty:
            return f"table {key!r} is missing or empty"
        for column in columns:
            if column not in table.columns or not table[column].notna().any():
                return f"column {column!r} of table {key!r} is missing or empty"
    return None


def write_standard_figures(
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    scenario: str = "",
    *,
    payroll_tax: float = 0.15,
    net_migration_data: Mapping[str, float] | None = None,
) -> list[Path]:
    """Write the standard figures as PNG (dpi 120) into ``out_dir`` and return their paths.

    Each figure is rendered to a temporary file in ``out_dir`` and atomically renamed to
    its final name, so readers never see a partially written image. Figures whose input
    table or column is missing or empty are skipped (with a log message).

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Output tables of a run: ``"national"`` (one row per month), ``"regions"``
        (month by region), ``"occupations"`` (month by ISCO-08 occupation), ``"groups"``
        (month by worker group), ``"risk"`` (month 0, region by occupation),
        ``"technologies"`` (month by technology by region) and ``"flows"`` (simulation
        year by origin region by destination region; months 1-12 are year 1). Counts
        are persons (flows per month or per year, stocks at the end of the month);
        rates and shares are fractions in [0, 1]; wages and costs are KZT per month, as
        are the public budget columns of the national table (``*_kzt``, e.g.
        ``benefits_kzt`` or ``payroll_tax_revenue_kzt``). The ``groups`` table is
        optional for ``reskilling.png``: without ``reskilled_cum`` its by-group panel
        shows a note instead.
    out_dir : pathlib.Path
        Destination directory; created (with parents) if missing.
    scenario : str, optional
        Scenario name added to the figure titles when non-empty.
    payroll_tax : float, optional
        Employer payroll tax as a fraction of wages; the wage bill per job compared with
        technology costs is ``mean_wage * (1 + payroll_tax)``. Default 0.15.
    net_migration_data : mapping of str to float, optional
        Observed net internal migration by region name, in labour-force persons per
        year (arrivals minus departures), drawn next to the model's mean annual net
        migration in ``net_migration_by_region.png``. Non-finite values are ignored;
        regions absent from the model are shown with the data only.

    Returns
    -------
    list of pathlib.Path
        Paths of the written files, in the order of :data:`FIGURE_NAMES`:
        ``unemployment_vacancies.png``, ``beveridge_curve.png``, ``regions_panel.png``,
        ``employment_by_occupation_group.png``, ``groups.png``, ``adoption_by_region.png``,
        ``displacement_new_jobs.png``, ``jobs_at_risk_regions.png``,
        ``technology_cost_vs_wage.png``, ``net_migration_by_region.png``,
        ``groups_unemployment_wages.png``, ``displacement_reemployment_by_group.png``,
        ``international_migration.png``, ``reskilling.png`` (training places and starts,
        reskilling and re-employment after training, long-term joblessness, reskilled by
        worker group) and ``public_budget.png`` (public spending by item, revenue and
        cumulative programme spending, in billions of KZT).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    national = tables.get("national")
    dates = _month_dates(national)

    def table(key: str) -> pd.DataFrame:
        return tables[key]

    builders: list[tuple[str, dict[str, tuple[str, ...]], Callable[[], Figure]]] = [
        (
            "unemployment_vacancies.png",
            {"national": ()},
            lambda: _fig_unemployment_vacancies(table("national"), scenario),
        ),
        (
            "beveridge_curve.png",
            {"national": ()},
            lambda: _fig_beveridge(table("national"), scenario),
        ),
        (
            "regions_panel.png",
            {"regions": ()},
            lambda: _fig_regions(table("regions"), dates, scenario),
        ),
        (
            "employment_by_occupation_group.png",
            {"occupations": ()},
            lambda: _fig_occupations(table("occupations"), dates, scenario),
        ),
        ("groups.png", {"groups": ()}, lambda: _fig_groups(table("groups"), dates, scenario)),
        (
            "adoption_by_region.png",
            {"regions": ("month", "region", "automation_share")},
            lambda: _fig_adoption_by_region(table("regions"), national, dates, scenario),
        ),
        (
            "displacement_new_jobs.png",
            {
                "national": (
                    "month",
                    "displaced_cum",
                    "redeployed_cum",
                    "jobs_automated_cum",
                    "new_jobs_cum",
                    "new_jobs_reinstatement_cum",
                    "new_jobs_productivity_cum",
                    "new_jobs_trend_cum",
                )
            },
            lambda: _fig_displacement_new_jobs(table("national"), dates, scenario),
        ),
        (
            "jobs_at_risk_regions.png",
            {"risk": ("region", "jobs", "jobs_at_risk", "genai_replaceable")},
            lambda: _fig_jobs_at_risk(table("risk"), scenario),
        ),
        (
            "technology_cost_vs_wage.png",
            {
                "technologies": ("month", "technology", "cost"),
                "regions": ("month", "region", "mean_wage"),
            },
            lambda: _fig_technology_cost(
                table("technologies"), table("regions"), national, dates, scenario, payroll_tax
            ),
        ),
        (
            "net_migration_by_region.png",
            {"flows": ("year", "origin", "destination", "persons")},
            lambda: _fig_net_migration(table("flows"), national, scenario, net_migration_data),
        ),
        (
            "groups_unemployment_wages.png",
            {"groups": ("month", "group", "labour_force", "unemployed", "mean_wage")},
            lambda: _fig_groups_unemployment_wages(table("groups"), dates, scenario),
        ),
        (
            "displacement_reemployment_by_group.png",
            {
                "groups": (
                    "month",
                    "group",
                    "displaced_cum",
                    "reemployed_cum",
                    "displaced_search_months_cum",
                )
            },
            lambda: _fig_displacement_reemployment(table("groups"), dates, scenario),
        ),
        (
            "international_migration.png",
            {
                "national": (
                    "month",
                    "foreign_arrivals",
                    "irregular_arrivals",
                    "kandas_arrivals",
                    "returns",
                    "emigrants",
                    "foreign_migrants",
                    "irregular_migrants",
                )
            },
            lambda: _fig_international_migration(table("national"), dates, scenario),
        ),
        (
            "reskilling.png",
            {"national": RESKILLING_COLUMNS},
            lambda: _fig_reskilling(table("national"), tables.get("groups"), dates, scenario),
        ),
        (
            "public_budget.png",
            {"national": BUDGET_COLUMNS},
            lambda: _fig_public_budget(table("national"), dates, scenario),
        ),
    ]

    written: list[Path] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for name, needs, build in builders:
            reason = _missing_input(tables, needs)
            if reason is not None:
                logger.warning("Skipping %s: %s", name, reason)
                continue
            fig = build()
            written.append(save_figure(fig, out / name))
            fig.clear()
    return written
