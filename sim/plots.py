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
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from sim.data import MAJOR_GROUPS

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
)
"""File names of the standard figures, in the order they are written."""

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


def _new_figure(width: float, height: float) -> Figure:
    """Create a figure attached to an Agg canvas (no pyplot, no global backend change)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save_atomic(fig: Figure, path: Path) -> Path:
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

    fig = _new_figure(10, 6.5)
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

    fig = _new_figure(8.5, 6.5)
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
    fig = _new_figure(13, max(4.5, 0.38 * n + 1.8))
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

    fig = _new_figure(14, 7.5)
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
    fig = _new_figure(10, 5.5)
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


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def write_standard_figures(
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    scenario: str = "",
) -> list[Path]:
    """Write the standard figures as PNG (dpi 120) into ``out_dir`` and return their paths.

    Each figure is rendered to a temporary file in ``out_dir`` and atomically renamed to
    its final name, so readers never see a partially written image. Figures whose input
    table is missing or empty are skipped (with a log message).

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Output tables of a run: ``"national"`` (one row per month), ``"regions"``
        (month by region), ``"occupations"`` (month by ISCO-08 occupation) and ``"groups"``
        (month by worker group). Counts are persons; rates are fractions in [0, 1];
        wages are KZT per month.
    out_dir : pathlib.Path
        Destination directory; created (with parents) if missing.
    scenario : str, optional
        Scenario name added to the figure titles when non-empty.

    Returns
    -------
    list of pathlib.Path
        Paths of the written files, in the order of :data:`FIGURE_NAMES`:
        ``unemployment_vacancies.png``, ``beveridge_curve.png``, ``regions_panel.png``,
        ``employment_by_occupation_group.png`` and ``groups.png``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    national = tables.get("national")
    dates = _month_dates(national)

    builders: list[tuple[str, str, Callable[[pd.DataFrame], Figure]]] = [
        (
            "unemployment_vacancies.png",
            "national",
            lambda t: _fig_unemployment_vacancies(t, scenario),
        ),
        ("beveridge_curve.png", "national", lambda t: _fig_beveridge(t, scenario)),
        ("regions_panel.png", "regions", lambda t: _fig_regions(t, dates, scenario)),
        (
            "employment_by_occupation_group.png",
            "occupations",
            lambda t: _fig_occupations(t, dates, scenario),
        ),
        ("groups.png", "groups", lambda t: _fig_groups(t, dates, scenario)),
    ]

    written: list[Path] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for name, key, build in builders:
            table = tables.get(key)
            if table is None or table.empty:
                logger.warning("Skipping %s: table %r is missing or empty", name, key)
                continue
            fig = build(table)
            written.append(_save_atomic(fig, out / name))
            fig.clear()
    return written
