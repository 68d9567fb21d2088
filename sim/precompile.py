"""Compile the simulator's kernels before a run, on every core at once.

numba compiles a kernel the first time it is called and keeps the machine code in its
on-disk cache (``cache=True``), so only the first run on a machine compiles, about a
minute on one core. This module compiles the kernels of a run up front, shared between
one process per core: the first run waits about half as long (on two cores), later
runs find every kernel in the cache and skip this step.

The kernels and their argument types are listed in ``kernel_signatures.txt``, one
``module<TAB>function<TAB>signature`` per line, recorded from short runs of every
shipped scenario (``python -m sim.precompile --record``; a test checks that the list
matches what a run compiles). Each process walks the list from its own starting point
and compiles the kernels nobody has claimed yet (a claim is a file created
exclusively), so the work splits itself whatever each kernel costs. A kernel missing
from the list, or one whose claimant failed, is compiled by numba when first called,
as without this module.

Usage: ``python -m sim.precompile`` (compile what the cache lacks), ``--record``
(rewrite the list).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

SIGNATURES = Path(__file__).with_name("kernel_signatures.txt")
#: Kernels missing from the cache below which compiling them lazily, on one core, is
#: quicker than starting processes (about two seconds each).
COLD_KERNELS_MIN = 4


def _dispatchers() -> dict[tuple[str, str], Any]:
    """Every numba dispatcher defined in the ``sim`` package, by (module, name)."""
    from numba.core.registry import CPUDispatcher

    import sim

    found = {}
    for info in pkgutil.walk_packages(sim.__path__, "sim."):
        if info.name.startswith("sim.dashboard") or info.name == "sim.precompile":
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, CPUDispatcher) and value.__module__ == info.name:
                found[(info.name, name)] = value
    return found


def compiled_signatures() -> list[tuple[str, str, str]]:
    """``(module, function, signature)`` of every kernel compiled in this process, sorted.

    Versions that numba specialises on a constant argument (``Literal[int](0)``, an
    omitted default) are left out: they are compiled with the kernels that call them.
    """
    return sorted(
        (module, name, repr(tuple(sig)))
        for (module, name), dispatcher in _dispatchers().items()
        for sig in dispatcher.signatures
        if _signature(repr(tuple(sig))) == tuple(sig)
    )


def _signature(text: str) -> tuple | None:
    """numba argument types from their ``repr`` (None if they cannot be rebuilt)."""
    from numba.core import types

    try:
        return tuple(eval(text, {name: getattr(types, name) for name in dir(types)}))  # noqa: S307
    except Exception:  # noqa: BLE001 - a type numba prints in a form it cannot read back
        return None


def listed_signatures(path: Path = SIGNATURES) -> list[tuple[str, str, str]]:
    """The ``(module, function, signature)`` entries of the kernel list."""
    if not path.exists():
        return []
    return [
        tuple(line.split("\t"))  # type: ignore[misc]
        for line in path.read_text().splitlines()
        if line and not line.startswith("#")
    ]


def record(path: Path = SIGNATURES, scale: float = 0.002, months: int = 13) -> int:
    """Run every shipped scenario briefly and write the kernels it compiled to ``path``.

    The runs go in a fresh process with an empty cache, so that every kernel is compiled
    there, including those only called from other kernels (loaded from a cache, a
    kernel brings the code of those it calls). Returns the number of entries written.
    """
    code = (
        "from sim.runner import available_scenarios, run\n"
        "from sim.precompile import compiled_signatures\n"
        "for scenario in available_scenarios():\n"
        f"    run(scenario, scale={scale!r}, horizon_months={months!r})\n"
        "for entry in compiled_signatures():\n"
        "    print('\\t'.join(entry))\n"
    )
    with tempfile.TemporaryDirectory(prefix="labsim-record-") as cache:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "NUMBA_CACHE_DIR": cache},
            capture_output=True,
            text=True,
            check=True,
        )
    lines = [line for line in done.stdout.splitlines() if line.count("\t") == 2]
    text = "# Kernels a run compiles: written by `python -m sim.precompile --record`.\n"
    text += "".join(line + "\n" for line in lines)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return len(lines)


def _resolve(entries: list[tuple[str, str, str]]) -> list[tuple[Any, tuple]]:
    """Dispatchers and numba argument types of the entries; unknown ones are dropped."""
    resolved = []
    for module, name, text in entries:
        signature = _signature(text)
        try:
            dispatcher = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):  # a stale entry only loses its head start
            continue
        if signature is not None:
            resolved.append((dispatcher, signature))
    return resolved


def _cached(dispatcher: Any) -> bool:
    """Whether the kernel has an index in numba's on-disk cache (any signature)."""
    try:
        return Path(dispatcher._cache._cache_file._index_path).exists()
    except AttributeError:  # another numba version: assume cached, compile lazily
        return True


def compile_share(claims: Path, start: int, path: Path = SIGNATURES) -> None:
    """Compile the kernels of list ``path`` not claimed yet, walking it from entry ``start``.

    Entry ``j`` is claimed by creating the file ``claims / str(j)``, which fails if
    another process created it first.
    """
    kernels = _resolve(listed_signatures(path))
    n = len(kernels)
    for k in range(n):
        j = (start + k) % n
        try:
            os.close(os.open(claims / str(j), os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            continue
        dispatcher, signature = kernels[j]
        try:
            dispatcher.compile(signature)
        except Exception:  # noqa: BLE001 - the run compiles it when called, and reports
            continue


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def compile_kernels(processes: int | None = None, path: Path = SIGNATURES) -> int:
    """Compile the listed kernels the cache lacks, in ``processes`` processes (one per core).

    Nothing is done when fewer than ``COLD_KERNELS_MIN`` kernels of the list ``path``
    lack an entry in numba's cache. Returns the number that did.
    """
    kernels = _resolve(listed_signatures(path))
    cold = {id(d) for d, _ in kernels if not _cached(d)}
    if len(cold) < COLD_KERNELS_MIN:
        return len(cold)
    processes = max(1, min(processes or _cores(), len(kernels)))
    print(
        f"labsim: compiling {len(cold)} kernels on {processes} cores (once per machine)",
        file=sys.stderr,
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="labsim-compile-") as claims:
        helpers = [
            subprocess.Popen(
                [sys.executable, "-m", "sim.precompile", "--list", str(path)]
                + ["--claims", claims, "--start", str(start)]
            )
            for start in (len(kernels) * p // processes for p in range(1, processes))
        ]
        try:
            compile_share(Path(claims), 0, path)
        finally:
            for helper in helpers:
                helper.wait()
    return len(cold)


def main(argv: list[str] | None = None) -> None:
    """Command line: compile what the cache lacks, or ``--record`` the kernel list."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="rewrite the kernel list")
    parser.add_argument("--processes", type=int, default=None, help="default: one per core")
    parser.add_argument("--list", type=Path, default=SIGNATURES, help=argparse.SUPPRESS)
    parser.add_argument("--claims", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.processes is not None and args.processes < 1:
        parser.error(f"--processes={args.processes}: must be a whole number of at least 1")
    if args.claims is not None:
        compile_share(args.claims, args.start, args.list)
    elif args.record:
        print(f"{record(args.list)} kernel signatures written to {args.list}")
    else:
        cold = compile_kernels(args.processes, args.list)
        print(f"labsim: {cold} kernels were missing from numba's cache")


if __name__ == "__main__":
    main()
