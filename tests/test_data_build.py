"""Regenerate the embedded default dataset and check it matches the committed files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = REPO_ROOT.parent / "shared" / "data"
DEFAULT_DIR = REPO_ROOT / "sim" / "data" / "default"
BUILDER = REPO_ROOT / "experiments" / "data" / "build_default_data.py"

pytestmark = pytest.mark.skipif(
    not SOURCE_DIR.is_dir(),
    reason=f"public source data not available at {SOURCE_DIR} (needed to rebuild the tables)",
)


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_default_data", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("default_data")
    _load_builder().build_all(SOURCE_DIR, out)
    return out


def test_rebuild_is_byte_identical(built: Path) -> None:
    committed = sorted(p.name for p in DEFAULT_DIR.glob("*.csv"))
    rebuilt = sorted(p.name for p in built.glob("*.csv"))
    assert committed == rebuilt
    for name in rebuilt:
        assert (built / name).read_bytes() == (DEFAULT_DIR / name).read_bytes(), name


def test_regions(built: Path) -> None:
    reg = pd.read_csv(built / "regions.csv")
    assert len(reg) == 20
    assert reg["employed"].sum() == pytest.approx(9.2e6, rel=1e-6)
    national_u = 1.0 - reg["employed"].sum() / reg["labour_force"].sum()
    assert national_u == pytest.approx(0.046, abs=1e-6)
    by_wage = reg.sort_values("mean_wage")["name_en"].tolist()
    assert by_wage[-1] == "Atyrau Region"
    # Turkistan is 5th lowest in the 2022 BNS table (Shymkent and Zhetisu are lower),
    # so the check is "among the 5 lowest".
    for name in ["Turkistan Region", "Zhambyl Region", "North Kazakhstan Region"]:
        assert name in by_wage[:5], name


def test_employment_cells(built: Path) -> None:
    cells = pd.read_csv(built / "employment_cells.csv")
    assert len(cells) == 20 * 14 * 9
    assert cells["employed"].sum() == pytest.approx(9.2e6, rel=1e-6)
    reg = pd.read_csv(built / "regions.csv").set_index("region_id")
    by_region = cells.groupby("region_id")["employed"].sum()
    assert np.allclose(by_region, reg.loc[by_region.index, "employed"], rtol=1e-5)
    sectors = pd.read_csv(built / "sectors.csv").set_index("sector")
    by_sector = cells.groupby("sector")["employed"].sum() / 9.2e6
    assert np.allclose(by_sector, sectors.loc[by_sector.index, "employment_share"], atol=1e-6)


def test_occupation_shares(built: Path) -> None:
    occ = pd.read_csv(built / "occupations.csv", dtype={"isco08": str})
    assert len(occ) == 433
    assert occ["isco08"].str.len().eq(4).all()
    assert not occ["isco08"].str.startswith("0").any()
    sums = occ.groupby("major")["share_within_major"].sum()
    assert list(sums.index) == list(range(1, 10))
    assert np.allclose(sums, 1.0, atol=1e-9)
    assert (occ["share_within_major"] > 0).all()


def test_mobility_rows(built: Path) -> None:
    edges = pd.read_csv(built / "mobility_edges.csv", dtype={"source": str, "target": str})
    occ = pd.read_csv(built / "occupations.csv", dtype={"isco08": str})
    assert set(edges["source"]) == set(occ["isco08"])
    assert set(edges["target"]) <= set(occ["isco08"])
    sums = edges.groupby("source")["p_transition"].sum()
    assert np.allclose(sums, 1.0, atol=1e-9)
    assert (edges.groupby("source")["is_self"].sum() == 1).all()
    assert (edges[edges["is_self"] == 0].groupby("source").size() <= 10).all()


def test_group_and_migration_tables(built: Path) -> None:
    origins = pd.read_csv(built / "foreign_origins.csv")
    assert list(origins["origin"]) == [
        "Uzbekistan",
        "Kyrgyzstan",
        "Tajikistan",
        "Russia",
        "China",
        "other",
    ]
    assert origins["stock_share"].sum() == pytest.approx(1.0, abs=1e-12)
    groups = pd.read_csv(built / "group_attributes.csv").set_index("group")
    assert list(groups.index) == ["native", "internal_migrant", "foreign_migrant", "kandas"]
    assert groups.loc["kandas", "foreign_qualification_share"] == pytest.approx(0.517)
    tilt = pd.read_csv(built / "group_sector_tilt.csv")
    assert len(tilt) == 4 * 14 and tilt["tilt"].between(0.5, 4.0).all()
    # Kandas settlement reuses the shares behind the kandas stock of migrant_stocks.csv.
    settle = pd.read_csv(built / "kandas_settlement.csv").set_index("region_id")["share"]
    stocks = pd.read_csv(built / "migrant_stocks.csv")
    kandas = stocks[stocks["group"] == "kandas"].set_index("region_id")["persons"]
    assert np.allclose(settle.loc[kandas.index], kandas / kandas.sum(), atol=1e-6)
    sectors = pd.read_csv(built / "sectors.csv")
    mean = (sectors["informal_share"] * sectors["employment_share"]).sum()
    assert mean == pytest.approx(0.136, abs=1e-7)
    targets = pd.read_csv(built / "calibration_targets.csv").set_index("key")["value"]
    assert targets["emigrants_2022"] == 24239 and targets["quota_leb_permits_2024"] == 22000
