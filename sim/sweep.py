"""Sweeps: run folders named by a hash of their configuration, resumable, summarised.

``labsim --multirun`` hands each run of a sweep to a Hydra launcher (the basic one,
joblib for parallel local runs, submitit for SLURM, Ray). This module makes such a
sweep safe to interrupt and cheap to summarise:

Run identity
    A run is identified by ``run_hash``, the SHA-256 of its resolved configuration
    (every parameter, the scenario and the seed; the ``sweep`` block that only says
    where a sampled point came from is left out, the point's values are not). Its
    folder in the sweep is ``<sweep dir>/<scenario>-seed<seed>-<run_hash[:10]>``, so
    the same run always lands in the same folder, whichever launcher and whatever the
    order of the jobs.

Resuming
    A job whose folder already holds a complete run (:func:`sim.output.is_complete`:
    the manifest is written last and lists every file with its hash) with the same
    ``run_hash`` is skipped. A folder left by a killed process has no manifest (or
    files that do not match it) and is run again, so a partial run is never taken for
    a finished one. Re-running the same command with the same ``hydra.sweep.dir``
    therefore redoes only what is missing.

Failures and progress
    A run that fails (bad input, an error in the engine) is recorded with its reason
    and does not stop the others; every job prints one line ``[k/N] done|skipped|failed
    <run>``. At the end of the sweep (:class:`SweepCallback`) one summary names the
    runs done, skipped and failed (with the reason), and the exit status is 1 if any
    run failed.

Summaries (:func:`summarize_sweep`, also ``labsim-sweep summarize DIR``)
    ``sweep.parquet`` has one row per complete run: its folder, hashes, scenario,
    seed, the swept parameters (``param.<key>``) and headline outcomes at the run's
    last month (:func:`sim.compare.headline_metrics`). Runs that differ only in their
    seed form an *ensemble* (same ``ensemble_hash``); ``ensemble.parquet`` holds, per
    ensemble, month and national variable, the number of seeds ``n``, the mean, the
    standard deviation ``sd``, the 95 % t-interval of the mean::

        ci = mean -/+ t_{0.975, n - 1} * sd / sqrt(n)

    and the 5th and 95th percentiles across seeds (NaN intervals for ``n = 1``);
    ``figures/ensemble_bands.png`` draws the mean and interval of the headline paths
    of every ensemble with at least two seeds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.config import LabsimConfig, read_samples, to_config
from sim.output import MANIFEST, is_complete

PROG = "labsim-sweep"
SWEEP_TABLE = "sweep.parquet"
ENSEMBLE_TABLE = "ensemble.parquet"
ENSEMBLE_FIGURE = "ensemble_bands.png"
_STATE = ".labsim"  # bookkeeping of a sweep: start time, expected runs, job statuses
# Drawn with bands: (national column, axis label, multiplier).
BAND_VARIABLES = (
    ("unemployment_rate", "unemployment rate, %", 100.0),
    ("displaced_cum", "displaced since month 0, thousand", 1e-3),
    ("reskilled_cum", "reskilled since month 0, thousand", 1e-3),
    ("new_jobs_cum", "new jobs since month 0, thousand", 1e-3),
)


def _digest(config: dict[str, Any]) -> str:
    payload = {k: v for k, v in config.items() if k != "sweep"}
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def run_hash(cfg: LabsimConfig | dict[str, Any]) -> str:
    """SHA-256 (hex) of a run's resolved configuration, seed included, ``sweep`` left out.

    Parameters
    ----------
    cfg : LabsimConfig or dict
        The typed configuration, or its dictionary as stored in a manifest.
    """
    return _digest(asdict(cfg) if isinstance(cfg, LabsimConfig) else cfg)


def ensemble_hash(cfg: LabsimConfig | dict[str, Any]) -> str:
    """Like :func:`run_hash` with the seed left out: equal for the seeds of one ensemble."""
    config = asdict(cfg) if isinstance(cfg, LabsimConfig) else dict(cfg)
    config["seed"] = None
    return _digest(config)


def run_folder_name(cfg: LabsimConfig) -> str:
    """``<scenario>-seed<seed>-<first 10 hex digits of run_hash>``."""
    return f"{cfg.scenario_name}-seed{cfg.seed}-{run_hash(cfg)[:10]}"


def _run_folder_resolver(*, _root_: DictConfig) -> str:
    """Hydra ``hydra.sweep.subdir``: the run's folder name from its resolved config."""
    job = OmegaConf.masked_copy(_root_, [k for k in _root_ if k != "hydra"])
    try:
        return run_folder_name(to_config(job))
    except Exception:  # noqa: BLE001 - the job itself reports the bad input
        overrides = OmegaConf.select(_root_, "hydra.overrides.task", default=[])
        text = ",".join(str(o) for o in overrides)
        return "invalid-" + hashlib.sha256(text.encode()).hexdigest()[:10]


def register_resolvers() -> None:
    """Register ``${labsim_run:}`` (the run folder name) with OmegaConf, once."""
    if not OmegaConf.has_resolver("labsim_run"):
        OmegaConf.register_new_resolver("labsim_run", _run_folder_resolver, use_cache=False)


def completed_run(out_dir: Path, digest: str) -> bool:
    """True when ``out_dir`` holds a complete run whose ``run_hash`` is ``digest``."""
    if not is_complete(out_dir):
        return False
    manifest = json.loads((out_dir / MANIFEST).read_text())
    return manifest.get("run_hash") == digest


# ---------------------------------------------------------------------------------------
# Bookkeeping: statuses of the jobs of a sweep, progress lines, the final summary
# ---------------------------------------------------------------------------------------


def _state_dir(sweep_dir: Path) -> Path:
    return Path(sweep_dir) / _STATE


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload, indent=1, default=str) + "\n")
    os.replace(tmp, path)


def _sweep_info(sweep_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((_state_dir(sweep_dir) / "sweep.json").read_text())
    except (OSError, json.JSONDecodeError):
        return {}


def _statuses(sweep_dir: Path, since: float) -> list[dict[str, Any]]:
    folder = _state_dir(sweep_dir) / "status"
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            status = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if status.get("finished", 0.0) >= since:
            found.append(status)
    return found


def record_job(
    sweep_dir: Path,
    run: str,
    status: str,
    seconds: float,
    reason: str = "",
    overrides: Sequence[str] = (),
) -> str:
    """Record the outcome of one job of a sweep and return its progress line.

    Parameters
    ----------
    sweep_dir : Path
        The sweep's folder (``hydra.sweep.dir``).
    run : str
        The run's folder name.
    status : {"done", "skipped", "failed"}
        What the job did.
    seconds : float
        Wall seconds of the job.
    reason : str
        Why a failed job failed.
    overrides : sequence of str
        The job's command-line overrides, to name a failed run in the summary.
    """
    _write_json(
        _state_dir(sweep_dir) / "status" / f"{run}.json",
        {
            "run": run,
            "status": status,
            "reason": reason,
            "seconds": seconds,
            "overrides": list(overrides),
            "finished": time.time(),
        },
    )
    info = _sweep_info(sweep_dir)
    k = len(_statuses(sweep_dir, info.get("started", 0.0)))
    total = info.get("total")
    where = f"[{k}/{total}]" if total else f"[{k}]"
    line = f"labsim sweep {where} {status:<7} {run} ({seconds:.1f} s)"
    return line + (f": {reason}" if reason else "")


def _count_jobs(config: DictConfig) -> int | None:
    """Number of jobs of a basic-sweeper sweep (grid product), or None if not known."""
    try:
        from hydra.core.override_parser.overrides_parser import OverridesParser

        params = OmegaConf.select(config, "hydra.sweeper.params", default=None) or {}
        args = [f"{k}={v}" for k, v in params.items()]
        args += list(OmegaConf.select(config, "hydra.overrides.task", default=[]))
        sizes: dict[str, int] = {}
        for override in OverridesParser.create().parse_overrides(args):
            n = len(list(override.sweep_string_iterator())) if override.is_sweep_override() else 1
            sizes[override.get_key_element()] = n
        return math.prod(sizes.values())
    except Exception:  # noqa: BLE001 - other sweepers choose their jobs as they go
        return None


def _warm_up_kernels() -> float:
    """Compile (or load from cache) the model's kernels once before workers start.

    The listed kernels are compiled on all cores (:mod:`sim.precompile`), then a tiny
    run loads them and compiles any other.
    """
    from sim.model import LabourMarketModel
    from sim.precompile import compile_kernels

    t0 = time.perf_counter()
    compile_kernels()
    model = LabourMarketModel(LabsimConfig(scale=0.0005, horizon_months=2))
    model.run_model()
    model.release_agents()
    return time.perf_counter() - t0


class SweepCallback(Callback):
    """Hydra callback of ``labsim --multirun``: bookkeeping, summary and exit status."""

    def __init__(self, warm_up: bool = True) -> None:
        self.warm_up = warm_up
        self.started = 0.0

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Record the start and the expected number of runs; compile kernels once."""
        sweep_dir = Path(str(config.hydra.sweep.dir))
        self.started = time.time()
        total = _count_jobs(config)
        _write_json(_state_dir(sweep_dir) / "sweep.json", {"started": self.started, "total": total})
        launcher = str(OmegaConf.select(config, "hydra.launcher._target_", default=""))
        if self.warm_up and "BasicLauncher" not in launcher:
            seconds = _warm_up_kernels()
            print(f"labsim sweep: kernels ready in {seconds:.1f} s", flush=True)
        print(
            f"labsim sweep: {total if total else 'unknown number of'} runs into {sweep_dir}",
            flush=True,
        )

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Print the summary, write the summary tables; exit 1 if a run failed or is missing."""
        sweep_dir = Path(str(config.hydra.sweep.dir))
        statuses = _statuses(sweep_dir, self.started)
        total = _sweep_info(sweep_dir).get("total")
        print(summary_text(statuses, time.time() - self.started, total), flush=True)
        if any(s["status"] != "failed" for s in statuses):
            written = summarize_sweep(sweep_dir)
            print(f"labsim sweep: summary tables: {', '.join(str(p) for p in written)}")
        failed = any(s["status"] == "failed" for s in statuses)
        if failed or (total or 0) > len(statuses):
            raise SystemExit(1)


def summary_text(
    statuses: Sequence[dict[str, Any]], seconds: float, total: int | None = None
) -> str:
    """One summary of a sweep: runs done, skipped and failed, with each failure's reason.

    Jobs of the expected ``total`` that reported nothing (a lost node, a job killed by
    the scheduler) are counted as not reported: running the sweep again completes them.
    """
    counts = {k: sum(s["status"] == k for s in statuses) for k in ("done", "skipped", "failed")}
    lost = total - len(statuses) if total and total > len(statuses) else 0
    lines = [
        f"labsim sweep: {len(statuses)} runs in {seconds:.1f} s: {counts['done']} done, "
        f"{counts['skipped']} skipped (already complete), {counts['failed']} failed"
        + (f", {lost} not reported (run the sweep again to complete them)" if lost else "")
    ]
    lines += [
        f"  failed {s['run']} ({' '.join(s.get('overrides', []))}): {s['reason']}"
        for s in statuses
        if s["status"] == "failed"
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Summary tables
# ---------------------------------------------------------------------------------------


def _dotted(config: dict[str, Any], key: str) -> Any:
    value: Any = config
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _swept_keys(manifest: dict[str, Any]) -> list[str]:
    """Parameters set for this run: its overrides and the columns of its sample file."""
    keys = []
    for override in manifest.get("overrides") or []:
        key = override.split("=", 1)[0].lstrip("+~")
        if not key.startswith("hydra") and key not in ("scenario", "seed"):
            keys.append(key)
    samples = _dotted(manifest["config"], "sweep.samples")
    if samples and Path(samples).is_file():
        keys += read_samples(samples)[0]
    return keys


def complete_runs(sweep_dir: Path) -> tuple[list[Path], list[Path]]:
    """Complete and incomplete run folders below ``sweep_dir``.

    A run folder is one with a manifest or a Hydra job record (``.hydra``); it is
    complete when :func:`sim.output.is_complete` holds.
    """
    candidates = {p.parent for p in Path(sweep_dir).rglob(MANIFEST)}
    candidates |= {p.parent for p in Path(sweep_dir).rglob(".hydra") if p.is_dir()}
    complete, incomplete = [], []
    for folder in sorted(candidates):
        (complete if is_complete(folder) else incomplete).append(folder)
    return complete, incomplete


def sweep_table(folders: Sequence[Path]) -> Any:
    """One row per run: folder, hashes, scenario, seed, swept parameters, outcomes.

    Outcomes are :data:`sim.compare.HEADLINE_METRICS` at the run's last month (column
    ``horizon``); parameters are ``param.<dotted key>`` with the value the run used.
    """
    import pandas as pd

    from sim.compare import headline_metrics

    rows = []
    for folder in folders:
        manifest = json.loads((folder / MANIFEST).read_text())
        config = manifest["config"]
        national = pd.read_parquet(folder / "national.parquet").sort_values("month")
        groups = pd.read_parquet(folder / "groups.parquet")
        horizon = int(national["month"].max())
        row: dict[str, Any] = {
            "run": folder.name,
            "path": str(folder),
            "run_hash": manifest.get("run_hash") or run_hash(config),
            "ensemble_hash": ensemble_hash(config),
            "scenario": manifest["scenario"],
            "seed": int(manifest["seed"]),
            "scale": float(manifest["scale"]),
            "horizon": horizon,
            "sample_row": config["sweep"]["row"] if config["sweep"]["samples"] else None,
            "wall_seconds": manifest.get("wall_seconds"),
        }
        for key in _swept_keys(manifest):
            value = _dotted(config, key)
            row[f"param.{key}"] = value if isinstance(value, int | float | str) else str(value)
        row.update(headline_metrics(national, groups, horizon))
        rows.append(row)
    table = pd.DataFrame(rows)
    if not table.empty:
        table = table.sort_values(["scenario", "ensemble_hash", "seed"], ignore_index=True)
    return table


def _ensemble_label(rows: Any, varying: Sequence[str]) -> str:
    first = rows.iloc[0]
    parts = [str(first["scenario"])]
    for col in varying:
        if rows[col].notna().any():
            parts.append(f"{col.removeprefix('param.')}={first[col]}")
    if first["sample_row"] is not None and not _isnan(first["sample_row"]):
        parts.append(f"row {int(first['sample_row'])}")
    return " ".join(parts)


def _isnan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def ensemble_table(runs: Any) -> Any:
    """Mean, sd, 95 % t-interval of the mean and 5-95 % range per ensemble, month, variable.

    Parameters
    ----------
    runs : DataFrame
        :func:`sweep_table` output (needs ``path``, ``ensemble_hash``, ``scenario``).
    """
    import numpy as np
    import pandas as pd
    from scipy import stats

    # Labels name the parameters that differ between ensembles of the sweep.
    varying = [
        c
        for c in runs.columns
        if c.startswith("param.") and runs[c].astype(str).nunique(dropna=False) > 1
    ]
    frames = []
    for digest, rows in runs.groupby("ensemble_hash", sort=False):
        nationals = [pd.read_parquet(Path(p) / "national.parquet") for p in rows["path"]]
        stacked = pd.concat(nationals, ignore_index=True)
        numeric = [c for c in stacked.columns if c != "month" and stacked[c].dtype.kind in "fiub"]
        long = stacked.melt(id_vars="month", value_vars=numeric, var_name="variable")
        long["value"] = long["value"].astype(float)
        grouped = long.groupby(["month", "variable"], sort=True)["value"]
        out = grouped.agg(n="count", mean="mean", sd="std").reset_index()
        out["p05"] = grouped.quantile(0.05).to_numpy()
        out["p95"] = grouped.quantile(0.95).to_numpy()
        n = out["n"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(n > 1, stats.t.ppf(0.975, np.maximum(n - 1, 1)), np.nan)
            half = t * out["sd"].to_numpy() / np.sqrt(n)
        out["ci_low"] = out["mean"] - half
        out["ci_high"] = out["mean"] + half
        out.insert(0, "ensemble", _ensemble_label(rows, varying))
        out.insert(1, "ensemble_hash", digest)
        out.insert(2, "scenario", rows["scenario"].iloc[0])
        frames.append(out)
    columns = ["ensemble", "ensemble_hash", "scenario", "month", "variable", "n", "mean", "sd"]
    if not frames:
        return pd.DataFrame(columns=[*columns, "ci_low", "ci_high", "p05", "p95"])
    return pd.concat(frames, ignore_index=True)[[*columns, "ci_low", "ci_high", "p05", "p95"]]


def ensemble_figure(ensembles: Any, path: Path, max_ensembles: int = 10) -> Path | None:
    """Mean paths with 95 % bands of the ensembles with at least two seeds.

    Returns None (and draws nothing) when no ensemble has two seeds.
    """
    from sim.plots import new_figure, save_figure

    multi = ensembles[ensembles["n"] >= 2]
    labels = list(dict.fromkeys(multi["ensemble"]))[:max_ensembles]
    if not labels:
        return None
    fig = new_figure(11, 7)
    axes = fig.subplots(2, 2).ravel()
    for ax, (column, ylabel, factor) in zip(axes, BAND_VARIABLES, strict=True):
        for i, label in enumerate(labels):
            rows = multi[(multi["ensemble"] == label) & (multi["variable"] == column)]
            if rows.empty:
                continue
            colour = f"C{i % 10}"
            n = int(rows["n"].min())
            ax.plot(rows["month"], rows["mean"] * factor, color=colour, label=f"{label} (n={n})")
            ax.fill_between(
                rows["month"],
                rows["ci_low"] * factor,
                rows["ci_high"] * factor,
                color=colour,
                alpha=0.25,
                linewidth=0,
            )
        ax.set_xlabel("month")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="best")
    fig.suptitle("Ensembles: mean over seeds with 95 % confidence band of the mean")
    path.parent.mkdir(parents=True, exist_ok=True)
    return save_figure(fig, path)


def summarize_sweep(sweep_dir: Path) -> list[Path]:
    """Write ``sweep.parquet``, ``ensemble.parquet`` and the band figure of a sweep folder.

    Returns
    -------
    list of Path
        The files written (nothing when the folder holds no complete run).
    """
    from sim.output import write_parquet

    sweep_dir = Path(sweep_dir)
    complete, _ = complete_runs(sweep_dir)
    if not complete:
        return []
    runs = sweep_table(complete)
    ensembles = ensemble_table(runs)
    written = [sweep_dir / SWEEP_TABLE, sweep_dir / ENSEMBLE_TABLE]
    write_parquet(runs.drop(columns=["path"]), written[0])
    write_parquet(ensembles, written[1])
    figure = ensemble_figure(ensembles, sweep_dir / "figures" / ENSEMBLE_FIGURE)
    return written + ([figure] if figure else [])


# ---------------------------------------------------------------------------------------
# Launching a sweep from Python (experiments) and the labsim-sweep command
# ---------------------------------------------------------------------------------------

LAUNCHERS = ("basic", "joblib", "submitit_local", "submitit_slurm", "ray")


def launcher_overrides(launcher: str, n_jobs: int = 2) -> list[str]:
    """Hydra overrides that select ``launcher`` with ``n_jobs`` parallel runs.

    Raises
    ------
    ValueError
        If ``launcher`` is not one of :data:`LAUNCHERS`.
    """
    if launcher == "basic":
        return []
    if launcher == "joblib":
        return ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={n_jobs}"]
    if launcher == "submitit_local":
        # The local executor starts every job of a batch at once: batches of n_jobs.
        return ["hydra/launcher=submitit_local", f"hydra.sweeper.max_batch_size={n_jobs}"]
    if launcher == "submitit_slurm":
        return ["hydra/launcher=submitit_slurm", f"hydra.launcher.array_parallelism={n_jobs}"]
    if launcher == "ray":
        return [
            "hydra/launcher=ray",
            "+hydra.launcher.ray.init._node_ip_address=127.0.0.1",
            "+hydra.launcher.ray.init.include_dashboard=false",
            f"+hydra.launcher.ray.init.num_cpus={n_jobs}",
        ]
    raise ValueError(f"launcher={launcher!r} is unknown; allowed: {', '.join(LAUNCHERS)}")


def labsim_command(overrides: Sequence[str], launcher: str = "basic", n_jobs: int = 2) -> list[str]:
    """The ``labsim --multirun`` command line of a sweep, as an argument list."""
    return [
        sys.executable,
        "-c",
        "from sim.cli import main; main()",
        "--multirun",
        *overrides,
        *launcher_overrides(launcher, n_jobs),
    ]


def add_launcher_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--launcher`` and ``--jobs`` (the options of every experiment script)."""
    parser.add_argument("--launcher", default="joblib", choices=LAUNCHERS)
    parser.add_argument("--jobs", type=int, default=2, help="parallel runs")


def run_sweep(overrides: Sequence[str], launcher: str = "basic", n_jobs: int = 2) -> int:
    """Run ``labsim --multirun`` with ``overrides`` on ``launcher``; return its exit status.

    The sweep's per-run lines and summary go to this process's output; status 1 means
    some runs failed or did not report (the others are complete).
    """
    import subprocess

    return subprocess.call(labsim_command(overrides, launcher, n_jobs))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Summaries of a sweep folder written by `labsim --multirun`.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    summarize = sub.add_parser(
        "summarize",
        help="(re)build sweep.parquet, ensemble.parquet and figures/ensemble_bands.png",
    )
    summarize.add_argument("sweep_dir", type=Path, help="the sweep's folder (hydra.sweep.dir)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``labsim-sweep``."""
    args = _parser().parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"{PROG}: error: {args.sweep_dir}: no such folder", file=sys.stderr)
        return 2
    complete, incomplete = complete_runs(args.sweep_dir)
    for folder in incomplete:
        print(f"{PROG}: incomplete run folder (not summarised): {folder}", file=sys.stderr)
    written = summarize_sweep(args.sweep_dir)
    if not written:
        print(f"{PROG}: error: {args.sweep_dir}: no complete run folder", file=sys.stderr)
        return 2
    print(f"{PROG}: {len(complete)} complete runs, {len(incomplete)} incomplete")
    for path in written:
        print(f"{PROG}: wrote {path}")
    return 0
