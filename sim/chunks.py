"""Fixed chunks of agents for parallel kernels that give the serial result.

A parallel kernel splits agents into chunks that depend only on the number of agents,
never on the number of threads: each chunk is worked through in agent order, and
whatever the chunks produce (lists of agents, sums) is combined in chunk order. The
same run therefore gives the same numbers on one thread or many. Lists of agents come
out exactly as a serial pass would give them; floating-point sums are the chunks'
sums added in chunk order, which a serial pass would round differently in the last
bits, but always the same way for a given number of agents.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

#: Agents a chunk holds at least when listing agents (one chunk per this many).
CHUNK_MIN = 8192
#: Agents a chunk holds at least when it fills its own tables (sums by cell): zeroing
#: and adding up tables costs more than the parallel pass saves on smaller chunks.
TABLE_CHUNK_MIN = 65536
#: Chunks at most, so per-chunk tables stay small whatever the population.
CHUNKS_MAX = 64


@njit(cache=True)
def chunk_count(n: int, min_size: int = CHUNK_MIN) -> int:
    """Number of chunks of ``n`` agents: one per ``min_size`` agents, 1 to ``CHUNKS_MAX``."""
    return min(CHUNKS_MAX, max(1, (n + min_size - 1) // min_size))


@njit(cache=True)
def chunk_bounds(n: int, n_chunks: int, c: int) -> tuple[int, int]:
    """Agents ``[lo, hi)`` of chunk ``c`` of ``n_chunks`` (sizes differ by at most one)."""
    return (n * c) // n_chunks, (n * (c + 1)) // n_chunks


@njit(cache=True, parallel=True)
def flagged_indices(flag: np.ndarray) -> np.ndarray:
    """Indices ``i`` with ``flag[i] != 0``, ascending (int32), counted and listed in parallel.

    Equal to ``np.flatnonzero(flag)``: each chunk counts its flags, an exclusive prefix
    sum over chunks gives where its indices start, then each chunk writes them.
    """
    n = flag.shape[0]
    n_chunks = chunk_count(n)
    start = np.zeros(n_chunks + 1, dtype=np.int64)
    for c in prange(n_chunks):
        lo, hi = chunk_bounds(n, n_chunks, c)
        count = 0
        for i in range(lo, hi):
            if flag[i] != 0:
                count += 1
        start[c + 1] = count
    for c in range(n_chunks):
        start[c + 1] += start[c]
    out = np.empty(start[n_chunks], dtype=np.int32)
    for c in prange(n_chunks):
        lo, hi = chunk_bounds(n, n_chunks, c)
        k = start[c]
        for i in range(lo, hi):
            if flag[i] != 0:
                out[k] = i
                k += 1
    return out


@njit(cache=True, parallel=True)
def flag_words(flag: np.ndarray) -> np.ndarray:
    """``flag`` packed into bits: bit ``p % 64`` of word ``p // 64`` is ``flag[p] != 0``.

    A per-post flag read through each worker's post jumps around the posts: once hires
    have shuffled who works where, a byte per post (megabytes at full scale) misses the
    cache on most reads, while the packed bits (a sixty-fourth of the words) stay in it.
    """
    n = flag.shape[0]
    words = np.zeros((n + 63) // 64, dtype=np.uint64)
    for k in prange(words.shape[0]):
        word = np.uint64(0)
        for b in range(min(64, n - 64 * k)):
            if flag[64 * k + b] != 0:
                word |= np.uint64(1) << np.uint64(b)
        words[k] = word
    return words


@njit(cache=True)
def flag_is_set(words: np.ndarray, p: int) -> bool:
    """Whether bit ``p`` of ``words`` (packed by :func:`flag_words`) is set."""
    return (words[p >> 6] >> np.uint64(p & 63)) & np.uint64(1) != 0
