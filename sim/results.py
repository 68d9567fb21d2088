"""Result tables of a run, built from the model's collected arrays (output contract).

Tables and their columns are fixed by the output contract (DESIGN.md section 6);
counts are persons, wages KZT per month, rates fractions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.config import TECHNOLOGIES
from sim.data import GROUPS
from sim.mechanisms.automation import substitution
from sim.model import LabourMarketModel
from sim.state import EMPLOYED, IN_TRAINING, UNEMPLOYED

TABLE_NAMES = ("national", "regions", "occupations", "groups", "risk", "technologies", "flows")

REQUIRED_COLUMNS = {
    "national": [
        "month",
        "date",
        "labour_force",
        "employed",
        "unemployed",
        "in_training",
        "unemployment_rate",
        "vacancies",
        "displaced",
        "displaced_cum",
        "reskilled_cum",
        "new_jobs_cum",
        "automation_share",
        "mean_wage",
        "internal_moves",
        "immigrants",
        "emigrants",
    ],
    "regions": [
        "month",
        "region",
        "labour_force",
        "employed",
        "unemployed",
        "unemployment_rate",
        "vacancies",
        "mean_wage",
        "automation_share",
        "displaced_cum",
    ],
    "occupations": [
        "month",
        "occupation",
        "employed",
        "unemployed",
        "vacancies",
        "mean_wage",
        "automation_share",
    ],
    "groups": [
        "month",
        "group",
        "labour_force",
        "employed",
        "unemployed",
        "in_training",
        "reskilled_cum",
        "mean_wage",
        "displaced_cum",
        "reemployed_cum",
        "displaced_search_months_cum",
        "arrivals_cum",
        "departures_cum",
    ],
    "flows": ["year", "origin", "destination", "persons"],
    "risk": ["region", "occupation", "sector", "jobs", "jobs_at_risk", "genai_replaceable"],
    "technologies": [
        "month",
        "technology",
        "region",
        "cost",
        "adoption_share",
        "firms_adopting_share",
        "firms_aware_share",
    ],
}


def _dates(model: LabourMarketModel, months: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex([(model.start + int(m)).to_timestamp() for m in months])


def _rate(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros_like(num, dtype=float), where=den > 0)


def _long(model: LabourMarketModel, status: np.ndarray, wage: np.ndarray) -> dict:
    t = model.month + 1
    months = np.repeat(np.arange(t), status.shape[1])
    st = status[:t].reshape(-1, status.shape[2])
    employed = st[:, EMPLOYED]
    unemployed = st[:, UNEMPLOYED]
    in_training = st[:, IN_TRAINING]
    return {
        "month": months.astype(np.int32),
        "labour_force": employed + unemployed + in_training,
        "employed": employed,
        "unemployed": unemployed,
        "in_training": in_training,
        "mean_wage": _rate(wage[:t].reshape(-1), employed),
    }


def build_tables(model: LabourMarketModel, risk: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """All contract tables of a model's run so far (months 0 .. model.month).

    ``risk`` is the month-0 table from :func:`risk_table`, taken before the run.

    Returns
    -------
    dict of DataFrame
        Keys ``national``, ``regions``, ``occupations``, ``groups``, ``risk``.
    """
    data = model.data
    t = model.month + 1

    national = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    national["month"] = national["month"].astype(np.int32)
    national.insert(1, "date", _dates(model, national["month"].to_numpy()))

    reg = _long(model, model.region_status, model.region_wage)
    regions = pd.DataFrame(
        {
            "month": reg["month"],
            "region": pd.Categorical(np.tile(data.region_names, t), categories=data.region_names),
            "labour_force": reg["labour_force"],
            "employed": reg["employed"],
            "unemployed": reg["unemployed"],
            "in_training": reg["in_training"],
            "unemployment_rate": _rate(reg["unemployed"], reg["labour_force"]),
            "vacancies": model.region_vacancies[:t].reshape(-1),
            "mean_wage": reg["mean_wage"],
            "automation_share": (model.region_automation[:t] / model.region_jobs_initial).reshape(
                -1
            ),
            "displaced_cum": model.region_displaced[:t].reshape(-1),
        }
    )

    occ = _long(model, model.occupation_status, model.occupation_wage)
    occupations = pd.DataFrame(
        {
            "month": occ["month"],
            "occupation": np.tile(data.occupation_codes, t),
            "title": np.tile(data.occupation_titles, t),
            "major": np.tile(data.occupation_major.astype(np.int8), t),
            "employed": occ["employed"],
            "unemployed": occ["unemployed"],
            "vacancies": model.occupation_vacancies[:t].reshape(-1),
            "mean_wage": occ["mean_wage"],
            "automation_share": (
                model.occupation_automation[:t] / model.occupation_jobs_initial
            ).reshape(-1),
        }
    )

    grp = _long(model, model.group_status, model.group_wage)
    groups = pd.DataFrame(
        {
            "month": grp["month"],
            "group": pd.Categorical(np.tile(GROUPS, t), categories=GROUPS),
            "labour_force": grp["labour_force"],
            "employed": grp["employed"],
            "unemployed": grp["unemployed"],
            "in_training": grp["in_training"],
            "unemployment_rate": _rate(grp["unemployed"], grp["labour_force"]),
            "mean_wage": grp["mean_wage"],
            **{name: values[:t].reshape(-1) for name, values in model.group_flows.items()},
            **{name: values[:t].reshape(-1) for name, values in model.group_stocks.items()},
        }
    )
    return {
        "national": national,
        "regions": regions,
        "occupations": occupations,
        "groups": groups,
        "risk": risk,
        "technologies": technology_table(model),
        "flows": flows_table(model),
    }


def flows_table(model: LabourMarketModel) -> pd.DataFrame:
    """Moves between regions by simulation year (months 1-12 = year 1), persons.

    One row per year x origin x destination (origin != destination) for every year
    simulated so far, moves by migration and by hires in another region together.
    """
    data = model.data
    n_years = -(-model.month // 12)
    n_reg = data.n_regions
    origin, destination = np.nonzero(~np.eye(n_reg, dtype=bool))
    names = np.asarray(data.region_names)
    return pd.DataFrame(
        {
            "year": np.repeat(np.arange(1, n_years + 1), len(origin)).astype(np.int32),
            "origin": pd.Categorical(np.tile(names[origin], n_years), categories=names),
            "destination": pd.Categorical(np.tile(names[destination], n_years), categories=names),
            "persons": model.moves_od[:n_years, origin, destination].reshape(-1),
        }
    )


def technology_table(model: LabourMarketModel) -> pd.DataFrame:
    """Adoption of each technology by region and month.

    ``cost`` is the technology's cost per job-equivalent (KZT per month, incl. tax,
    before firm-specific factors); ``adoption_share`` the share of month-0 jobs in posts
    that adopted it; ``firms_adopting_share`` and ``firms_aware_share`` shares of firms.
    """
    data = model.data
    t = model.month + 1
    n_tech, n_reg = len(TECHNOLOGIES), data.n_regions
    months = np.arange(t)
    costs = np.array([model.technology_cost(int(m)) for m in months])  # [t, k]
    return pd.DataFrame(
        {
            "month": np.repeat(months, n_tech * n_reg).astype(np.int32),
            "technology": pd.Categorical(
                np.tile(np.repeat(TECHNOLOGIES, n_reg), t), categories=TECHNOLOGIES
            ),
            "region": pd.Categorical(
                np.tile(data.region_names, t * n_tech), categories=data.region_names
            ),
            "cost": np.repeat(costs.reshape(-1), n_reg),
            "adoption_share": (model.tech_adopted[:t] / model.region_jobs_initial).reshape(-1),
            "firms_adopting_share": (model.tech_firms_adopting[:t] / model.region_firms).reshape(
                -1
            ),
            "firms_aware_share": (model.tech_firms_aware[:t] / model.region_firms).reshape(-1),
        }
    )


def risk_table(model: LabourMarketModel) -> pd.DataFrame:
    """Risk assessment at month 0: jobs by region and occupation, at risk, replaceable.

    Rules (documented in ``docs/calibration.md``):

    - ``jobs_at_risk``: jobs in occupations the ILO (WP140, 2025) classes as exposed to
      generative AI (gradients 1-4), i.e. jobs x the share of the occupation in those
      gradients -- the "moderate or high risk" of the Ministry's study;
    - ``genai_replaceable``: job-equivalents generative AI can replace: jobs x the share
      of the occupation's tasks with an ILO 2025 score of at least 0.5 x the share of
      those tasks that substitute labour in the job's sector (``automation.substitution_*``
      and ``sector_lean``).

    One row per region x occupation x sector with jobs, so sums by any of them are exact.
    """
    data, p = model.data, model.posts
    weight = model.person_weight
    n_occ, n_sec = data.n_occupations, data.n_sectors
    key = (p.region.astype(np.int64) * n_occ + p.occupation) * n_sec + p.sector
    jobs = np.bincount(key, weights=p.filled * weight, minlength=data.n_regions * n_occ * n_sec)
    jobs = jobs.reshape(data.n_regions, n_occ, n_sec)
    genai = TECHNOLOGIES.index("genai")
    replace_share = (
        data.occupation_task_share["genai"][:, None] * substitution(data, model.cfg)[genai]
    )  # [occupation, sector]
    replaceable = jobs * replace_share[None, :, :]
    r, o, j = np.nonzero(jobs > 0)
    # Labels are taken from one string array each, not converted row by row.
    return pd.DataFrame(
        {
            "region": pd.Categorical.from_codes(r, categories=data.region_names),
            "occupation": pd.array(data.occupation_codes, dtype="str").take(o),
            "title": pd.array(data.occupation_titles, dtype="str").take(o),
            "sector": pd.array(data.sectors, dtype="str").take(j),
            "jobs": jobs[r, o, j],
            "jobs_at_risk": jobs[r, o, j] * data.occupation_genai_exposed[o],
            "genai_replaceable": replaceable[r, o, j],
        }
    )
