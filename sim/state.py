"""Columnar agent state (structure of arrays) and synthetic population generation.

Workers, firms and posts live in typed numpy arrays, one row per agent, so that
millions of workers fit in memory and numba kernels update them in place. A *post* is
one occupation inside one firm (firm x occupation): it holds the jobs the firm wants
in that occupation, how many are filled, and the wage it offers. Vacancies are the
desired jobs a post has not filled.

:func:`generate_population` draws a population at any ``scale`` (agents per person)
that reproduces the margins of the embedded data: employment by region x sector x ISCO
major group, unit groups within major groups, unemployment by region, wages by region
x major group, and migrant stocks by region. Each agent carries a weight of
``1 / scale`` persons.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sim.config import TECHNOLOGIES, LabsimConfig
from sim.data import GROUPS, Dataset
from sim.rng import stream_generator

# Worker status codes (int8).
EMPLOYED = 0
UNEMPLOYED = 1
IN_TRAINING = 2
OUT_OF_LABOUR_FORCE = 3
EMIGRATED = 4
ABROAD = 5  # a foreign migrant or kanda who has not (yet, or again) come to Kazakhstan
STATUS_NAMES = (
    "employed",
    "unemployed",
    "in_training",
    "out_of_labour_force",
    "emigrated",
    "abroad",
)

N_TECHNOLOGIES = len(TECHNOLOGIES)

# Legal status codes (int8).
REGULAR = 0
IRREGULAR = 1

NO_ORIGIN = -1  # origin code of workers who are not foreign migrants

LONG_TERM_MONTHS = 12  # unemployment of this many months or more is long-term (ILO)


@dataclass
class Workers:
    """Worker agents as columns; row ``i`` is worker ``i``.

    Wages are KZT per month; ``weight`` is persons represented by the agent.
    """

    region: np.ndarray  # int8, index into Dataset.region_ids
    occupation: np.ndarray  # int16, current or last occupation
    sector: np.ndarray  # int8, current or last sector
    skill: np.ndarray  # int8, ISCO skill level 1-4 of the worker (real)
    skill_recognised: np.ndarray  # int8, skill level employers see: one below ``skill``
    # for migrants whose foreign qualification is not recognised
    digital_literacy: np.ndarray  # float32, 0-1
    language: np.ndarray  # float32, proficiency in Kazakh/Russian, 0-1
    age: np.ndarray  # int8, years
    group: np.ndarray  # int8, index into GROUPS
    legal_status: np.ndarray  # int8, REGULAR / IRREGULAR
    origin: np.ndarray  # int8, index into Dataset.foreign_origins (NO_ORIGIN if not foreign)
    digital_course: np.ndarray  # bool, has taken a digital-inclusion course
    status: np.ndarray  # int8, EMPLOYED ... ABROAD
    post: np.ndarray  # int32, post held (-1 when not employed)
    wage: np.ndarray  # float32, current wage if employed, else last wage
    productivity: np.ndarray  # float32, individual wage factor (mean 1)
    months_in_status: np.ndarray  # int16
    reservation_wage: np.ndarray  # float32, lowest acceptable wage while unemployed
    weight: np.ndarray  # float32, persons per agent
    ti_displaced: np.ndarray  # int16, month of the last job loss to automation (-1 never)
    insured: np.ndarray  # bool, current or last job formal (social insurance paid)
    benefit_months_left: np.ndarray  # int8, months of benefit still to be paid
    training_target: np.ndarray  # int16, occupation a trainee trains for (-1 none)
    training_months_left: np.ndarray  # int8, months of the course still to go
    retrained: np.ndarray  # bool, a course ended with a qualification and the worker has
    # not held a job since

    @property
    def n(self) -> int:
        return len(self.status)


@dataclass
class Firms:
    """Firm agents as columns."""

    region: np.ndarray  # int8
    sector: np.ndarray  # int8
    jobs_initial: np.ndarray  # int32, filled jobs at month 0 (agents)
    wage_premium: np.ndarray  # float32, firm wage factor (mean 1)
    cost_multiplier: np.ndarray  # float32, firm-specific factor on technology costs
    credit_constrained: np.ndarray  # bool, adoption needs scarce credit (small firms)
    aware: np.ndarray  # bool [firm, technology], knows the technology
    adopted: np.ndarray  # bool [firm, technology], a post of the firm adopted the technology

    @property
    def n(self) -> int:
        return len(self.region)


@dataclass
class Posts:
    """Posts (firm x occupation) as columns."""

    firm: np.ndarray  # int32
    occupation: np.ndarray  # int16
    region: np.ndarray  # int8
    sector: np.ndarray  # int8
    jobs_base: np.ndarray  # float32, desired jobs at demand index 1 (agents)
    rounding_draw: np.ndarray  # float32, persistent uniform for rounding desired jobs
    jobs_desired: np.ndarray  # int32, desired jobs this month (agents)
    filled: np.ndarray  # int32, jobs filled (agents)
    wage_offer: np.ndarray  # float32, KZT per month for a worker of productivity 1
    jobs_base_initial: np.ndarray  # float32, desired jobs at demand 1 at month 0 (agents)
    automated_share: np.ndarray  # float32, share of the post's jobs automated away
    adopted: np.ndarray  # int32 [post, technology], tick of adoption (-1 not adopted)
    attrition_until: np.ndarray  # int32, tick until which cuts wait for quits (-1 none)
    informal: np.ndarray  # bool, jobs without a contract (the only ones irregular migrants get)

    @property
    def n(self) -> int:
        return len(self.firm)

    def append(
        self,
        firm: np.ndarray,
        occupation: np.ndarray,
        region: np.ndarray,
        sector: np.ndarray,
        jobs_base: np.ndarray,
        wage_offer: np.ndarray,
        rounding_draw: np.ndarray,
    ) -> None:
        """Add new, empty, formal posts (new occupations in existing firms)."""
        k = len(firm)
        n_tech = self.adopted.shape[1]
        add = {
            "firm": firm.astype(np.int32),
            "occupation": occupation.astype(np.int16),
            "region": region.astype(np.int8),
            "sector": sector.astype(np.int8),
            "jobs_base": jobs_base.astype(np.float32),
            "rounding_draw": rounding_draw.astype(np.float32),
            "jobs_desired": np.zeros(k, np.int32),
            "filled": np.zeros(k, np.int32),
            "wage_offer": wage_offer.astype(np.float32),
            "jobs_base_initial": np.zeros(k, np.float32),
            "automated_share": np.zeros(k, np.float32),
            "adopted": np.full((k, n_tech), -1, np.int32),
            "attrition_until": np.full(k, -1, np.int32),
            "informal": np.zeros(k, np.bool_),
        }
        for name, values in add.items():
            setattr(self, name, np.concatenate([getattr(self, name), values]))

    @property
    def vacancies(self) -> np.ndarray:
        """Open vacancies per post (agents)."""
        return np.maximum(self.jobs_desired - self.filled, 0)


def nbytes(obj: Workers | Firms | Posts) -> int:
    """Memory held by the arrays of ``obj``, bytes."""
    return sum(getattr(obj, f.name).nbytes for f in fields(obj))


def _stochastic_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    base = np.floor(x)
    return (base + (rng.random(x.shape) < (x - base))).astype(np.int64)


def _firm_sizes(total: int, exponent: float, cap: int, rng: np.random.Generator) -> np.ndarray:
    """Zipf-like firm sizes (agents) summing exactly to ``total``.

    Sizes are ``floor(U ** (-1 / (exponent - 1)))``: a discrete Pareto law whose
    survival function falls like ``k ** -(exponent - 1)`` (Axtell's Zipf law for
    ``exponent = 2``), capped at ``cap``; the last firm is trimmed to hit the total.
    """
    sizes: list[np.ndarray] = []
    drawn = 0
    while drawn < total:
        batch = np.floor(rng.random(max(64, total // 4)) ** (-1.0 / (exponent - 1.0)))
        batch = np.minimum(batch, cap).astype(np.int64)
        csum = drawn + np.cumsum(batch)
        stop = int(np.searchsorted(csum, total))
        if stop < len(batch):
            batch = batch[: stop + 1].copy()
            batch[-1] -= csum[stop] - total
            sizes.append(batch)
            drawn = total
        else:
            sizes.append(batch)
            drawn = int(csum[-1])
    out = np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.int64)
    return out[out > 0]


def _firm_technology_traits(sizes: np.ndarray, cfg: LabsimConfig) -> dict[str, np.ndarray]:
    """Cost multipliers, credit constraints and (no) awareness or adoption of technologies.

    Drawn from their own ``firm_traits`` stream so that the rest of the population does
    not depend on the automation parameters. The cost multiplier is log-normal with
    mean 1 and log-sd ``automation.firm_cost_sigma``; the credit-constrained firms are
    the smallest ones, together holding ``automation.credit_constrained_share`` of jobs
    (ties broken at random).
    """
    rng = stream_generator(cfg.seed, "firm_traits")
    sigma = cfg.automation.firm_cost_sigma
    n = len(sizes)
    multiplier = np.exp(rng.normal(-0.5 * sigma**2, sigma, n))
    order = np.lexsort((rng.random(n), sizes))
    cum_share = np.cumsum(sizes[order]) / max(sizes.sum(), 1)
    constrained = np.zeros(n, dtype=bool)
    constrained[order[cum_share <= cfg.automation.credit_constrained_share]] = True
    return {
        "cost_multiplier": multiplier.astype(np.float32),
        "credit_constrained": constrained,
        "aware": np.zeros((n, N_TECHNOLOGIES), dtype=bool),
        "adopted": np.zeros((n, N_TECHNOLOGIES), dtype=bool),
    }


def generate_population(data: Dataset, cfg: LabsimConfig) -> tuple[Workers, Firms, Posts]:
    """Draw workers, firms and posts for one run.

    Parameters
    ----------
    data : Dataset
        The embedded data (counts in persons).
    cfg : LabsimConfig
        Uses ``seed``, ``scale`` and ``population.*``.

    Returns
    -------
    (Workers, Firms, Posts)
        Month-0 state: employed workers hold posts; the unemployed keep their last
        occupation, sector and wage.

    Notes
    -----
    All draws come from the ``population`` stream, so the generated population depends
    only on the seed, the scale and ``population.*`` (wages are floored at the data's
    minimum wage, the status quo), never on policy parameters.
    """
    rng = stream_generator(cfg.seed, "population")
    # The status quo's floor: a scenario's own minimum wage takes effect at month 0.
    minimum_wage = data.targets.get("minimum_wage", cfg.wages.minimum_wage)
    pop = cfg.population
    scale = cfg.scale
    n_reg, n_sec, n_occ = data.n_regions, data.n_sectors, data.n_occupations
    occ_major = data.occupation_major.astype(np.int64)

    # Unit groups within each major group: cumulative tables for searchsorted draws.
    occ_by_major = [np.flatnonzero(occ_major == m + 1) for m in range(9)]
    cdf_by_major = []
    for idx in occ_by_major:
        p = data.occupation_share_within_major[idx]
        cdf_by_major.append(np.cumsum(p / p.sum()) if len(idx) else np.ones(0))

    def draw_occupations(major0: np.ndarray) -> np.ndarray:
        out = np.empty(len(major0), dtype=np.int64)
        for m in range(9):
            sel = np.flatnonzero(major0 == m)
            if len(sel) == 0:
                continue
            if len(occ_by_major[m]) == 0:
                raise ValueError(f"no occupation of ISCO major group {m + 1} in the data")
            k = np.searchsorted(cdf_by_major[m], rng.random(len(sel)), side="right")
            out[sel] = occ_by_major[m][np.minimum(k, len(occ_by_major[m]) - 1)]
        return out

    # ---- employed: firms and posts per region x sector --------------------------------
    cap = max(1, int(round(pop.firm_size_max * scale)))
    # Within-cell log-wage variance is split evenly between firm and individual factors.
    sigma_half = pop.wage_sigma_within_cell / np.sqrt(2)
    agents_per_cell = _stochastic_round(data.employment_cells * scale, rng)  # [r, s, m]
    firm_region, firm_sector, firm_size = [], [], []
    job_firm, job_occ = [], []
    n_firms = 0
    for r in range(n_reg):
        for s in range(n_sec):
            n_cell = int(agents_per_cell[r, s].sum())
            if n_cell == 0:
                continue
            sizes = _firm_sizes(n_cell, pop.firm_size_exponent, cap, rng)
            majors = np.repeat(np.arange(9), agents_per_cell[r, s])
            rng.shuffle(majors)
            job_firm.append(n_firms + np.repeat(np.arange(len(sizes)), sizes))
            job_occ.append(draw_occupations(majors))
            firm_region.append(np.full(len(sizes), r))
            firm_sector.append(np.full(len(sizes), s))
            firm_size.append(sizes)
            n_firms += len(sizes)
    job_firm_a = np.concatenate(job_firm)
    job_occ_a = np.concatenate(job_occ)
    # Job-level temporaries are dropped as soon as they are used up, throughout: with
    # tens of millions of jobs they set the peak memory of the run.
    del job_firm, job_occ
    firms = Firms(
        region=np.concatenate(firm_region).astype(np.int8),
        sector=np.concatenate(firm_sector).astype(np.int8),
        jobs_initial=np.concatenate(firm_size).astype(np.int32),
        wage_premium=np.exp(rng.normal(-0.5 * sigma_half**2, sigma_half, n_firms)).astype(
            np.float32
        ),
        **_firm_technology_traits(np.concatenate(firm_size), cfg),
    )

    # Posts: unique (firm, occupation) pairs; jobs are sorted by post.
    post_key = job_firm_a * n_occ + job_occ_a
    order = np.argsort(post_key, kind="stable")
    post_key_sorted = post_key[order]
    uniq, job_post_sorted, post_count = np.unique(
        post_key_sorted, return_inverse=True, return_counts=True
    )
    n_emp = len(job_firm_a)
    del post_key, order, post_key_sorted, job_firm_a, job_occ_a
    post_firm = (uniq // n_occ).astype(np.int32)
    post_occ = (uniq % n_occ).astype(np.int16)
    n_posts = len(uniq)
    post_region = firms.region[post_firm]
    post_sector = firms.sector[post_firm]
    post_major0 = occ_major[post_occ] - 1

    # Wage offers: region x major mean x within-major relative wage x firm premium,
    # then rescaled so each region x major cell matches the data's mean wage.
    offer = (
        data.wage_region_major[post_region, post_major0]
        * data.occupation_rel_wage[post_occ]
        * firms.wage_premium[post_firm]
    )
    productivity = np.exp(rng.normal(-0.5 * sigma_half**2, sigma_half, n_emp))
    emp_post = job_post_sorted  # employed worker j holds post emp_post[j]
    wage = offer[emp_post] * productivity
    cell = post_region[emp_post].astype(np.int64) * 9 + post_major0[emp_post]
    cell_mean = np.bincount(cell, weights=wage, minlength=n_reg * 9) / np.maximum(
        np.bincount(cell, minlength=n_reg * 9), 1
    )
    target = data.wage_region_major.reshape(-1)
    factor = np.divide(target, cell_mean, out=np.ones_like(target), where=cell_mean > 0)
    post_cell = post_region.astype(np.int64) * 9 + post_major0
    offer = offer * factor[post_cell]
    # The occupation table gives relative wages; the level of each region is its BNS
    # all-staff average, so regional means and their order match the data.
    wage = offer[emp_post] * productivity
    emp_region0 = post_region[emp_post].astype(np.int64)
    region_mean = np.bincount(emp_region0, weights=wage, minlength=n_reg) / np.maximum(
        np.bincount(emp_region0, minlength=n_reg), 1
    )
    region_factor = np.divide(
        data.region_mean_wage, region_mean, out=np.ones(n_reg), where=region_mean > 0
    )
    del cell, post_cell, emp_region0
    offer = offer * region_factor[post_region]
    wage = np.maximum(offer[emp_post] * productivity, minimum_wage)

    posts = Posts(
        firm=post_firm,
        occupation=post_occ,
        region=post_region,
        sector=post_sector,
        jobs_base=(post_count * (1.0 + pop.vacancy_rate_initial)).astype(np.float32),
        rounding_draw=rng.random(n_posts).astype(np.float32),
        jobs_desired=np.zeros(n_posts, dtype=np.int32),
        filled=post_count.astype(np.int32),
        wage_offer=offer.astype(np.float32),
        jobs_base_initial=np.zeros(n_posts, dtype=np.float32),
        automated_share=np.zeros(n_posts, dtype=np.float32),
        adopted=np.full((n_posts, N_TECHNOLOGIES), -1, dtype=np.int32),
        attrition_until=np.full(n_posts, -1, dtype=np.int32),
        informal=np.zeros(n_posts, dtype=np.bool_),
    )
    posts.jobs_desired[:] = np.floor(posts.jobs_base + posts.rounding_draw).astype(np.int32)

    # ---- unemployed: by region, last job drawn from the region's employment --------
    emp_region = post_region[emp_post].astype(np.int64)
    emp_per_region = np.bincount(emp_region, minlength=n_reg)
    u = data.region_unemployment_rate
    n_unemp = _stochastic_round(emp_per_region * u / (1 - u), rng)
    un_region = np.repeat(np.arange(n_reg), n_unemp)
    cells_flat = data.employment_cells.reshape(n_reg, -1)
    un_cell = np.empty(len(un_region), dtype=np.int64)
    for r in range(n_reg):
        sel = np.flatnonzero(un_region == r)
        cdf = np.cumsum(cells_flat[r] / cells_flat[r].sum())
        un_cell[sel] = np.minimum(
            np.searchsorted(cdf, rng.random(len(sel)), side="right"), cells_flat.shape[1] - 1
        )
    un_sector = un_cell // 9
    un_major0 = un_cell % 9
    un_occ = draw_occupations(un_major0)
    un_prod = np.exp(rng.normal(-0.5 * sigma_half**2, sigma_half, len(un_region)))
    un_wage = np.maximum(
        data.wage_region_major[un_region, un_major0]
        * factor[un_region * 9 + un_major0]
        * region_factor[un_region]
        * data.occupation_rel_wage[un_occ]
        * un_prod,
        minimum_wage,
    )
    # Elapsed unemployment spells: geometric, mean 4 months (the burn-in then settles them).
    un_months = rng.geometric(0.2, len(un_region)) - 1

    n = n_emp + len(un_region)
    region = np.concatenate([emp_region, un_region])
    occupation = np.concatenate([post_occ[emp_post].astype(np.int64), un_occ])
    sector = np.concatenate([post_sector[emp_post].astype(np.int64), un_sector])
    status = np.concatenate([np.full(n_emp, EMPLOYED), np.full(len(un_region), UNEMPLOYED)]).astype(
        np.int8
    )

    # ---- groups: migrant stocks by region, each group tilted to its sectors ----------
    group = _draw_groups(data, region, sector, rng)
    # Informal posts: by the sector's informal share; a post holding an irregular
    # migrant is informal whatever its draw (they cannot be hired formally).
    informal = rng.random(n_posts) < data.sector_informal_share[post_sector]
    posts.informal = informal

    # ---- personal attributes -----------------------------------------------------------
    attrs = _draw_attributes(data, region, occupation, group, rng)
    is_irregular_employed = attrs["legal_status"][:n_emp] == IRREGULAR
    posts.informal[emp_post[is_irregular_employed]] = True
    wage_all = np.concatenate([wage, un_wage]).astype(np.float32)
    months = np.concatenate([rng.geometric(1 / 60.0, n_emp) - 1, un_months]).astype(np.int16)
    reservation = np.where(
        status == UNEMPLOYED,
        np.maximum(
            wage_all
            * cfg.wages.reservation_ratio
            * (1 - cfg.wages.reservation_decay) ** months.astype(float),
            minimum_wage,
        ),
        0.0,
    ).astype(np.float32)

    workers = Workers(
        region=region.astype(np.int8),
        occupation=occupation.astype(np.int16),
        sector=sector.astype(np.int8),
        group=group,
        **attrs,
        status=status,
        post=np.concatenate([emp_post, np.full(len(un_region), -1)]).astype(np.int32),
        wage=wage_all,
        productivity=np.concatenate([productivity, un_prod]).astype(np.float32),
        months_in_status=months,
        reservation_wage=reservation,
        weight=np.full(n, 1.0 / scale, dtype=np.float32),
        ti_displaced=np.full(n, -1, dtype=np.int16),
        **_programme_columns(n),
    )
    # Insured: a formal job, or (the unemployed) a last job formal as often as in its sector.
    formal_last = np.concatenate(
        [
            ~posts.informal[emp_post],
            rng.random(len(un_region)) >= data.sector_informal_share[un_sector],
        ]
    )
    workers.insured[:] = formal_last & (workers.legal_status == REGULAR)
    del region, occupation, sector, wage, productivity, emp_post, job_post_sorted, emp_region
    return _with_migrant_pool(workers, data, cfg, rng), firms, posts


def _programme_columns(n: int) -> dict[str, np.ndarray]:
    """Benefit and training columns of ``n`` workers outside any programme."""
    return {
        "insured": np.zeros(n, dtype=np.bool_),
        "benefit_months_left": np.zeros(n, dtype=np.int8),
        "training_target": np.full(n, -1, dtype=np.int16),
        "training_months_left": np.zeros(n, dtype=np.int8),
        "retrained": np.zeros(n, dtype=np.bool_),
    }


def _draw_groups(
    data: Dataset, region: np.ndarray, sector: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Worker groups: each region's migrant stocks, placed in their groups' sectors.

    The chance a worker of region ``r`` and sector ``s`` belongs to migrant group ``g``
    is the group's share of the region's labour force times its sector tilt
    ``T[g, s]`` divided by the region's mean tilt, so regional stocks are kept while
    foreign migrants lean to construction, agriculture, trade and transport.
    """
    n_reg = data.n_regions
    u = data.region_unemployment_rate
    agents = np.maximum(np.bincount(region, minlength=n_reg).astype(float), 1.0)
    lf_persons = data.region_employed / (1 - u)
    group = np.zeros(len(region), dtype=np.int8)
    u_group = rng.random(len(region))
    lower = np.zeros(len(region))
    for g in range(1, len(GROUPS)):
        tilt = data.group_sector_tilt[g][sector]
        mean_tilt = np.bincount(region, weights=tilt, minlength=n_reg) / agents
        p = data.migrant_stocks[region, g] / lf_persons[region] * tilt / mean_tilt[region]
        group[(u_group >= lower) & (u_group < lower + p)] = g
        lower = lower + p
    return group


def _draw_attributes(
    data: Dataset,
    region: np.ndarray,
    occupation: np.ndarray,
    group: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Skill, digital literacy, language, age, legal status and origin of workers.

    - Foreign migrants draw an origin country by its share of the foreign stock.
    - A share of foreign migrants and kandas (``group_foreign_qualification_share``)
      hold a qualification employers do not recognise: their real skill level is one
      above their occupation's, the level employers see is the occupation's.
    - Digital literacy is beta-distributed around the region's BNS level (higher with
      skill), times the group's and the origin's factor; language proficiency around
      the group's (foreign migrants: the origin's) mean.
    - A share ``group_irregular_share`` of each group has no valid permit.
    """
    n = len(region)
    foreign = GROUPS.index("foreign_migrant")
    is_foreign = group == foreign
    origin = np.full(n, NO_ORIGIN, dtype=np.int8)
    n_foreign = int(is_foreign.sum())
    if n_foreign:
        cdf = np.cumsum(data.origin_stock_share)
        k = np.searchsorted(cdf / cdf[-1], rng.random(n_foreign), side="right")
        origin[is_foreign] = np.minimum(k, len(cdf) - 1)
    occ_skill = data.occupation_skill[occupation].astype(np.int8)
    unrecognised = (rng.random(n) < data.group_foreign_qualification_share[group]) & (occ_skill < 4)
    skill = (occ_skill + unrecognised).astype(np.int8)
    dl_factor = data.group_digital_factor[group] * np.where(
        is_foreign, data.origin_digital_factor[np.maximum(origin, 0)], 1.0
    )
    dl_mean = np.clip(
        (data.region_digital_literacy[region] + 0.05 * (skill - 2.5)) * dl_factor, 0.05, 0.98
    )
    conc = 8.0
    digital = rng.beta(dl_mean * conc, (1 - dl_mean) * conc).astype(np.float32)
    del dl_factor, dl_mean
    lang_mean = np.where(
        is_foreign,
        data.origin_language[np.maximum(origin, 0)],
        data.group_language_mean[group],
    )
    lang_mean = np.clip(lang_mean, 0.05, 0.98)
    language = rng.beta(lang_mean * conc, (1 - lang_mean) * conc).astype(np.float32)
    del lang_mean
    # Working age 16-62 (men) / 16-58 (women): uniform over 16-62, the data's only margin.
    age = rng.integers(16, 63, n).astype(np.int8)
    irregular = rng.random(n) < data.group_irregular_share[group]
    return {
        "skill": skill,
        "skill_recognised": occ_skill,
        "digital_literacy": digital,
        "language": language,
        "age": age,
        "legal_status": np.where(irregular, IRREGULAR, REGULAR).astype(np.int8),
        "origin": origin,
        "digital_course": np.zeros(n, dtype=np.bool_),
    }


def _with_migrant_pool(
    workers: Workers, data: Dataset, cfg: LabsimConfig, rng: np.random.Generator
) -> Workers:
    """Append the migrants abroad who may come during the run (status ``ABROAD``), in place.

    - Foreign pool: ``migration.foreign_pool_factor`` x the initial foreign stock,
      each a copy of a random member of the stock (region, occupation, sector, last
      wage, productivity) with newly drawn personal attributes. Returning migrants
      join it again, so circular migration never exhausts it in a steady state.
    - Kandas pool: 1.25 x the kandas expected over the horizon, settling by the
      regions' settlement shares, with the occupation of a random worker of the region.

    Drawn after everything else, so the resident population does not depend on it.
    """
    mig = cfg.migration
    foreign = GROUPS.index("foreign_migrant")
    kandas = GROUPS.index("kandas")
    stock = np.flatnonzero(workers.group == foreign)
    n_foreign = int(round(len(stock) * mig.foreign_pool_factor)) if len(stock) else 0
    template_f = stock[rng.integers(0, len(stock), n_foreign)] if n_foreign else stock[:0]
    expected_kandas = (
        mig.kandas_arrivals_annual * mig.kandas_labour_force_share * cfg.horizon_months / 12
    )
    n_kandas = int(np.ceil(1.25 * expected_kandas * cfg.scale)) if expected_kandas > 0 else 0
    cdf = np.cumsum(data.kandas_settlement_share)
    settle = np.minimum(
        np.searchsorted(cdf / cdf[-1], rng.random(n_kandas), side="right"), data.n_regions - 1
    )
    by_region = np.argsort(workers.region[: workers.n], kind="stable")
    region_ptr = np.searchsorted(workers.region[by_region], np.arange(data.n_regions + 1))
    lo, hi = region_ptr[settle], region_ptr[settle + 1]
    template_k = by_region[lo + (rng.random(n_kandas) * np.maximum(hi - lo, 1)).astype(np.int64)]
    template = np.concatenate([template_f, template_k]).astype(np.int64)
    n_new = len(template)
    if n_new == 0:
        return workers
    group = np.concatenate([np.full(n_foreign, foreign), np.full(n_kandas, kandas)]).astype(np.int8)
    region = workers.region[template]
    occupation = workers.occupation[template]
    attrs = _draw_attributes(data, region, occupation, group, rng)
    new = {
        "region": region,
        "occupation": occupation,
        "sector": workers.sector[template],
        "group": group,
        **attrs,
        "status": np.full(n_new, ABROAD, dtype=np.int8),
        "post": np.full(n_new, -1, dtype=np.int32),
        "wage": workers.wage[template],
        "productivity": workers.productivity[template],
        "months_in_status": np.zeros(n_new, dtype=np.int16),
        "reservation_wage": np.zeros(n_new, dtype=np.float32),
        "weight": np.full(n_new, 1.0 / cfg.scale, dtype=np.float32),
        "ti_displaced": np.full(n_new, -1, dtype=np.int16),
        **_programme_columns(n_new),
    }
    # Column by column, so that each old column is freed before the next is copied.
    for f in fields(Workers):
        column = getattr(workers, f.name)
        setattr(workers, f.name, np.concatenate([column, new[f.name].astype(column.dtype)]))
    return workers
