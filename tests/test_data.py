"""Embedded data: loading, validation errors, aggregation of occupations."""

import shutil

import numpy as np
import pandas as pd
import pytest

from sim.data import DEFAULT_DIR, GROUPS, DataError, load_dataset


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
    assert d.occupation_interactive_share.shape == (d.n_occupations,)
    assert ((d.occupation_interactive_share >= 0) & (d.occupation_interactive_share <= 1)).all()


def test_group_and_migration_fields_have_the_right_shapes(data):
    r, s, g = data.n_regions, data.n_sectors, len(GROUPS)
    for name in (
        "region_lat",
        "region_lon",
        "region_arrivals_annual",
        "region_departures_annual",
        "region_labour_force",
        "kandas_settlement_share",
    ):
        arr = getattr(data, name)
        assert arr.shape == (r,) and arr.dtype == np.float64, name
    assert data.region_distance_km.shape == (r, r)
    assert data.sector_informal_share.shape == (s,)
    assert data.occupation_interactive_share.shape == (data.n_occupations,)
    assert data.foreign_origins == [
        "Uzbekistan",
        "Kyrgyzstan",
        "Tajikistan",
        "Russia",
        "China",
        "other",
    ]
    for name in ("origin_stock_share", "origin_wage", "origin_language", "origin_digital_factor"):
        assert getattr(data, name).shape == (len(data.foreign_origins),), name
    for name in (
        "group_digital_factor",
        "group_language_mean",
        "group_irregular_share",
        "group_foreign_qualification_share",
    ):
        assert getattr(data, name).shape == (g,), name
    assert data.group_sector_tilt.shape == (g, s)
    # Annual flows are a third of the 2022-2024 totals; the system is closed.
    assert data.region_arrivals_annual.sum() == pytest.approx(data.region_departures_annual.sum())
    assert data.region_labour_force.sum() == pytest.approx(9.2e6 / (1 - 0.046), rel=1e-6)


def test_group_and_migration_shares_sum_to_one(data):
    assert data.origin_stock_share.sum() == pytest.approx(1.0, abs=1e-9)
    assert data.kandas_settlement_share.sum() == pytest.approx(1.0, abs=1e-9)
    assert (data.kandas_settlement_share > 0).all()
    mean_informal = np.dot(data.sector_informal_share, _sector_shares())
    assert mean_informal == pytest.approx(data.targets["informal_share"], abs=1e-6)


def _sector_shares():
    return pd.read_csv(DEFAULT_DIR / "sectors.csv")["employment_share"].to_numpy()


def test_region_distances(data):
    d = data.region_distance_km
    np.testing.assert_array_equal(d, d.T)
    np.testing.assert_array_equal(np.diag(d), 0.0)
    off = d[~np.eye(data.n_regions, dtype=bool)]
    assert (off > 0).all()
    i = {r: k for k, r in enumerate(data.region_ids)}
    assert 950 < d[i["KZ-75"], i["KZ-71"]] < 1000  # Almaty city - Astana


def test_group_sector_tilts(data):
    tilt = data.group_sector_tilt
    native, internal = GROUPS.index("native"), GROUPS.index("internal_migrant")
    foreign, kandas = GROUPS.index("foreign_migrant"), GROUPS.index("kandas")
    np.testing.assert_array_equal(tilt[native], 1.0)
    np.testing.assert_array_equal(tilt[internal], 1.0)
    construction = data.sectors.index("F")
    assert tilt[foreign, construction] > 1
    assert ((tilt[foreign] >= 0.5) & (tilt[foreign] <= 4.0)).all()
    assert tilt[kandas, data.sectors.index("A")] > 1


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


def test_foreign_origin_shares_that_do_not_sum_to_one_are_rejected(tmp_path):
    d = _copy_default(tmp_path)
    origins = pd.read_csv(d / "foreign_origins.csv")
    origins.loc[0, "stock_share"] -= 0.1
    origins.to_csv(d / "foreign_origins.csv", index=False)
    with pytest.raises(DataError, match=r"foreign_origins\.csv.*stock_share.*must sum to 1"):
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
