"""Invariant: parallel kernels give the same run whatever the number of threads."""

import os
import subprocess
import sys

import pytest

_DIGEST = """
import hashlib
from sim.runner import run
tables = run("combined", scale=0.003, seed=4, horizon_months=36)
digest = hashlib.sha256()
for name in sorted(tables):
    digest.update(tables[name].to_csv(index=False).encode())
print(digest.hexdigest())
"""


def _digest(threads: int) -> str:
    env = {**os.environ, "NUMBA_NUM_THREADS": str(threads)}
    done = subprocess.run(
        [sys.executable, "-c", _DIGEST], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(os.cpu_count() < 2, reason="needs two cores to run two threads")
def test_one_and_two_threads_give_identical_tables():
    assert _digest(1) == _digest(2)
