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
from numba import njit

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

_GUIDE_PER_UNIT = 4  # buckets per unit group in the guide table of occupation draws


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
    tie_break = rng.random(n)
    # Firms in the order (size, draw, index) that a full sort would give: the constrained
    # ones are a prefix of it, so all but the firms of the marginal size are known from
    # the sizes alone, and only those few are sorted by their draws.
    sorted_sizes = np.sort(sizes)
    cum_share = np.cumsum(sorted_sizes) / max(sizes.sum(), 1)
    n_constrained = int(np.count_nonzero(cum_share <= cfg.automation.credit_constrained_share))
    constrained = np.zeros(n, dtype=bool)
    if n_constrained:
        marginal = sorted_sizes[n_constrained - 1]
        constrained[sizes < marginal] = True
        at_margin = np.flatnonzero(sizes == marginal)
        by_draw = np.argsort(tie_break[at_margin], kind="stable")
        constrained[at_margin[by_draw[: n_constrained - int(constrained.sum())]]] = True
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
    occupations = _occupation_table(data)

    # ---- employed: firms and posts per region x sector --------------------------------
    cap = max(1, int(round(pop.firm_size_max * scale)))
    # Within-cell log-wage variance is split evenly between firm and individual factors.
    sigma_half = pop.wage_sigma_within_cell / np.sqrt(2)
    agents_per_cell = _stochastic_round(data.employment_cells * scale, rng)  # [r, s, m]
    n_emp = int(agents_per_cell.sum())
    # Jobs in firm order: the jobs of a cell follow those of the cells before it, and a
    # firm's jobs are consecutive within its cell.
    job_occ = np.empty(n_emp, dtype=np.int16)
    firm_region, firm_sector, firm_size = [], [], []
    n_jobs = 0
    for r in range(n_reg):
        for s in range(n_sec):
            n_cell = int(agents_per_cell[r, s].sum())
            if n_cell == 0:
                continue
            sizes = _firm_sizes(n_cell, pop.firm_size_exponent, cap, rng)
            majors = np.repeat(np.arange(9), agents_per_cell[r, s])
            rng.shuffle(majors)
            _draw_occupations(majors, occupations, rng, job_occ[n_jobs : n_jobs + n_cell])
            firm_region.append(np.full(len(sizes), r))
            firm_sector.append(np.full(len(sizes), s))
            firm_size.append(sizes)
            n_jobs += n_cell
    sizes = np.concatenate(firm_size)
    n_firms = len(sizes)
    firms = Firms(
        region=np.concatenate(firm_region).astype(np.int8),
        sector=np.concatenate(firm_sector).astype(np.int8),
        jobs_initial=sizes.astype(np.int32),
        wage_premium=np.exp(rng.normal(-0.5 * sigma_half**2, sigma_half, n_firms)).astype(
            np.float32
        ),
        **_firm_technology_traits(sizes, cfg),
    )

    # Posts: the (firm, occupation) pairs in that order; employed worker j holds the
    # j-th job in the same order, i.e. post emp_post[j].
    post_firm, post_occ, post_count = _posts_of_jobs(job_occ, sizes, n_occ)
    del job_occ
    n_posts = len(post_firm)
    emp_post = np.repeat(np.arange(n_posts, dtype=np.int32), post_count)
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
    productivity = rng.normal(-0.5 * sigma_half**2, sigma_half, n_emp)
    np.exp(productivity, out=productivity)
    post_cell = post_region.astype(np.int64) * 9 + post_major0
    total, count = _wage_sums(post_count, post_cell, offer, productivity, n_reg * 9)
    cell_mean = total / np.maximum(count, 1)
    target = data.wage_region_major.reshape(-1)
    factor = np.divide(target, cell_mean, out=np.ones_like(target), where=cell_mean > 0)
    offer *= factor[post_cell]
    del post_cell
    # The occupation table gives relative wages; the level of each region is its BNS
    # all-staff average, so regional means and their order match the data.
    post_region64 = post_region.astype(np.int64)
    total, emp_per_region = _wage_sums(post_count, post_region64, offer, productivity, n_reg)
    region_mean = total / np.maximum(emp_per_region, 1)
    region_factor = np.divide(
        data.region_mean_wage, region_mean, out=np.ones(n_reg), where=region_mean > 0
    )
    offer *= region_factor[post_region64]
    del post_region64

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
    u = data.region_unemployment_rate
    n_unemp = _stochastic_round(emp_per_region * u / (1 - u), rng)
    un_region = np.repeat(np.arange(n_reg), n_unemp)
    n_un = len(un_region)
    un_start = np.concatenate([[0], np.cumsum(n_unemp)])
    cells_flat = data.employment_cells.reshape(n_reg, -1)
    un_cell = np.empty(n_un, dtype=np.int64)
    for r in range(n_reg):
        lo, hi = un_start[r], un_start[r + 1]
        cdf = np.cumsum(cells_flat[r] / cells_flat[r].sum())
        un_cell[lo:hi] = np.minimum(
            np.searchsorted(cdf, rng.random(hi - lo), side="right"), cells_flat.shape[1] - 1
        )
    un_sector = un_cell // 9
    un_major0 = un_cell % 9
    un_occ = np.empty(n_un, dtype=np.int16)
    _draw_occupations(un_major0, occupations, rng, un_occ)
    un_prod = np.exp(rng.normal(-0.5 * sigma_half**2, sigma_half, n_un))
    un_wage = np.maximum(
        data.wage_region_major[un_region, un_major0]
        * factor[un_region * 9 + un_major0]
        * region_factor[un_region]
        * data.occupation_rel_wage[un_occ]
        * un_prod,
        minimum_wage,
    )
    # Elapsed unemployment spells: geometric, mean 4 months (the burn-in then settles them).
    un_months = rng.geometric(0.2, n_un) - 1

    n = n_emp + n_un
    region = np.concatenate([post_region[emp_post], un_region.astype(np.int8)])
    sector = np.concatenate([post_sector[emp_post], un_sector.astype(np.int8)])

    # ---- groups: migrant stocks by region, each group tilted to its sectors ----------
    group = _draw_groups(data, region, sector, rng)
    # Informal posts: by the sector's informal share; a post holding an irregular
    # migrant is informal whatever its draw (they cannot be hired formally).
    posts.informal = rng.random(n_posts) < data.sector_informal_share[post_sector]

    # Every column is allocated once, with room for the migrant pool drawn last.
    n_pool_foreign, n_pool_kandas = _pool_sizes(group, cfg)
    workers = _new_workers(n + n_pool_foreign + n_pool_kandas, scale)
    workers.region[:n] = region
    workers.sector[:n] = sector
    workers.group[:n] = group
    del region, sector, group
    workers.occupation[:n_emp] = post_occ[emp_post]
    workers.occupation[n_emp:n] = un_occ
    workers.status[:n_emp] = EMPLOYED
    workers.status[n_emp:n] = UNEMPLOYED
    workers.post[:n_emp] = emp_post
    workers.post[n_emp:n] = -1
    _employed_wages(
        post_count, offer, productivity, minimum_wage, workers.wage, workers.productivity
    )
    del productivity, offer
    workers.wage[n_emp:n] = un_wage
    workers.productivity[n_emp:n] = un_prod

    # ---- personal attributes -----------------------------------------------------------
    _draw_attributes(data, _rows(workers, 0, n), rng)
    posts.informal[emp_post[workers.legal_status[:n_emp] == IRREGULAR]] = True
    months = workers.months_in_status
    months[:n_emp] = rng.geometric(1 / 60.0, n_emp) - 1
    months[n_emp:n] = un_months
    workers.reservation_wage[:n_emp] = 0.0
    workers.reservation_wage[n_emp:n] = np.maximum(
        workers.wage[n_emp:n]
        * cfg.wages.reservation_ratio
        * (1 - cfg.wages.reservation_decay) ** months[n_emp:n].astype(float),
        minimum_wage,
    )
    # Insured: a formal job, or (the unemployed) a last job formal as often as in its sector.
    regular = workers.legal_status[:n] == REGULAR
    workers.insured[:n_emp] = ~posts.informal[emp_post] & regular[:n_emp]
    workers.insured[n_emp:n] = (
        rng.random(n_un) >= data.sector_informal_share[un_sector]
    ) & regular[n_emp:]
    del emp_post, regular
    _with_migrant_pool(workers, n, n_pool_foreign, n_pool_kandas, data, cfg, rng)
    return workers, firms, posts


def _occupation_table(data: Dataset) -> tuple[np.ndarray, ...]:
    """Unit groups of each ISCO major group, their cumulative employment shares and a
    guide table for drawing from them.

    Returns ``(ptr, cdf, index, guide_ptr, guide)``: the unit groups of major group
    ``m`` (0-8) are ``index[ptr[m]:ptr[m + 1]]``, in code order, with cumulative shares
    ``cdf[ptr[m]:ptr[m + 1]]`` ending at 1. Major group ``m`` has ``n_b`` buckets
    ``guide[guide_ptr[m]:guide_ptr[m + 1]]``: bucket ``b`` holds the first unit group
    whose cumulative share exceeds ``b / n_b``, where the search of a uniform in
    ``[b / n_b, (b + 1) / n_b)`` starts; with four buckets per unit group it seldom
    goes further than the next one.
    """
    occ_major = data.occupation_major.astype(np.int64)
    index = [np.flatnonzero(occ_major == m + 1) for m in range(9)]
    ptr = np.concatenate([[0], np.cumsum([len(idx) for idx in index])])
    cdf, guide = [], []
    for m, idx in enumerate(index):
        p = data.occupation_share_within_major[idx]
        cdf.append(np.cumsum(p / p.sum()) if len(idx) else np.ones(0))
        n_b = _GUIDE_PER_UNIT * len(idx)
        start = np.searchsorted(cdf[-1], np.arange(n_b) / max(n_b, 1), side="right")
        guide.append(ptr[m] + np.minimum(start, max(len(idx) - 1, 0)))
    guide_ptr = np.concatenate([[0], np.cumsum([len(g) for g in guide])])
    return ptr, np.concatenate(cdf), np.concatenate(index), guide_ptr, np.concatenate(guide)


def _draw_occupations(
    major0: np.ndarray,
    table: tuple[np.ndarray, ...],
    rng: np.random.Generator,
    out: np.ndarray,
) -> None:
    """Unit groups of workers of ISCO major groups ``major0`` (0-8), written into ``out``.

    Each major group's unit groups are drawn by their employment shares (``table`` from
    :func:`_occupation_table`), from one uniform per worker: a batch for the workers
    of major group 0 in their order, then one for major group 1, and so on.
    """
    ptr = table[0]
    counts = np.bincount(major0, minlength=9)
    lacking = np.flatnonzero((counts > 0) & (ptr[1:] == ptr[:-1]))
    if len(lacking):
        raise ValueError(f"no occupation of ISCO major group {lacking[0] + 1} in the data")
    _occupations_kernel(major0, rng.random(len(major0)), counts, *table, out)


@njit(cache=True)
def _occupations_kernel(
    major0: np.ndarray,
    u: np.ndarray,
    counts: np.ndarray,
    ptr: np.ndarray,
    cdf: np.ndarray,
    index: np.ndarray,
    guide_ptr: np.ndarray,
    guide: np.ndarray,
    out: np.ndarray,
) -> None:
    """Inverse-CDF draws of :func:`_draw_occupations`; ``u`` holds the batches in order.

    The draw is the first unit group whose cumulative share exceeds the uniform (that
    of ``numpy.searchsorted(side="right")``, capped at the last unit group).
    """
    next_u = np.empty(9, dtype=np.int64)
    start = 0
    for m in range(9):
        next_u[m] = start
        start += counts[m]
    for i in range(major0.shape[0]):
        m = major0[i]
        x = u[next_u[m]]
        next_u[m] += 1
        lo, hi = ptr[m], ptr[m + 1]
        n_b = guide_ptr[m + 1] - guide_ptr[m]
        k = guide[guide_ptr[m] + min(int(x * n_b), n_b - 1)]
        # The guide only shortens the search: walking both ways from any start in
        # [lo, hi) ends at the same unit group as a bisection would.
        while k > lo and cdf[k - 1] > x:
            k -= 1
        while k < hi and cdf[k] <= x:
            k += 1
        out[i] = index[min(k, hi - 1)]


@njit(cache=True)
def _posts_of_jobs(
    job_occ: np.ndarray, firm_size: np.ndarray, n_occ: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posts of jobs held in firm order: firm, occupation and jobs of each post.

    Firm ``f`` holds the next ``firm_size[f]`` jobs of ``job_occ``. Posts come in
    (firm, occupation) order, the order of the jobs sorted by firm and occupation.
    """
    seen = np.full(n_occ, -1, dtype=np.int64)
    n_posts = 0
    j = 0
    for f in range(firm_size.shape[0]):
        for _ in range(firm_size[f]):
            if seen[job_occ[j]] != f:
                seen[job_occ[j]] = f
                n_posts += 1
            j += 1
    post_firm = np.empty(n_posts, dtype=np.int32)
    post_occ = np.empty(n_posts, dtype=np.int16)
    post_count = np.empty(n_posts, dtype=np.int64)
    count = np.zeros(n_occ, dtype=np.int64)
    held = np.empty(n_occ, dtype=np.int64)
    k = 0
    j = 0
    for f in range(firm_size.shape[0]):
        n_held = 0
        for _ in range(firm_size[f]):
            o = job_occ[j]
            if count[o] == 0:
                held[n_held] = o
                n_held += 1
            count[o] += 1
            j += 1
        if n_held <= 16:
            # Most firms hold a few occupations: sort them in place.
            for a in range(1, n_held):
                o = held[a]
                b = a - 1
                while b >= 0 and held[b] > o:
                    held[b + 1] = held[b]
                    b -= 1
                held[b + 1] = o
        else:
            # A scan of all occupations costs less than sorting many.
            n_held = 0
            for o in range(n_occ):
                if count[o] > 0:
                    held[n_held] = o
                    n_held += 1
        for a in range(n_held):
            o = held[a]
            post_firm[k] = f
            post_occ[k] = o
            post_count[k] = count[o]
            count[o] = 0
            k += 1
    return post_firm, post_occ, post_count


@njit(cache=True)
def _wage_sums(
    post_count: np.ndarray,
    post_cell: np.ndarray,
    offer: np.ndarray,
    productivity: np.ndarray,
    n_cells: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Wages (offer x productivity) and jobs summed by cell, over jobs in post order."""
    total = np.zeros(n_cells)
    count = np.zeros(n_cells, dtype=np.int64)
    j = 0
    for p in range(post_count.shape[0]):
        c = post_cell[p]
        for _ in range(post_count[p]):
            total[c] += offer[p] * productivity[j]
            j += 1
        count[c] += post_count[p]
    return total, count


@njit(cache=True)
def _employed_wages(
    post_count: np.ndarray,
    offer: np.ndarray,
    productivity: np.ndarray,
    minimum_wage: float,
    wage: np.ndarray,
    prod: np.ndarray,
) -> None:
    """Wages (floored) and productivities of the employed, jobs in post order, into the
    first entries of ``wage`` and ``prod``."""
    j = 0
    for p in range(post_count.shape[0]):
        for _ in range(post_count[p]):
            w = offer[p] * productivity[j]
            wage[j] = minimum_wage if w < minimum_wage else w  # numpy.maximum: NaN stays
            prod[j] = productivity[j]
            j += 1


def _new_workers(n: int, scale: float) -> Workers:
    """Room for ``n`` workers: the drawn columns uninitialised, the others at the values
    of a worker outside any programme."""
    return Workers(
        region=np.empty(n, dtype=np.int8),
        occupation=np.empty(n, dtype=np.int16),
        sector=np.empty(n, dtype=np.int8),
        skill=np.empty(n, dtype=np.int8),
        skill_recognised=np.empty(n, dtype=np.int8),
        digital_literacy=np.empty(n, dtype=np.float32),
        language=np.empty(n, dtype=np.float32),
        age=np.empty(n, dtype=np.int8),
        group=np.empty(n, dtype=np.int8),
        legal_status=np.empty(n, dtype=np.int8),
        origin=np.empty(n, dtype=np.int8),
        digital_course=np.zeros(n, dtype=np.bool_),
        status=np.empty(n, dtype=np.int8),
        post=np.empty(n, dtype=np.int32),
        wage=np.empty(n, dtype=np.float32),
        productivity=np.empty(n, dtype=np.float32),
        months_in_status=np.empty(n, dtype=np.int16),
        reservation_wage=np.empty(n, dtype=np.float32),
        weight=np.full(n, 1.0 / scale, dtype=np.float32),
        ti_displaced=np.full(n, -1, dtype=np.int16),
        insured=np.zeros(n, dtype=np.bool_),
        benefit_months_left=np.zeros(n, dtype=np.int8),
        training_target=np.full(n, -1, dtype=np.int16),
        training_months_left=np.zeros(n, dtype=np.int8),
        retrained=np.zeros(n, dtype=np.bool_),
    )


def _rows(workers: Workers, lo: int, hi: int) -> Workers:
    """Workers ``lo`` to ``hi - 1`` as views: writing to them fills ``workers``."""
    return Workers(**{f.name: getattr(workers, f.name)[lo:hi] for f in fields(Workers)})


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
    group = np.empty(len(region), dtype=np.int8)
    _groups_kernel(
        region,
        sector,
        rng.random(len(region)),
        data.group_sector_tilt,
        data.migrant_stocks,
        lf_persons,
        agents,
        group,
    )
    return group


@njit(cache=True)
def _groups_kernel(
    region: np.ndarray,
    sector: np.ndarray,
    u: np.ndarray,
    tilt: np.ndarray,
    stocks: np.ndarray,
    lf_persons: np.ndarray,
    agents: np.ndarray,
    out: np.ndarray,
) -> None:
    """Group of each worker from its uniform ``u`` (see :func:`_draw_groups`).

    Group ``g`` takes the uniforms in ``[upper[g - 1], upper[g])`` of the worker's
    region and sector, the bounds adding up each group's chance.
    """
    n_groups, n_sectors = tilt.shape
    n_regions = agents.shape[0]
    mean_tilt = np.zeros((n_groups, n_regions))
    for i in range(region.shape[0]):
        for g in range(1, n_groups):
            mean_tilt[g, region[i]] += tilt[g, sector[i]]
    upper = np.zeros((n_regions, n_sectors, n_groups))
    for r in range(n_regions):
        for s in range(n_sectors):
            lower = 0.0
            for g in range(1, n_groups):
                chance = stocks[r, g] / lf_persons[r] * tilt[g, s] / (mean_tilt[g, r] / agents[r])
                upper[r, s, g] = lower + chance
                lower = upper[r, s, g]
    for i in range(region.shape[0]):
        bounds = upper[region[i], sector[i]]
        lower = 0.0
        group = 0
        for g in range(1, n_groups):
            if lower <= u[i] < bounds[g]:
                group = g
            lower = bounds[g]
        out[i] = group


def _draw_attributes(data: Dataset, rows: Workers, rng: np.random.Generator) -> None:
    """Skill, digital literacy, language, age, legal status and origin of workers, in place.

    ``rows`` gives region, occupation and group.

    - Foreign migrants draw an origin country by its share of the foreign stock.
    - A share of foreign migrants and kandas (``group_foreign_qualification_share``)
      hold a qualification employers do not recognise: their real skill level is one
      above their occupation's, the level employers see is the occupation's.
    - Digital literacy is beta-distributed around the region's BNS level (higher with
      skill), times the group's and the origin's factor; language proficiency around
      the group's (foreign migrants: the origin's) mean.
    - A share ``group_irregular_share`` of each group has no valid permit.
    """
    n = rows.n
    group = rows.group
    foreign = GROUPS.index("foreign_migrant")
    is_foreign = group == foreign
    rows.origin[:] = NO_ORIGIN
    n_foreign = int(is_foreign.sum())
    if n_foreign:
        cdf = np.cumsum(data.origin_stock_share)
        k = np.searchsorted(cdf / cdf[-1], rng.random(n_foreign), side="right")
        rows.origin[is_foreign] = np.minimum(k, len(cdf) - 1)
    del is_foreign
    rows.skill_recognised[:] = data.occupation_skill[rows.occupation]
    conc = 8.0
    shape_a, shape_b = _digital_shapes(
        rows.region,
        rows.skill_recognised,
        group,
        rows.origin,
        rng.random(n),
        data.group_foreign_qualification_share,
        data.region_digital_literacy,
        data.group_digital_factor,
        data.origin_digital_factor,
        foreign,
        conc,
        rows.skill,
    )
    rows.digital_literacy[:] = rng.beta(shape_a, shape_b)
    _language_shapes(
        group,
        rows.origin,
        data.group_language_mean,
        data.origin_language,
        foreign,
        conc,
        shape_a,
        shape_b,
    )
    rows.language[:] = rng.beta(shape_a, shape_b)
    del shape_a, shape_b
    # Working age 16-62 (men) / 16-58 (women): uniform over 16-62, the data's only margin.
    rows.age[:] = rng.integers(16, 63, n)
    _legal_status(rng.random(n), group, data.group_irregular_share, rows.legal_status)


@njit(cache=True)
def _digital_shapes(
    region: np.ndarray,
    occ_skill: np.ndarray,
    group: np.ndarray,
    origin: np.ndarray,
    u: np.ndarray,
    unrecognised_share: np.ndarray,
    region_literacy: np.ndarray,
    group_factor: np.ndarray,
    origin_factor: np.ndarray,
    foreign: int,
    conc: float,
    skill: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Real skill (into ``skill``) and the beta shapes of digital literacy.

    A worker's qualification is unrecognised when ``u`` falls below its group's share
    (and a level above the occupation's exists); the mean literacy is clipped to
    [0.05, 0.98] and the shapes are ``mean x conc`` and ``(1 - mean) x conc``.
    """
    n = region.shape[0]
    shape_a = np.empty(n)
    shape_b = np.empty(n)
    for i in range(n):
        g = group[i]
        skill[i] = occ_skill[i] + (u[i] < unrecognised_share[g] and occ_skill[i] < 4)
        factor = group_factor[g] * (origin_factor[max(origin[i], 0)] if g == foreign else 1.0)
        mean = _clip_share((region_literacy[region[i]] + 0.05 * (skill[i] - 2.5)) * factor)
        shape_a[i] = mean * conc
        shape_b[i] = (1.0 - mean) * conc
    return shape_a, shape_b


@njit(cache=True)
def _language_shapes(
    group: np.ndarray,
    origin: np.ndarray,
    group_mean: np.ndarray,
    origin_mean: np.ndarray,
    foreign: int,
    conc: float,
    shape_a: np.ndarray,
    shape_b: np.ndarray,
) -> None:
    """Beta shapes of language proficiency around the group's (foreign: origin's) mean."""
    for i in range(group.shape[0]):
        g = group[i]
        mean = _clip_share(origin_mean[max(origin[i], 0)] if g == foreign else group_mean[g])
        shape_a[i] = mean * conc
        shape_b[i] = (1.0 - mean) * conc


@njit(cache=True)
def _legal_status(
    u: np.ndarray, group: np.ndarray, irregular_share: np.ndarray, out: np.ndarray
) -> None:
    """Irregular where ``u`` falls below the group's share of irregular migrants."""
    for i in range(u.shape[0]):
        out[i] = IRREGULAR if u[i] < irregular_share[group[i]] else REGULAR


@njit(cache=True)
def _clip_share(x: float) -> float:
    """``x`` clipped to [0.05, 0.98] as ``numpy.clip`` does (NaN stays NaN)."""
    if x < 0.05:
        return 0.05
    if x > 0.98:
        return 0.98
    return x


def _pool_sizes(group: np.ndarray, cfg: LabsimConfig) -> tuple[int, int]:
    """Foreign migrants and kandas of the pool abroad (see :func:`_with_migrant_pool`)."""
    mig = cfg.migration
    n_stock = int(np.count_nonzero(group == GROUPS.index("foreign_migrant")))
    n_foreign = int(round(n_stock * mig.foreign_pool_factor)) if n_stock else 0
    expected_kandas = (
        mig.kandas_arrivals_annual * mig.kandas_labour_force_share * cfg.horizon_months / 12
    )
    n_kandas = int(np.ceil(1.25 * expected_kandas * cfg.scale)) if expected_kandas > 0 else 0
    return n_foreign, n_kandas


def _with_migrant_pool(
    workers: Workers,
    n_residents: int,
    n_foreign: int,
    n_kandas: int,
    data: Dataset,
    cfg: LabsimConfig,
    rng: np.random.Generator,
) -> None:
    """Fill the rows after the residents with the migrants abroad who may come during the
    run (status ``ABROAD``).

    - Foreign pool: ``migration.foreign_pool_factor`` x the initial foreign stock,
      each a copy of a random member of the stock (region, occupation, sector, last
      wage, productivity) with newly drawn personal attributes. Returning migrants
      join it again, so circular migration never exhausts it in a steady state.
    - Kandas pool: 1.25 x the kandas expected over the horizon, settling by the
      regions' settlement shares, with the occupation of a random worker of the region.

    Drawn after everything else, so the resident population does not depend on it.
    """
    foreign = GROUPS.index("foreign_migrant")
    residents = _rows(workers, 0, n_residents)
    stock = np.flatnonzero(residents.group == foreign)
    template_f = stock[rng.integers(0, len(stock), n_foreign)] if n_foreign else stock[:0]
    cdf = np.cumsum(data.kandas_settlement_share)
    settle = np.minimum(
        np.searchsorted(cdf / cdf[-1], rng.random(n_kandas), side="right"), data.n_regions - 1
    )
    by_region = np.argsort(residents.region, kind="stable")
    region_ptr = np.searchsorted(residents.region[by_region], np.arange(data.n_regions + 1))
    lo, hi = region_ptr[settle], region_ptr[settle + 1]
    template_k = by_region[lo + (rng.random(n_kandas) * np.maximum(hi - lo, 1)).astype(np.int64)]
    del by_region
    template = np.concatenate([template_f, template_k]).astype(np.int64)
    if len(template) == 0:
        return
    pool = _rows(workers, n_residents, n_residents + len(template))
    pool.group[:n_foreign] = foreign
    pool.group[n_foreign:] = GROUPS.index("kandas")
    for name in ("region", "occupation", "sector", "wage", "productivity"):
        getattr(pool, name)[:] = getattr(residents, name)[template]
    _draw_attributes(data, pool, rng)
    pool.status[:] = ABROAD
    pool.post[:] = -1
    pool.months_in_status[:] = 0
    pool.reservation_wage[:] = 0.0
