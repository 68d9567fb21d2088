"""Embedded data: loading, validation errors, aggregation of occupations."""

import shutil

import numpy as np
import pandas as pd
import pytest

from sim.data import DEFAULT_DIR, DataError, load_dataset


@pytest.fixture(scope="module")
def data():
    return load_dataset()


def test_default_dataset_shapes_and_totals(data):
    assert data.n_regions == 20 and data.n_sectors == 14
    assert data.n_occupations > 400  # ISCO-08 unit groups (armed forces excluded)
    assert data.employment_cells.shape == (20, 14, 9)
    assert abs(data.employment_cells.sum() - 9.2e6) < 10
    np.testing.assert_allclose(
        data.employment_cells.sum(axis=(1, 2)), data.region_employed, atol=1.0
    )
    assert "Atyrau Region" in data.region_names and "Almaty city" in data.region_names


def test_mobility_rows_are_stochastic(data):
    sums = np.add.reduceat(data.mobility_weight, data.mobility_indptr[:-1])
    np.testing.assert_allclose(sums, 1.0, atol=1e-9)
    assert data.mobility_target.max() < data.n_occupations


@pytest.mark.parametrize(("level", "n"), [("major", 9), ("sub_major", 40), ("minor", 120)])
def test_coarser_occupation_levels(level, n):
    d = load_dataset(occupation_level=level)
    assert (d.n_occupations == 9) if level == "major" else (d.n_occupations >= n)
    per_major = np.bincount(d.occupation_major, weights=d.occupation_share_within_major)
    np.testing.assert_allclose(per_major[1:], 1.0, atol=1e-9)
    sums = np.add.reduceat(d.mobility_weight, d.mobility_indptr[:-1])
    np.testing.assert_allclose(sums, 1.0, atol=1e-9)


def _copy_default(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def test_missing_file_is_named(tmp_path):
    d = _copy_default(tmp_path)
    (d / "regions.csv").unlink()
    with pytest.raises(DataError, match="regions.csv is missing"):
        load_dataset(d)


def test_corrupt_file_is_named(tmp_path):
    d = _copy_default(tmp_path)
    (d / "sectors.csv").write_bytes(b"\x00\xff garbage without columns\n")
    with pytest.raises(DataError, match="sectors.csv"):
        load_dataset(d)


def test_shares_that_do_not_sum_to_one_are_rejected(tmp_path):
    d = _copy_default(tmp_path)
    sectors = pd.read_csv(d / "sectors.csv")
    sectors.loc[0, "employment_share"] += 0.05
    sectors.to_csv(d / "sectors.csv", index=False)
    with pytest.raises(DataError, match="must sum to 1"):
        load_dataset(d)


def test_out_of_range_rate_is_rejected(tmp_path):
    d = _copy_default(tmp_path)
    regions = pd.read_csv(d / "regions.csv")
    regions.loc[0, "unemployment_rate"] = 1.7
    regions.to_csv(d / "regions.csv", index=False)
    with pytest.raises(DataError, match="unemployment_rate.*outside"):
        load_dataset(d)


def test_unknown_occupation_level():
    with pytest.raises(DataError, match="occupation_level='x' is unknown"):
        load_dataset(occupation_level="x")
