"""Random streams organised for common random numbers.

Each mechanism draws from its own stream, whose key is a stable hash of the run's seed
and the stream's name. Inside kernels a draw is a counter-based hash of
``(stream key, month, agent id, draw index)``: it depends on who draws and when, not
on how many draws other mechanisms or other scenarios made before it. Two scenarios
run with one seed therefore see the same luck for the same worker in the same month,
and differ only through the policy (common random numbers, as in Starsim).

The hash is SplitMix64's finaliser, which passes BigCrush as a counter-based generator
and costs a few integer operations, so kernels can call it per agent without keeping
generator state.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numba import njit, uint64

_MASK64 = (1 << 64) - 1


def stream_key(seed: int, name: str) -> np.uint64:
    """Key of the random stream ``name`` for a run seeded with ``seed``.

    Parameters
    ----------
    seed : int
        The run's seed.
    name : str
        Stream name, e.g. ``"matching"``.

    Returns
    -------
    numpy.uint64
        A 64-bit key that does not depend on Python's hash randomisation.
    """
    digest = hashlib.blake2b(f"{seed}:{name}".encode(), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little") & _MASK64)


def stream_generator(seed: int, name: str) -> np.random.Generator:
    """A NumPy generator for stream ``name`` (set-up draws outside kernels)."""
    return np.random.Generator(np.random.PCG64(int(stream_key(seed, name))))


@njit(cache=True, inline="always")
def _mix(z: uint64) -> uint64:
    z = (z ^ (z >> uint64(30))) * uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> uint64(27))) * uint64(0x94D049BB133111EB)
    return z ^ (z >> uint64(31))


@njit(cache=True, inline="always")
def uniform(key: uint64, month: int, agent: int, draw: int) -> float:
    """Uniform draw in [0, 1) tied to (stream, month, agent, draw index)."""
    z = _mix(key + uint64(0x9E3779B97F4A7C15) * uint64(month + 1))
    z = _mix(z ^ (uint64(agent) * uint64(0xD1B54A32D192ED03)))
    z = _mix(z + uint64(draw) * uint64(0x8CB92BA72F3D8DD7))
    return float(z >> uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def logistic(u: float) -> float:
    """Standard logistic variate from the uniform ``u`` (inverse CDF; ``u`` clipped off 0, 1)."""
    u = min(max(u, 1e-12), 1.0 - 1e-12)
    return np.log(u / (1.0 - u))


@njit(cache=True)
def _bucket_pass(
    keys: np.ndarray,
    index: np.ndarray,
    lo: int,
    hi: int,
    scale: float,
    offset: float,
    n_buckets: int,
    out_key: np.ndarray,
    out_index: np.ndarray,
    end: np.ndarray,
) -> None:
    """Counting sort of ``keys[lo:hi]`` (with ``index``) into ``out_*[lo:hi]``.

    Bucket of a key: ``(key * scale - offset) * n_buckets``, truncated and clipped to
    ``[0, n_buckets)``; it never decreases as the key grows. ``end[b]`` receives the
    end of bucket ``b``.
    """
    end[: n_buckets + 1] = 0
    for k in range(lo, hi):
        b = min(max(np.int64((keys[k] * scale - offset) * n_buckets), 0), n_buckets - 1)
        end[b + 1] += 1
    end[0] = lo
    for b in range(n_buckets):
        end[b + 1] += end[b]
    for k in range(lo, hi):
        b = min(max(np.int64((keys[k] * scale - offset) * n_buckets), 0), n_buckets - 1)
        out_key[end[b]] = keys[k]
        out_index[end[b]] = index[k]
        end[b] += 1


@njit(cache=True)
def order_of_uniforms(keys: np.ndarray) -> np.ndarray:
    """Indices that sort ``keys``, uniform draws in [0, 1), in ascending order.

    The order of ``np.argsort(keys)`` in a kernel, in expected linear time instead of
    ``n log n``. Keys are spread into coarse buckets (about 256 keys each), each coarse
    bucket into as many fine buckets as it holds keys (a key's bucket never exceeds
    that of a larger key), and an insertion sort finishes, moving each key past about
    one other. Two small passes instead of one over all keys keep the scattered writes
    within cache. Equal keys, whose order depends on the sorting algorithm, are handed
    to ``np.argsort`` itself, so the result is always the same as ``argsort``'s.
    """
    n = keys.shape[0]
    n_coarse = max(1, min(n >> 8, 4096))
    coarse_key = np.empty(n)
    coarse_index = np.empty(n, dtype=np.int64)
    end = np.empty(n_coarse + 1, dtype=np.int64)
    _bucket_pass(keys, np.arange(n), 0, n, 1.0, 0.0, n_coarse, coarse_key, coarse_index, end)
    bounds = np.empty(n_coarse + 1, dtype=np.int64)
    bounds[0] = 0
    bounds[1:] = end[:n_coarse]
    largest = 0
    for c in range(n_coarse):
        largest = max(largest, bounds[c + 1] - bounds[c])
    sorted_key = np.empty(n)
    order = np.empty(n, dtype=np.int64)
    fine_end = np.empty(largest + 1, dtype=np.int64)
    for c in range(n_coarse):
        lo, hi = bounds[c], bounds[c + 1]
        # Keys of coarse bucket c lie in [c, c + 1) / n_coarse: spread them over hi - lo.
        _bucket_pass(
            coarse_key,
            coarse_index,
            lo,
            hi,
            float(n_coarse),
            float(c),
            hi - lo,
            sorted_key,
            order,
            fine_end,
        )
    tie = False
    for a in range(1, n):
        v = sorted_key[a]
        j = order[a]
        c = a - 1
        while c >= 0 and sorted_key[c] > v:
            sorted_key[c + 1] = sorted_key[c]
            order[c + 1] = order[c]
            c -= 1
        sorted_key[c + 1] = v
        order[c + 1] = j
        tie = tie or (c >= 0 and sorted_key[c] == v)
    if tie:
        return np.argsort(keys)
    return order
