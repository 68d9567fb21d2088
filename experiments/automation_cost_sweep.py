"""Displacement against the pace of generative AI: a sweep of its cost learning rate.

Usage::

    python experiments/automation_cost_sweep.py [--launcher joblib] [--jobs 2]
        [--out DIR] [labsim overrides ...]

Runs ``labsim --multirun +experiment=automation_cost_sweep`` (8 learning rates x 3
seeds at scale 0.01 over 120 months; ``scenarios/experiment/automation_cost_sweep.yaml``)
into ``DIR/runs`` (default ``results/experiments/automation_cost_sweep``), then writes
``DIR/displacement_vs_learning_rate.png`` and ``DIR/table.csv``/``table.md``: for each
learning rate the mean over seeds and the 95 % t-interval of the mean of displaced
workers, new jobs and the unemployment rate at month 120. Running the command again
resumes the sweep: complete runs are skipped. Extra arguments are passed to ``labsim``
(e.g. ``scale=0.001`` for a quick look).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.output import atomic_write_bytes
from sim.plots import new_figure, save_figure
from sim.sweep import SWEEP_TABLE, add_launcher_arguments, run_sweep

PARAMETER = "param.automation.genai.learning_rate"
# (outcome column, label, multiplier)
OUTCOMES = (
    ("displaced_cum", "displaced since month 0, thousand", 1e-3),
    ("new_jobs_cum", "new jobs since month 0, thousand", 1e-3),
    ("unemployment_rate", "unemployment rate, %", 100.0),
)


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95 % t-interval over seeds of each outcome, per learning rate."""
    rows = []
    for rate, group in runs.groupby(PARAMETER, sort=True):
        row = {"genai_learning_rate": float(rate), "seeds": len(group)}
        for column, _, _ in OUTCOMES:
            values = group[column].to_numpy(float)
            mean = values.mean()
            half = (
                stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
                if len(values) > 1
                else np.nan
            )
            row |= {column: mean, f"{column}_ci_low": mean - half, f"{column}_ci_high": mean + half}
        rows.append(row)
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame) -> str:
    """The table in Markdown, persons in thousands and the rate in percent."""
    lines = [
        "| GenAI cost decline a year | seeds | displaced (k) | new jobs (k) | unemployment (%) |",
        "|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.genai_learning_rate:.2f} | {r.seeds} "
            f"| {r.displaced_cum / 1e3:,.0f} [{r.displaced_cum_ci_low / 1e3:,.0f}, "
            f"{r.displaced_cum_ci_high / 1e3:,.0f}] "
            f"| {r.new_jobs_cum / 1e3:,.0f} [{r.new_jobs_cum_ci_low / 1e3:,.0f}, "
            f"{r.new_jobs_cum_ci_high / 1e3:,.0f}] "
            f"| {100 * r.unemployment_rate:.2f} [{100 * r.unemployment_rate_ci_low:.2f}, "
            f"{100 * r.unemployment_rate_ci_high:.2f}] |"
        )
    return "\n".join(lines) + "\n"


def figure(table: pd.DataFrame, horizon: int, path: Path) -> None:
    """One panel per outcome: mean and 95 % interval against the learning rate."""
    fig = new_figure(12, 3.8)
    x = table["genai_learning_rate"]
    for ax, (column, label, factor) in zip(fig.subplots(1, 3), OUTCOMES, strict=True):
        ax.plot(x, table[column] * factor, marker="o", color="C3")
        ax.fill_between(
            x,
            table[f"{column}_ci_low"] * factor,
            table[f"{column}_ci_high"] * factor,
            color="C3",
            alpha=0.25,
            linewidth=0,
        )
        ax.axvline(0.2, color="grey", linestyle=":", linewidth=1)
        ax.set_xlabel("generative-AI cost decline per year (baseline 0.2, dotted)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    fig.suptitle(f"Month {horizon}: mean over seeds with 95 % confidence interval")
    save_figure(fig, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_launcher_arguments(parser)
    parser.add_argument(
        "--out", type=Path, default=Path("results/experiments/automation_cost_sweep")
    )
    args, overrides = parser.parse_known_args(argv)
    out = args.out.resolve()
    runs_dir = out / "runs"
    overrides = ["+experiment=automation_cost_sweep", f"hydra.sweep.dir={runs_dir}", *overrides]
    if run_sweep(overrides, args.launcher, args.jobs) != 0:
        print("automation_cost_sweep: some runs failed; the table uses the others", file=sys.stderr)
    runs = pd.read_parquet(runs_dir / SWEEP_TABLE)
    table = summarise(runs)
    horizon = int(runs["horizon"].max())
    atomic_write_bytes(out / "table.csv", table.to_csv(index=False).encode())
    atomic_write_bytes(out / "table.md", markdown(table).encode())
    figure(table, horizon, out / "displacement_vs_learning_rate.png")
    print(markdown(table))
    print(f"automation_cost_sweep: table and figure in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
