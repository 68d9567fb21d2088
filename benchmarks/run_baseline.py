"""Wall time and peak memory of whole `labsim` processes on the baseline scenario.

Usage: ``python benchmarks/run_baseline.py [--scales 0.01 0.1] [--months 120]
[--seeds 1] [--json out.json]``. Each run is a fresh process (warm numba cache: one
untimed warm-up run first), so the figures include start-up, data loading, the
burn-in, the simulation and writing the run folder. Peak resident memory is the
child's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_once(scale: float, months: int, seed: int, out: Path) -> dict:
    """Run one labsim process; return wall seconds, peak RSS and the manifest's figures."""
    cmd = [
        sys.executable,
        "-c",
        "from sim.cli import main; main()",
        f"scale={scale}",
        f"horizon_months={months}",
        f"seed={seed}",
        "output.figures=false",
        f"hydra.run.dir={out}",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    manifest = json.loads((out / "manifest.json").read_text())
    workers = manifest["number_of_agents"]["workers"]
    return {
        "scale": scale,
        "months": months,
        "seed": seed,
        "wall_seconds": round(wall, 3),
        "model_seconds": manifest["wall_seconds"],
        "peak_rss_mb": round(max(peak_kb, before) / 1024, 1),
        "workers": workers,
        "agent_months_per_second": round(workers * months / manifest["wall_seconds"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.01, 0.1])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        run_once(0.001, 2, 1, Path(tmp) / "warmup")  # compile or load the numba cache
        for scale in args.scales:
            for seed in args.seeds:
                row = run_once(scale, args.months, seed, Path(tmp) / f"s{scale}-{seed}")
                rows.append(row)
                print(
                    f"scale {scale:<6g} seed {seed}: {row['wall_seconds']:7.2f} s wall, "
                    f"{row['model_seconds']:7.2f} s model, {row['peak_rss_mb']:8.1f} MB peak, "
                    f"{row['workers']:>9,} workers, "
                    f"{row['agent_months_per_second']:>12,} agent-months/s"
                )
    info = {"machine": platform.machine(), "cpus": os.cpu_count(), "python": sys.version}
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "runs": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
