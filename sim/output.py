"""Writing a run's folder: tables as Parquet, figures, and the manifest, all atomically.

Every file is written to a temporary name and renamed, and ``manifest.json`` is
written last: a run folder is complete exactly when its manifest exists and lists the
files with their SHA-256. A crash leaves no manifest, so nothing half-written can be
taken for a result.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import tempfile
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from sim.config import LabsimConfig

MANIFEST = "manifest.json"
_LIBRARIES = (
    "numpy",
    "numba",
    "mesa",
    "hydra-core",
    "omegaconf",
    "pandas",
    "pyarrow",
    "matplotlib",
)


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` to ``path`` atomically (deterministic bytes for equal frames)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def package_version() -> str:
    """Installed version of this package, or 'unknown' when run from a bare checkout."""
    try:
        return metadata.version("kz-labour-automation-sim")
    except metadata.PackageNotFoundError:
        return "unknown"


def git_commit() -> str | None:
    """Commit of the source checkout, if the package runs from one."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def library_versions() -> dict[str, str]:
    """Versions of the libraries a result depends on."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def write_run(
    out_dir: Path,
    tables: dict[str, pd.DataFrame],
    cfg: LabsimConfig,
    figures: list[Path],
    extra: dict[str, Any],
) -> Path:
    """Write the tables and then the manifest into ``out_dir``; return the manifest path.

    Parameters
    ----------
    out_dir : Path
        The run folder (created if missing).
    tables : dict of DataFrame
        Contract tables by name; each becomes ``<name>.parquet``.
    cfg : LabsimConfig
        The resolved configuration, stored in the manifest.
    figures : list of Path
        Figure files already written into ``out_dir/figures``.
    extra : dict
        Further manifest fields (wall seconds, number of agents, ...).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MANIFEST).unlink(missing_ok=True)
    files = {}
    for name, df in tables.items():
        path = out_dir / f"{name}.parquet"
        write_parquet(df, path)
        files[path.name] = sha256(path)
    for fig in figures:
        files[str(fig.relative_to(out_dir))] = sha256(fig)
    manifest = {
        "scenario": cfg.scenario_name,
        "seed": cfg.seed,
        "scale": cfg.scale,
        "horizon_months": cfg.horizon_months,
        "start": cfg.start,
        "config": asdict(cfg),
        "package_version": package_version(),
        "git_commit": git_commit(),
        "libraries": library_versions(),
        **extra,
        "files": files,
        "complete": True,
    }
    path = out_dir / MANIFEST
    atomic_write_bytes(path, (json.dumps(manifest, indent=2, default=str) + "\n").encode())
    return path


def is_complete(run_dir: Path) -> bool:
    """True when ``run_dir`` holds a manifest whose listed files exist with their hashes."""
    path = Path(run_dir) / MANIFEST
    if not path.is_file():
        return False
    try:
        manifest = json.loads(path.read_text())
    except json.JSONDecodeError:
        return False
    if not manifest.get("complete"):
        return False
    return all(
        (run_dir / name).is_file() and sha256(run_dir / name) == digest
        for name, digest in manifest.get("files", {}).items()
    )
