"""Migration: moves between regions, foreign labour, kandas and emigration.

Rule
----
*Internal migration.* Each month an unemployed worker of region ``r`` considers
moving with probability ``q = q0`` (``q0 k_d`` if displaced by automation). Employed
workers move with a job: through applications to other regions in matching (see
:mod:`sim.mechanisms.matching`), which use the same gravity prior. A considering
worker looks at one destination ``d`` drawn from the gravity prior

    pi(r -> d) = P_d / dist_rd ** gamma / sum_{d' != r} P_d' / dist_rd' ** gamma

(``P`` population, ``dist`` the great-circle distance between administrative centres)
and moves when the expected income gain over the horizon ``H`` beats the cost:

    H (Y_d - Y_r) / W_rm  >  c_0 + c_km dist_rd / 1000 + c_f [age >= 35]
                             - a_d - s / W_rm - sigma eps_i,

with ``Y_x = W_xm z_i E_H(f_xm)`` the expected monthly income of a job-seeker in
region ``x`` (``W_xm`` the mean wage of the worker's ISCO major group ``m`` there,
``z_i`` their productivity, ``E_H(f)`` the expected share of the ``H`` months spent
employed when the monthly job-finding rate is ``f``); costs in months of the home
wage ``W_rm``: a fixed ``c_0``, a distance part and a family part for workers aged
35 or more; ``a_d`` the destination's amenity (housing, services, networks;
calibrated), ``s`` the relocation subsidy in KZT and ``eps_i`` a standard logistic
taste shock of scale ``sigma``. With ``sigma = 0`` the rule is deterministic: move
exactly when the gain beats the cost.

Job-finding rates ``f_rm`` are the unemployed's hires over searchers in the
matching step, smoothed over months. Movers keep their occupation and rescale their
reservation wage to the destination's wage level. A native who moves becomes an
internal migrant.

*Calibration.* At month 0 (after the burn-in) the amenities ``a_d`` are fitted so
that every region's expected net migration (moves by this rule plus the
cross-region hires of matching measured in the burn-in) equals the data's
(registered net moves 2022-2024 x labour-force participation), by a fixed point on
the expected flows of (region, major group, age class) cells of the unemployed; the
amenities are centred on a labour-force-weighted mean of 0 and the relocation
subsidy is left out, so a policy does not move the calibration. The gross number of
moves follows from ``q0`` and the costs.

*Foreign labour.* An employed foreign migrant returns home with probability
``1 / T_stay`` a month, an unemployed one ``k_r`` times as often; they join the
pool abroad and may come again. The desired inflow is the month-0 return flow (a
stationary stock) times ``(w_t / w_0) ** eta``, the national mean wage relative to
month 0 (origin wages fixed). A share ``rho`` arrives without a permit; the rest
needs a permit under the annual quota (persons per simulation year); of the inflow
the quota refuses, a share ``kappa`` comes anyway, irregularly. Arrivals are drawn
from the pool at random, come back to the region of their template and, with
probability ``p_job``, have a job lined up (one of up to 8 open vacancy slots of the
region that passes the skill and status screen); else they arrive unemployed with the
origin's wage as reservation wage.

*Work permits.* Permits are tied to a job: a foreign migrant with a permit who lost
their job this month loses the permit with probability ``p_loss`` and stays as an
irregular migrant (only informal jobs, no public services) until regularised.

*Kandas.* ``K / 12 x`` labour-force share kandas arrive a month, unemployed, in the
regions of their settlement shares, with regular status.

*Emigration.* A resident of the labour force (not a foreign migrant) emigrates
with probability ``e_r = e / 12 * n * (Y_r / Y) ** -eps_e`` a month, times
``k_e`` if unemployed for 12 months or more (``Y_r`` the region's expected income,
``Y`` the national, ``n`` normalises the month-0 mean to ``e / 12``). Emigration is
permanent.

Draws are tied to (worker, month) in the ``migration`` and ``immigration`` streams.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from sim.chunks import (
    chunk_bounds,
    flagged_indices,
    sum_in_chunks,
)
from sim.data import GROUPS
from sim.mechanisms.matching import Matching, draw_destination, gravity_prior, vacancy_slots
from sim.rng import logistic, stream_key, uniform
from sim.state import (
    ABROAD,
    EMIGRATED,
    EMPLOYED,
    IRREGULAR,
    LONG_TERM_MONTHS,
    REGULAR,
    UNEMPLOYED,
)

if TYPE_CHECKING:
    from sim.model import LabourMarketModel

NATIVE = GROUPS.index("native")
INTERNAL_MIGRANT = GROUPS.index("internal_migrant")
FOREIGN = GROUPS.index("foreign_migrant")
KANDAS = GROUPS.index("kandas")
_N_MAJOR = 9
_SLOT_TRIES = 8  # vacancies an arriving migrant's network looks at
_GRAVITY_ITERATIONS = 3000  # fixed-point steps of the amenity calibration


def employed_share(f: np.ndarray | float, horizon: int) -> np.ndarray:
    """Expected share of ``horizon`` months employed for a job-seeker finding work at rate
    ``f`` a month (and keeping it): ``1 - (1 - f)(1 - (1 - f)^H) / (f H)``."""
    f = np.clip(np.asarray(f, dtype=np.float64), 0.0, 1.0)
    out = np.zeros_like(f)
    # Only where work is found: most cells of a fine table have no vacancy.
    found = f > 0.0
    rate = f[found]
    stay = 1.0 - rate
    out[found] = 1.0 - stay * (1.0 - stay**horizon) / (rate * horizon)
    return out


@njit(cache=True, parallel=True)
def migration_decisions(
    w_status: np.ndarray,
    w_region: np.ndarray,
    w_occupation: np.ndarray,
    w_group: np.ndarray,
    w_age: np.ndarray,
    w_productivity: np.ndarray,
    w_months: np.ndarray,
    w_reservation: np.ndarray,
    w_ti_displaced: np.ndarray,
    w_legal: np.ndarray,
    occ_major: np.ndarray,
    region_wage: np.ndarray,
    region_employed_share: np.ndarray,
    region_cdf: np.ndarray,
    distance_km: np.ndarray,
    amenity: np.ndarray,
    emigration_rate: np.ndarray,
    key: np.uint64,
    tick: int,
    horizon: int,
    consider_rate: float,
    displaced_factor: float,
    cost_fixed: float,
    cost_per_1000km: float,
    cost_family: float,
    taste_scale: float,
    relocation_subsidy: float,
    return_rate: float,
    return_unemployed_factor: float,
    emigration_unemployed_factor: float,
    permit_loss: float,
    minimum_wage: float,
    action: np.ndarray,
    origin: np.ndarray,
) -> None:
    """Decide each worker's migration this month, in parallel over workers.

    ``action[i]`` becomes 0 (stays), 1 (leaves the country) or 2 (moves to another
    region; ``origin[i]`` the region left). A decision reads only the worker's own
    state and the regional tables and writes only the worker's own columns (a lost
    permit; a mover's region, group and reservation wage), so threads give the serial
    result. :func:`migration_kernel` applies the departures, which free posts.
    """
    n_regions = region_wage.shape[0]
    for i in prange(w_status.shape[0]):
        action[i] = 0
        s = w_status[i]
        if s != EMPLOYED and s != UNEMPLOYED:
            continue
        unemployed = s == UNEMPLOYED
        g = w_group[i]
        if (
            g == FOREIGN
            and unemployed
            and w_months[i] == 0
            and w_legal[i] == REGULAR
            and uniform(key, tick, i, 4) < permit_loss
        ):
            w_legal[i] = IRREGULAR
        if g == FOREIGN:
            p_leave = return_rate * (return_unemployed_factor if unemployed else 1.0)
        else:
            p_leave = emigration_rate[np.uint32(w_region[i])]  # unsigned: no wraparound
            if unemployed and w_months[i] >= LONG_TERM_MONTHS:
                p_leave *= emigration_unemployed_factor
        if uniform(key, tick, i, 0) < p_leave:
            action[i] = 1
            continue
        if n_regions < 2 or not unemployed:
            continue
        r = w_region[i]
        q = consider_rate * (displaced_factor if w_ti_displaced[i] >= 0 else 1.0)
        if uniform(key, tick, i, 1) >= q:
            continue
        d = draw_destination(region_cdf, r, uniform(key, tick, i, 2))
        m = occ_major[w_occupation[i]] - 1
        home_wage = region_wage[r, m]
        if home_wage <= 0.0 or region_wage[d, m] <= 0.0:
            continue
        z = w_productivity[i]
        y_dest = region_wage[d, m] * z * region_employed_share[d, m]
        y_home = home_wage * z * region_employed_share[r, m]
        gain = horizon * (y_dest - y_home) / home_wage
        cost = cost_fixed + cost_per_1000km * distance_km[r, d] / 1000.0 - amenity[d]
        if w_age[i] >= 35:
            cost += cost_family
        cost -= relocation_subsidy / home_wage
        shock = taste_scale * logistic(uniform(key, tick, i, 3)) if taste_scale > 0.0 else 0.0
        if gain - cost + shock <= 0.0:
            continue
        w_reservation[i] = max(minimum_wage, w_reservation[i] * region_wage[d, m] / home_wage)
        w_region[i] = d
        if g == NATIVE:
            w_group[i] = INTERNAL_MIGRANT
        origin[i] = r
        action[i] = 2


@njit(cache=True)
def migration_kernel(
    w_status: np.ndarray,
    w_post: np.ndarray,
    w_region: np.ndarray,
    w_occupation: np.ndarray,
    w_group: np.ndarray,
    w_age: np.ndarray,
    w_wage: np.ndarray,
    w_productivity: np.ndarray,
    w_months: np.ndarray,
    w_reservation: np.ndarray,
    w_ti_displaced: np.ndarray,
    w_legal: np.ndarray,
    p_filled: np.ndarray,
    occ_major: np.ndarray,
    region_wage: np.ndarray,
    region_employed_share: np.ndarray,
    region_cdf: np.ndarray,
    distance_km: np.ndarray,
    amenity: np.ndarray,
    emigration_rate: np.ndarray,
    key: np.uint64,
    tick: int,
    horizon: int,
    consider_rate: float,
    displaced_factor: float,
    cost_fixed: float,
    cost_per_1000km: float,
    cost_family: float,
    taste_scale: float,
    relocation_subsidy: float,
    return_rate: float,
    return_unemployed_factor: float,
    emigration_unemployed_factor: float,
    permit_loss: float,
    minimum_wage: float,
    moves_od: np.ndarray,
    departures_by_group: np.ndarray,
) -> tuple[int, int, int, int]:
    """Internal moves, return migration and emigration of one month, in place.

    ``region_wage`` and ``region_employed_share`` are [region, major - 1] tables of
    mean wages (KZT per month) and ``E_H(f)``. Returns (internal moves, subsidised
    moves, returns home, emigrants), in agents; ``moves_od`` and
    ``departures_by_group`` receive the moves by (origin, destination) and the
    returns and emigrants by group.
    """
    n = w_status.shape[0]
    action = np.empty(n, dtype=np.int8)
    origin = np.empty(n, dtype=np.int8)
    migration_decisions(
        w_status,
        w_region,
        w_occupation,
        w_group,
        w_age,
        w_productivity,
        w_months,
        w_reservation,
        w_ti_displaced,
        w_legal,
        occ_major,
        region_wage,
        region_employed_share,
        region_cdf,
        distance_km,
        amenity,
        emigration_rate,
        key,
        tick,
        horizon,
        consider_rate,
        displaced_factor,
        cost_fixed,
        cost_per_1000km,
        cost_family,
        taste_scale,
        relocation_subsidy,
        return_rate,
        return_unemployed_factor,
        emigration_unemployed_factor,
        permit_loss,
        minimum_wage,
        action,
        origin,
    )
    moves = 0
    subsidised = 0
    returns = 0
    emigrants = 0
    # The few who act, listed in parallel, then applied in worker order.
    for i in flagged_indices(action != 0):
        g = w_group[i]
        if action[i] == 1:
            if w_status[i] == EMPLOYED:
                p_filled[w_post[i]] -= 1
                w_post[i] = -1
            w_status[i] = ABROAD if g == FOREIGN else EMIGRATED
            w_months[i] = 0
            w_ti_displaced[i] = -1
            departures_by_group[g] += 1
            if g == FOREIGN:
                returns += 1
            else:
                emigrants += 1
        else:
            moves_od[origin[i], w_region[i]] += 1
            moves += 1
            if relocation_subsidy > 0.0:
                subsidised += 1
    return moves, subsidised, returns, emigrants


@njit(cache=True)
def arrival_kernel(
    arrivals: np.ndarray,
    irregular: np.ndarray,
    w_status: np.ndarray,
    w_post: np.ndarray,
    w_region: np.ndarray,
    w_occupation: np.ndarray,
    w_sector: np.ndarray,
    w_skill_recognised: np.ndarray,
    w_legal: np.ndarray,
    w_wage: np.ndarray,
    w_productivity: np.ndarray,
    w_months: np.ndarray,
    w_reservation: np.ndarray,
    reservation_floor: np.ndarray,
    p_occupation: np.ndarray,
    p_sector: np.ndarray,
    p_filled: np.ndarray,
    p_jobs_desired: np.ndarray,
    p_wage_offer: np.ndarray,
    p_informal: np.ndarray,
    occ_skill: np.ndarray,
    slot_ptr: np.ndarray,
    slots: np.ndarray,
    key: np.uint64,
    tick: int,
    p_job: float,
    skill_gap: int,
    minimum_wage: float,
) -> int:
    """Bring the workers ``arrivals`` into the labour force; returns those arriving to a job.

    ``irregular[k]`` says whether arrival ``k`` has no permit; ``reservation_floor[k]``
    is their reservation wage if they arrive unemployed (KZT per month).
    """
    with_job = 0
    for k in range(arrivals.shape[0]):
        i = arrivals[k]
        w_legal[i] = IRREGULAR if irregular[k] else REGULAR
        w_status[i] = UNEMPLOYED
        w_post[i] = -1
        w_months[i] = 0
        w_reservation[i] = max(minimum_wage, reservation_floor[k])
        r = w_region[i]
        lo, n_slots = slot_ptr[r], slot_ptr[r + 1] - slot_ptr[r]
        if n_slots == 0 or uniform(key, tick, i, 0) >= p_job:
            continue
        for t in range(_SLOT_TRIES):
            p = slots[lo + np.int64(uniform(key, tick, i, 1 + t) * n_slots)]
            if p_filled[p] >= p_jobs_desired[p]:
                continue
            if w_skill_recognised[i] < occ_skill[p_occupation[p]] - skill_gap:
                continue
            if irregular[k] and not p_informal[p]:
                continue
            p_filled[p] += 1
            w_status[i] = EMPLOYED
            w_post[i] = p
            w_occupation[i] = p_occupation[p]
            w_sector[i] = p_sector[p]
            w_wage[i] = max(p_wage_offer[p] * w_productivity[i], minimum_wage)
            w_reservation[i] = 0.0
            with_job += 1
            break
    return with_job


@njit(cache=True)
def _block_sum(x: np.ndarray, lo: int, n: int) -> float:
    """Sum of ``x[lo:lo + n]``, ``n <= 128``, as numpy adds a block: eight accumulators
    (fewer than eight terms: one), combined in pairs, then the terms left over."""
    if n < 8:
        total = 0.0
        for i in range(lo, lo + n):
            total += x[i]
        return total
    r0, r1, r2, r3 = x[lo], x[lo + 1], x[lo + 2], x[lo + 3]
    r4, r5, r6, r7 = x[lo + 4], x[lo + 5], x[lo + 6], x[lo + 7]
    i = 8
    while i < n - n % 8:
        r0 += x[lo + i]
        r1 += x[lo + i + 1]
        r2 += x[lo + i + 2]
        r3 += x[lo + i + 3]
        r4 += x[lo + i + 4]
        r5 += x[lo + i + 5]
        r6 += x[lo + i + 6]
        r7 += x[lo + i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        total += x[lo + i]
        i += 1
    return total


@njit(cache=True)
def _pairwise_sum(x: np.ndarray) -> float:
    """``numpy.sum`` of the 1-D array ``x``, added in the same order.

    Numpy halves the terms (at a multiple of 8) until blocks hold at most 128, sums the
    blocks (:func:`_block_sum`) and adds each pair of halves, starting from 0. The same
    tree is walked here with explicit stacks (recursive kernels cannot be cached).
    """
    seg_lo = np.empty(64, dtype=np.int64)
    seg_n = np.empty(64, dtype=np.int64)
    halved = np.zeros(64, dtype=np.bool_)
    sums = np.empty(64)
    seg_lo[0], seg_n[0] = 0, x.shape[0]
    top, n_sums = 1, 0
    while top > 0:
        top -= 1
        lo, n = seg_lo[top], seg_n[top]
        if n <= 128:
            sums[n_sums] = _block_sum(x, lo, n)
            n_sums += 1
        elif halved[top]:
            # Both halves are summed: add them.
            halved[top] = False
            n_sums -= 1
            sums[n_sums - 1] += sums[n_sums]
        else:
            half = n // 2 - (n // 2) % 8
            halved[top] = True
            # Come back to this segment after its halves, the first half first.
            seg_lo[top + 1], seg_n[top + 1] = lo + half, n - half
            seg_lo[top + 2], seg_n[top + 2] = lo, half
            top += 3
    return 0.0 + sums[0]


@njit(cache=True)
def _gravity_fixed_point(
    margin: np.ndarray,
    considering: np.ndarray,
    sigma: float,
    want: np.ndarray,
    lf: np.ndarray,
    lf_total: float,
    n_iterations: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Amenities that make the expected net moves of each region what is wanted.

    A step: the expected movers of cell ``c`` (cells grouped by origin region) to
    destination ``d`` are ``considering[c, d]`` times the share accepting,
    ``1 / (1 + exp(-clip((margin[c, d] + amenity[d]) / sigma, -50, 50)))``; summed into
    flows ``[origin, destination]``, they give each region's net and gross moves, and
    ``amenity += sigma (want - net) / max(gross, 1e-9)``, then the amenities are
    centred on a mean of 0 weighted by ``lf`` and clipped to ``+-10 sigma``.

    Returns the amenities after ``n_iterations`` steps, and the net moves and the flows
    of the last step. Sums are added in numpy's order (over an axis one term after the
    other, over a row pairwise, from 0), so the result is that of the steps written
    with numpy arrays. The amenities alone carry one step to the next: once they repeat
    an earlier step's, the steps cycle, and whole cycles are skipped.
    """
    n_cells, n_reg = margin.shape
    per_region = n_cells // n_reg
    amenity = np.zeros(n_reg)
    flow = np.zeros((n_reg, n_reg))
    net = np.zeros(n_reg)
    inflow = np.empty(n_reg)
    weighted = np.empty(n_reg)
    # Amenities after each step (bits) and a hash of them, to find a repeat.
    seen = np.zeros((n_iterations + 1, n_reg), dtype=np.int64)
    seen_hash = np.zeros(n_iterations + 1, dtype=np.int64)
    bits = amenity.view(np.int64)
    step = 0
    skipped = False
    while step < n_iterations:
        flow[:] = 0.0
        for c in range(n_cells):
            origin = c // per_region
            for d in range(n_reg):
                x = (margin[c, d] + amenity[d]) / sigma
                if x < -50.0:
                    x = -50.0
                elif x > 50.0:
                    x = 50.0
                flow[origin, d] += 1.0 / (1.0 + np.exp(-x)) * considering[c, d]
        inflow[:] = 0.0
        for origin in range(n_reg):
            for d in range(n_reg):
                inflow[d] += flow[origin, d]
        for r in range(n_reg):
            outflow = _pairwise_sum(flow[r])
            net[r] = inflow[r] - outflow
            gross = inflow[r] + outflow
            amenity[r] += sigma * (want[r] - net[r]) / (1e-9 if gross < 1e-9 else gross)
        for r in range(n_reg):
            weighted[r] = amenity[r] * lf[r]
        centre = _pairwise_sum(weighted) / lf_total
        for r in range(n_reg):
            a = amenity[r] - centre
            # Beyond +-10 taste scales a destination is already all or nothing.
            if a < -10 * sigma:
                a = -10 * sigma
            elif a > 10 * sigma:
                a = 10 * sigma
            amenity[r] = a
        step += 1
        if skipped:
            continue
        h = np.int64(0)
        for r in range(n_reg):
            h = h * np.int64(1000003) ^ bits[r]
        for earlier in range(step - 1, -1, -1):
            if seen_hash[earlier] == h and _same_row(seen, earlier, bits):
                period = step - earlier
                step += (n_iterations - step) // period * period
                skipped = True
                break
        # Element by element: cheaper to compile than assigning the row.
        for r in range(n_reg):
            seen[step, r] = bits[r]
        seen_hash[step] = h
    return amenity, net, flow


@njit(cache=True)
def _same_row(table: np.ndarray, row: int, values: np.ndarray) -> bool:
    """``table[row]`` equals ``values`` element by element."""
    for j in range(values.shape[0]):
        if table[row, j] != values[j]:
            return False
    return True


def _stochastic_round(x: float, u: float) -> int:
    base = int(np.floor(x))
    return base + (1 if u < x - base else 0)


class Migration:
    """Internal moves, foreign labour inflow and return, kandas, emigration."""

    name = "migration"

    def __init__(self, model: LabourMarketModel, matching: Matching) -> None:
        cfg, d = model.cfg, model.data
        self.matching = matching
        self.key = stream_key(cfg.seed, self.name)
        self.key_arrivals = stream_key(cfg.seed, "immigration")
        n_reg = d.n_regions
        self.occ_major = d.occupation_major.astype(np.int8)
        self.occ_skill = d.occupation_skill.astype(np.int8)
        self.burn_in_moves = np.zeros((n_reg, n_reg))  # cross-region hires, agents
        self.burn_in_months = 0
        self.amenity = np.zeros(n_reg)
        self.emigration_rate = np.zeros(n_reg)
        self.emigration_norm = 1.0
        self.base_inflow = 0.0  # foreign arrivals a month at month-0 wages, agents
        self.mean_wage_0 = 1.0
        self.quota_used: dict[int, float] = {}  # simulation year -> regular permits, persons
        self.origin_wage = d.origin_wage.astype(np.float64)

    # ---- state summaries ---------------------------------------------------------------
    def _tables(self, model: LabourMarketModel) -> tuple[np.ndarray, np.ndarray]:
        """Mean wage [region, major] (posts' offers over filled jobs) and ``E_H(f)``."""
        p, d = model.posts, model.data
        n_reg = d.n_regions
        jobs, pay = filled_jobs_and_pay(
            p.region, p.occupation, p.filled, p.wage_offer, self.occ_major, n_reg
        )
        wage = np.divide(pay, jobs, out=np.zeros_like(pay), where=jobs > 0)
        # Cells without jobs take the region's mean wage.
        region_mean = pay.reshape(n_reg, -1).sum(1) / np.maximum(jobs.reshape(n_reg, -1).sum(1), 1)
        wage = np.where(jobs > 0, wage, np.repeat(region_mean, _N_MAJOR))
        f = self.matching.job_finding_rates()
        horizon = model.cfg.migration.horizon_months
        share = employed_share(f, horizon)
        return wage.reshape(n_reg, _N_MAJOR), share.reshape(n_reg, _N_MAJOR)

    # ---- month 0 -----------------------------------------------------------------------
    def on_start(self, model: LabourMarketModel) -> None:
        """Calibrate the gravity model, the foreign inflow and emigration at month 0."""
        w, d, cfg = model.workers, model.data, model.cfg.migration
        wage, share = self._tables(model)
        weight = model.person_weight
        lf_region, n_foreign, n_foreign_unemployed, cell_count, cell_z = _start_counts(
            w.status,
            w.group,
            w.region,
            w.occupation,
            w.age,
            w.productivity,
            self.occ_major,
            d.n_regions,
        )
        # Foreign inflow: the month-0 return flow, so the stock is stationary.
        returns = n_foreign + (cfg.foreign_return_unemployed_factor - 1) * n_foreign_unemployed
        self.base_inflow = returns / cfg.foreign_stay_months
        employed = w.status == EMPLOYED
        self.mean_wage_0 = float(w.wage[employed].mean()) if employed.any() else 1.0
        del employed
        # Emigration: regional expected income relative to national, normalised.
        y_region = self._region_income(wage, share, lf_region.astype(float))
        rel = y_region**-cfg.emigration_income_elasticity
        terms = _emigration_terms(
            w.status, w.group, w.region, w.months_in_status, rel, cfg.emigration_unemployed_factor
        )
        self.emigration_norm = 1.0 / max(float(np.mean(terms)), 1e-12)
        del terms
        if cfg.calibrate and self.burn_in_months > 0:
            self._calibrate_gravity(model, wage, share, weight, cell_count, cell_z)

    def _region_income(
        self, wage: np.ndarray, share: np.ndarray, lf_region: np.ndarray
    ) -> np.ndarray:
        """Expected income of each region relative to the national (LF-weighted)."""
        y = (wage * share).mean(axis=1)
        national = float((y * lf_region).sum() / max(lf_region.sum(), 1.0))
        # Floored so a region where nobody finds work has a finite (high) emigration rate.
        return np.maximum(y / max(national, 1e-9), 0.05)

    def _calibrate_gravity(
        self,
        model: LabourMarketModel,
        wage: np.ndarray,
        share: np.ndarray,
        weight: float,
        count: np.ndarray,
        z_sum: np.ndarray,
    ) -> None:
        """Fit the amenities; ``count`` and ``z_sum`` are the unemployed and their summed
        productivity by cell (region, major group, aged 35 or more)."""
        d, cfg = model.data, model.cfg.migration
        n_reg = d.n_regions
        z_mean = z_sum / np.maximum(count, 1)
        c_r = np.repeat(np.arange(n_reg), _N_MAJOR * 2)
        c_m = np.tile(np.repeat(np.arange(_N_MAJOR), 2), n_reg)
        c_o = np.tile([0, 1], n_reg * _N_MAJOR)
        prior = gravity_prior(d.region_population, d.region_distance_km, cfg)
        home_wage = wage[c_r, c_m]
        y_home = home_wage * z_mean * share[c_r, c_m]
        y_dest = wage[:, c_m].T * z_mean[:, None] * share[:, c_m].T  # [cell, d]
        gain = cfg.horizon_months * (y_dest - y_home[:, None]) / home_wage[:, None]
        cost = (
            cfg.moving_cost_months
            + cfg.distance_cost_months * d.region_distance_km[c_r] / 1000.0
            + cfg.family_cost_months * c_o[:, None]
        )
        considering = (count * cfg.consider_rate * weight)[:, None] * prior[c_r]
        sigma = max(cfg.taste_scale_months, 0.5)
        target = np.array(list(d.net_migration_labour_force.values())) / 12
        job_led = self.burn_in_moves / self.burn_in_months * weight
        want = target - (job_led.sum(0) - job_led.sum(1))
        lf = d.region_labour_force
        lf_total = lf.sum()
        amenity, net, flow = _gravity_fixed_point(
            gain - cost, considering, sigma, want, lf, lf_total, _GRAVITY_ITERATIONS
        )
        self.amenity = amenity
        self.calibration = {
            "target_net": target,
            "model_net": net + job_led.sum(0) - job_led.sum(1),
            "gross": flow.sum() + job_led.sum(),
        }

    # ---- the month ---------------------------------------------------------------------
    def step(self, model: LabourMarketModel) -> None:
        """Move, send home, bring in and let emigrate; record the flows (agents)."""
        if model.burning_in:
            self.burn_in_moves += self.matching.moves_od
            self.burn_in_months += 1
            model.flows["internal_moves"] = int(self.matching.moves_od.sum())
            return
        cfg = model.cfg.migration
        w, p, d = model.workers, model.posts, model.data
        n_reg, n_grp = d.n_regions, len(GROUPS)
        moves_od = self.matching.moves_od.astype(np.int64)
        departures = np.zeros(n_grp, dtype=np.int64)
        arrivals = np.zeros(n_grp, dtype=np.int64)
        moves = subsidised = returns = emigrants = 0
        if cfg.enabled:
            wage, share = self._tables(model)
            lf_region = labour_force_by_region(w.status, w.region, n_reg).astype(float)
            rel_income = self._region_income(wage, share, lf_region)
            emigration = (
                cfg.emigration_rate_annual
                / 12
                * self.emigration_norm
                * rel_income**-cfg.emigration_income_elasticity
            )
            moves, subsidised, returns, emigrants = migration_kernel(
                w.status,
                w.post,
                w.region,
                w.occupation,
                w.group,
                w.age,
                w.wage,
                w.productivity,
                w.months_in_status,
                w.reservation_wage,
                w.ti_displaced,
                w.legal_status,
                p.filled,
                self.occ_major,
                wage,
                share,
                self.matching.region_cdf,
                d.region_distance_km,
                self.amenity,
                emigration,
                self.key,
                model.tick,
                cfg.horizon_months,
                cfg.consider_rate,
                cfg.displaced_consider_factor,
                cfg.moving_cost_months,
                cfg.distance_cost_months,
                cfg.family_cost_months,
                cfg.taste_scale_months,
                cfg.relocation_subsidy,
                1.0 / cfg.foreign_stay_months,
                cfg.foreign_return_unemployed_factor,
                cfg.emigration_unemployed_factor,
                cfg.permit_loss_on_job_loss,
                model.minimum_wage,
                moves_od,
                departures,
            )
            # Arrivals of one group leave the other's pool as it was: both in one pass.
            foreign_pool, kandas_pool = abroad_pools(w.status, w.group)
            arrivals[FOREIGN], irregular = self._foreign_arrivals(model, foreign_pool)
            arrivals[KANDAS] = self._kandas_arrivals(model, wage, kandas_pool)
            model.flows["irregular_arrivals"] = irregular
        model.flows["internal_moves"] = int(moves_od.sum())
        model.flows["migration_moves"] = moves
        model.flows["relocation_subsidy_kzt"] = subsidised * cfg.relocation_subsidy
        model.flows["returns"] = returns
        model.flows["emigrants"] = emigrants
        model.flows["immigrants"] = int(arrivals.sum())
        model.flows["foreign_arrivals"] = int(arrivals[FOREIGN])
        model.flows["kandas_arrivals"] = int(arrivals[KANDAS])
        model.flows["arrivals_by_group"] = arrivals
        model.flows["departures_by_group"] = departures
        model.flows["moves_od"] = moves_od

    def _pick_from_pool(self, model: LabourMarketModel, pool: np.ndarray, k: int) -> np.ndarray:
        """``k`` of the workers ``pool`` (abroad), chosen by a uniform priority (CRN)."""
        if k <= 0 or len(pool) == 0:
            return pool[:0]
        if k >= len(pool):
            return pool
        priority = _priorities(pool, self.key_arrivals, model.tick)
        return np.sort(pool[np.argpartition(priority, k - 1)[:k]])

    def _foreign_arrivals(self, model: LabourMarketModel, pool: np.ndarray) -> tuple[int, int]:
        cfg, w = model.cfg.migration, model.workers
        weight = model.person_weight
        mean_wage = max(model.national.get("mean_wage", self.mean_wage_0), 1.0)
        desired = self.base_inflow * (mean_wage / self.mean_wage_0) ** cfg.foreign_wage_elasticity
        u = [uniform(self.key_arrivals, model.tick, 0, j) for j in range(2)]
        regular_wanted = _stochastic_round(desired * (1 - cfg.foreign_irregular_share), u[0])
        year = (model.month - 1) // 12
        room = max(cfg.foreign_quota_annual - self.quota_used.get(year, 0.0), 0.0)
        regular = min(regular_wanted, int(np.floor(room / weight + 1e-9)))
        refused = regular_wanted - regular
        irregular = _stochastic_round(
            desired * cfg.foreign_irregular_share + cfg.quota_spillover * refused, u[1]
        )
        chosen = self._pick_from_pool(model, pool, regular + irregular)
        regular = min(regular, len(chosen))
        self.quota_used[year] = self.quota_used.get(year, 0.0) + regular * weight
        is_irregular = np.arange(len(chosen)) >= regular
        floor = self.origin_wage[np.maximum(w.origin[chosen], 0)]
        self._arrive(model, chosen, is_irregular, floor, cfg.foreign_prearranged_job)
        return len(chosen), int(is_irregular.sum())

    def _kandas_arrivals(self, model: LabourMarketModel, wage: np.ndarray, pool: np.ndarray) -> int:
        cfg, w = model.cfg.migration, model.workers
        expected = cfg.kandas_arrivals_annual * cfg.kandas_labour_force_share / 12 * model.cfg.scale
        k = _stochastic_round(expected, uniform(self.key_arrivals, model.tick, 0, 2))
        chosen = self._pick_from_pool(model, pool, k)
        major = self.occ_major[w.occupation[chosen]].astype(np.int64) - 1
        floor = (
            model.cfg.wages.reservation_ratio
            * wage[w.region[chosen].astype(np.int64), major]
            * w.productivity[chosen]
        )
        self._arrive(model, chosen, np.zeros(len(chosen), dtype=np.bool_), floor, 0.0)
        return len(chosen)

    def _arrive(
        self,
        model: LabourMarketModel,
        chosen: np.ndarray,
        irregular: np.ndarray,
        reservation_floor: np.ndarray,
        p_job: float,
    ) -> None:
        if len(chosen) == 0:
            return
        w, p, d = model.workers, model.posts, model.data
        if p_job > 0.0:
            # Slots by region: the matching step's (region, occupation) cells with one
            # occupation.
            slot_ptr, slots = vacancy_slots(
                p.jobs_desired, p.filled, p.region, np.zeros(p.n, np.int16), 1, d.n_regions
            )
        else:
            # Nobody has a job lined up: the kernel draws no slot.
            slot_ptr, slots = np.zeros(d.n_regions + 1, np.int64), np.zeros(0, np.int32)
        arrival_kernel(
            chosen.astype(np.int64),
            irregular.astype(np.bool_),
            w.status,
            w.post,
            w.region,
            w.occupation,
            w.sector,
            w.skill_recognised,
            w.legal_status,
            w.wage,
            w.productivity,
            w.months_in_status,
            w.reservation_wage,
            np.asarray(reservation_floor, dtype=np.float64),
            p.occupation,
            p.sector,
            p.filled,
            p.jobs_desired,
            p.wage_offer,
            p.informal,
            self.occ_skill,
            slot_ptr,
            slots,
            self.key_arrivals,
            model.tick,
            p_job,
            model.cfg.matching.skill_gap_allowed,
            model.minimum_wage,
        )
        employed = w.status[chosen] == EMPLOYED
        w.insured[chosen] = employed & ~p.informal[np.where(employed, w.post[chosen], 0)]


@njit(cache=True)
def _priorities(pool: np.ndarray, key: np.uint64, tick: int) -> np.ndarray:
    out = np.empty(pool.shape[0])
    for k in range(pool.shape[0]):
        out[k] = uniform(key, tick, pool[k], 9)
    return out


@njit(cache=True, nogil=True)
def _filled_jobs_and_pay_chunks(
    c_lo: int,
    c_hi: int,
    n_chunks: int,
    p_region: np.ndarray,
    p_occupation: np.ndarray,
    p_filled: np.ndarray,
    p_wage_offer: np.ndarray,
    occ_major: np.ndarray,
    c_jobs: np.ndarray,
    c_pay: np.ndarray,
) -> None:
    n_posts = p_region.shape[0]
    for k in range(c_lo, c_hi):
        lo, hi = chunk_bounds(n_posts, n_chunks, k)
        jobs, pay = c_jobs[k], c_pay[k]
        for p in range(lo, hi):
            # Unsigned: numba skips wrapping negative indices around.
            c = np.uint32(p_region[p] * _N_MAJOR + occ_major[p_occupation[p]] - 1)
            jobs[c] += p_filled[p]
            pay[c] += p_filled[p] * np.float64(p_wage_offer[p])


def filled_jobs_and_pay(
    p_region: np.ndarray,
    p_occupation: np.ndarray,
    p_filled: np.ndarray,
    p_wage_offer: np.ndarray,
    occ_major: np.ndarray,
    n_regions: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Filled jobs and their offers' sum (KZT per month) by cell ``region * 9 + major - 1``.

    Summed in parallel over fixed chunks of posts (:func:`sim.chunks.run_in_chunks`),
    added in chunk order.
    """
    n_cells = n_regions * _N_MAJOR
    jobs, pay = sum_in_chunks(
        _filled_jobs_and_pay_chunks,
        p_region.shape[0],
        [((n_cells,), np.float64), ((n_cells,), np.float64)],
        p_region,
        p_occupation,
        p_filled,
        p_wage_offer,
        occ_major,
    )
    return jobs, pay


@njit(cache=True, nogil=True)
def _labour_force_chunks(
    c_lo: int, c_hi: int, n_chunks: int, status: np.ndarray, region: np.ndarray, counts: np.ndarray
) -> None:
    n = status.shape[0]
    for k in range(c_lo, c_hi):
        lo, hi = chunk_bounds(n, n_chunks, k)
        chunk_counts = counts[k]
        for i in range(lo, hi):
            if status[i] == EMPLOYED or status[i] == UNEMPLOYED:
                chunk_counts[np.uint32(region[i])] += 1  # unsigned: no wraparound


def labour_force_by_region(status: np.ndarray, region: np.ndarray, n_regions: int) -> np.ndarray:
    """Employed and unemployed workers by region (agents), counted in parallel chunks."""
    (counts,) = sum_in_chunks(
        _labour_force_chunks, status.shape[0], [((n_regions,), np.int64)], status, region
    )
    return counts


@njit(cache=True)
def abroad_pools(status: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices, ascending, of the foreign migrants and of the kandas who are abroad."""
    # One pass into arrays as long as the workers, then copied out: counting first would
    # take a second pass over all workers.
    foreign = np.empty(status.shape[0], dtype=np.int64)
    kandas = np.empty(status.shape[0], dtype=np.int64)
    n_foreign = 0
    n_kandas = 0
    for i in range(status.shape[0]):
        if status[i] == ABROAD:
            if group[i] == FOREIGN:
                foreign[n_foreign] = i
                n_foreign += 1
            elif group[i] == KANDAS:
                kandas[n_kandas] = i
                n_kandas += 1
    return foreign[:n_foreign].copy(), kandas[:n_kandas].copy()


@njit(cache=True)
def _start_counts(
    status: np.ndarray,
    group: np.ndarray,
    region: np.ndarray,
    occupation: np.ndarray,
    age: np.ndarray,
    productivity: np.ndarray,
    occ_major: np.ndarray,
    n_regions: int,
) -> tuple[np.ndarray, int, int, np.ndarray, np.ndarray]:
    """Month-0 tallies: the labour force by region, foreign migrants in it and those of
    them unemployed, and the unemployed and their summed productivity (in worker order)
    by cell ``(region * 9 + major - 1) * 2 + [age >= 35]``."""
    lf_region = np.zeros(n_regions, dtype=np.int64)
    n_foreign = 0
    n_foreign_unemployed = 0
    count = np.zeros(n_regions * _N_MAJOR * 2)
    z_sum = np.zeros(n_regions * _N_MAJOR * 2)
    for i in range(status.shape[0]):
        if status[i] != EMPLOYED and status[i] != UNEMPLOYED:
            continue
        lf_region[region[i]] += 1
        if group[i] == FOREIGN:
            n_foreign += 1
            if status[i] == UNEMPLOYED:
                n_foreign_unemployed += 1
        if status[i] == UNEMPLOYED:
            old = 1 if age[i] >= 35 else 0
            c = (region[i] * _N_MAJOR + occ_major[occupation[i]] - 1) * 2 + old
            count[c] += 1.0
            z_sum[c] += np.float64(productivity[i])
    return lf_region, n_foreign, n_foreign_unemployed, count, z_sum


@njit(cache=True)
def _emigration_terms(
    status: np.ndarray,
    group: np.ndarray,
    region: np.ndarray,
    months_in_status: np.ndarray,
    rel: np.ndarray,
    unemployed_factor: float,
) -> np.ndarray:
    """Relative emigration rate of each resident of the labour force, in worker order:
    ``rel`` of the region, times ``unemployed_factor`` if long-term unemployed."""
    n = 0
    for i in range(status.shape[0]):
        if (status[i] == EMPLOYED or status[i] == UNEMPLOYED) and group[i] != FOREIGN:
            n += 1
    out = np.empty(n)
    k = 0
    for i in range(status.shape[0]):
        if (status[i] == EMPLOYED or status[i] == UNEMPLOYED) and group[i] != FOREIGN:
            long_term = status[i] == UNEMPLOYED and months_in_status[i] >= LONG_TERM_MONTHS
            out[k] = rel[region[i]] * (unemployed_factor if long_term else 1.0)
            k += 1
    return out
