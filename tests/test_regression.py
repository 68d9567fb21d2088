"""Tier 1: the exact regression baseline (regenerated only on purpose)."""

import pandas as pd

from tests.regenerate_baseline import BASELINE, national_table


def test_national_table_matches_the_stored_baseline():
    expected = pd.read_csv(BASELINE, parse_dates=["date"])
    actual = national_table()
    actual["date"] = actual["date"].astype(expected["date"].dtype)
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, rtol=1e-12, atol=0)
