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


@njit(cache=True)
def mix64(z: uint64) -> uint64:
    """SplitMix64's finaliser: a bijective 64-bit hash of ``z``."""
    z = (z ^ (z >> uint64(30))) * uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> uint64(27))) * uint64(0x94D049BB133111EB)
    return z ^ (z >> uint64(31))


@njit(cache=True)
def uniform(key: uint64, month: int, agent: int, draw: int) -> float:
    """Uniform draw in [0, 1) tied to (stream, month, agent, draw index)."""
    z = mix64(key + uint64(0x9E3779B97F4A7C15) * uint64(month + 1))
    z = mix64(z ^ (uint64(agent) * uint64(0xD1B54A32D192ED03)))
    z = mix64(z + uint64(draw) * uint64(0x8CB92BA72F3D8DD7))
    return float(z >> uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def logistic(u: float) -> float:
    """Standard logistic variate from the uniform ``u`` (inverse CDF; ``u`` clipped off 0, 1)."""
    u = min(max(u, 1e-12), 1.0 - 1e-12)
    return np.log(u / (1.0 - u))


@njit(cache=True)
def bucket_pass(
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
def order_of_keys(keys: np.ndarray, key_max: float) -> np.ndarray:
    """Indices that sort ``keys`` (in ``[0, key_max)``, spread about evenly) in ascending order.

    Stable: equal keys keep their order, as with ``np.argsort(kind="stable")``. Expected
    linear time: keys go into coarse buckets (about 256 each), each coarse bucket into as
    many fine buckets as it holds keys (:func:`bucket_pass`), and
    :func:`insertion_sort` finishes, moving each key past about one other.
    """
    n = keys.shape[0]
    n_coarse = max(1, min(n >> 8, 4096))
    coarse_key = np.empty(n)
    coarse_index = np.empty(n, dtype=np.int64)
    end = np.empty(n_coarse + 1, dtype=np.int64)
    scale = 1.0 / key_max
    bucket_pass(keys, np.arange(n), 0, n, scale, 0.0, n_coarse, coarse_key, coarse_index, end)
    sorted_key = np.empty(n)
    order = np.empty(n, dtype=np.int64)
    fine_end = np.empty(n + 1, dtype=np.int64)
    lo = 0
    for c in range(n_coarse):
        hi = end[c]
        # Keys of coarse bucket c lie in [c, c + 1) * key_max / n_coarse.
        bucket_pass(
            coarse_key, coarse_index, lo, hi, scale * n_coarse, float(c), hi - lo,
            sorted_key, order, fine_end,
        )  # fmt: skip
        lo = hi
    insertion_sort(sorted_key, order, n)
    return order


@njit(cache=True)
def insertion_sort(keys: np.ndarray, payload: np.ndarray, n: int) -> None:
    """Sort ``keys[:n]`` ascending in place, moving ``payload`` along; stable.

    Linear when each key is only a few places from its rank, as after a
    :func:`bucket_pass` into about as many buckets as keys.
    """
    for a in range(1, n):
        v = keys[a]
        carried = payload[a]
        b = a - 1
        while b >= 0 and keys[b] > v:
            keys[b + 1] = keys[b]
            payload[b + 1] = payload[b]
            b -= 1
        keys[b + 1] = v
        payload[b + 1] = carried
