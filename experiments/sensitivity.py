"""Global sensitivity analysis of the headline outcomes (SALib: Morris screening or Sobol).

Usage::

    python experiments/sensitivity.py [--method morris|sobol] [--trajectories R]
        [--samples N] [--scale S] [--horizon M] [--seed K] [--launcher joblib] [--jobs 2]
        [--out DIR]

Steps
    1. SALib samples the parameters of :data:`PARAMETERS` within their bounds (Morris:
       ``R`` trajectories of ``k + 1`` points on a 4-level grid; Sobol: Saltelli's
       design of ``N (k + 2)`` points, first and total order). The points are written
       to ``DIR/samples.csv``, one column per dotted parameter key.
    2. ``labsim --multirun sweep.samples=DIR/samples.csv sweep.row=range(0,P)`` runs
       every point through the chosen Hydra launcher into ``DIR/runs`` (one run folder
       per point, named by the hash of its configuration, so running the command again
       resumes an interrupted analysis and redoes nothing that is complete). Every
       point uses the same model seed (common random numbers), so an elementary effect
       is the effect of the parameter step, not of different luck.
    3. The outcomes of :data:`OUTCOMES` at month ``M`` are read from
       ``DIR/runs/sweep.parquet`` and analysed with the same SALib method: Morris
       ``mu*`` (mean absolute elementary effect over the parameter's range, in the
       outcome's unit), ``mu`` and ``sigma`` (spread: interactions, non-linearity),
       with bootstrap intervals; Sobol ``S1`` and ``ST`` with bootstrap intervals.

Outputs in ``DIR``: ``indices.csv`` (long: method, outcome, parameter, index, value,
conf), ``indices.md`` (ranked tables), ``sensitivity_<method>.png``; the parameters
that matter most for displacement are printed.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.output import atomic_write_bytes
from sim.plots import new_figure, save_figure
from sim.sweep import SWEEP_TABLE, add_launcher_arguments, run_sweep

# (dotted key, lower bound, upper bound, what it stands for)
PARAMETERS = (
    ("automation.genai.learning_rate", 0.10, 0.35, "generative-AI cost decline, per year"),
    ("automation.software.learning_rate", 0.05, 0.20, "software-automation cost decline"),
    ("automation.robots.learning_rate", 0.04, 0.15, "robot cost decline, per year"),
    ("automation.awareness_imitation", 0.20, 1.00, "adoption friction: peer imitation (Bass q)"),
    ("matching.p_application_considered", 0.50, 0.90, "matching efficiency"),
    ("reskilling.success_intercept", -3.0, -1.0, "training success (logit intercept)"),
    ("migration.moving_cost_months", 2.0, 8.0, "migration cost, months of wage"),
)
# Headline outcomes at the horizon (columns of sweep.parquet) and their units.
OUTCOMES = {
    "displaced_cum": "persons",
    "unemployment_rate": "fraction",
    "new_jobs_cum": "persons",
    "reskilled_cum": "persons",
    "employed": "persons",
}
FOCUS = "displaced_cum"


def problem() -> dict:
    """The SALib problem: parameter names (dotted keys) and bounds."""
    return {
        "num_vars": len(PARAMETERS),
        "names": [p[0] for p in PARAMETERS],
        "bounds": [[p[1], p[2]] for p in PARAMETERS],
    }


def sample(method: str, size: int, seed: int) -> np.ndarray:
    """The design: Morris trajectories (``size`` = R) or Saltelli points (``size`` = N)."""
    if method == "morris":
        return morris_sample.sample(problem(), size, num_levels=4, seed=seed)
    if size & (size - 1):
        raise SystemExit(f"--samples={size} is not allowed; allowed: a power of 2 (Sobol)")
    return sobol_sample.sample(problem(), size, calc_second_order=False, seed=seed)


def write_samples(points: np.ndarray, path: Path) -> None:
    """Write the points as CSV (exact decimal round-trip of every float)."""
    lines = [",".join(problem()["names"])]
    lines += [",".join(repr(float(v)) for v in row) for row in points]
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode())


def outcomes_by_point(points: np.ndarray, runs_dir: Path) -> pd.DataFrame:
    """The sweep's outcomes in the order of ``points``, checked against the design.

    Raises
    ------
    SystemExit
        If a point has no complete run with exactly its parameter values.
    """
    table = pd.read_parquet(runs_dir / SWEEP_TABLE)
    rows = []
    for i, point in enumerate(points):
        match = table[table["sample_row"] == i]
        for name, value in zip(problem()["names"], point, strict=True):
            match = match[np.isclose(match[f"param.{name}"].astype(float), value)]
        if match.empty:
            raise SystemExit(f"sensitivity: no complete run for point {i} in {runs_dir}")
        rows.append(match.iloc[0])
    return pd.DataFrame(rows).reset_index(drop=True)


def analyse(method: str, points: np.ndarray, results: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Sensitivity indices of every outcome (long format)."""
    records = []
    for outcome in OUTCOMES:
        y = results[outcome].to_numpy(dtype=float)
        if method == "morris":
            si = morris_analyze.analyze(problem(), points, y, num_levels=4, seed=seed)
            indices = {"mu_star": "mu_star_conf", "mu": None, "sigma": None}
        else:
            si = sobol_analyze.analyze(problem(), y, calc_second_order=False, seed=seed)
            indices = {"S1": "S1_conf", "ST": "ST_conf"}
        for j, name in enumerate(problem()["names"]):
            for index, conf in indices.items():
                records.append(
                    {
                        "method": method,
                        "outcome": outcome,
                        "unit": OUTCOMES[outcome],
                        "parameter": name,
                        "index": index,
                        "value": float(si[index][j]),
                        "conf": float(si[conf][j]) if conf else math.nan,
                    }
                )
    return pd.DataFrame(records)


def ranking(indices: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Parameters ranked by importance for ``outcome`` (Morris mu*, Sobol ST)."""
    key = "mu_star" if indices["method"].iloc[0] == "morris" else "ST"
    rows = indices[(indices["outcome"] == outcome) & (indices["index"] == key)]
    return rows.sort_values("value", ascending=False, ignore_index=True)


def markdown(indices: pd.DataFrame, horizon: int) -> str:
    """Ranked tables of the main index per outcome."""
    out = [f"# Sensitivity of the outcomes at month {horizon}", ""]
    for outcome in OUTCOMES:
        ranked = ranking(indices, outcome)
        key = ranked["index"].iloc[0]
        out += [
            f"## {outcome} ({OUTCOMES[outcome]})",
            "",
            f"| parameter | {key} | ± |",
            "|---|---|---|",
        ]
        out += [f"| {r.parameter} | {r.value:.4g} | {r.conf:.2g} |" for r in ranked.itertuples()]
        out.append("")
    return "\n".join(out)


def figure(indices: pd.DataFrame, path: Path) -> None:
    """One panel per outcome: the main index of every parameter, with its interval."""
    fig = new_figure(13, 7)
    axes = fig.subplots(2, 3).ravel()
    for ax, outcome in zip(axes, OUTCOMES, strict=False):
        ranked = ranking(indices, outcome).iloc[::-1]
        labels = [p.split(".", 1)[1] for p in ranked["parameter"]]
        ax.barh(labels, ranked["value"], xerr=ranked["conf"], color="C0", alpha=0.8)
        ax.set_title(f"{outcome} ({OUTCOMES[outcome]})", fontsize=9)
        ax.set_xlabel(ranked["index"].iloc[0])
        ax.tick_params(labelsize=7)
    axes[-1].axis("off")
    method = indices["method"].iloc[0]
    fig.suptitle(f"Global sensitivity ({method}), outcomes at the horizon")
    save_figure(fig, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=("morris", "sobol"), default="morris")
    parser.add_argument("--trajectories", type=int, default=10, help="Morris trajectories R")
    parser.add_argument("--samples", type=int, default=64, help="Sobol base sample N (2^k)")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--horizon", type=int, default=120, help="months")
    parser.add_argument("--seed", type=int, default=1, help="model seed of every point")
    parser.add_argument("--sample-seed", type=int, default=2024, help="seed of the design")
    add_launcher_arguments(parser)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = (args.out or Path("results/experiments") / f"sensitivity_{args.method}").resolve()
    size = args.trajectories if args.method == "morris" else args.samples
    points = sample(args.method, size, args.sample_seed)
    samples = out / "samples.csv"
    write_samples(points, samples)
    runs_dir = out / "runs"
    overrides = [
        f"scale={args.scale}",
        f"horizon_months={args.horizon}",
        f"seed={args.seed}",
        "output.figures=false",
        f"sweep.samples={samples}",
        f"sweep.row=range(0,{len(points)})",
        f"hydra.sweep.dir={runs_dir}",
    ]
    print(f"sensitivity: {args.method}, {len(points)} runs at scale {args.scale}", flush=True)
    code = run_sweep(overrides, args.launcher, args.jobs)
    if code != 0:
        print(f"sensitivity: the sweep reported failed runs (exit {code})", file=sys.stderr)
    results = outcomes_by_point(points, runs_dir)
    indices = analyse(args.method, points, results, args.sample_seed)
    atomic_write_bytes(out / "indices.csv", indices.to_csv(index=False).encode())
    atomic_write_bytes(out / "indices.md", markdown(indices, args.horizon).encode())
    figure(indices, out / f"sensitivity_{args.method}.png")
    ranked = ranking(indices, FOCUS)
    print(f"sensitivity: parameters that matter most for {FOCUS} at month {args.horizon}:")
    for i, row in enumerate(ranked.itertuples(), start=1):
        print(f"  {i}. {row.parameter}: {row.index} = {row.value:,.0f} (± {row.conf:,.0f})")
    print(f"sensitivity: indices in {out / 'indices.csv'}, figure in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
