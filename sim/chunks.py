"""Fixed chunks of agents for parallel kernels that give the serial result.

A parallel kernel splits agents into chunks that depend only on the number of agents,
never on the number of threads: each chunk is worked through in agent order, and
whatever the chunks produce (lists of agents, sums) is combined in chunk order. The
same run therefore gives the same numbers on one thread or many. Lists of agents come
out exactly as a serial pass would give them; floating-point sums are the chunks'
sums added in chunk order, which a serial pass would round differently in the last
bits, but always the same way for a given number of agents.

Two ways to run chunks in parallel: inside a kernel, numba's ``prange`` over chunks
(:func:`flagged_indices`); from Python, :func:`run_in_chunks`, which hands ranges of
chunks to a pool of threads, each calling a plain ``nogil`` kernel. The second costs
no parallel-loop compilation (one to two seconds per ``prange`` kernel on a cold
cache), so the table sums that mechanisms call from Python use it, through
:func:`sum_in_chunks` (one zeroed table per chunk, added up in chunk order).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numba
import numpy as np
from numba import njit, prange

#: Agents a chunk holds at least when listing agents (one chunk per this many).
CHUNK_MIN = 8192
#: Agents a chunk holds at least when it fills its own tables (sums by cell): zeroing
#: and adding up tables costs more than the parallel pass saves on smaller chunks.
TABLE_CHUNK_MIN = 65536
#: Chunks at most, so per-chunk tables stay small whatever the population.
CHUNKS_MAX = 64
#: Chunks a pool thread of :func:`run_in_chunks` gets at least: handing work to a thread
#: costs about a tenth of a millisecond, so small runs stay on the calling thread.
CHUNKS_PER_THREAD_MIN = 4


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
    """Indices ``i`` with ``flag[i]`` true, ascending (int32), listed in parallel.

    Equal to ``np.flatnonzero(flag)``: each chunk lists its indices from where the
    chunk starts in a work array, then the chunks' lists are joined in chunk order.
    ``flag`` is a boolean array (one type, so the parallel loop compiles once).
    """
    n = flag.shape[0]
    n_chunks = chunk_count(n)
    listed = np.empty(n, dtype=np.int32)
    count = np.zeros(n_chunks, dtype=np.int64)
    for c in prange(n_chunks):
        lo, hi = chunk_bounds(n, n_chunks, c)
        k = lo
        for i in range(lo, hi):
            if flag[i]:
                listed[k] = i
                k += 1
        count[c] = k - lo
    out = np.empty(count.sum(), dtype=np.int32)
    m = 0
    for c in range(n_chunks):
        lo = chunk_bounds(n, n_chunks, c)[0]
        for k in range(lo, lo + count[c]):
            out[m] = listed[k]
            m += 1
    return out


@njit(cache=True)
def flag_words(flag: np.ndarray) -> np.ndarray:
    """``flag`` packed into bits: bit ``p % 64`` of word ``p // 64`` is ``flag[p] != 0``.

    A per-post flag read through each worker's post jumps around the posts: once hires
    have shuffled who works where, a byte per post (megabytes at full scale) misses the
    cache on most reads, while the packed bits (a sixty-fourth of the words) stay in it.
    """
    n = flag.shape[0]
    words = np.zeros((n + 63) // 64, dtype=np.uint64)
    for k in range(words.shape[0]):
        word = np.uint64(0)
        for b in range(min(64, n - 64 * k)):
            if flag[64 * k + b] != 0:
                word |= np.uint64(1) << np.uint64(b)
        words[k] = word
    return words


@njit(cache=True)
def flag_is_set(words: np.ndarray, p: int) -> bool:
    """Whether bit ``p`` of ``words`` (packed by :func:`flag_words`) is set."""
    q = np.uint64(p)  # unsigned: numba skips wrapping negative indices around
    return (words[q >> np.uint64(6)] >> (q & np.uint64(63))) & np.uint64(1) != 0


_pool: ThreadPoolExecutor | None = None
_pool_threads = 0
_pool_lock = threading.Lock()


def _drop_pool() -> None:
    # A forked child inherits the pool object but not its threads.
    global _pool, _pool_threads
    _pool, _pool_threads = None, 0


os.register_at_fork(after_in_child=_drop_pool)


def run_in_chunks(kernel: Callable[..., None], n_chunks: int, *args: Any) -> None:
    """Call ``kernel(c_lo, c_hi, n_chunks, *args)`` on ranges of chunks, in parallel.

    The chunks ``0 .. n_chunks - 1`` are split into one contiguous range per thread
    (numba's thread count, :func:`numba.get_num_threads`: ``NUMBA_NUM_THREADS`` or
    ``numba.set_num_threads``; fewer if a thread would get less than
    ``CHUNKS_PER_THREAD_MIN`` chunks); the calling thread takes the first range, a pool
    the others. ``kernel`` must be compiled with ``nogil=True`` and write each chunk's
    results only to that chunk's entries, so the threads give the serial result.
    """
    global _pool, _pool_threads
    threads = min(numba.get_num_threads(), n_chunks // CHUNKS_PER_THREAD_MIN)
    if threads <= 1:
        kernel(0, n_chunks, n_chunks, *args)
        return
    with _pool_lock:
        if _pool is None or _pool_threads < threads - 1:
            # Not shut down: another simulation may still be handing the old pool chunks;
            # its threads end once it is no longer referenced.
            _pool = ThreadPoolExecutor(max_workers=threads - 1, thread_name_prefix="labsim-chunks")
            _pool_threads = threads - 1
        pool = _pool
    cuts = [n_chunks * t // threads for t in range(threads + 1)]
    futures = [
        pool.submit(kernel, cuts[t], cuts[t + 1], n_chunks, *args) for t in range(1, threads)
    ]
    kernel(cuts[0], cuts[1], n_chunks, *args)
    for future in futures:
        future.result()


def sum_in_chunks(
    kernel: Callable[..., None],
    n_items: int,
    tables: Sequence[tuple[tuple[int, ...], type]],
    *args: Any,
) -> list[np.ndarray]:
    """Tables summed over ``n_items`` agents (or posts) by fixed chunks, in chunk order.

    ``tables`` gives the shape and dtype of each table. Every chunk gets its own zeroed
    copies, which ``kernel(c_lo, c_hi, n_chunks, *args, *chunk_tables)`` fills (row
    ``c`` of each for chunk ``c``) through :func:`run_in_chunks`; the chunks' rows are
    then added up in chunk order. Chunks hold at least ``TABLE_CHUNK_MIN`` items.
    """
    n_chunks = chunk_count(n_items, TABLE_CHUNK_MIN)
    parts = [np.zeros((n_chunks, *shape), dtype=dtype) for shape, dtype in tables]
    run_in_chunks(kernel, n_chunks, *args, *parts)
    return [part.sum(axis=0) for part in parts]
