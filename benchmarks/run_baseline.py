"""Speed and memory of whole `labsim` processes on the baseline scenario.

Usage: ``python benchmarks/run_baseline.py [--scales 0.01 0.1 1.0] [--months 120]
[--seeds 1] [--repeat 1] [--json out.json] [--no-cold]``.

Prints, per scale: wall seconds of the whole process (start-up, data, population,
burn-in, simulation, writing the run folder), seconds per simulated month,
agent-months per second, peak resident memory (the child's ``ru_maxrss``), and the
cost relative to the smallest scale (linearity). Runs use a warm numba cache: one
untimed warm-up run first. Unless ``--no-cold``, the compile time of all kernels is
measured separately: a tiny run of a fresh copy of the package (no cache) minus the
same run warm. With ``--repeat N`` each run is repeated and the medians are reported
(the machine may be shared: single timings vary by tens of percent), with every
repetition's wall seconds kept in the JSON. Results are also written as JSON so commits
can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "sim"


# The child reports its own peak resident memory (KiB) as the last line of stderr.
_CHILD = """
import resource, sys
from sim.cli import main
try:
    main()
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def _labsim(
    args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[float, float]:
    """Run one labsim process; return its wall seconds and peak resident memory (MB)."""
    cmd = [sys.executable, "-c", _CHILD, *args]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=cwd, text=True)
    wall = time.perf_counter() - t0
    peak_kb = float(done.stderr.strip().splitlines()[-1])
    return wall, peak_kb / 1024


def run_once(scale: float, months: int, seed: int, out: Path) -> dict:
    """Run one labsim process; return wall seconds, peak RSS and the manifest's figures."""
    wall, peak_mb = _labsim(
        [
            f"scale={scale}",
            f"horizon_months={months}",
            f"seed={seed}",
            "output.figures=false",
            f"hydra.run.dir={out}",
        ]
    )
    manifest = json.loads((out / "manifest.json").read_text())
    workers = manifest["number_of_agents"]["workers"]
    simulate = manifest["wall_seconds"] - manifest["init_seconds"]
    return {
        "scale": scale,
        "months": months,
        "seed": seed,
        "wall_seconds": round(wall, 3),
        "init_seconds": manifest["init_seconds"],
        "seconds_per_month": round(simulate / max(months, 1), 5),
        "peak_rss_mb": round(peak_mb, 1),
        "workers": workers,
        "agent_months_per_second": round(workers * months / max(simulate, 1e-9)),
    }


def run_repeated(scale: float, months: int, seed: int, out: Path, repeat: int) -> dict:
    """Run one configuration ``repeat`` times; medians of the timings, all walls kept."""
    runs = [run_once(scale, months, seed, out / f"r{k}") for k in range(repeat)]
    row = dict(runs[0])
    for key in ("wall_seconds", "init_seconds", "seconds_per_month", "peak_rss_mb"):
        row[key] = round(statistics.median(r[key] for r in runs), 5)
    row["agent_months_per_second"] = round(
        statistics.median(r["agent_months_per_second"] for r in runs)
    )
    row["repeats"] = repeat
    row["wall_seconds_all"] = [r["wall_seconds"] for r in runs]
    return row


def compile_seconds(tmp: Path) -> dict:
    """Cold compile time of every kernel: a fresh copy of the package, run twice."""
    copy = tmp / "cold"
    shutil.copytree(PACKAGE, copy / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(copy)}
    args = ["scale=0.001", "horizon_months=2", "output.figures=false"]
    # Run from the copy's folder, so `sim` is the copy and not the working tree's.
    cold, _ = _labsim([*args, f"hydra.run.dir={tmp / 'cold-run'}"], env, cwd=copy)
    warm, _ = _labsim([*args, f"hydra.run.dir={tmp / 'warm-run'}"], env, cwd=copy)
    return {
        "cold_run_seconds": round(cold, 2),
        "warm_run_seconds": round(warm, 2),
        "compile_seconds": round(cold - warm, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.01, 0.1])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--repeat", type=int, default=1, help="runs per scale and seed (medians)")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--no-cold", action="store_true", help="skip the compile timing")
    args = parser.parse_args()
    rows = []
    compile_info = None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if not args.no_cold:
            compile_info = compile_seconds(tmp)
            print(
                f"compile: {compile_info['compile_seconds']:.1f} s "
                f"(cold run {compile_info['cold_run_seconds']:.1f} s, "
                f"warm {compile_info['warm_run_seconds']:.1f} s)"
            )
        _labsim(["scale=0.001", "horizon_months=2", f"hydra.run.dir={tmp / 'warmup'}"])
        for scale in sorted(args.scales):
            for seed in args.seeds:
                row = run_repeated(scale, args.months, seed, tmp / f"s{scale}-{seed}", args.repeat)
                rows.append(row)
                base = rows[0]
                row["cost_vs_smallest"] = round(row["wall_seconds"] / base["wall_seconds"], 2)
                print(
                    f"scale {scale:<6g} seed {seed}: {row['wall_seconds']:8.2f} s wall, "
                    f"{row['seconds_per_month']:8.4f} s/month, {row['peak_rss_mb']:8.1f} MB peak, "
                    f"{row['workers']:>10,} workers, "
                    f"{row['agent_months_per_second']:>12,} agent-months/s, "
                    f"x{row['cost_vs_smallest']} of the smallest"
                    + (f" (medians of {args.repeat} runs)" if args.repeat > 1 else "")
                )
    info = {"machine": platform.machine(), "cpus": os.cpu_count(), "python": sys.version}
    if args.json:
        payload = {"machine": info, "compile": compile_info, "runs": rows}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        partial = args.json.with_name(f".{args.json.name}.tmp")
        partial.write_text(json.dumps(payload, indent=2) + "\n")
        partial.replace(args.json)


if __name__ == "__main__":
    main()
