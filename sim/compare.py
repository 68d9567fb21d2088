"""Compare scenarios over seeds: paired differences from a baseline with confidence intervals.

``labsim-compare PATH [PATH ...]`` collects complete run folders (a folder holding
``manifest.json``, or any folder above such folders), computes headline metrics of
every run at a few horizons (months since the start), and compares each scenario with
the baseline scenario. It writes ``comparison.csv`` (long format, one row per
scenario, horizon and metric), ``comparison.md`` (one readable table per horizon) and
two figures into the output folder.

Pairing by seed
    Runs of different scenarios with the same seed share their random numbers (common
    random numbers, :mod:`sim.rng`): seed ``s`` of scenario ``A`` meets the same luck
    as seed ``s`` of the baseline ``B`` and differs from it only through the policy. A
    scenario is therefore compared seed by seed, over the set ``S`` of seeds run under
    both scenarios (``n = |S|``, the column ``n_seeds``); a seed run under only one of
    them is left out of every column, ``baseline_mean`` and ``scenario_mean`` included.
    For a metric ``X`` at horizon ``h``::

        d_s   = X_A,s(h) - X_B,s(h)                          for s in S
        d_bar = (1 / n) * sum_s d_s                          (difference)
        s_d   = sqrt( sum_s (d_s - d_bar)^2 / (n - 1) )
        CI    = d_bar -/+ t_{(1 + level) / 2, n - 1} * s_d / sqrt(n)

    where ``t_{q, n - 1}`` is the ``q`` quantile of Student's t distribution with
    ``n - 1`` degrees of freedom (:data:`scipy.stats.t`). Pairing removes the noise
    the two scenarios share, so the interval is much narrower than one built from two
    independent samples. With a single common seed there is no spread to estimate and
    the interval is NaN. ``relative_difference = d_bar / |mean_s X_B,s(h)|`` (NaN when
    the baseline mean is 0).

Cumulative public cost
    ``public_spending_kzt`` and ``net_public_cost_kzt`` are monthly flows; their
    cumulative values at horizon ``h`` sum months ``1 .. h`` (month 0 is the initial
    state, before any policy acts)::

        C(h) = sum_{m = 1}^{h} net_public_cost_kzt(m)

Cost per job saved
    For each scenario and horizon the row ``cost_per_job_saved_kzt`` is the ratio of
    the mean paired differences in cumulative net public cost and in employment::

        cost_per_job_saved(h) = mean_s [C_A,s(h) - C_B,s(h)] / mean_s [E_A,s(h) - E_B,s(h)]

    in KZT per additional person employed at month ``h``. It is defined only when the
    scenario raises employment (mean difference in employment ``> 0``); when the mean
    difference is 0 or negative no job is saved and the value is NaN (never ``inf``
    or a misleading negative). A negative value is meaningful: the scenario raises
    employment *and* saves public money. A ratio of means has no t-interval, so its
    CI columns are NaN, and so are its means and relative difference.

Public API: :func:`find_runs`, :func:`headline_metrics`, :func:`compare`,
:func:`write_comparison` and :func:`main` (the console script).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from scipy import stats

from sim.output import MANIFEST, is_complete
from sim.plots import new_figure, save_figure

__all__ = [
    "COST_PER_JOB",
    "HEADLINE_METRICS",
    "CompareError",
    "Run",
    "compare",
    "find_runs",
    "headline_metrics",
    "main",
    "write_comparison",
]

PROG = "labsim-compare"

NATIONAL_COLUMNS = (
    "month",
    "unemployment_rate",
    "employed",
    "long_term_unemployed",
    "displaced_long_term_unemployed",
    "displaced_jobless_12m",
    "displaced_cum",
    "reskilled_cum",
    "reemployed_after_training_cum",
    "new_jobs_cum",
    "wage_gini",
    "public_spending_kzt",
    "net_public_cost_kzt",
)
"""Columns of ``national.parquet`` the comparison reads."""

GROUPS_COLUMNS = (
    "month",
    "group",
    "labour_force",
    "long_term_unemployed",
)
"""Columns of ``groups.parquet`` the comparison reads."""

NATIVES = ("native",)
MIGRANTS = ("foreign_migrant", "kandas")

# Metric -> unit kind, which sets how it is shown: "rate" (a fraction, shown in
# percentage points), "persons", "kzt" (shown in billions), "index".
_KINDS: dict[str, str] = {
    "unemployment_rate": "rate",
    "long_term_unemployed": "persons",
    "displaced_long_term_unemployed": "persons",
    "displaced_jobless_12m": "persons",
    "displaced_cum": "persons",
    "reskilled_cum": "persons",
    "reemployed_after_training_cum": "persons",
    "new_jobs_cum": "persons",
    "employed": "persons",
    "wage_gini": "index",
    "public_spending_cum_kzt": "kzt",
    "net_public_cost_cum_kzt": "kzt",
    "ltu_natives": "persons",
    "ltu_migrants": "persons",
    "ltu_rate_natives": "rate",
    "ltu_rate_migrants": "rate",
}

HEADLINE_METRICS: tuple[str, ...] = tuple(_KINDS)
"""Names of the metrics :func:`headline_metrics` returns, in table order."""

# Headline metrics read directly from the national table's row at the horizon.
_AT_HORIZON = (
    "unemployment_rate",
    "long_term_unemployed",
    "displaced_long_term_unemployed",
    "displaced_jobless_12m",
    "displaced_cum",
    "reskilled_cum",
    "reemployed_after_training_cum",
    "new_jobs_cum",
    "employed",
    "wage_gini",
)

COST_PER_JOB = "cost_per_job_saved_kzt"
"""Metric name of the public cost per job saved (KZT per person employed)."""

TABLE_COLUMNS = (
    "scenario",
    "horizon",
    "metric",
    "baseline_mean",
    "scenario_mean",
    "difference",
    "ci_low",
    "ci_high",
    "relative_difference",
    "n_seeds",
)
"""Columns of the comparison table."""

# Columns of comparison.md: metric, header.
_MARKDOWN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("unemployment_rate", "Unemployment rate (pp)"),
    ("long_term_unemployed", "Long-term unemployed (persons)"),
    ("displaced_long_term_unemployed", "Displaced, unemployed 12+ months (persons)"),
    ("displaced_jobless_12m", "Displaced, jobless 12+ months since (persons)"),
    ("employed", "Employed (persons)"),
    ("new_jobs_cum", "New jobs, cumulative (persons)"),
    ("reskilled_cum", "Reskilled, cumulative (persons)"),
    ("ltu_rate_natives", "LTU rate, natives (pp)"),
    ("ltu_rate_migrants", "LTU rate, migrants (pp)"),
    ("wage_gini", "Wage Gini"),
    ("net_public_cost_cum_kzt", "Net public cost, cumulative (bn KZT)"),
    (COST_PER_JOB, "Cost per job saved (M KZT)"),
)

# Series of the time-series figure: (title, y-axis label, function of a national table).
_SERIES: tuple[tuple[str, str, Callable[[pd.DataFrame], pd.Series]], ...] = (
    ("Unemployment rate", "% of the labour force", lambda n: 100.0 * n["unemployment_rate"]),
    (
        "Long-term unemployed (12+ months)",
        "thousand persons",
        lambda n: n["long_term_unemployed"] / 1e3,
    ),
    ("Displaced by automation, cumulative", "thousand persons", lambda n: n["displaced_cum"] / 1e3),
    ("Reskilled, cumulative", "thousand persons", lambda n: n["reskilled_cum"] / 1e3),
    ("New jobs, cumulative", "thousand persons", lambda n: n["new_jobs_cum"] / 1e3),
    ("Net public cost, cumulative", "billion KZT", lambda n: _cumulative_cost(n) / 1e9),
)

# Panels of the differences figure: (metric, title, x-axis label).
_DIFFERENCE_PANELS: tuple[tuple[str, str, str], ...] = (
    ("unemployment_rate", "Unemployment rate", "percentage points"),
    ("long_term_unemployed", "Long-term unemployed", "thousand persons"),
    ("displaced_jobless_12m", "Displaced, jobless 12+ months", "thousand persons"),
    ("net_public_cost_cum_kzt", "Net public cost, cumulative", "billion KZT"),
)
# Display in comparison.md by unit kind: (factor, digits rounded to). Rates in
# percentage points, persons to the nearest 100, cumulative KZT in billions, the cost
# per job saved in millions of KZT.
_DISPLAY: dict[str, tuple[float, int]] = {
    "rate": (100.0, 2),
    "persons": (1.0, -2),
    "kzt": (1e-9, 2),
    "kzt_per_job": (1e-6, 2),
    "index": (1.0, 4),
}
_PLOT_SCALE = {"rate": 100.0, "persons": 1e-3, "kzt": 1e-9, "index": 1.0}
_BASELINE_COLOUR = "#222222"


class CompareError(ValueError):
    """Input that cannot be compared: missing runs, duplicates, horizons out of range."""


@dataclass(frozen=True)
class Run:
    """One complete run folder; its tables are read on first use.

    Parameters
    ----------
    scenario : str
        Scenario name from the manifest.
    seed : int
        Seed from the manifest.
    path : Path
        The run folder.
    """

    scenario: str
    seed: int
    path: Path

    @property
    def label(self) -> str:
        """``scenario seed N (path)``, for messages."""
        return f"{self.scenario} seed {self.seed} ({self.path})"

    @cached_property
    def national(self) -> pd.DataFrame:
        """The national table (one row per month), sorted by month."""
        return self._read("national", NATIONAL_COLUMNS)

    @cached_property
    def groups(self) -> pd.DataFrame:
        """The groups table (one row per month and group), sorted by month."""
        table = self._read("groups", GROUPS_COLUMNS)
        table["group"] = table["group"].astype(str)
        return table

    @property
    def last_month(self) -> int:
        """The last month of the national table."""
        return int(self.national["month"].max())

    def _read(self, name: str, columns: Sequence[str]) -> pd.DataFrame:
        table = pd.read_parquet(self.path / f"{name}.parquet")
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise CompareError(f"{self.label}: {name}.parquet lacks columns {', '.join(missing)}")
        return table.sort_values("month", ignore_index=True)


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def _run_folders(path: Path) -> list[Path]:
    """Folders at or below ``path`` that hold a manifest or a national table.

    A folder with tables but no manifest is a run that did not finish; it is returned
    so that :func:`find_runs` can report it instead of ignoring it silently.
    """
    if (path / MANIFEST).is_file():
        return [path]
    found = {p.parent for p in path.rglob(MANIFEST)} | {
        p.parent for p in path.rglob("national.parquet")
    }
    return sorted(found)


def _read_run(folder: Path) -> Run:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        return Run(scenario=str(manifest["scenario"]), seed=int(manifest["seed"]), path=folder)
    except (KeyError, TypeError, ValueError) as exc:
        raise CompareError(f"{folder / MANIFEST}: no valid scenario and seed ({exc})") from None


def find_runs(paths: Sequence[Path]) -> list[Run]:
    """Collect the complete runs in ``paths``, sorted by scenario and seed.

    Parameters
    ----------
    paths : sequence of Path
        Run folders, or folders searched recursively for run folders. Incomplete run
        folders (no manifest, or files that do not match their hashes,
        :func:`sim.output.is_complete`) are skipped with a warning on stderr.

    Returns
    -------
    list of Run
        One run per folder; a folder reached through two paths counts once.

    Raises
    ------
    CompareError
        If a path does not exist, is not a folder or holds no complete run, or if two
        folders hold the same scenario and seed.
    """
    runs: dict[Path, Run] = {}
    for path in map(Path, paths):
        if not path.exists():
            raise CompareError(f"{path}: no such folder")
        if not path.is_dir():
            raise CompareError(f"{path}: not a folder")
        found = 0
        for folder in _run_folders(path):
            if not is_complete(folder):
                _warn(f"skipping incomplete run folder {folder}")
                continue
            found += 1
            run = _read_run(folder)
            runs.setdefault(folder.resolve(), run)
        if not found:
            raise CompareError(f"{path}: no complete run folder (with {MANIFEST}) found")
    by_key: dict[tuple[str, int], Run] = {}
    for run in runs.values():
        other = by_key.setdefault((run.scenario, run.seed), run)
        if other is not run:
            raise CompareError(
                f"scenario {run.scenario} seed {run.seed} appears twice: "
                f"{other.path} and {run.path}"
            )
    return sorted(by_key.values(), key=lambda r: (r.scenario, r.seed))


def _cumulative_cost(national: pd.DataFrame) -> pd.Series:
    """Net public cost summed over months ``1 .. m`` at each month ``m`` (0 at month 0)."""
    return national["net_public_cost_kzt"].where(national["month"] >= 1, 0.0).cumsum()


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan


def headline_metrics(
    national: pd.DataFrame, groups: pd.DataFrame, horizon: int
) -> dict[str, float]:
    """Headline metrics of one run at month ``horizon``.

    Parameters
    ----------
    national : DataFrame
        National table of the run (columns :data:`NATIONAL_COLUMNS`).
    groups : DataFrame
        Groups table of the run (columns :data:`GROUPS_COLUMNS`).
    horizon : int
        Month at which stocks are read; flows are summed over months ``1 .. horizon``.

    Returns
    -------
    dict of str to float
        The metrics :data:`HEADLINE_METRICS`: stocks and cumulative counts of the
        national table at ``horizon`` (persons; ``unemployment_rate`` a fraction),
        ``public_spending_cum_kzt`` and ``net_public_cost_cum_kzt`` (KZT, sums over
        months ``1 .. horizon``), long-term unemployed natives (``native``) and
        migrants (``foreign_migrant`` and ``kandas``), in persons and as a fraction of
        the groups' labour force (NaN for an empty labour force).

    Raises
    ------
    CompareError
        If ``horizon`` is negative, beyond the last month, or a table has no row for it.
    """
    last = int(national["month"].max())
    if not 0 <= horizon <= last:
        raise CompareError(f"horizon {horizon} is outside the run's months 0..{last}")
    row = national[national["month"] == horizon]
    now = groups[groups["month"] == horizon]
    if row.empty or now.empty:
        raise CompareError(f"the run's tables have no row for month {horizon}")
    row = row.iloc[0]
    metrics = {name: float(row[name]) for name in _AT_HORIZON}
    flows = national[national["month"].between(1, horizon)]
    metrics["public_spending_cum_kzt"] = float(flows["public_spending_kzt"].sum())
    metrics["net_public_cost_cum_kzt"] = float(flows["net_public_cost_kzt"].sum())
    group = now["group"].astype(str)
    for suffix, members in (("natives", NATIVES), ("migrants", MIGRANTS)):
        chosen = now[group.isin(members)]
        ltu = float(chosen["long_term_unemployed"].sum())
        metrics[f"ltu_{suffix}"] = ltu
        metrics[f"ltu_rate_{suffix}"] = _ratio(ltu, float(chosen["labour_force"].sum()))
    return {name: metrics[name] for name in HEADLINE_METRICS}


def _paired(base: np.ndarray, scen: np.ndarray, level: float) -> dict[str, float]:
    """Means, mean paired difference and its t-interval (see the module docstring)."""
    n = base.size
    d = scen - base
    mean = float(d.mean())
    if n > 1:
        half = float(stats.t.ppf((1.0 + level) / 2.0, n - 1) * d.std(ddof=1) / math.sqrt(n))
    else:
        half = math.nan
    base_mean = float(base.mean())
    return {
        "baseline_mean": base_mean,
        "scenario_mean": float(scen.mean()),
        "difference": mean,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "relative_difference": mean / abs(base_mean) if base_mean != 0 else math.nan,
    }


def compare(
    runs: Sequence[Run], baseline: str, horizons: Sequence[int], level: float = 0.95
) -> pd.DataFrame:
    """Paired differences of every scenario from the baseline, with t-intervals.

    Parameters
    ----------
    runs : sequence of Run
        Runs of the baseline and of the scenarios compared with it.
    baseline : str
        Name of the baseline scenario.
    horizons : sequence of int
        Months at which the metrics are compared.
    level : float, default 0.95
        Confidence level of the intervals, in (0, 1).

    Returns
    -------
    DataFrame
        Long format, one row per scenario (other than the baseline), horizon and
        metric (:data:`HEADLINE_METRICS`, then :data:`COST_PER_JOB`), with columns
        :data:`TABLE_COLUMNS`; ``attrs["level"]`` holds ``level``. Means and
        differences are over the seeds run under both scenarios (``n_seeds``).

    Raises
    ------
    CompareError
        If the baseline has no runs, no other scenario has any, a scenario shares no
        seed with the baseline, a horizon is beyond a run's last month, or ``level``
        or ``horizons`` are invalid.
    """
    if not 0.0 < level < 1.0:
        raise CompareError(f"confidence level must be between 0 and 1, got {level}")
    if not horizons:
        raise CompareError("no horizon given")
    if min(horizons) < 0:
        raise CompareError(f"horizons are months since the start (>= 0), got {min(horizons)}")
    horizons = sorted(set(int(h) for h in horizons))
    seeds: dict[str, dict[int, Run]] = {}
    for run in runs:
        seeds.setdefault(run.scenario, {})[run.seed] = run
    if baseline not in seeds:
        found = ", ".join(sorted(seeds)) or "none"
        raise CompareError(f"baseline scenario {baseline!r} has no runs; scenarios found: {found}")
    others = sorted(s for s in seeds if s != baseline)
    if not others:
        raise CompareError(f"only the baseline scenario {baseline!r} has runs: nothing to compare")
    values: dict[Run, dict[int, dict[str, float]]] = {}
    for run in runs:
        try:
            values[run] = {h: headline_metrics(run.national, run.groups, h) for h in horizons}
        except CompareError as exc:
            raise CompareError(f"{run.label}: {exc}") from None
    rows = []
    for scenario in others:
        common = sorted(seeds[scenario].keys() & seeds[baseline].keys())
        if not common:
            raise CompareError(
                f"scenario {scenario!r} shares no seed with the baseline {baseline!r} "
                f"(seeds {sorted(seeds[scenario])} and {sorted(seeds[baseline])})"
            )
        pairs = [(seeds[baseline][s], seeds[scenario][s]) for s in common]
        for h in horizons:
            key = {"scenario": scenario, "horizon": h}
            paired = {
                metric: _paired(
                    np.array([values[b][h][metric] for b, _ in pairs]),
                    np.array([values[a][h][metric] for _, a in pairs]),
                    level,
                )
                for metric in HEADLINE_METRICS
            }
            cost = _ratio(
                paired["net_public_cost_cum_kzt"]["difference"], paired["employed"]["difference"]
            )
            paired[COST_PER_JOB] = {"difference": cost}
            rows += [
                {**key, "metric": metric, **result, "n_seeds": len(common)}
                for metric, result in paired.items()
            ]
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    table = table.astype({"horizon": "int64", "n_seeds": "int64"})
    for column in TABLE_COLUMNS[3:-1]:
        table[column] = table[column].astype(float)
    table.attrs["level"] = level
    return table


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write ``path`` through ``write`` into a temporary file next to it, then rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _write_text(path: Path, text: str) -> Path:
    return _atomic_write(path, lambda handle: handle.write(text.encode()))


def _format(value: float, kind: str) -> str:
    """One value in display units (see :data:`_DISPLAY`), signed; NaN as ``n/a``."""
    if not math.isfinite(value):
        return "n/a"
    factor, digits = _DISPLAY[kind]
    shown = round(value * factor, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{shown:+,.{max(digits, 0)}f}"


def _cell(row: pd.Series, kind: str) -> str:
    text = _format(row["difference"], kind)
    if math.isfinite(row["ci_low"]) and math.isfinite(row["ci_high"]):
        text += f" [{_format(row['ci_low'], kind)}, {_format(row['ci_high'], kind)}]"
    return text


def _markdown(table: pd.DataFrame, runs: Sequence[Run], baseline: str) -> str:
    level = table.attrs.get("level")
    ci = f"{100 * level:g}% confidence interval" if level else "confidence interval"
    seeds: dict[str, list[int]] = {}
    for run in runs:
        seeds.setdefault(run.scenario, []).append(run.seed)
    lines = [
        f"# Scenario comparison with baseline `{baseline}`",
        "",
        "Each cell: mean over seeds of the paired difference scenario − baseline, "
        f"[{ci}] (t-interval, runs paired by seed). Rates in percentage points, persons "
        "rounded to 100, cumulative public cost (months 1 to the horizon) in billions of "
        "KZT, cost per job saved in millions of KZT per additional person employed. "
        "All metrics are in `comparison.csv`.",
        "",
        "Runs: "
        + "; ".join(
            f"`{s}` seeds {', '.join(map(str, sorted(v)))}" for s, v in sorted(seeds.items())
        )
        + ".",
    ]
    kinds = {**_KINDS, COST_PER_JOB: "kzt_per_job"}
    for horizon, at in table.groupby("horizon", sort=True):
        header = ["Scenario", "Seeds", *(title for _, title in _MARKDOWN_COLUMNS)]
        lines += [
            "",
            f"## Month {horizon}",
            "",
            "| " + " | ".join(header) + " |",
            "| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |",
        ]
        for scenario, rows in at.groupby("scenario", sort=True):
            by_metric = rows.set_index("metric")
            cells = [_cell(by_metric.loc[m], kinds[m]) for m, _ in _MARKDOWN_COLUMNS]
            n = int(rows["n_seeds"].iloc[0])
            lines.append("| " + " | ".join([f"`{scenario}`", str(n), *cells]) + " |")
    return "\n".join(lines) + "\n"


def _colours(scenarios: Sequence[str], baseline: str) -> dict[str, str]:
    cmap = colormaps["tab10"]
    others = [s for s in scenarios if s != baseline]
    colours = {s: cmap(i % cmap.N) for i, s in enumerate(others)}
    return {baseline: _BASELINE_COLOUR, **colours}


def _timeseries_figure(runs: Sequence[Run], baseline: str) -> Figure:
    last = min(run.last_month for run in runs)
    scenarios = sorted({run.scenario for run in runs}, key=lambda s: (s != baseline, s))
    colours = _colours(scenarios, baseline)
    fig = new_figure(16.0, 9.0)
    axes = fig.subplots(2, 3, sharex=True).ravel()
    fig.suptitle(
        f"Scenarios over time: mean over seeds (line) and range over seeds (band), months 0–{last}"
    )
    for ax, (title, unit, series) in zip(axes, _SERIES, strict=True):
        for scenario in scenarios:
            members = [run for run in runs if run.scenario == scenario]
            frame = pd.concat(
                [
                    series(run.national).set_axis(run.national["month"]).loc[:last]
                    for run in members
                ],
                axis=1,
            )
            months = frame.index.to_numpy()
            colour = colours[scenario]
            label = f"{scenario} ({len(members)} seed{'s' if len(members) > 1 else ''})"
            ax.plot(months, frame.mean(axis=1), color=colour, lw=1.8, label=label)
            ax.fill_between(months, frame.min(axis=1), frame.max(axis=1), color=colour, alpha=0.2)
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
    for ax in axes[3:]:
        ax.set_xlabel("months since start")
    axes[0].legend(fontsize="small")
    return fig


def _difference_panel(ax: Axes, rows: pd.DataFrame, colours: dict[str, str], scale: float) -> None:
    y = np.arange(len(rows))
    diff = rows["difference"].to_numpy() * scale
    low = rows["ci_low"].to_numpy() * scale
    high = rows["ci_high"].to_numpy() * scale
    ax.barh(y, diff, color=[colours[s] for s in rows["scenario"]], alpha=0.8)
    has_ci = np.isfinite(low) & np.isfinite(high)
    if has_ci.any():
        errors = np.vstack([diff - low, high - diff])[:, has_ci]
        ax.errorbar(diff[has_ci], y[has_ci], xerr=errors, fmt="none", ecolor="black", capsize=4)
    ax.axvline(0.0, color="grey", lw=0.8)
    ax.set_yticks(
        y, [f"{s} (n={n})" for s, n in zip(rows["scenario"], rows["n_seeds"], strict=True)]
    )
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)


def _differences_figure(table: pd.DataFrame, baseline: str) -> Figure:
    horizon = int(table["horizon"].max())
    at = table[table["horizon"] == horizon]
    colours = _colours(sorted(set(at["scenario"]) | {baseline}), baseline)
    level = table.attrs.get("level")
    ci = f"{100 * level:g}% CI" if level else "CI"
    fig = new_figure(13.0, 3.0 + 0.9 * at["scenario"].nunique())
    axes = fig.subplots(2, 2).ravel()
    fig.suptitle(
        f"Difference from baseline '{baseline}' at month {horizon}: "
        f"mean over paired seeds, error bars = {ci}"
    )
    for ax, (metric, title, unit) in zip(axes, _DIFFERENCE_PANELS, strict=True):
        rows = at[at["metric"] == metric].sort_values("scenario")
        _difference_panel(ax, rows, colours, _PLOT_SCALE[_KINDS[metric]])
        ax.set_title(title)
        ax.set_xlabel(f"scenario − baseline ({unit})")
    return fig


def write_comparison(
    table: pd.DataFrame, runs: Sequence[Run], baseline: str, out_dir: Path
) -> list[Path]:
    """Write the comparison table, its Markdown summary and two figures into ``out_dir``.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`compare` (its ``attrs["level"]`` names the interval's level).
    runs : sequence of Run
        The runs compared, for the time-series figure.
    baseline : str
        Name of the baseline scenario.
    out_dir : Path
        Output folder, created if missing.

    Returns
    -------
    list of Path
        ``comparison.csv`` (the table), ``comparison.md`` (the main metrics by horizon,
        ``difference [ci_low, ci_high]`` in display units),
        ``figures/compare_timeseries.png`` (national series of every scenario: mean
        over all its seeds, band from the lowest to the highest seed, up to the last
        month common to all runs) and ``figures/compare_differences.png`` (paired
        differences with their intervals at the last horizon of ``table``). Each file
        is written to a temporary file in its folder and renamed into place.
    """
    out_dir = Path(out_dir)
    figures = out_dir / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    return [
        _write_text(out_dir / "comparison.csv", table.to_csv(index=False)),
        _write_text(out_dir / "comparison.md", _markdown(table, runs, baseline)),
        save_figure(_timeseries_figure(runs, baseline), figures / "compare_timeseries.png"),
        save_figure(_differences_figure(table, baseline), figures / "compare_differences.png"),
    ]


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Compare scenarios with a baseline over seeds: paired differences by seed "
            "with t-intervals, written as CSV, Markdown and figures."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="run folder, or folder searched recursively for run folders",
    )
    parser.add_argument(
        "--baseline", default="baseline", help="baseline scenario name (default: baseline)"
    )
    parser.add_argument(
        "--horizons",
        nargs="+",
        type=int,
        metavar="MONTH",
        help="months compared (default: 12, 60 and the last month common to all runs)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("results/comparison"),
        help="output folder (default: results/comparison)",
    )
    parser.add_argument(
        "--level", type=float, default=0.95, help="confidence level (default: 0.95)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``labsim-compare`` console script.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 when the runs cannot be compared (message on stderr).
    """
    args = _parser().parse_args(argv)
    try:
        runs = find_runs(args.paths)
        if args.horizons is None:
            last = min(run.last_month for run in runs)
            horizons = sorted({h for h in (12, 60) if h < last} | {last})
        else:
            horizons = args.horizons
        table = compare(runs, args.baseline, horizons, level=args.level)
        written = write_comparison(table, runs, args.baseline, args.out)
    except CompareError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    seeds: dict[str, list[int]] = {}
    for run in runs:
        seeds.setdefault(run.scenario, []).append(run.seed)
    paired = table.groupby("scenario")["n_seeds"].first()
    lines = [f"{PROG}: {len(seeds)} scenarios, baseline {args.baseline!r}"]
    for scenario, found in sorted(seeds.items()):
        note = "" if scenario == args.baseline else f", {paired[scenario]} paired with baseline"
        lines.append(f"  {scenario}: {len(found)} seeds ({', '.join(map(str, found))}){note}")
    lines += [
        f"{PROG}: horizons {', '.join(map(str, sorted(set(table['horizon']))))} months; "
        f"{100 * args.level:g}% intervals",
        f"{PROG}: wrote {', '.join(str(path) for path in written)}",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
