"""Build the embedded default dataset of the Kazakhstan labour-market simulator.

Reads the public source CSVs described in ``shared/data/PROVENANCE.md`` and writes
the compact tables that ship with the ``sim`` package (``sim/data/default``).
Every estimate that is not a published figure is made here, in one function per
table, and is described in ``sim/data/SOURCES.md``.

Usage
-----
    python experiments/data/build_default_data.py [--source DIR] [--out DIR]

The output is deterministic: re-running on the same sources gives byte-identical
files (rows sorted, floats rounded, ``\\n`` line endings).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data"
# ILO task score from which a task counts as one generative AI can perform (the lower
# bound of ILO WP140's high-exposure gradients 3-4 is 0.5 on the occupation mean).
GENAI_TASK_THRESHOLD = 0.5
DEFAULT_OUT = REPO_ROOT / "sim" / "data" / "default"

# --- Anchors at the simulation start (2024-01) -----------------------------------
EMPLOYED_TOTAL = 9_200_000.0  # BNS 2024-Q4, kz_labour_market_facts.csv
UNEMPLOYMENT_RATE = 0.046  # BNS 2024-Q4
WAGE_2023 = 364_295.0  # BNS average monthly nominal wage 2023
WAGE_2022 = 309_697.0  # BNS 2022, equals the national all_staff value of the 2022 table
WAGE_UPRATE = WAGE_2023 / WAGE_2022
NATIONAL_DIGITAL_LITERACY_2021 = 0.853  # BNS, population aged 6+

# Published Q4 2022 regional employment (kt.kz, thousand persons) and the published
# national total they are a share of ("almost 9 million").
PUBLISHED_EMPLOYED_2022Q4 = {
    "KZ-75": 1000.0e3,
    "KZ-61": 793.8e3,
    "KZ-19": 677.9e3,
    "KZ-62": 101.7e3,
    "KZ-59": 277.2e3,
    "KZ-10": 287.1e3,
}
PUBLISHED_NATIONAL_2022Q4 = 9.0e6

# New (2022) regions take the age structure of the region they were split from.
PARENT_REGION = {"KZ-10": "KZ-63", "KZ-33": "KZ-19", "KZ-62": "KZ-35"}

SECTORS = ["A", "B", "C", "D+E", "F", "G", "H+J", "I", "K", "L+M+N", "O", "P", "Q", "R+S+T+U"]
MAJORS = list(range(1, 10))

# Floor on the rural population share used to tilt agriculture / major 6 in the three
# cities (which have no rural population), so that no city has exactly zero farm
# employment. Assumption, documented in SOURCES.md.
RURAL_SHARE_FLOOR = 0.01

# Regions whose household labour-immigrant permits get double weight (southern border
# regions and the two big cities). Assumption, documented in SOURCES.md.
HOUSEHOLD_PERMIT_HIGH_WEIGHT = {"KZ-79", "KZ-61", "KZ-75", "KZ-19", "KZ-31", "KZ-71"}
HOUSEHOLD_PERMIT_WEIGHT = 2.0
HOUSEHOLD_PERMITS_2023 = 295_261.0
LEB_STOCK_2023 = 14_534.0  # foreign workers with LEB permits on 2023-10-01
LEB_QUOTA_NATIONAL_2024 = 22_000.0
KANDAS_WORKING_AGE_SHARE = 0.62  # share of working age among kandas, 2022-07-01

# --- Worker groups and migration -------------------------------------------------
# Administrative centre of each region: (centre, latitude, longitude) in decimal
# degrees, rounded to 0.01. Public geographic facts (not in shared/data), typed here.
REGION_CENTRES: dict[str, tuple[str, float, float]] = {
    "KZ-10": ("Semey", 50.41, 80.23),
    "KZ-11": ("Kokshetau", 53.28, 69.39),
    "KZ-15": ("Aktobe", 50.28, 57.17),
    "KZ-19": ("Konaev", 43.87, 77.07),
    "KZ-23": ("Atyrau", 47.11, 51.92),
    "KZ-27": ("Oral", 51.23, 51.37),
    "KZ-31": ("Taraz", 42.90, 71.37),
    "KZ-33": ("Taldykorgan", 45.02, 78.37),
    "KZ-35": ("Karaganda", 49.80, 73.10),
    "KZ-39": ("Kostanay", 53.21, 63.62),
    "KZ-43": ("Kyzylorda", 44.85, 65.51),
    "KZ-47": ("Aktau", 43.65, 51.16),
    "KZ-55": ("Pavlodar", 52.29, 76.97),
    "KZ-59": ("Petropavl", 54.87, 69.15),
    "KZ-61": ("Turkistan", 43.30, 68.25),
    "KZ-62": ("Zhezkazgan", 47.78, 67.71),
    "KZ-63": ("Oskemen", 49.95, 82.61),
    "KZ-71": ("Astana", 51.17, 71.45),
    "KZ-75": ("Almaty", 43.24, 76.89),
    "KZ-79": ("Shymkent", 42.32, 69.59),
}

# Origins of foreign labour migrants, in table order.
FOREIGN_ORIGINS = ["Uzbekistan", "Kyrgyzstan", "Tajikistan", "Russia", "China", "other"]
# Origin split of household labour-immigrant permits: not published (assumption). The
# only published split, Shymkent Q1 2022 (98.6 % Uzbek, kz_foreign_labour_permits_*),
# is an upper bound for Uzbekistan because Shymkent borders Uzbekistan.
HOUSEHOLD_PERMIT_ORIGIN_SPLIT = {
    "Uzbekistan": 0.80,
    "Kyrgyzstan": 0.08,
    "Tajikistan": 0.07,
    "Russia": 0.02,
    "China": 0.00,
    "other": 0.03,
}
# Per origin: average monthly nominal wage at home around 2023, KZT at ~456 KZT/USD
# (headline figures of the national statistics offices; not in shared/data, treated
# as parameters); mean proficiency in Russian/Kazakh (0-1, assumption); multiplier on
# the host region's digital literacy (assumption).
ORIGIN_ATTRIBUTES = {
    #               wage KZT  language  digital
    "Uzbekistan":  (175_000,  0.50,     0.75),
    "Kyrgyzstan":  (170_000,  0.75,     0.80),
    "Tajikistan":  (85_000,   0.45,     0.65),
    "Russia":      (400_000,  0.95,     1.00),
    "China":       (640_000,  0.25,     1.00),
    "other":       (300_000,  0.40,     0.90),
}  # fmt: skip

# Worker groups (order of sim.data.GROUPS) and their attributes (estimates, see
# SOURCES.md): digital-literacy factor, mean language proficiency, share without a
# valid permit, share with an unrecognised foreign qualification. The kandas
# qualification share is derived from the kandas file (None here).
GROUPS = ["native", "internal_migrant", "foreign_migrant", "kandas"]
GROUP_ATTRIBUTES: dict[str, tuple[float, float, float, float | None]] = {
    "native": (1.0, 0.95, 0.0, 0.0),
    "internal_migrant": (1.0, 0.95, 0.0, 0.0),
    "foreign_migrant": (1.0, 0.55, 0.30, 0.50),
    "kandas": (0.80, 0.70, 0.0, None),
}
KANDAS_EDUCATION_DATE = "2022-07-01"  # same date as KANDAS_WORKING_AGE_SHARE

# Sector tilt of foreign migrants where no permit count exists (IOM expert in
# shared/DESIGN.md: logistics and retail; assumption), clip range of all tilts, and the
# kandas agriculture tilt (rural settlement; assumption).
FOREIGN_TILT_ASSUMED = 2.0
TILT_CLIP = (0.5, 4.0)
KANDAS_AGRICULTURE_TILT = 1.5

# Relative informality weights by sector (assumption); sectors not listed get
# INFORMAL_WEIGHT_OTHER. Scaled so that the employment-weighted mean is the national
# informal share.
INFORMAL_WEIGHTS = {"A": 3.0, "G": 2.0, "F": 2.0, "H+J": 1.5, "I": 1.5, "R+S+T+U": 1.5}
INFORMAL_WEIGHT_OTHER = 0.3

# Sector x major affinity (prior) table. Rows: sectors, columns: ISCO majors 1..9.
# Relative weights only (each row is normalised); a small positive baseline is added
# to every cell so that the iterative proportional fitting always has a solution.
# Written from the usual composition of these industries (ISCO/ISIC cross-tabs of
# comparable economies), not from Kazakh data: no such table was found.
SECTOR_MAJOR_PRIOR = {
    #           1    2    3    4    5    6    7    8    9
    "A":       [2,   2,   2,   1,   1,  55,   3,   6,  28],
    "B":       [5,   8,  10,   4,   3,   0,  28,  30,  12],
    "C":       [5,   6,   9,   4,   3,   0,  35,  20,  18],
    "D+E":     [6,  10,  22,   5,   3,   0,  24,  18,  12],
    "F":       [5,   6,   6,   2,   2,   0,  45,  12,  22],
    "G":       [8,   3,   8,  10,  50,   0,   5,   4,  12],
    "H+J":     [6,  15,  14,  15,   6,   0,   8,  30,   6],
    "I":       [6,   2,   4,   4,  60,   0,   5,   1,  18],
    "K":       [10, 35,  30,  20,   3,   0,   0,   1,   1],
    "L+M+N":   [8,  25,  18,  14,  12,   0,   4,   3,  16],
    "O":       [15, 25,  25,  20,   8,   0,   2,   2,   3],
    "P":       [5,  55,  20,   4,   6,   0,   2,   1,   7],
    "Q":       [4,  35,  30,   4,  20,   0,   1,   1,   5],
    "R+S+T+U": [5,  15,   8,   4,  40,   1,   8,   2,  17],
}  # fmt: skip
PRIOR_BASELINE = 0.2  # added to every prior cell (same units as the table above)

ISCO_MAJOR_TITLES_COLUMNS = {
    1: "isco1_managers",
    2: "isco2_professionals",
    3: "isco3_technicians_associate_prof",
    4: "isco4_clerical_support",
    5: "isco5_service_sales",
    6: "isco6_skilled_agri_forestry_fishery",
    7: "isco7_craft_trades",
    8: "isco8_plant_machine_operators",
    9: "isco9_elementary",
}


# ================================================================================
# Helpers
# ================================================================================
def _read(source: Path, name: str, **kwargs) -> pd.DataFrame:
    """Read one source CSV.

    Parameters
    ----------
    source : Path
        Source directory.
    name : str
        File name inside ``source``.
    **kwargs
        Passed to :func:`pandas.read_csv`.

    Returns
    -------
    pandas.DataFrame
    """
    return pd.read_csv(source / name, encoding="utf-8", **kwargs)


def _sig(x: float, digits: int = 6) -> float:
    """Round ``x`` to ``digits`` significant digits (NaN passes through)."""
    if x is None or not np.isfinite(x) or x == 0:
        return x
    return float(f"{x:.{digits}g}")


def _fmt_float(x: float) -> str:
    """Format a float without exponent and without trailing zeros."""
    if pd.isna(x):
        return ""
    return np.format_float_positional(float(x), trim="-")


def _write(df: pd.DataFrame, path: Path, dec: dict[str, int] | None = None) -> None:
    """Write a table as deterministic UTF-8 CSV with ``\\n`` line endings.

    Parameters
    ----------
    df : pandas.DataFrame
        Table, already sorted.
    path : Path
        Output file.
    dec : dict, optional
        Column -> number of decimal places to keep; other float columns keep six
        significant digits.
    """
    out = df.copy()
    dec = dec or {}
    for col in out.columns:
        if not pd.api.types.is_float_dtype(out[col]):
            continue
        vals = out[col].round(dec[col]) if col in dec else out[col].map(_sig)
        # -0.0 would print as "-0"; normalise it.
        vals = vals.map(lambda v: 0.0 if v == 0 else v)
        out[col] = vals.map(_fmt_float)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out.to_csv(fh, index=False, lineterminator="\n")


def _round_to_sum_one(values: np.ndarray, decimals: int) -> np.ndarray:
    """Round shares to ``decimals`` places so that they still sum to one.

    The largest entry absorbs the rounding residual, so the written decimal values
    add up to exactly 1 (up to binary floating point).

    Parameters
    ----------
    values : numpy.ndarray
        Non-negative shares summing to ~1.
    decimals : int
        Decimal places.

    Returns
    -------
    numpy.ndarray
    """
    v = np.round(np.asarray(values, dtype=float) / np.sum(values), decimals)
    i = int(np.argmax(v))
    v[i] = round(1.0 - (np.sum(v) - v[i]), decimals)
    return v


def _fact(
    source: Path, indicator: str, period: str, region: str = "Republic of Kazakhstan"
) -> pd.Series:
    """The single row of ``kz_labour_market_facts.csv`` with the given key.

    Parameters
    ----------
    source : Path
        Source directory.
    indicator, period, region : str
        Columns ``indicator``, ``period`` and ``region`` of the row.

    Returns
    -------
    pandas.Series
        The row (``value``, ``unit``, ``source_url``, ``note`` ...).
    """
    facts = _read(source, "kz_labour_market_facts.csv")
    hit = facts[
        (facts["indicator"] == indicator)
        & (facts["period"].astype(str) == period)
        & (facts["region"] == region)
    ]
    if len(hit) != 1:
        raise ValueError(f"{len(hit)} rows for {indicator} {period} {region} (expected 1)")
    return hit.iloc[0]


def _sector_containing(section: str) -> str:
    """The sector code of :data:`SECTORS` that contains ISIC section ``section``."""
    hits = [s for s in SECTORS if section in s.split("+")]
    assert len(hits) == 1, section
    return hits[0]


def ipf_2d(
    seed: np.ndarray,
    row_tot: np.ndarray,
    col_tot: np.ndarray,
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> np.ndarray:
    """Iterative proportional fitting of a matrix to row and column totals.

    Parameters
    ----------
    seed : numpy.ndarray
        Non-negative prior matrix (rows x columns).
    row_tot, col_tot : numpy.ndarray
        Target margins; must have the same grand total.
    tol : float
        Stop when the largest relative margin error is below ``tol``.
    max_iter : int
        Safety cap on iterations.

    Returns
    -------
    numpy.ndarray
        Fitted matrix; rows match exactly, columns within ``tol`` (relative).
    """
    x = np.asarray(seed, dtype=float).copy()
    row_tot = np.asarray(row_tot, dtype=float)
    col_tot = np.asarray(col_tot, dtype=float)
    for _ in range(max_iter):
        cs = x.sum(axis=0)
        x *= np.divide(col_tot, cs, out=np.zeros_like(cs), where=cs > 0)[None, :]
        rs = x.sum(axis=1)
        x *= np.divide(row_tot, rs, out=np.zeros_like(rs), where=rs > 0)[:, None]
        cs = x.sum(axis=0)
        err = np.max(np.abs(cs - col_tot) / np.maximum(col_tot, 1e-300))
        if err < tol:
            break
    return x


# ================================================================================
# Regions
# ================================================================================
def working_age_share(source: Path) -> pd.Series:
    """Working-age share of the population by region, 2020 age file.

    Working age is 16-62 (men) and 16-58 (women), the BNS definition in the file.
    Abai, Zhetisu and Ulytau did not exist in 2020 and get their parent region's
    share (East Kazakhstan, Almaty Region, Karaganda).

    Parameters
    ----------
    source : Path
        Source directory.

    Returns
    -------
    pandas.Series
        Share indexed by region_id (20 regions and ``KZ``).
    """
    age = _read(source, "kz_population_by_region_sex_agegroup_2020.csv")
    age["wa"] = age["age"].isin(["16-62", "16-58"])
    tot = age.groupby("region_id")["population"].sum()
    wa = age[age["wa"]].groupby("region_id")["population"].sum()
    share = wa / tot
    for child, parent in PARENT_REGION.items():
        share[child] = share[parent]
    return share


def build_regions(source: Path) -> pd.DataFrame:
    """Build ``regions.csv``: population, employment, unemployment, wages, migration.

    Parameters
    ----------
    source : Path
        Source directory.

    Returns
    -------
    pandas.DataFrame
        One row per region, sorted by region_id.
    """
    reg = _read(source, "kz_regions.csv")[["region_id", "name_en", "type"]]
    pop = _read(source, "kz_population_by_region_2023-01-01.csv").set_index("region_id")
    reg = reg.sort_values("region_id").reset_index(drop=True)
    ids = reg["region_id"]
    reg["population"] = pop.loc[ids, "population_total"].to_numpy().astype(float)
    reg["urban_share"] = (pop.loc[ids, "urban"] / pop.loc[ids, "population_total"]).to_numpy()
    wa = working_age_share(source)
    reg["working_age_share"] = wa.loc[ids].to_numpy()

    # Employment: the six published regions keep their share of the published
    # national Q4 2022 total; the other 14 share the rest in proportion to their
    # working-age population (i.e. a common employment rate of the working-age
    # population). Shares are then applied to the 2024 national level.
    base = reg["population"] * reg["working_age_share"]
    published = ids.map(PUBLISHED_EMPLOYED_2022Q4)
    pub_share = published / PUBLISHED_NATIONAL_2022Q4
    rest = 1.0 - pub_share.sum()
    other = published.isna()
    share = pub_share.copy()
    share[other] = rest * base[other] / base[other].sum()
    reg["employed"] = share.to_numpy() * EMPLOYED_TOTAL

    # Unemployment: regional 2023-Q4 LFS rates scaled by a common factor k so that
    # the labour-force-weighted national rate is 4.6 % (2024-Q4). Because the
    # labour force itself depends on the rate (LF = E / (1 - u)), k is found by
    # bisection.
    un = _read(source, "kz_unemployment_rate_by_region_2001_2023.csv")
    un = un[(un["year"] == 2023) & (un["period"] == "Q4")].set_index("region_id")
    u0 = un.loc[ids, "unemployment_rate_pct"].to_numpy() / 100.0
    emp = reg["employed"].to_numpy()

    def national_rate(k: float) -> float:
        u = u0 * k
        unemployed = emp * u / (1.0 - u)
        return unemployed.sum() / (emp.sum() + unemployed.sum())

    lo, hi = 0.5, 1.5
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if national_rate(mid) < UNEMPLOYMENT_RATE:
            lo = mid
        else:
            hi = mid
    u = u0 * 0.5 * (lo + hi)
    reg["unemployment_rate"] = u
    reg["labour_force"] = emp / (1.0 - u)

    # Wages: 2022 all-staff regional average uprated by national 2023/2022 growth.
    wage = _read(source, "kz_avg_monthly_wage_by_region_occupation_2022.csv")
    wage = wage.set_index("region_id")
    reg["mean_wage"] = wage.loc[ids, "all_staff"].to_numpy() * WAGE_UPRATE

    # Digital literacy: 2021 regional value (population 6+) where published.
    dl = _read(source, "kz_education_of_employed_and_digital_literacy.csv")
    dl = dl[
        (dl["indicator"] == "digital_literacy_level")
        & (dl["period"].astype(str) == "2021")
        & (dl["breakdown"] == "population aged 6+")
        & (dl["region_id"] != "KZ")
    ]
    dl_map = dl.set_index("region_id")["value"] / 100.0
    reg["digital_literacy"] = ids.map(dl_map).fillna(NATIONAL_DIGITAL_LITERACY_2021).to_numpy()

    # Inter-regional migration 2022-2024 (2024 = the derived sum of 12 months).
    mig = _read(source, "kz_interregional_migration_by_region_2022_2024.csv")
    mig = mig[mig["period"] == "year"]
    assert sorted(mig["year"].unique()) == [2022, 2023, 2024]
    agg = mig.groupby("region_id")[["net", "arrivals", "departures"]].sum()
    reg["net_migration_2022_2024"] = agg.loc[ids, "net"].to_numpy()
    reg["arrivals_2022_2024"] = agg.loc[ids, "arrivals"].to_numpy()
    reg["departures_2022_2024"] = agg.loc[ids, "departures"].to_numpy()

    # Coordinates of the administrative centre (typed constants, see REGION_CENTRES).
    assert set(REGION_CENTRES) == set(ids)
    reg["lat"] = ids.map(lambda r: REGION_CENTRES[r][1]).astype(float).to_numpy()
    reg["lon"] = ids.map(lambda r: REGION_CENTRES[r][2]).astype(float).to_numpy()

    assert len(reg) == 20
    assert abs(reg["employed"].sum() - EMPLOYED_TOTAL) < 1e-6 * EMPLOYED_TOTAL
    nat_u = 1.0 - reg["employed"].sum() / reg["labour_force"].sum()
    assert abs(nat_u - UNEMPLOYMENT_RATE) < 1e-9
    return reg


# ================================================================================
# Sectors
# ================================================================================
def build_sectors(source: Path) -> pd.DataFrame:
    """Build ``sectors.csv`` from the ILO modelled 2024 employment by section.

    Parameters
    ----------
    source : Path
        Source directory.

    Returns
    -------
    pandas.DataFrame
        Columns sector, label, employment_share, in the ILO section order.
    """
    eco = _read(source, "kz_employment_by_economic_activity_national_ilo_modelled_2015_2025.csv")
    eco = eco[(eco["sex"] == "T") & (eco["isic4_section"] != "TOTAL")]
    emp = eco.pivot(index="isic4_section", columns="year", values="employed_thousands")
    labels = eco.drop_duplicates("isic4_section").set_index("isic4_section")["section_label"]
    # Trend: compound annual growth 2015-2024 of each section's employment, minus that
    # of total employment, i.e. the reallocation between sectors (ILO modelled).
    growth = (emp[2024] / emp[2015]) ** (1 / 9) - 1
    total = (emp[2024].sum() / emp[2015].sum()) ** (1 / 9) - 1
    out = pd.DataFrame(
        {
            "sector": SECTORS,
            "label": labels.loc[SECTORS].to_numpy(),
            "employment_share": _round_to_sum_one(emp.loc[SECTORS, 2024].to_numpy(), 8),
            "trend_growth_relative": (growth.loc[SECTORS] - total).round(6).to_numpy(),
        }
    )
    out["informal_share"] = sector_informal_shares(source, out["employment_share"].to_numpy())
    return out


def sector_informal_shares(source: Path, employment_share: np.ndarray) -> np.ndarray:
    """Informal share of each sector's employment (estimate).

    The national informal share (``kz_labour_market_facts.csv``,
    ``informal_employment_share`` 2021) is spread over the sectors with the relative
    weights of :data:`INFORMAL_WEIGHTS` (assumption), scaled so that the
    employment-weighted mean equals the national share.

    Parameters
    ----------
    source : Path
        Source directory.
    employment_share : numpy.ndarray
        National employment share of each sector of :data:`SECTORS`.

    Returns
    -------
    numpy.ndarray
        Share of informal jobs per sector, rounded to 8 decimals.
    """
    row = _fact(source, "informal_employment_share", "2021")
    assert row["unit"] == "percent of employed"
    national = float(row["value"]) / 100.0
    assert set(INFORMAL_WEIGHTS) <= set(SECTORS)
    w = np.array([INFORMAL_WEIGHTS.get(s, INFORMAL_WEIGHT_OTHER) for s in SECTORS])
    share = np.round(w * national / float(np.dot(w, employment_share)), 8)
    assert abs(float(np.dot(share, employment_share)) - national) < 1e-7
    assert (share > 0).all() and (share < 1).all()
    return share


# ================================================================================
# Occupations
# ================================================================================
def _mode(s: pd.Series) -> object:
    """Most frequent non-missing value (ties: alphabetically first), NaN if none."""
    s = s.dropna()
    if s.empty:
        return np.nan
    vc = s.value_counts()
    return min(vc[vc == vc.max()].index)


def _impute_hierarchical(df: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Fill missing numeric columns with minor, else sub-major, else major means.

    Means are unweighted over unit groups that have a value. Text columns are filled
    with the most frequent value at the same level (ties: alphabetical first).

    Parameters
    ----------
    df : pandas.DataFrame
        Occupations with ``minor``, ``sub_major`` and ``major`` columns; modified
        in place.
    cols : list of str
        Columns of one measure; a row is imputed when the first column is missing.

    Returns
    -------
    pandas.Series
        1 where the row was imputed, else 0.
    """
    missing = df[cols[0]].isna()
    observed = df[cols].copy()  # fills come from observed values only
    for level in ["minor", "sub_major", "major"]:
        for col in cols:
            grouped = observed[col].groupby(df[level])
            if pd.api.types.is_numeric_dtype(observed[col]):
                fill = grouped.transform("mean")
            else:
                fill = grouped.transform(_mode)
            df[col] = df[col].where(df[col].notna(), fill)
    return missing.astype(int)


def _us_to_isco(source: Path, isco_codes: set[str]) -> pd.DataFrame:
    """Map US OEWS occupations (mobility-network nodes) to ISCO-08 unit groups.

    A node code found in the BLS crosswalk is used as is; broad codes (ending in 0)
    match every detailed SOC-2010 code starting with the code stripped of trailing
    zeros. Each US code is split evenly over its distinct ISCO unit groups (3-digit
    ISCO targets and armed forces are dropped before the split).

    Parameters
    ----------
    source : Path
        Source directory.
    isco_codes : set of str
        ISCO unit groups to keep.

    Returns
    -------
    pandas.DataFrame
        Columns isco08, us_employment (split), us_wage (annual USD).
    """
    nodes = _read(source, "occ_mobility_us_soc_nodes.csv", dtype={"soc_code": str})
    cw = _read(source, "soc2010_isco08_crosswalk_bls.csv", dtype=str)
    cw = cw[cw["isco08_code"].isin(isco_codes)]
    soc_to_isco = cw.groupby("soc2010_code")["isco08_code"].apply(lambda s: sorted(set(s)))
    socs = sorted(soc_to_isco.index)
    rows = []
    for node in nodes.sort_values("soc_code").itertuples():
        if node.soc_code in soc_to_isco.index:
            targets = set(soc_to_isco[node.soc_code])
        else:
            prefix = node.soc_code.rstrip("0")
            targets = set()
            for s in socs:
                if s.startswith(prefix):
                    targets.update(soc_to_isco[s])
        if not targets:
            continue
        w = 1.0 / len(targets)
        rows.extend(
            (t, node.us_employment * w, node.us_mean_annual_wage_usd) for t in sorted(targets)
        )
    return pd.DataFrame(rows, columns=["isco08", "us_employment", "us_wage"])


def build_occupations(source: Path) -> pd.DataFrame:
    """Build ``occupations.csv``: exposure measures and within-major weights.

    Parameters
    ----------
    source : Path
        Source directory.

    Returns
    -------
    pandas.DataFrame
        One row per civilian ISCO-08 unit group (433), sorted by code.
    """
    st = _read(source, "isco08_structure.csv", dtype=str)
    st = st[(st["n_digits"] == "4") & (st["major"] != "0")].copy()
    occ = (
        pd.DataFrame(
            {
                "isco08": st["isco08_code"].str.zfill(4),
                "title": st["isco08_title"],
                "major": st["major"].astype(int),
                "sub_major": st["sub_major"].str.zfill(2),
                "minor": st["minor"].str.zfill(3),
                "skill_level": st["skill_level"].astype(int),
            }
        )
        .sort_values("isco08")
        .reset_index(drop=True)
    )
    assert len(occ) == 433

    ilo = _read(source, "ilo_genai_exposure_isco08_occupations.csv", dtype={"isco08": str})
    ilo["isco08"] = ilo["isco08"].str.zfill(4)
    ilo = ilo.rename(
        columns={
            "mean_score_2025": "genai_exposure",
            "gradient_2025": "genai_gradient",
            "class_2023": "genai_class_2023",
        }
    )
    occ = occ.merge(
        ilo[["isco08", "genai_exposure", "genai_gradient", "genai_class_2023"]],
        on="isco08",
        how="left",
    )

    fo = _read(source, "frey_osborne_isco08_derived.csv", dtype={"isco08_code": str})
    fo = fo[fo["isco08_code"].str.len() == 4]  # drops the 3-digit rows 211, 315
    fo = fo.rename(columns={"isco08_code": "isco08", "prob_mean": "computerisation_prob"})
    occ = occ.merge(fo[["isco08", "computerisation_prob"]], on="isco08", how="left")

    rti = _read(source, "rti_mihaylov_tijdens_isco08.csv", dtype={"isco08_code": str})
    rti = rti.rename(
        columns={
            "isco08_code": "isco08",
            "nra": "task_nra",
            "nri": "task_nri",
            "rc": "task_rc",
            "rm": "task_rm",
            "nrm": "task_nrm",
        }
    )
    task_cols = ["rti", "task_nra", "task_nri", "task_rc", "task_rm", "task_nrm"]
    occ = occ.merge(rti[["isco08", *task_cols]], on="isco08", how="left")

    occ["imputed_genai_exposure"] = _impute_hierarchical(
        occ, ["genai_exposure", "genai_gradient", "genai_class_2023"]
    )
    occ["imputed_computerisation_prob"] = _impute_hierarchical(occ, ["computerisation_prob"])
    occ["imputed_rti"] = _impute_hierarchical(occ, task_cols)
    assert occ[["genai_exposure", "computerisation_prob", *task_cols]].notna().all().all()

    # Digital skill need: half the analytic + routine-cognitive task share (the
    # screen-and-information part of the job), half the GenAI exposure score (how much
    # of the task content is digital text/data work). Simple, bounded in [0, 1].
    occ["digital_skill_need"] = np.clip(
        0.5 * (occ["task_nra"] + occ["task_rc"]) + 0.5 * occ["genai_exposure"], 0.0, 1.0
    )
    occ["tendency"] = np.select(
        [
            occ["genai_class_2023"] == "Automation Potential",
            occ["genai_class_2023"] == "Augmentation Potential",
        ],
        ["automation", "augmentation"],
        default="neither",
    )

    # Task shares each technology can perform (see SOURCES.md, "automation"):
    # generative AI: share of the occupation's ILO tasks scored >= GENAI_TASK_THRESHOLD
    # in 2025; software / process automation: routine-cognitive task share x the
    # Frey-Osborne probability of computerisation (technical feasibility); robots and
    # machinery: routine-manual task share x that probability.
    tasks = _read(source, "ilo_genai_exposure_isco08_tasks.csv", dtype={"isco08": str})
    tasks["isco08"] = tasks["isco08"].str.zfill(4)
    high = tasks.groupby("isco08")["score_2025"].apply(
        lambda x: float((x >= GENAI_TASK_THRESHOLD).mean())
    )
    occ["genai_task_share"] = occ["isco08"].map(high)
    occ["imputed_genai_task_share"] = _impute_hierarchical(occ, ["genai_task_share"])
    occ["software_task_share"] = occ["task_rc"] * occ["computerisation_prob"]
    occ["robot_task_share"] = occ["task_rm"] * occ["computerisation_prob"]
    occ["genai_exposed"] = occ["genai_gradient"].str.startswith("Exposed").astype(int)

    # Within-major employment shares and relative wages from US OEWS employment.
    us = _us_to_isco(source, set(occ["isco08"]))
    us["wagebill"] = us["us_employment"] * us["us_wage"]
    g = us.groupby("isco08")[["us_employment", "wagebill"]].sum()
    occ["_us_emp"] = occ["isco08"].map(g["us_employment"]).fillna(0.0)
    occ["_us_wage"] = occ["isco08"].map(g["wagebill"] / g["us_employment"])
    shares = np.zeros(len(occ))
    rel_wage = np.ones(len(occ))
    for idx in occ.groupby("major").groups.values():
        idx = np.asarray(list(idx))
        emp = occ.loc[idx, "_us_emp"].to_numpy()
        s = emp / emp.sum()
        floor = 0.1 / len(idx)  # 10 % of the within-major mean share
        s = np.maximum(s, floor)
        shares[idx] = _round_to_sum_one(s, 8)
        w = occ.loc[idx, "_us_wage"].to_numpy()
        has = np.isfinite(w) & (emp > 0)
        w_major = np.sum(w[has] * emp[has]) / np.sum(emp[has])
        rw = np.ones(len(idx))
        rw[has] = np.clip(np.sqrt(w[has] / w_major), 0.6, 1.6)
        rel_wage[idx] = rw
    occ["share_within_major"] = shares
    occ["rel_wage_within_major"] = rel_wage
    occ = occ.drop(columns=["_us_emp", "_us_wage"])

    sums = occ.groupby("major")["share_within_major"].sum()
    assert np.allclose(sums.to_numpy(), 1.0, atol=1e-9), sums
    cols = [
        "isco08",
        "title",
        "major",
        "sub_major",
        "minor",
        "skill_level",
        "genai_exposure",
        "genai_gradient",
        "genai_class_2023",
        "computerisation_prob",
        "rti",
        "task_nra",
        "task_nri",
        "task_rc",
        "task_rm",
        "task_nrm",
        "digital_skill_need",
        "tendency",
        "share_within_major",
        "rel_wage_within_major",
        "genai_exposed",
        "genai_task_share",
        "software_task_share",
        "robot_task_share",
        "imputed_genai_exposure",
        "imputed_computerisation_prob",
        "imputed_rti",
        "imputed_genai_task_share",
    ]
    return occ[cols]


# ================================================================================
# Employment cells (region x sector x major)
# ================================================================================
def national_major_shares(source: Path) -> np.ndarray:
    """National ISCO major-group shares of employment, 2024 (majors 1..9).

    ILO modelled 2024 (EMP_2EMP, both sexes); the published "6+9" group is split
    into 6 and 9 by the ratio of 6 to 9 in the 2013 national LFS (EMP_TEMP).

    Parameters
    ----------
    source : Path
        Source directory.

    Returns
    -------
    numpy.ndarray
        Nine shares summing to 1.
    """
    occ = _read(
        source, "kz_employment_by_occupation_isco08_national.csv", dtype={"isco08_major": str}
    )
    occ = occ[occ["sex"] == "T"]
    mod = occ[occ["source"].str.contains("EMP_2EMP") & (occ["year"] == 2024)]
    mod = mod.set_index("isco08_major")["employed_thousands"]
    lfs = occ[occ["source"].str.contains("EMP_TEMP") & (occ["year"] == 2013)]
    lfs = lfs.set_index("isco08_major")["employed_thousands"]
    r6 = lfs["6"] / (lfs["6"] + lfs["9"])
    vals = []
    for m in MAJORS:
        if m == 6:
            vals.append(mod["6+9"] * r6)
        elif m == 9:
            vals.append(mod["6+9"] * (1.0 - r6))
        else:
            vals.append(mod[str(m)])
    v = np.array(vals)
    return v / v.sum()


def build_employment_cells(
    source: Path, regions: pd.DataFrame, sectors: pd.DataFrame
) -> pd.DataFrame:
    """Build ``employment_cells.csv``: employed persons by region, sector and major.

    Steps (see SOURCES.md): national major shares; region x major margin (major 6
    tilted by rural share) fitted by IPF; region x sector margin (A tilted by rural,
    the rest by urban share) fitted by IPF; then per region a 2-D IPF of the
    national sector x major prior to the region's sector and major margins.

    Parameters
    ----------
    source : Path
        Source directory.
    regions : pandas.DataFrame
        Output of :func:`build_regions`.
    sectors : pandas.DataFrame
        Output of :func:`build_sectors`.

    Returns
    -------
    pandas.DataFrame
        Columns region_id, sector, major, employed; 20 x 14 x 9 rows.
    """
    emp_r = regions["employed"].to_numpy()
    total = emp_r.sum()
    rural = np.maximum(1.0 - regions["urban_share"].to_numpy(), RURAL_SHARE_FLOOR)
    urban = regions["urban_share"].to_numpy()
    pop = regions["population"].to_numpy()
    rural_nat = np.sum(rural * pop) / pop.sum()
    urban_nat = np.sum(urban * pop) / pop.sum()

    # (a) national margins
    major_tot = national_major_shares(source) * total
    sector_share = sectors["employment_share"].to_numpy(dtype=float)
    sector_tot = sector_share / sector_share.sum() * total

    # (b) region x major: major 6 share scaled by relative rurality, other majors
    # share the remainder in national proportions; then IPF to both margins.
    s = major_tot / total
    s6 = np.minimum(s[5] * rural / rural_nat, 0.95)
    seed_m = np.empty((len(emp_r), 9))
    others = np.delete(np.arange(9), 5)
    seed_m[:, others] = (1.0 - s6)[:, None] * (s[others] / s[others].sum())[None, :]
    seed_m[:, 5] = s6
    seed_m *= emp_r[:, None]
    reg_major = ipf_2d(seed_m, emp_r, major_tot)

    # (c) region x sector: agriculture scaled by relative rurality, other sections by
    # relative urbanity; IPF to both margins.
    tilt = np.where(
        np.array(SECTORS)[None, :] == "A",
        (rural / rural_nat)[:, None],
        (urban / urban_nat)[:, None],
    )
    seed_s = emp_r[:, None] * (sector_tot / total)[None, :] * tilt
    reg_sector = ipf_2d(seed_s, emp_r, sector_tot)

    # (d) national sector x major prior, fitted first to the national margins, then
    # per region to that region's sector and major margins.
    prior = np.array([SECTOR_MAJOR_PRIOR[sec] for sec in SECTORS], dtype=float)
    prior = prior + PRIOR_BASELINE
    prior = prior / prior.sum(axis=1, keepdims=True)
    national = ipf_2d(prior, sector_tot, major_tot)

    cells = np.empty((len(emp_r), len(SECTORS), 9))
    for r in range(len(emp_r)):
        # Both margins must have the same total for IPF; they do up to ~1e-12.
        cols = reg_major[r] * reg_sector[r].sum() / reg_major[r].sum()
        cells[r] = ipf_2d(national, reg_sector[r], cols)

    # Validation: grand total and both margins.
    assert abs(cells.sum() - EMPLOYED_TOTAL) < 1e-6 * EMPLOYED_TOTAL
    assert np.allclose(cells.sum(axis=2), reg_sector, rtol=1e-6, atol=0)
    assert np.allclose(cells.sum(axis=1), reg_major, rtol=1e-6, atol=0)
    assert np.allclose(cells.sum(axis=(0, 2)), sector_tot, rtol=1e-6)
    assert np.allclose(cells.sum(axis=(0, 1)), major_tot, rtol=1e-6)

    rid = regions["region_id"].to_numpy()
    idx = pd.MultiIndex.from_product([rid, SECTORS, MAJORS], names=["region_id", "sector", "major"])
    out = pd.DataFrame({"employed": cells.reshape(-1)}, index=idx).reset_index()
    out["_s"] = out["sector"].map({s: i for i, s in enumerate(SECTORS)})
    out = out.sort_values(["region_id", "_s", "major"]).drop(columns="_s")
    return out.reset_index(drop=True)


# ================================================================================
# Wages by region x major
# ================================================================================
def build_wages_region_major(source: Path) -> pd.DataFrame:
    """Build ``wages_region_major.csv`` from the BNS 2022 wage table.

    Parameters
    ----------
    source : Path
        Source directory.

    Returns
    -------
    pandas.DataFrame
        Columns region_id, major, mean_wage (KZT/month at the 2023 level).
    """
    w = _read(source, "kz_avg_monthly_wage_by_region_occupation_2022.csv")
    w = w[w["region_id"] != "KZ"]
    rows = []
    for m, col in ISCO_MAJOR_TITLES_COLUMNS.items():
        part = pd.DataFrame(
            {
                "region_id": w["region_id"],
                "major": m,
                "mean_wage": w[col].astype(float) * WAGE_UPRATE,
            }
        )
        rows.append(part)
    out = pd.concat(rows).sort_values(["region_id", "major"]).reset_index(drop=True)
    assert len(out) == 180
    return out


# ================================================================================
# Mobility edges
# ================================================================================
def build_mobility_edges(source: Path, occupations: pd.DataFrame) -> pd.DataFrame:
    """Build ``mobility_edges.csv`` from the derived ISCO mobility network.

    Keeps, for each source occupation, the self-loop plus at most the 10 strongest
    other targets; occupations without any row get a self-loop of 1; rows are
    re-normalised to sum to 1.

    Parameters
    ----------
    source : Path
        Source directory.
    occupations : pandas.DataFrame
        Output of :func:`build_occupations`.

    Returns
    -------
    pandas.DataFrame
        Columns source, target, p_transition, is_self.
    """
    e = _read(
        source,
        "occ_mobility_isco08_derived_edges.csv",
        dtype={"source_isco08": str, "target_isco08": str},
    )
    e = e.rename(columns={"source_isco08": "source", "target_isco08": "target"})
    valid = set(occupations["isco08"])
    e = e[e["source"].isin(valid) & e["target"].isin(valid)].copy()
    e["is_self"] = (e["source"] == e["target"]).astype(int)
    # Strongest first, ties broken by code, so the cut at 10 is deterministic.
    e = e.sort_values(
        ["source", "is_self", "p_transition", "target"], ascending=[True, False, False, True]
    )
    e["_rank"] = e[e["is_self"] == 0].groupby("source").cumcount()
    e = e[(e["is_self"] == 1) | (e["_rank"] < 10)].drop(columns="_rank")
    missing = sorted(valid - set(e["source"]))
    if missing:
        e = pd.concat(
            [
                e,
                pd.DataFrame(
                    {"source": missing, "target": missing, "p_transition": 1.0, "is_self": 1}
                ),
            ]
        )
    parts = []
    for _, grp in e.groupby("source", sort=True):
        grp = grp.sort_values("target").copy()
        grp["p_transition"] = _round_to_sum_one(grp["p_transition"].to_numpy(), 8)
        parts.append(grp)
    out = pd.concat(parts).reset_index(drop=True)
    out = out[out["p_transition"] > 0]
    assert out["source"].nunique() == len(valid)
    sums = out.groupby("source")["p_transition"].sum()
    assert np.allclose(sums.to_numpy(), 1.0, atol=1e-9)
    return out[["source", "target", "p_transition", "is_self"]].reset_index(drop=True)


# ================================================================================
# Migrant stocks
# ================================================================================
def kandas_settlement_shares(source: Path, regions: pd.DataFrame) -> np.ndarray:
    """Share of kandas settling in each region.

    The latest published settlement shares (January-April 2023,
    ``kz_kandas_arrivals_2022_2025.csv``); the regions not listed share the remainder
    in proportion to population.

    Parameters
    ----------
    source : Path
        Source directory.
    regions : pandas.DataFrame
        Output of :func:`build_regions` (``region_id``, ``population``).

    Returns
    -------
    numpy.ndarray
        Shares in the row order of ``regions``, summing to 1.
    """
    rid = regions["region_id"].to_numpy()
    pop = regions["population"].to_numpy()
    k = _read(source, "kz_kandas_arrivals_2022_2025.csv")
    sh = k[k["indicator"] == "kandas_settlement_share"]
    latest = max(sh["period"].unique())
    sh = sh[sh["period"] == latest].set_index("region_id")["value"].astype(float) / 100.0
    share = np.array(pd.Series(rid).map(sh), dtype=float)
    listed = ~np.isnan(share)
    share[~listed] = (1.0 - share[listed].sum()) * pop[~listed] / pop[~listed].sum()
    return share


def build_kandas_settlement(source: Path, regions: pd.DataFrame) -> pd.DataFrame:
    """Build ``kandas_settlement.csv``: region_id, share (see :func:`kandas_settlement_shares`).

    Parameters
    ----------
    source : Path
        Source directory.
    regions : pandas.DataFrame
        Output of :func:`build_regions`.

    Returns
    -------
    pandas.DataFrame
        One row per region, shares rounded to 8 decimals and summing to 1.
    """
    share = kandas_settlement_shares(source, regions)
    return pd.DataFrame(
        {"region_id": regions["region_id"].to_numpy(), "share": _round_to_sum_one(share, 8)}
    )


def build_migrant_stocks(source: Path, regions: pd.DataFrame) -> pd.DataFrame:
    """Build ``migrant_stocks.csv``: migrants in the labour force by region and group.

    Parameters
    ----------
    source : Path
        Source directory.
    regions : pandas.DataFrame
        Output of :func:`build_regions`.

    Returns
    -------
    pandas.DataFrame
        Columns region_id, group, persons; 20 x 3 rows.
    """
    rid = regions["region_id"].to_numpy()
    emp = regions["employed"].to_numpy()
    pop = regions["population"].to_numpy()
    # National labour-force participation of the whole population (LF / population).
    participation = regions["labour_force"].sum() / pop.sum()

    # Internal migrants: people who moved between regions in 2022-2024 and are in
    # the labour force.
    internal = regions["arrivals_2022_2024"].to_numpy() * participation

    # Foreign migrants. LEB-permit holders: the share of the national 2024 quota held
    # by the regions whose quota is published goes to them in proportion to their
    # quotas; the rest goes to the other regions by employment.
    facts = _read(source, "kz_labour_market_facts.csv")
    q = facts[
        (facts["indicator"] == "regional_foreign_worker_quota")
        & (facts["period"].astype(str) == "2024")
    ]
    name_to_id = dict(zip(regions["name_en"], regions["region_id"], strict=True))
    quota = pd.Series(q["value"].to_numpy(), index=q["region"].map(name_to_id))
    assert quota.index.notna().all()
    quota = quota.reindex(rid)
    has_q = quota.notna().to_numpy()
    quota_part = LEB_STOCK_2023 * quota.sum() / LEB_QUOTA_NATIONAL_2024
    leb = np.zeros(len(rid))
    leb[has_q] = quota_part * quota.to_numpy()[has_q] / quota.sum()
    leb[~has_q] = (LEB_STOCK_2023 - quota_part) * emp[~has_q] / emp[~has_q].sum()
    # Household labour-immigrant permits: by employment, with double weight for the
    # southern border regions and the two big cities (assumption).
    wgt = emp * np.where(
        np.isin(rid, list(HOUSEHOLD_PERMIT_HIGH_WEIGHT)), HOUSEHOLD_PERMIT_WEIGHT, 1.0
    )
    household = HOUSEHOLD_PERMITS_2023 * wgt / wgt.sum()
    foreign = leb + household

    # Kandas: cumulative arrivals since 1991 at the last date on or before the start
    # (2024-01-01), times the working-age share and the participation above.
    k = _read(source, "kz_kandas_arrivals_2022_2025.csv")
    cum = k[k["indicator"] == "kandas_cumulative_since_1991"].copy()
    cum = cum[cum["period"] <= "2024-01-01"].sort_values("period")
    kandas_total = float(cum["value"].iloc[-1]) * KANDAS_WORKING_AGE_SHARE * participation
    # Settlement: the latest published shares (Jan-Apr 2023), see
    # kandas_settlement_shares (also written as kandas_settlement.csv).
    kandas = kandas_total * kandas_settlement_shares(source, regions)

    out = pd.concat(
        [
            pd.DataFrame({"region_id": rid, "group": "internal_migrant", "persons": internal}),
            pd.DataFrame({"region_id": rid, "group": "foreign_migrant", "persons": foreign}),
            pd.DataFrame({"region_id": rid, "group": "kandas", "persons": kandas}),
        ]
    )
    order = {"internal_migrant": 0, "foreign_migrant": 1, "kandas": 2}
    out["_g"] = out["group"].map(order)
    out = out.sort_values(["region_id", "_g"]).drop(columns="_g").reset_index(drop=True)
    assert (
        abs(
            out.loc[out["group"] == "foreign_migrant", "persons"].sum()
            - HOUSEHOLD_PERMITS_2023
            - LEB_STOCK_2023
        )
        < 1e-6
    )
    return out


# ================================================================================
# Foreign origins and worker groups
# ================================================================================
def leb_origin_shares(source: Path) -> tuple[str, pd.Series]:
    """Origin shares of the LEB (employer-permit) stock at the latest full breakdown.

    A breakdown is "full" when the date has a total row and origin rows for at least
    the four largest origins (as the Ministry publishes them). Origins outside
    :data:`FOREIGN_ORIGINS` and the unnamed remainder (total minus the named origins)
    go to ``other``.

    Parameters
    ----------
    source : Path
        Source directory.

    Returns
    -------
    tuple
        The date used and a Series of shares indexed by :data:`FOREIGN_ORIGINS`.
    """
    p = _read(source, "kz_foreign_labour_permits_2021_2025.csv")
    p = p[(p["indicator"] == "foreign_workers_LEB_permits_stock") & (p["region_id"] == "KZ")]
    totals = p[p["breakdown"] == "total"].set_index("period")["value"].astype(float)
    origins = p[p["breakdown"].str.startswith("origin=")]
    n_named = origins.groupby("period").size()
    full = sorted(d for d in totals.index if n_named.get(d, 0) >= 4)
    date = full[-1]
    named = origins[origins["period"] == date]
    named = pd.Series(
        named["value"].astype(float).to_numpy(),
        index=named["breakdown"].str.removeprefix("origin=").to_numpy(),
    )
    counts = pd.Series(0.0, index=FOREIGN_ORIGINS)
    for origin, n in named.items():
        counts[origin if origin in FOREIGN_ORIGINS else "other"] += n
    counts["other"] += totals[date] - named.sum()
    assert counts.min() >= 0 and abs(counts.sum() - totals[date]) < 1e-9
    return date, counts / totals[date]


def build_foreign_origins(source: Path) -> pd.DataFrame:
    """Build ``foreign_origins.csv``: origin shares and attributes of foreign migrants.

    ``stock_share`` combines the LEB-permit stock (origin split of
    :func:`leb_origin_shares`) and the household labour-immigrant permits (origin split
    :data:`HOUSEHOLD_PERMIT_ORIGIN_SPLIT`, assumption), weighted by their 2023 sizes
    (``kz_labour_market_facts.csv``: 14,534 LEB permit holders on 2023-10-01, 295,261
    household permits issued in 2023). Wages, language and digital factor are the
    assumptions of :data:`ORIGIN_ATTRIBUTES`.

    Parameters
    ----------
    source : Path
        Source directory.

    Returns
    -------
    pandas.DataFrame
        Columns origin, stock_share, origin_wage, language_mean,
        digital_literacy_factor; rows in the order of :data:`FOREIGN_ORIGINS`.
    """
    leb_stock = float(_fact(source, "foreign_workers_with_LEB_permits", "2023-10-01")["value"])
    household = float(_fact(source, "labour_immigrant_permits_issued", "2023")["value"])
    assert leb_stock == LEB_STOCK_2023 and household == HOUSEHOLD_PERMITS_2023

    # The published Shymkent split bounds the assumed Uzbek share from above.
    p = _read(source, "kz_foreign_labour_permits_2021_2025.csv")
    shy = p[
        (p["indicator"] == "household_labour_immigrant_permits_issued")
        & (p["region_id"] == "KZ-79")
    ].set_index("breakdown")["value"]
    shymkent_uzbek = float(shy["citizenship=Uzbekistan"]) / float(shy["total"])
    assert HOUSEHOLD_PERMIT_ORIGIN_SPLIT["Uzbekistan"] < shymkent_uzbek

    _, leb = leb_origin_shares(source)
    hh = pd.Series(HOUSEHOLD_PERMIT_ORIGIN_SPLIT).loc[FOREIGN_ORIGINS]
    assert abs(hh.sum() - 1.0) < 1e-12
    mix = (leb_stock * leb + household * hh) / (leb_stock + household)
    attrs = pd.DataFrame(ORIGIN_ATTRIBUTES, index=["wage", "language", "digital"]).T
    attrs = attrs.loc[FOREIGN_ORIGINS]
    return pd.DataFrame(
        {
            "origin": FOREIGN_ORIGINS,
            "stock_share": _round_to_sum_one(mix.to_numpy(), 6),
            "origin_wage": attrs["wage"].to_numpy(dtype=float),
            "language_mean": attrs["language"].to_numpy(dtype=float),
            "digital_literacy_factor": attrs["digital"].to_numpy(dtype=float),
        }
    )


def kandas_qualification_share(source: Path) -> float:
    """Share of working-age kandas with higher or secondary-specialised education.

    ``kz_kandas_arrivals_2022_2025.csv``, ``kandas_education_working_age`` on
    :data:`KANDAS_EDUCATION_DATE` (the date of the working-age share already used).
    """
    k = _read(source, "kz_kandas_arrivals_2022_2025.csv")
    edu = k[
        (k["indicator"] == "kandas_education_working_age") & (k["period"] == KANDAS_EDUCATION_DATE)
    ].set_index("breakdown")["value"]
    assert abs(edu.sum() - 100.0) < 0.5, edu.sum()
    return round((float(edu["higher"]) + float(edu["secondary specialized"])) / 100.0, 6)


def build_group_attributes(source: Path) -> pd.DataFrame:
    """Build ``group_attributes.csv`` from :data:`GROUP_ATTRIBUTES` (estimates).

    The kandas ``foreign_qualification_share`` is :func:`kandas_qualification_share`.

    Parameters
    ----------
    source : Path
        Source directory.

    Returns
    -------
    pandas.DataFrame
        One row per group in the order of :data:`GROUPS`.
    """
    rows = []
    for g in GROUPS:
        digital, language, irregular, qualification = GROUP_ATTRIBUTES[g]
        if qualification is None:
            qualification = kandas_qualification_share(source)
        rows.append((g, digital, language, irregular, qualification))
    return pd.DataFrame(
        rows,
        columns=[
            "group",
            "digital_literacy_factor",
            "language_mean",
            "irregular_share",
            "foreign_qualification_share",
        ],
    )


# Sector counts of LEB permit holders in 2023 (kz_labour_market_facts.csv indicator ->
# ISIC section it covers).
LEB_SECTOR_INDICATORS = {
    "foreign_workers_construction": "F",
    "foreign_workers_agriculture_forestry_fishery": "A",
    "foreign_workers_mining_quarrying": "B",
    "foreign_workers_manufacturing": "C",
    "foreign_workers_professional_scientific_technical": "M",
}


def build_group_sector_tilt(source: Path, sectors: pd.DataFrame) -> pd.DataFrame:
    """Build ``group_sector_tilt.csv``: relative propensity of a group to work in a sector.

    native, internal_migrant: 1. foreign_migrant: (share of LEB permit holders in the
    sector, 2023) / (national employment share of the sector) where a permit count
    exists; :data:`FOREIGN_TILT_ASSUMED` for trade (G) and transport (H+J); 1
    elsewhere; all clipped to :data:`TILT_CLIP`. kandas: agriculture
    :data:`KANDAS_AGRICULTURE_TILT`, others 1.

    Parameters
    ----------
    source : Path
        Source directory.
    sectors : pandas.DataFrame
        Output of :func:`build_sectors`.

    Returns
    -------
    pandas.DataFrame
        Columns group, sector, tilt; groups in the order of :data:`GROUPS`, sectors in
        the order of :data:`SECTORS`.
    """
    emp_share = sectors.set_index("sector")["employment_share"]
    leb_stock = float(_fact(source, "foreign_workers_with_LEB_permits", "2023-10-01")["value"])
    foreign = pd.Series(1.0, index=SECTORS)
    for indicator, section in LEB_SECTOR_INDICATORS.items():
        sector = _sector_containing(section)
        permits = float(_fact(source, indicator, "2023")["value"])
        foreign[sector] = (permits / leb_stock) / emp_share[sector]
    for section in ("G", "H"):
        foreign[_sector_containing(section)] = FOREIGN_TILT_ASSUMED
    foreign = foreign.clip(*TILT_CLIP).round(4)
    kandas = pd.Series(1.0, index=SECTORS)
    kandas[_sector_containing("A")] = KANDAS_AGRICULTURE_TILT
    tilt = {
        "native": pd.Series(1.0, index=SECTORS),
        "internal_migrant": pd.Series(1.0, index=SECTORS),
        "foreign_migrant": foreign,
        "kandas": kandas,
    }
    return pd.DataFrame(
        [(g, s, float(tilt[g][s])) for g in GROUPS for s in SECTORS],
        columns=["group", "sector", "tilt"],
    )


# ================================================================================
# Calibration targets
# ================================================================================
# Migration and quota targets read from kz_labour_market_facts.csv:
# key -> (indicator, period, unit, publisher as cited).
FACT_TARGETS = {
    "emigrants_2022": ("emigrants", "2022", "persons/year", "BNS via liter.kz"),
    "emigrants_2023_h1": ("emigrants", "2023-H1", "persons/half-year", "BNS via inform.kz"),
    "immigrants_2022": ("immigrants", "2022", "persons/year", "BNS via liter.kz"),
    "quota_household_permits_2024": (
        "quota_labour_immigrants_household_work",
        "2024",
        "persons/year",
        "qazmonitor",
    ),
    "quota_leb_permits_2024": (
        "quota_foreign_labour_LEB_permits",
        "2024",
        "persons/year",
        "qazmonitor",
    ),
}


def build_calibration_targets(source: Path) -> pd.DataFrame:
    """Build ``calibration_targets.csv``: headline figures the model should reproduce.

    Parameters
    ----------
    source : Path
        Source directory (for the rows of :data:`FACT_TARGETS`).

    Returns
    -------
    pandas.DataFrame
        Columns key, value, unit, source; sorted by key.
    """
    lmf = "kz_labour_market_facts.csv"
    ai = "ai_automation_calibration_figures.csv"
    rows = [
        ("employed_total", 9.2e6, "persons", f"{lmf}: employed_total 2024-Q4 (BNS via informkz)"),
        (
            "unemployment_rate",
            0.046,
            "fraction",
            f"{lmf}: unemployment_rate_ilo 2024-Q4 (BNS via informkz)",
        ),
        ("labour_force", 9.6e6, "persons", f"{lmf}: labour_force 2024-Q4 (BNS via informkz)"),
        (
            "mean_wage",
            364295.0,
            "KZT/month",
            f"{lmf}: avg_monthly_nominal_wage 2023 (BNS pub. 190193)",
        ),
        ("median_wage", 251356.0, "KZT/month", f"{lmf}: median_monthly_wage 2023 (BNS pub. 98278)"),
        ("minimum_wage", 85000.0, "KZT/month", f"{lmf}: minimum_wage from 2024-01-01 (BNS)"),
        (
            "informal_share",
            0.136,
            "fraction of employed",
            f"{lmf}: informal_employment_share 2021 (newsline.kz)",
        ),
        (
            "automation_very_likely_share",
            0.08,
            "fraction of employees",
            f"{ai}: CDLR 2023 employees_automation_very_likely (686k, 8%)",
        ),
        (
            "automation_moderate_share",
            0.17,
            "fraction of employees",
            f"{ai}: CDLR 2023 employees_automation_moderate (1.5M, 17%)",
        ),
        (
            "share_jobs_moderate_high_risk",
            0.25,
            "fraction of employees",
            f"derived: sum of the two CDLR 2023 rows in {ai} (8% + 17%)",
        ),
        (
            "jobs_moderate_high_risk",
            2.2e6,
            "persons",
            f"derived: 686k + 1,500k CDLR 2023 rows in {ai}, rounded",
        ),
        (
            "genai_exposed_share_upper_middle_income",
            0.25,
            "fraction of employment",
            f"{ai}: ILO WP140 (2025) share_employment_exposed_any_gradient, upper-middle income",
        ),
        (
            "tasks_automatable_share",
            0.13,
            "fraction of work tasks",
            f"{ai}: CDLR via Inbusiness (Nov 2025) share_work_tasks_automatable_long_term",
        ),
        (
            "max_automation_rate_managers_civil_servants",
            0.59,
            "fraction (upper bound)",
            f"{ai}: CDLR 2023 max_automation_rate_managers_and_civil_servants",
        ),
        (
            "max_automation_rate_clerical",
            0.48,
            "fraction (upper bound)",
            f"{ai}: CDLR 2023 max_automation_rate_administration_employees",
        ),
        (
            "max_automation_rate_professionals",
            0.46,
            "fraction (upper bound)",
            f"{ai}: CDLR 2023 max_automation_rate_professionals",
        ),
        (
            "max_automation_rate_technicians",
            0.29,
            "fraction (upper bound)",
            f"{ai}: CDLR 2023 max_automation_rate_technicians",
        ),
        (
            "kandas_arrivals_2025",
            16805.0,
            "persons/year",
            "kz_kandas_arrivals_2022_2025.csv: full-year 2025 (Ministry of Labour via press)",
        ),
        (
            "household_permits_2023",
            295261.0,
            "permits/year",
            f"{lmf}: labour_immigrant_permits_issued 2023 (qazmonitor)",
        ),
        (
            "leb_permits_stock_2023",
            14534.0,
            "persons",
            f"{lmf}: foreign_workers_with_LEB_permits 2023-10-01 (astanatimes)",
        ),
        (
            "interregional_moves_2023",
            1023573.0,
            "moves/year",
            "kz_interregional_migration_by_region_2022_2024.csv: sum of 2023 arrivals",
        ),
    ]
    for key, (indicator, period, unit, publisher) in FACT_TARGETS.items():
        value = float(_fact(source, indicator, period)["value"])
        rows.append((key, value, unit, f"{lmf}: {indicator} {period} ({publisher})"))
    assert (
        float(_fact(source, "quota_foreign_labour_LEB_permits", "2024")["value"])
        == LEB_QUOTA_NATIONAL_2024
    )
    out = pd.DataFrame(rows, columns=["key", "value", "unit", "source"])
    return out.sort_values("key").reset_index(drop=True)


# ================================================================================
# Main
# ================================================================================
# Occupations of the new work each technology creates (reinstatement): operating,
# maintaining and programming it, and the data, security and legal work around it. The
# ISCO-08 unit groups are chosen by their definitions (ILO ISCO-08 structure); drone
# pilots are in 3153, cyber-security specialists in 2529, cyber law in 2611.
NEW_TECH_OCCUPATIONS = [
    ("robots", "3139", "robot and process-control operators"),
    ("robots", "3153", "drone operators"),
    ("robots", "3115", "mechanical engineering technicians"),
    ("robots", "7233", "industrial machinery mechanics"),
    ("robots", "7421", "electronics and robot maintenance technicians"),
    ("software", "2511", "systems analysts"),
    ("software", "2512", "software developers"),
    ("software", "2514", "applications programmers"),
    ("software", "3512", "ICT user support technicians"),
    ("software", "2529", "cyber-security specialists"),
    ("genai", "2120", "data scientists and statisticians"),
    ("genai", "2511", "AI systems analysts"),
    ("genai", "2521", "data engineers and database designers"),
    ("genai", "2529", "AI security specialists"),
    ("genai", "2611", "cyber-law and AI compliance lawyers"),
]


def build_new_tech_occupations(occupations: pd.DataFrame) -> pd.DataFrame:
    """Build ``new_tech_occupations.csv``: technology, isco08, role (see the table above)."""
    out = pd.DataFrame(NEW_TECH_OCCUPATIONS, columns=["technology", "isco08", "role"])
    assert set(out["isco08"]) <= set(occupations["isco08"])
    return out


def build_isco_groups(source: Path) -> pd.DataFrame:
    """Build ``isco_groups.csv``: titles of the ISCO-08 major, sub-major and minor groups.

    Used to name occupations when the model runs at a coarser level than unit groups.
    Source: ``isco08_structure.csv`` (ILO ISCO-08 structure); armed forces excluded.
    """
    st = _read(source, "isco08_structure.csv", dtype=str)
    st = st[st["n_digits"].isin(["1", "2", "3"]) & (st["major"] != "0")]
    out = pd.DataFrame(
        {
            "isco08": st["isco08_code"].to_numpy(),
            "level": st["n_digits"].map({"1": "major", "2": "sub_major", "3": "minor"}),
            "title": st["isco08_title"].to_numpy(),
        }
    )
    return out.sort_values("isco08").reset_index(drop=True)


def build_all(source: Path, out: Path) -> dict[str, int]:
    """Build and write every table.

    Parameters
    ----------
    source : Path
        Directory with the source CSVs.
    out : Path
        Output directory.

    Returns
    -------
    dict
        File name -> number of data rows written.
    """
    source = Path(source)
    out = Path(out)
    regions = build_regions(source)
    sectors = build_sectors(source)
    occupations = build_occupations(source)
    cells = build_employment_cells(source, regions, sectors)
    wages = build_wages_region_major(source)
    mobility = build_mobility_edges(source, occupations)
    migrants = build_migrant_stocks(source, regions)
    targets = build_calibration_targets(source)
    groups = build_isco_groups(source)
    new_tech = build_new_tech_occupations(occupations)
    origins = build_foreign_origins(source)
    group_attrs = build_group_attributes(source)
    tilt = build_group_sector_tilt(source, sectors)
    kandas_settlement = build_kandas_settlement(source, regions)

    # Check the interregional-moves target against the migration file.
    mig = _read(source, "kz_interregional_migration_by_region_2022_2024.csv")
    moves_2023 = mig[(mig["year"] == 2023) & (mig["period"] == "year")]["arrivals"].sum()
    assert moves_2023 == 1023573

    person_dec = 1  # persons are kept to 0.1 so that totals survive rounding
    tables = {
        "regions.csv": (
            regions,
            {
                "population": 0,
                "employed": person_dec,
                "labour_force": person_dec,
                "mean_wage": 1,
                "lat": 2,
                "lon": 2,
            },
        ),
        "sectors.csv": (sectors, {"employment_share": 8, "informal_share": 8}),
        "occupations.csv": (
            occupations,
            {"share_within_major": 8, "software_task_share": 6, "robot_task_share": 6},
        ),
        "employment_cells.csv": (cells, {"employed": person_dec}),
        "wages_region_major.csv": (wages, {"mean_wage": 1}),
        "mobility_edges.csv": (mobility, {"p_transition": 8}),
        "migrant_stocks.csv": (migrants, {"persons": person_dec}),
        "calibration_targets.csv": (targets, {"value": 6}),
        "isco_groups.csv": (groups, {}),
        "new_tech_occupations.csv": (new_tech, {}),
        "foreign_origins.csv": (
            origins,
            {
                "stock_share": 6,
                "origin_wage": 0,
                "language_mean": 4,
                "digital_literacy_factor": 4,
            },
        ),
        "group_attributes.csv": (group_attrs, {c: 6 for c in group_attrs.columns[1:]}),
        "group_sector_tilt.csv": (tilt, {"tilt": 4}),
        "kandas_settlement.csv": (kandas_settlement, {"share": 8}),
    }
    counts = {}
    for name, (df, dec) in tables.items():
        _write(df, out / name, dec=dec)
        counts[name] = len(df)
    return counts


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="directory with the source CSVs (default: ../shared/data)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output directory (default: sim/data/default)"
    )
    args = parser.parse_args(argv)
    counts = build_all(args.source, args.out)
    for name, n in counts.items():
        print(f"{name}: {n} rows")


if __name__ == "__main__":
    main()
