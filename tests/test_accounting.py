"""The wage histogram's bins: found from a float's bits, equal to the logarithm's."""

import numpy as np
from numba import njit

from sim.accounting import GINI_BINS, wage_bin, wage_bin_tables, wage_bins
from sim.state import EMPLOYED, UNEMPLOYED


@njit(cache=True)
def _bins_by_logarithm(status, wage, out):
    for i in range(wage.shape[0]):
        out[i] = wage_bin(wage[i]) if status[i] == EMPLOYED and wage[i] > 0.0 else -1


def _both(wage, status=None):
    wage = np.ascontiguousarray(wage, dtype=np.float32)
    if status is None:
        status = np.full(wage.shape[0], EMPLOYED, np.int8)
    by_log = np.empty(wage.shape[0], np.int16)
    by_bits = np.empty(wage.shape[0], np.int16)
    _bins_by_logarithm(status, wage, by_log)
    wage_bins(status, wage.view(np.uint32), 0, wage.shape[0], *wage_bin_tables(), by_bits)
    return by_log, by_bits


def test_bins_from_bits_equal_the_logarithms_at_every_edge_and_in_between():
    lowest = wage_bin_tables()[0]
    edges = lowest[1:].astype(np.int64)
    near = np.concatenate([edges + d for d in (-2, -1, 0, 1, 2)]).astype(np.uint32)
    by_log, by_bits = _both(near.view(np.float32))
    assert np.array_equal(by_log, by_bits)
    # Each edge is where the bin steps up by one.
    assert np.array_equal(_both(lowest[1:].view(np.float32))[1], np.arange(1, GINI_BINS))
    assert np.all(_both((lowest[1:] - 1).view(np.float32))[1] == np.arange(GINI_BINS - 1))
    rng = np.random.default_rng(1)
    wages = np.exp(rng.uniform(np.log(10.0), np.log(1e10), 500_000))
    random_bits = rng.integers(0, 2**32, 500_000, dtype=np.uint64).astype(np.uint32)
    for sample in (wages, random_bits.view(np.float32)):
        by_log, by_bits = _both(sample)
        assert np.array_equal(by_log, by_bits)


def test_no_bin_for_the_jobless_and_for_wages_that_are_not_positive():
    wage = np.array([150_000.0, 150_000.0, 0.0, -0.0, -5.0, np.nan, 1e-45, 5e8, 2e9], np.float32)
    status = np.array([EMPLOYED, UNEMPLOYED] + [EMPLOYED] * 7, np.int8)
    by_log, by_bits = _both(wage, status)
    assert np.array_equal(by_log, by_bits)
    assert by_bits[1:6].tolist() == [-1] * 5
    assert by_bits[0] > 0 and by_bits[6] == 0 and by_bits[8] == GINI_BINS - 1
