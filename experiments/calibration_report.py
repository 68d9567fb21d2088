"""Calibration report: the default's figures against the Ministry's, across seeds.

Usage: ``python experiments/calibration_report.py [--seeds 1 2 3 4 5] [--scale 0.01]
[--months 120]``. Runs the baseline for each seed and prints Markdown tables (used in
``docs/calibration.md``): risk assessment at month 0, adoption timeline by region,
and displacement and new work by source at the horizon.
"""

from __future__ import annotations

import argparse

import pandas as pd

from sim.runner import compose_config, simulate

CITIES = ["Almaty city", "Astana city", "Shymkent city"]


def markdown(df: pd.DataFrame, index: bool = False) -> str:
    """A GitHub Markdown table of ``df`` (without the optional tabulate package)."""
    if index:
        df = df.reset_index()
    cells = [[f"{v:.3g}" if isinstance(v, float) else str(v) for v in row] for row in df.values]
    lines = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + " --- |" * len(df.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


def first_month(regions: pd.DataFrame, level: float) -> pd.Series:
    """Month in which each region's automation share first reaches ``level``."""
    reached = regions[regions["automation_share"] >= level]
    return reached.groupby("region", observed=True)["month"].min()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--months", type=int, default=120)
    args = parser.parse_args()
    risk_rows, start1, start5, horizon = [], [], [], []
    for seed in args.seeds:
        cfg = compose_config("baseline", scale=args.scale, seed=seed, horizon_months=args.months)
        tables, _ = simulate(cfg)
        risk = tables["risk"]
        by_region = risk.groupby("region", observed=True)[["jobs", "jobs_at_risk"]].sum()
        share = by_region["jobs_at_risk"] / by_region["jobs"]
        by_sector = risk.groupby("sector")[["jobs", "jobs_at_risk"]].sum()
        sector_share = (by_sector["jobs_at_risk"] / by_sector["jobs"]).sort_values()
        risk_rows.append(
            {
                "seed": seed,
                "jobs (M)": risk["jobs"].sum() / 1e6,
                "at risk (M)": risk["jobs_at_risk"].sum() / 1e6,
                "at risk (%)": 100 * risk["jobs_at_risk"].sum() / risk["jobs"].sum(),
                "GenAI-replaceable (M)": risk["genai_replaceable"].sum() / 1e6,
                **{f"{c} (%)": 100 * share[c] for c in CITIES},
                "top sectors": ", ".join(sector_share.index[::-1][:4]),
            }
        )
        start1.append(first_month(tables["regions"], 0.01))
        start5.append(first_month(tables["regions"], 0.05))
        last = tables["national"].iloc[-1]
        horizon.append(
            {
                "seed": seed,
                "automation share (%)": 100 * last["automation_share"],
                "jobs automated (k)": last["jobs_automated_cum"] / 1e3,
                "displaced (k)": last["displaced_cum"] / 1e3,
                "redeployed (k)": last["redeployed_cum"] / 1e3,
                "new: reinstatement (k)": last["new_jobs_reinstatement_cum"] / 1e3,
                "new: productivity (k)": last["new_jobs_productivity_cum"] / 1e3,
                "new: sector trends (k)": last["new_jobs_trend_cum"] / 1e3,
                "unemployment (%)": 100 * last["unemployment_rate"],
            }
        )
    print(f"### Risk assessment at month 0 (scale {args.scale})\n")
    print(markdown(pd.DataFrame(risk_rows)))
    timeline = pd.DataFrame(
        {
            "first month >= 1% (median)": pd.concat(start1, axis=1).median(axis=1),
            "first month >= 5% (median)": pd.concat(start5, axis=1).median(axis=1),
        }
    ).sort_values("first month >= 1% (median)")
    print(f"\n### Adoption timeline by region (months after Jan {cfg.start[:4]})\n")
    print(markdown(timeline, index=True))
    print(f"\n### At month {args.months}\n")
    print(markdown(pd.DataFrame(horizon)))
    means = pd.DataFrame(horizon).drop(columns="seed").mean()
    print("\nmean over seeds: " + "; ".join(f"{k} {v:.1f}" for k, v in means.items()))


if __name__ == "__main__":
    main()
