"""Fixed chunks for parallel kernels: bounds, counts and listing of flagged agents."""

import numpy as np
import pytest

from sim.chunks import (
    CHUNK_MIN,
    CHUNKS_MAX,
    CHUNKS_PER_THREAD_MIN,
    TABLE_CHUNK_MIN,
    chunk_bounds,
    chunk_count,
    flag_is_set,
    flag_words,
    flagged_indices,
    run_in_chunks,
    sum_in_chunks,
)


@pytest.mark.parametrize("n", [0, 1, 7, CHUNK_MIN, CHUNK_MIN + 1, 10 * CHUNK_MIN + 3])
def test_chunks_cover_every_agent_once_in_order(n):
    n_chunks = chunk_count(n)
    bounds = [chunk_bounds(n, n_chunks, c) for c in range(n_chunks)]
    assert bounds[0][0] == 0 and bounds[-1][1] == n
    for (_, hi), (lo, _) in zip(bounds[:-1], bounds[1:], strict=True):
        assert hi == lo
    sizes = [hi - lo for lo, hi in bounds]
    assert max(sizes) - min(sizes) <= 1


def test_chunk_count_depends_on_agents_only_and_is_capped():
    assert chunk_count(0) == 1
    assert chunk_count(CHUNK_MIN) == 1
    assert chunk_count(CHUNK_MIN + 1) == 2
    assert chunk_count(10**9) == CHUNKS_MAX
    assert chunk_count(3 * TABLE_CHUNK_MIN, TABLE_CHUNK_MIN) == 3


@pytest.mark.parametrize("n", [0, 5, 3 * CHUNK_MIN + 11])
def test_flagged_indices_equal_flatnonzero(n):
    flag = np.random.default_rng(n).random(n) < 0.03
    got = flagged_indices(flag)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, np.flatnonzero(flag))


def test_flagged_indices_all_and_none():
    n = 2 * CHUNK_MIN + 5
    np.testing.assert_array_equal(flagged_indices(np.ones(n, np.bool_)), np.arange(n))
    assert flagged_indices(np.zeros(n, np.bool_)).shape == (0,)


@pytest.mark.parametrize("n", [0, 1, 63, 64, 65, 1000])
def test_flag_words_pack_every_flag(n):
    flag = np.random.default_rng(n).random(n) < 0.3
    words = flag_words(flag)
    assert words.shape == ((n + 63) // 64,)
    assert [flag_is_set(words, p) for p in range(n)] == flag.tolist()
    np.testing.assert_array_equal(
        np.unpackbits(words.view(np.uint8), bitorder="little")[:n].astype(bool), flag
    )


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_run_in_chunks_gives_every_chunk_once_whatever_the_threads(threads):
    import numba

    @numba.njit(nogil=True)
    def mark(c_lo, c_hi, n_chunks, out):
        for c in range(c_lo, c_hi):
            out[c] += c + 1

    n_chunks = 3 * CHUNKS_PER_THREAD_MIN + 1
    out = np.zeros(n_chunks, dtype=np.int64)
    previous = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        run_in_chunks(mark, n_chunks, out)
    finally:
        numba.set_num_threads(previous)
    np.testing.assert_array_equal(out, np.arange(1, n_chunks + 1))


@pytest.mark.parametrize("n", [0, 9, 5 * TABLE_CHUNK_MIN + 7])
def test_sum_in_chunks_adds_every_chunk_table_once(n):
    import numba

    @numba.njit(nogil=True)
    def count(c_lo, c_hi, n_chunks, values, counts, totals):
        for c in range(c_lo, c_hi):
            lo, hi = chunk_bounds(values.shape[0], n_chunks, c)
            for i in range(lo, hi):
                counts[c, values[i]] += 1
                totals[c] += values[i]

    values = np.random.default_rng(n).integers(0, 4, n)
    counts, totals = sum_in_chunks(count, n, [((4,), np.int64), ((), np.int64)], values)
    np.testing.assert_array_equal(counts, np.bincount(values, minlength=4))
    assert totals == values.sum() and counts.dtype == np.int64
