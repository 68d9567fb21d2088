"""The policy scenarios against baseline over seeds: paired differences and bands.

Usage::

    python experiments/scenario_comparison.py [--launcher joblib] [--jobs 2] [--out DIR]
        [--horizons 60,120] [labsim overrides ...]

Runs ``labsim --multirun +experiment=scenario_comparison`` (8 scenarios x 5 seeds at
scale 0.01 over 120 months; ``scenarios/experiment/scenario_comparison.yaml``) into
``DIR/runs`` (default ``results/experiments/scenario_comparison``). The sweep writes
``runs/ensemble.parquet`` and ``runs/figures/ensemble_bands.png`` (mean paths with 95 %
bands per scenario); this script then runs ``labsim-compare`` on the runs for the table
of paired differences from baseline at months 60 and 120 (``DIR/comparison.md``,
``comparison.csv`` and figures). Running it again resumes: complete runs are skipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.compare import main as compare_main
from sim.sweep import add_launcher_arguments, run_sweep


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_launcher_arguments(parser)
    parser.add_argument("--out", type=Path, default=Path("results/experiments/scenario_comparison"))
    parser.add_argument(
        "--horizons", default="60,120", help="months compared, comma-separated (default 60,120)"
    )
    args, overrides = parser.parse_known_args(argv)
    out = args.out.resolve()
    runs_dir = out / "runs"
    overrides = ["+experiment=scenario_comparison", f"hydra.sweep.dir={runs_dir}", *overrides]
    if run_sweep(overrides, args.launcher, args.jobs) != 0:
        print("scenario_comparison: some runs failed; comparing the others", file=sys.stderr)
    horizons = [h.strip() for h in args.horizons.split(",")]
    return compare_main([str(runs_dir), "--horizons", *horizons, "--out", str(out)])


if __name__ == "__main__":
    raise SystemExit(main())
