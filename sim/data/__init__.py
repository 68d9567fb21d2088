"""The embedded Kazakhstan dataset: loading, validation and aggregation of occupations.

The tables in ``sim/data/default/`` are built from public sources by
``experiments/data/build_default_data.py``; ``sim/data/SOURCES.md`` names the source of
every figure and the method of every estimate. :func:`load_dataset` reads them, checks
shapes, ranges and that shares sum to one, and returns a :class:`Dataset` of numpy
arrays indexed by the model's integer codes (region, sector, ISCO major group,
occupation).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_DIR = Path(str(resources.files("sim.data") / "default"))

GROUPS = ("native", "internal_migrant", "foreign_migrant", "kandas")
MAJOR_GROUPS = {
    1: "Managers",
    2: "Professionals",
    3: "Technicians and associate professionals",
    4: "Clerical support workers",
    5: "Service and sales workers",
    6: "Skilled agricultural, forestry and fishery workers",
    7: "Craft and related trades workers",
    8: "Plant and machine operators and assemblers",
    9: "Elementary occupations",
}
_LEVEL_DIGITS = {"unit": 4, "minor": 3, "sub_major": 2, "major": 1}
_SHARE_TOL = 1e-6
EARTH_RADIUS_KM = 6371.0

_COLUMNS = {
    "regions.csv": [
        "region_id",
        "name_en",
        "population",
        "urban_share",
        "employed",
        "unemployment_rate",
        "labour_force",
        "mean_wage",
        "digital_literacy",
        "arrivals_2022_2024",
        "departures_2022_2024",
        "lat",
        "lon",
    ],
    "sectors.csv": [
        "sector",
        "label",
        "employment_share",
        "trend_growth_relative",
        "informal_share",
    ],
    "occupations.csv": [
        "isco08",
        "title",
        "major",
        "skill_level",
        "genai_exposure",
        "computerisation_prob",
        "digital_skill_need",
        "tendency",
        "share_within_major",
        "rel_wage_within_major",
        "genai_exposed",
        "genai_task_share",
        "software_task_share",
        "robot_task_share",
        "task_nri",
    ],
    "new_tech_occupations.csv": ["technology", "isco08", "role"],
    "employment_cells.csv": ["region_id", "sector", "major", "employed"],
    "wages_region_major.csv": ["region_id", "major", "mean_wage"],
    "mobility_edges.csv": ["source", "target", "p_transition"],
    "migrant_stocks.csv": ["region_id", "group", "persons"],
    "calibration_targets.csv": ["key", "value", "unit", "source"],
    "foreign_origins.csv": [
        "origin",
        "stock_share",
        "origin_wage",
        "language_mean",
        "digital_literacy_factor",
    ],
    "group_attributes.csv": [
        "group",
        "digital_literacy_factor",
        "language_mean",
        "irregular_share",
        "foreign_qualification_share",
    ],
    "group_sector_tilt.csv": ["group", "sector", "tilt"],
    "kandas_settlement.csv": ["region_id", "share"],
}


class DataError(ValueError):
    """A data table is missing, corrupt or inconsistent."""


@dataclass
class Dataset:
    """The embedded data as arrays, indexed by the model's integer codes.

    Counts are persons in the real population; wages are KZT per month at the 2023
    level.
    """

    region_ids: list[str]
    region_names: list[str]
    region_population: np.ndarray  # persons, 1 Jan 2023
    region_employed: np.ndarray  # persons at month 0
    region_unemployment_rate: np.ndarray  # fraction of the labour force
    region_mean_wage: np.ndarray  # KZT per month
    region_digital_literacy: np.ndarray  # fraction of the population
    region_labour_force: np.ndarray  # persons at month 0
    region_lat: np.ndarray  # latitude of the administrative centre, decimal degrees
    region_lon: np.ndarray  # longitude of the administrative centre, decimal degrees
    region_distance_km: np.ndarray  # great-circle distance between centres, km, [R, R]
    region_arrivals_annual: np.ndarray  # inter-regional arrivals, persons per year
    region_departures_annual: np.ndarray  # inter-regional departures, persons per year
    kandas_settlement_share: np.ndarray  # share of arriving kandas settling in a region
    sectors: list[str]
    sector_labels: list[str]
    sector_trend: np.ndarray  # employment growth relative to total, fraction per year
    sector_informal_share: np.ndarray  # share of the sector's employed in informal jobs
    occupation_codes: list[str]  # ISCO-08 codes at the chosen level
    occupation_titles: list[str]
    occupation_major: np.ndarray  # ISCO major group 1-9, int8
    occupation_skill: np.ndarray  # ISCO skill level 1-4, int8
    occupation_genai_exposure: np.ndarray  # ILO 2025 mean task score, 0-1
    occupation_computerisation: np.ndarray  # Frey-Osborne probability, 0-1
    occupation_digital_need: np.ndarray  # digital-skill requirement, 0-1
    occupation_tendency: list[str]  # automation / augmentation / neither
    occupation_share_within_major: np.ndarray  # share of its major group's employment
    occupation_rel_wage: np.ndarray  # wage relative to its major group, within a region
    occupation_genai_exposed: np.ndarray  # share of the group in ILO exposed gradients 1-4
    occupation_interactive_share: np.ndarray  # non-routine interactive task share, 0-1
    occupation_task_share: dict[str, np.ndarray]  # technology -> share of tasks it performs
    new_tech_occupations: dict[str, np.ndarray]  # technology -> occupations of its new work
    employment_cells: np.ndarray  # persons, [region, sector, major-1]
    wage_region_major: np.ndarray  # KZT per month, [region, major-1]
    mobility_indptr: np.ndarray  # CSR row pointers over occupations, int64
    mobility_target: np.ndarray  # CSR targets (occupation index), int32
    mobility_weight: np.ndarray  # CSR transition weights, rows sum to 1
    migrant_stocks: np.ndarray  # persons in the labour force, [region, group]
    foreign_origins: list[str]  # origin countries of foreign migrants
    origin_stock_share: np.ndarray  # share of the foreign-migrant stock by origin
    origin_wage: np.ndarray  # average wage at home, KZT per month, by origin
    origin_language: np.ndarray  # mean Russian/Kazakh proficiency, 0-1, by origin
    origin_digital_factor: np.ndarray  # multiplier on host digital literacy, by origin
    group_digital_factor: np.ndarray  # multiplier on regional digital literacy, [group]
    group_language_mean: np.ndarray  # mean Russian/Kazakh proficiency, 0-1, [group]
    group_irregular_share: np.ndarray  # share without a valid permit, [group]
    group_foreign_qualification_share: np.ndarray  # unrecognised foreign diploma, [group]
    group_sector_tilt: np.ndarray  # relative propensity to work in a sector, [group, sector]
    targets: dict[str, float]

    @property
    def net_migration_labour_force(self) -> dict[str, float]:
        """Net internal migration by region name, labour-force persons per year.

        Registered net moves (mean of 2022-2024) times the national labour-force
        participation (labour force / population): the target the migration
        amenities are calibrated to.
        """
        participation = self.region_labour_force.sum() / self.region_population.sum()
        net = (self.region_arrivals_annual - self.region_departures_annual) * participation
        return dict(zip(self.region_names, net.tolist(), strict=True))

    @property
    def n_regions(self) -> int:
        return len(self.region_ids)

    @property
    def n_sectors(self) -> int:
        return len(self.sectors)

    @property
    def n_occupations(self) -> int:
        return len(self.occupation_codes)


def _read(data_dir: Path, name: str) -> pd.DataFrame:
    path = data_dir / name
    if not path.is_file():
        raise DataError(f"data file {path} is missing; expected the table {name}")
    try:
        df = pd.read_csv(path, dtype={"isco08": str, "source": str, "target": str})
    except Exception as exc:  # pandas raises several parser error types
        raise DataError(f"data file {path} is corrupt: {exc}") from exc
    missing = [c for c in _COLUMNS[name] if c not in df.columns]
    if missing:
        raise DataError(f"data file {path} lacks column(s) {missing}; required {_COLUMNS[name]}")
    if df.empty:
        raise DataError(f"data file {path} has no rows")
    text = {"region_id", "name_en", "sector", "label", "isco08", "title", "tendency", "source"}
    text |= {"target", "group", "key", "unit", "technology", "role", "origin"}
    for col in _COLUMNS[name]:
        if col in text:
            continue
        if not np.issubdtype(df[col].dtype, np.number) or df[col].isna().any():
            raise DataError(f"data file {path} column {col} must be numeric with no gaps")
    return df


def _check_range(name: str, col: str, values: np.ndarray, lo: float, hi: float) -> None:
    bad = (values < lo) | (values > hi)
    if bad.any():
        raise DataError(
            f"{name} column {col}: {int(bad.sum())} value(s) outside [{lo:g}, {hi:g}], "
            f"e.g. {values[bad][0]!r}"
        )


def _check_shares(name: str, label: str, sums: np.ndarray) -> None:
    bad = np.abs(sums - 1.0) > _SHARE_TOL
    if bad.any():
        raise DataError(f"{name}: shares of {label} must sum to 1; got {sums[bad][:3]}")


def load_dataset(data_dir: str | Path | None = None, occupation_level: str = "unit") -> Dataset:
    """Read and validate the default tables, aggregated to ``occupation_level``.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder with the tables; the embedded default when None.
    occupation_level : {"unit", "minor", "sub_major", "major"}
        ISCO-08 level of the model's occupations (unit = 4-digit unit groups).

    Raises
    ------
    DataError
        When a file is missing or corrupt, or a check fails; the message names the
        file and column.
    """
    if occupation_level not in _LEVEL_DIGITS:
        raise DataError(
            f"occupation_level={occupation_level!r} is unknown; allowed: {list(_LEVEL_DIGITS)}"
        )
    data_dir = DEFAULT_DIR if data_dir is None else Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(f"data directory {data_dir} does not exist")

    regions = _read(data_dir, "regions.csv").sort_values("region_id").reset_index(drop=True)
    if regions["region_id"].duplicated().any():
        raise DataError("regions.csv: region_id must be unique")
    _check_range("regions.csv", "unemployment_rate", regions["unemployment_rate"].to_numpy(), 0, 1)
    _check_range("regions.csv", "employed", regions["employed"].to_numpy(), 0, 1e9)
    _check_range("regions.csv", "mean_wage", regions["mean_wage"].to_numpy(), 1, 1e9)
    _check_range("regions.csv", "digital_literacy", regions["digital_literacy"].to_numpy(), 0, 1)
    # Kazakhstan lies within about 40.5-55.5 N and 46.5-87.5 E.
    _check_range("regions.csv", "lat", regions["lat"].to_numpy(), 40, 56)
    _check_range("regions.csv", "lon", regions["lon"].to_numpy(), 46, 88)
    for col in ("arrivals_2022_2024", "departures_2022_2024"):
        _check_range("regions.csv", col, regions[col].to_numpy(), 0, 1e8)
    labour_force = regions["labour_force"].to_numpy(float)
    implied = regions["employed"].to_numpy() / (1 - regions["unemployment_rate"].to_numpy())
    if (np.abs(labour_force - implied) > 1e-3 * implied).any():
        raise DataError(
            "regions.csv column labour_force must equal employed / (1 - unemployment_rate)"
        )
    region_index = {r: i for i, r in enumerate(regions["region_id"])}

    sectors = _read(data_dir, "sectors.csv").sort_values("sector").reset_index(drop=True)
    _check_range("sectors.csv", "employment_share", sectors["employment_share"].to_numpy(), 0, 1)
    _check_shares("sectors.csv", "employment_share", np.array([sectors.employment_share.sum()]))
    _check_range("sectors.csv", "informal_share", sectors["informal_share"].to_numpy(), 0, 1)
    sector_index = {s: i for i, s in enumerate(sectors["sector"])}

    occ = _read(data_dir, "occupations.csv")
    occ["isco08"] = occ["isco08"].str.zfill(4)
    if occ["isco08"].duplicated().any():
        raise DataError("occupations.csv: isco08 must be unique")
    _check_range("occupations.csv", "major", occ["major"].to_numpy(), 1, 9)
    _check_range("occupations.csv", "skill_level", occ["skill_level"].to_numpy(), 1, 4)
    shares = ("genai_exposed", "genai_task_share", "software_task_share", "robot_task_share")
    shares = (*shares, "task_nri")
    for col in ("genai_exposure", "computerisation_prob", "digital_skill_need", *shares):
        _check_range("occupations.csv", col, occ[col].to_numpy(), 0, 1)
    _check_range("occupations.csv", "share_within_major", occ.share_within_major.to_numpy(), 0, 1)
    _check_range("occupations.csv", "rel_wage_within_major", occ.rel_wage_within_major, 0.01, 100)
    _check_shares(
        "occupations.csv",
        "share_within_major per major group",
        occ.groupby("major")["share_within_major"].sum().to_numpy(),
    )

    cells_df = _read(data_dir, "employment_cells.csv")
    _check_range("employment_cells.csv", "employed", cells_df["employed"].to_numpy(), 0, 1e9)
    _check_codes("employment_cells.csv", "region_id", cells_df["region_id"], region_index)
    _check_codes("employment_cells.csv", "sector", cells_df["sector"], sector_index)
    cells = np.zeros((len(regions), len(sectors), 9))
    np.add.at(
        cells,
        (
            cells_df["region_id"].map(region_index).to_numpy(),
            cells_df["sector"].map(sector_index).to_numpy(),
            cells_df["major"].to_numpy().astype(int) - 1,
        ),
        cells_df["employed"].to_numpy(),
    )
    per_region = cells.sum(axis=(1, 2))
    rel = np.abs(per_region - regions["employed"].to_numpy()) / regions["employed"].to_numpy()
    if (rel > 1e-3).any():
        i = int(np.argmax(rel))
        raise DataError(
            f"employment_cells.csv: employment of {regions.region_id[i]} sums to "
            f"{per_region[i]:.0f}, regions.csv says {regions.employed[i]:.0f}"
        )

    wages_df = _read(data_dir, "wages_region_major.csv")
    _check_range("wages_region_major.csv", "mean_wage", wages_df["mean_wage"].to_numpy(), 1, 1e9)
    _check_codes("wages_region_major.csv", "region_id", wages_df["region_id"], region_index)
    wages = np.full((len(regions), 9), np.nan)
    wages[
        wages_df["region_id"].map(region_index).to_numpy(),
        wages_df["major"].to_numpy().astype(int) - 1,
    ] = wages_df["mean_wage"].to_numpy()
    if np.isnan(wages).any():
        raise DataError("wages_region_major.csv must give a wage for every region and major 1-9")

    stocks_df = _read(data_dir, "migrant_stocks.csv")
    _check_codes("migrant_stocks.csv", "region_id", stocks_df["region_id"], region_index)
    unknown = sorted(set(stocks_df["group"]) - set(GROUPS[1:]))
    if unknown:
        raise DataError(f"migrant_stocks.csv: unknown group(s) {unknown}; allowed {GROUPS[1:]}")
    _check_range("migrant_stocks.csv", "persons", stocks_df["persons"].to_numpy(), 0, 1e8)
    stocks = np.zeros((len(regions), len(GROUPS)))
    np.add.at(
        stocks,
        (
            stocks_df["region_id"].map(region_index).to_numpy(),
            stocks_df["group"].map({g: i for i, g in enumerate(GROUPS)}).to_numpy(),
        ),
        stocks_df["persons"].to_numpy(),
    )
    if (stocks.sum(axis=1) > labour_force).any():
        raise DataError("migrant_stocks.csv: migrants exceed the labour force of a region")

    edges = _read(data_dir, "mobility_edges.csv")
    edges["source"] = edges["source"].str.zfill(4)
    edges["target"] = edges["target"].str.zfill(4)
    _check_range("mobility_edges.csv", "p_transition", edges["p_transition"].to_numpy(), 0, 1)
    known = set(occ["isco08"])
    stray = sorted((set(edges["source"]) | set(edges["target"])) - known)
    if stray:
        raise DataError(f"mobility_edges.csv refers to unknown occupation(s) {stray[:5]}")
    _check_shares(
        "mobility_edges.csv",
        "p_transition per source",
        edges.groupby("source")["p_transition"].sum().to_numpy(),
    )

    origins = _load_foreign_origins(data_dir)
    groups = _load_group_attributes(data_dir)
    tilt = _load_group_sector_tilt(data_dir, sector_index)
    settlement = _load_kandas_settlement(data_dir, region_index)

    targets_df = _read(data_dir, "calibration_targets.csv")
    targets = dict(zip(targets_df["key"], targets_df["value"].astype(float), strict=True))

    titles = _group_titles(data_dir)
    digits = _LEVEL_DIGITS[occupation_level]
    occ_level = _aggregate_occupations(occ, edges, digits, titles)
    (codes, names, major, skill, genai, comp, dig, tend, share, relw, indptr, tgt, wgt) = occ_level
    level_mean = _level_means(
        occ,
        digits,
        [
            "genai_exposed",
            "task_nri",
            "robot_task_share",
            "software_task_share",
            "genai_task_share",
        ],
    )
    code_index = {c: i for i, c in enumerate(codes)}
    new_tech_df = _read(data_dir, "new_tech_occupations.csv")
    new_tech_df["isco08"] = new_tech_df["isco08"].str.zfill(4)
    stray = sorted(set(new_tech_df["isco08"]) - known)
    if stray:
        raise DataError(f"new_tech_occupations.csv refers to unknown occupation(s) {stray[:5]}")
    new_tech = {
        tech: np.unique([code_index[c[:digits]] for c in group["isco08"]]).astype(np.int32)
        for tech, group in new_tech_df.groupby("technology")
    }

    return Dataset(
        region_ids=list(regions["region_id"]),
        region_names=list(regions["name_en"]),
        region_population=regions["population"].to_numpy(float),
        region_employed=regions["employed"].to_numpy(float),
        region_unemployment_rate=regions["unemployment_rate"].to_numpy(float),
        region_mean_wage=regions["mean_wage"].to_numpy(float),
        region_digital_literacy=regions["digital_literacy"].to_numpy(float),
        region_labour_force=labour_force,
        region_lat=regions["lat"].to_numpy(float),
        region_lon=regions["lon"].to_numpy(float),
        region_distance_km=great_circle_km(
            regions["lat"].to_numpy(float), regions["lon"].to_numpy(float)
        ),
        region_arrivals_annual=regions["arrivals_2022_2024"].to_numpy(float) / 3.0,
        region_departures_annual=regions["departures_2022_2024"].to_numpy(float) / 3.0,
        kandas_settlement_share=settlement,
        sectors=list(sectors["sector"]),
        sector_labels=list(sectors["label"]),
        sector_trend=sectors["trend_growth_relative"].to_numpy(float),
        sector_informal_share=sectors["informal_share"].to_numpy(float),
        occupation_codes=codes,
        occupation_titles=names,
        occupation_major=major,
        occupation_skill=skill,
        occupation_genai_exposure=genai,
        occupation_computerisation=comp,
        occupation_digital_need=dig,
        occupation_tendency=tend,
        occupation_share_within_major=share,
        occupation_rel_wage=relw,
        occupation_genai_exposed=level_mean["genai_exposed"],
        occupation_interactive_share=level_mean["task_nri"],
        occupation_task_share={
            "robots": level_mean["robot_task_share"],
            "software": level_mean["software_task_share"],
            "genai": level_mean["genai_task_share"],
        },
        new_tech_occupations=new_tech,
        employment_cells=cells,
        wage_region_major=wages,
        mobility_indptr=indptr,
        mobility_target=tgt,
        mobility_weight=wgt,
        migrant_stocks=stocks,
        foreign_origins=list(origins["origin"]),
        origin_stock_share=origins["stock_share"].to_numpy(float),
        origin_wage=origins["origin_wage"].to_numpy(float),
        origin_language=origins["language_mean"].to_numpy(float),
        origin_digital_factor=origins["digital_literacy_factor"].to_numpy(float),
        group_digital_factor=groups["digital_literacy_factor"].to_numpy(float),
        group_language_mean=groups["language_mean"].to_numpy(float),
        group_irregular_share=groups["irregular_share"].to_numpy(float),
        group_foreign_qualification_share=groups["foreign_qualification_share"].to_numpy(float),
        group_sector_tilt=tilt,
        targets=targets,
    )


def great_circle_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Haversine distances between points on a sphere of radius 6371 km.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        Decimal degrees, one entry per point.

    Returns
    -------
    numpy.ndarray
        Distances in km, [n, n], symmetric with a zero diagonal.
    """
    phi = np.radians(np.asarray(lat, dtype=float))
    lam = np.radians(np.asarray(lon, dtype=float))
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    h = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    d = 0.5 * (d + d.T)  # exact symmetry
    np.fill_diagonal(d, 0.0)
    return d


def _load_foreign_origins(data_dir: Path) -> pd.DataFrame:
    """Read and check ``foreign_origins.csv`` (rows kept in file order)."""
    name = "foreign_origins.csv"
    df = _read(data_dir, name).reset_index(drop=True)
    if df["origin"].duplicated().any():
        raise DataError(f"{name} column origin: duplicated origin(s)")
    _check_range(name, "stock_share", df["stock_share"].to_numpy(), 0, 1)
    _check_shares(name, "stock_share", np.array([df["stock_share"].sum()]))
    _check_range(name, "origin_wage", df["origin_wage"].to_numpy(), 1, 1e8)
    _check_range(name, "language_mean", df["language_mean"].to_numpy(), 0, 1)
    factor = df["digital_literacy_factor"].to_numpy()
    _check_range(name, "digital_literacy_factor", factor, 0, 2)
    return df


def _load_group_attributes(data_dir: Path) -> pd.DataFrame:
    """Read and check ``group_attributes.csv``; rows returned in the order of GROUPS."""
    name = "group_attributes.csv"
    df = _read(data_dir, name)
    if sorted(df["group"]) != sorted(GROUPS):
        raise DataError(f"{name} column group must list each of {GROUPS} once")
    df = df.set_index("group").loc[list(GROUPS)].reset_index()
    _check_range(name, "digital_literacy_factor", df["digital_literacy_factor"].to_numpy(), 0, 2)
    for col in ("language_mean", "irregular_share", "foreign_qualification_share"):
        _check_range(name, col, df[col].to_numpy(), 0, 1)
    return df


def _load_group_sector_tilt(data_dir: Path, sector_index: dict[str, int]) -> np.ndarray:
    """Read ``group_sector_tilt.csv`` into a [group, sector] array; every pair once."""
    name = "group_sector_tilt.csv"
    df = _read(data_dir, name)
    group_index = {g: i for i, g in enumerate(GROUPS)}
    _check_codes(name, "group", df["group"], group_index)
    _check_codes(name, "sector", df["sector"], sector_index)
    if df.duplicated(["group", "sector"]).any() or len(df) != len(GROUPS) * len(sector_index):
        raise DataError(f"{name} must give one tilt for every group and sector")
    _check_range(name, "tilt", df["tilt"].to_numpy(), 1e-6, 100)
    tilt = np.zeros((len(GROUPS), len(sector_index)))
    tilt[df["group"].map(group_index).to_numpy(), df["sector"].map(sector_index).to_numpy()] = df[
        "tilt"
    ].to_numpy()
    return tilt


def _load_kandas_settlement(data_dir: Path, region_index: dict[str, int]) -> np.ndarray:
    """Read ``kandas_settlement.csv`` into a [region] share array summing to 1."""
    name = "kandas_settlement.csv"
    df = _read(data_dir, name)
    _check_codes(name, "region_id", df["region_id"], region_index)
    if df["region_id"].duplicated().any() or len(df) != len(region_index):
        raise DataError(f"{name} must give one share for every region")
    _check_range(name, "share", df["share"].to_numpy(), 0, 1)
    _check_shares(name, "share", np.array([df["share"].sum()]))
    share = np.zeros(len(region_index))
    share[df["region_id"].map(region_index).to_numpy()] = df["share"].to_numpy()
    return share


def _check_codes(name: str, col: str, values: pd.Series, index: dict[str, int]) -> None:
    unknown = sorted(set(values) - set(index))
    if unknown:
        raise DataError(f"{name} column {col}: unknown code(s) {unknown[:5]}")


def _group_titles(data_dir: Path) -> dict[str, str]:
    path = data_dir / "isco_groups.csv"
    if not path.is_file():
        return {}
    df = pd.read_csv(path, dtype={"isco08": str})
    return dict(zip(df["isco08"], df["title"], strict=True))


def _level_means(occ: pd.DataFrame, digits: int, columns: list[str]) -> dict[str, np.ndarray]:
    """Employment-weighted means of ``columns`` per ISCO code of ``digits`` digits."""
    occ = occ.sort_values("isco08")
    w = occ["share_within_major"]
    # One grouping for all the columns and the weights (each column summed as alone).
    sums = occ[columns].mul(w, axis=0).assign(_w=w).groupby(occ["isco08"].str[:digits]).sum()
    return {col: (sums[col] / sums["_w"]).to_numpy(float) for col in columns}


def _aggregate_occupations(
    occ: pd.DataFrame, edges: pd.DataFrame, digits: int, titles: dict[str, str]
) -> tuple:
    """Aggregate unit groups to ISCO codes of ``digits`` digits.

    Attributes are averaged with the unit groups' employment shares as weights; the
    mobility network is aggregated as flows (share x transition weight) and
    re-normalised by row.
    """
    occ = occ.sort_values("isco08").reset_index(drop=True)
    occ["code"] = occ["isco08"].str[:digits]
    w = occ["share_within_major"].to_numpy()
    grouped = occ.assign(_w=w).groupby("code", sort=True)
    codes = list(grouped.groups.keys())
    group_of = grouped.ngroup().to_numpy()
    weight = np.bincount(group_of, weights=w, minlength=len(codes))

    def wmean(col: str) -> np.ndarray:
        # sum(x w) / sum(w) per group, summed in row order (as numpy.average does for
        # the small groups here), without a Python call per group.
        values = occ[col].to_numpy(float)
        return np.bincount(group_of, weights=values * w, minlength=len(codes)) / weight

    if digits == 4:
        names = list(grouped["title"].first())
    else:
        names = [titles.get(c, MAJOR_GROUPS[int(c[0])] if digits == 1 else c) for c in codes]
    major = grouped["major"].first().to_numpy().astype(np.int8)
    skill = np.rint(wmean("skill_level")).astype(np.int8)
    genai = wmean("genai_exposure")
    comp = wmean("computerisation_prob")
    dig = wmean("digital_skill_need")
    relw = wmean("rel_wage_within_major")
    share = grouped["_w"].sum().to_numpy()
    # The tendency of the group's largest unit group (the first one on a tie).
    largest = np.lexsort((np.arange(len(occ)), -w, group_of))
    first = np.r_[True, group_of[largest][1:] != group_of[largest][:-1]]
    tend = list(occ["tendency"].to_numpy()[largest[first]])

    index = {c: i for i, c in enumerate(codes)}
    share_of_unit = dict(zip(occ["isco08"], w, strict=True))
    src = edges["source"].str[:digits].map(index).to_numpy()
    tgt = edges["target"].str[:digits].map(index).to_numpy()
    flow = edges["source"].map(share_of_unit).to_numpy() * edges["p_transition"].to_numpy()
    n = len(codes)
    if n > 1000:  # the aggregation below is dense, n x n
        raise DataError("too many occupations for the mobility network (more than 1000)")
    mat = np.zeros((n, n))
    np.add.at(mat, (src, tgt), flow)
    empty = mat.sum(axis=1) == 0
    mat[empty, empty] = 1.0
    mat /= mat.sum(axis=1, keepdims=True)
    indptr = np.zeros(n + 1, dtype=np.int64)
    rows, cols = np.nonzero(mat)
    np.add.at(indptr, rows + 1, 1)
    indptr = np.cumsum(indptr)
    return (
        codes,
        names,
        major,
        skill,
        genai,
        comp,
        dig,
        tend,
        share,
        relw,
        indptr,
        cols.astype(np.int32),
        mat[rows, cols],
    )
