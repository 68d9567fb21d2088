"""Reskilling: public training programmes that move workers to occupations in demand.

Rule
----
*Who may enrol.* Unemployed workers of an eligible group (``eligible_groups``;
by default natives, internal migrants and kandas, as in Kazakhstan's state
employment programmes) with a regular legal status -- irregular migrants never enrol,
whatever the lever. Under the ``employed_at_risk`` lever, employed workers whose post
has announced an automation cut (attrition wait still running) may enrol too; they
leave the post, which counts towards the cut.

*Considering.* Each month an eligible worker considers training with probability
``q`` (``consider_rate``), ``k_d q`` if displaced by automation, and ``k_d q c_p`` if
employed at a post ``p`` that announced a cut of the share ``c_p = (N_p - J_p) / N_p``
of its jobs (the worker's chance of being displaced).

*Target.* Reachable occupations are those of the course target list (ISCO code
prefixes; empty = all) whose ISCO skill level is at most one above the worker's real
level. Among the ``K`` reachable occupations with the highest expected income in the
worker's region, ``W_{ro'} E_H(f_{ro'})``, the worker picks the one that maximises
the expected income after training, where

- ``W_{ro}`` is the mean wage offer of the (region, occupation) cell (KZT/month),
- ``f_{ro'} = min(0.9, f_{r,m(o')} v_{ro'} / v_r)`` is the job-finding rate of a
  qualified job-seeker: the measured rate of the occupation's major group in the
  region, scaled by the cell's vacancy rate ``v_{ro'} = V / (V + filled)`` relative to
  the region's ``v_r``,
- ``E_H(f) = 1 - (1 - f)(1 - (1 - f)^H) / (f H)`` the expected share of the
  ``H``-month horizon employed.

*Course.* Its length in months is

    D(o, o') = D_0 + D_s d(o, o') + D_u max(0, s_{o'} - s_i),

``d`` the ISCO distance between the codes (4 minus the length of their common
prefix at the unit-group level: 1 = same minor group ... 4 = another major group).
It succeeds with probability

    p_i(o') = logistic(a_0 + a_d (d_i - D_{o'}) + a_l (l_i - L_{o'})
                       - a_a max(0, age_i - 35) / 10 - a_s max(0, s_{o'} - s_i)),

``d_i, l_i`` digital literacy and language proficiency, ``D_{o'}, L_{o'}`` the
target's needs (as in matching's screening), ``s`` skill levels.

*Decision.* With ``y_0 = W_{ro} z_i E_H(f_{r,m(o)})`` the expected monthly income of
searching in the worker's own occupation and ``y_1 = p W_{ro'} z_i E_H(f_{ro'}) +
(1 - p) y_0`` after the course, the worker applies when

    [H (y_1 - y_0) - D c_i] / (W_{ro} z_i) + sigma eps_i > 0,

``eps_i`` a standard logistic taste shock (scale ``sigma`` months of wage) and
``c_i`` the income forgone per month of course: ``E_H(f_{r,m(o)}) (W_{ro} z_i - b_i)
- s`` for the unemployed (``b_i`` the benefit still paid, since a job would end it,
``s`` the stipend), ``(1 - c_p) w_i + c_p E_H(f_{r,m(o)}) W_{ro} z_i - s`` for the
employed at risk (they keep the job with chance ``1 - c_p``).

*Places.* Applications are served in a uniform random order (tied to worker and
month), the programmes' target groups first when ``priority_target_groups`` is on:
workers displaced by automation, workers at risk of it and the long-term unemployed
(12 months or more), as Kazakhstan's employment law gives priority in active measures
to workers released by staff reductions and to people long out of work. A region
starts at most ``floor(C_r + carry_r)`` courses a month, ``C_r =
c LF_r / 1000`` (``c`` places per 1,000 of the month-0 labour force; the fractional
remainder carries over so the long-run rate is exact), and, when a budget is set,
courses stop when the trainees' monthly course cost would exceed it.

*In training.* A trainee (status ``in_training``) is out of the unemployed count
and does not search. When the course ends the worker is unemployed again; on success
their occupation becomes the target, their real and recognised skill level at least
the target's (a local certificate), digital literacy rises by ``g_d``, and the
reservation wage is reset to ``max(m, rho W_{ro'} z_i)``. On failure nothing about
the worker changes. Success is drawn when the course ends, from the same rule.

Draws are tied to (worker, month) in the ``reskilling`` stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.data import GROUPS
from sim.mechanisms.benefits import benefit_amount
from sim.mechanisms.migration import employed_share
from sim.rng import logistic, order_of_keys, stream_key, uniform
from sim.state import EMPLOYED, IN_TRAINING, LONG_TERM_MONTHS, REGULAR, UNEMPLOYED

if TYPE_CHECKING:
    from sim.mechanisms.matching import Matching
    from sim.model import LabourMarketModel

_N_MAJOR = 9
_MAX_JOB_FINDING = 0.9  # cap on a qualified job-seeker's monthly job-finding rate
_MAX_COURSE_MONTHS = 120  # course lengths fit the int8 months-left column
_NO_BUDGET_LIMIT = np.iinfo(np.int64).max  # courses the budget allows when none is set


def isco_distance(codes: list[str]) -> np.ndarray:
    """Distance between ISCO-08 codes: 4 - common prefix length at unit level (int8 [O, O]).

    Codes of coarser levels (3, 2 or 1 digits) count their missing digits as different,
    so distances stay comparable whatever the occupation level.
    """
    n = len(codes)
    width = max((len(c) for c in codes), default=0)
    # Characters as codes, -1 past a code's end (a position both lack is not common).
    chars = np.full((n, width), -1, dtype=np.int64)
    for a, code in enumerate(codes):
        chars[a, : len(code)] = [ord(x) for x in code]
    return _prefix_distance(chars)


@njit(cache=True)
def _prefix_distance(chars: np.ndarray) -> np.ndarray:
    """``max(1, 4 - common prefix length)`` between rows of ``chars``, 0 on the diagonal."""
    n, width = chars.shape
    out = np.zeros((n, n), dtype=np.int8)
    for a in range(n):
        for b in range(n):
            if a == b:
                continue
            common = 0
            while common < width and chars[a, common] >= 0 and chars[a, common] == chars[b, common]:
                common += 1
            out[a, b] = max(1, 4 - common)
    return out


def target_mask(codes: list[str], prefixes: list[str]) -> np.ndarray:
    """Occupations a course may lead to (all if ``prefixes`` is empty).

    A code is a target when it starts with one of the ISCO ``prefixes`` or, at a coarser
    occupation level, is itself the start of one (``"2"`` for ``"25"``: the major
    group holding the target).
    """
    if not prefixes:
        return np.ones(len(codes), dtype=np.bool_)
    return np.array(
        [any(c.startswith(p) or p.startswith(c) for p in prefixes) for c in codes],
        dtype=np.bool_,
    )


@njit(cache=True)
def cell_jobs(
    p_region: np.ndarray,
    p_occupation: np.ndarray,
    p_jobs_desired: np.ndarray,
    p_filled: np.ndarray,
    p_wage_offer: np.ndarray,
    n_regions: int,
    n_occupations: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Jobs, offers, vacancies and filled jobs by (region, occupation) cell, flat.

    A post counts ``max(desired, filled)`` jobs; ``pay`` sums their offers (KZT per
    month), so ``pay / jobs`` is the cell's mean offer.
    """
    size = n_regions * n_occupations
    jobs = np.zeros(size)
    pay = np.zeros(size)
    vacancies = np.zeros(size)
    filled = np.zeros(size)
    for p in range(p_region.shape[0]):
        c = np.uint32(p_region[p] * n_occupations + p_occupation[p])  # no wraparound
        j = np.float64(max(p_jobs_desired[p], p_filled[p]))
        jobs[c] += j
        pay[c] += j * p_wage_offer[p]
        vacancies[c] += np.float64(max(p_jobs_desired[p] - p_filled[p], 0))
        filled[c] += np.float64(p_filled[p])
    return jobs, pay, vacancies, filled


@njit(cache=True)
def cell_tables(
    p_region: np.ndarray,
    p_occupation: np.ndarray,
    p_jobs_desired: np.ndarray,
    p_filled: np.ndarray,
    p_wage_offer: np.ndarray,
    finding: np.ndarray,
    occ_major: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean offer (KZT/month) and job-finding rate of a qualified job-seeker, [region, occupation].

    ``finding`` holds the job-finding rates [region, major - 1]. A cell's rate is its
    major group's in the region times the cell's vacancy rate over the region's (jobs
    as in :func:`cell_jobs`), at most ``_MAX_JOB_FINDING``; cells without jobs have
    rate and offer 0.
    """
    n_regions = finding.shape[0]
    n_occupations = occ_major.shape[0]
    jobs, pay, vacancies, filled = cell_jobs(
        p_region, p_occupation, p_jobs_desired, p_filled, p_wage_offer, n_regions, n_occupations
    )
    wage = np.zeros((n_regions, n_occupations))
    rate = np.zeros((n_regions, n_occupations))
    for r in range(n_regions):
        # Sums of whole jobs: exact in any order.
        v_sum = 0.0
        f_sum = 0.0
        for o in range(n_occupations):
            v_sum += vacancies[r * n_occupations + o]
            f_sum += filled[r * n_occupations + o]
        region_rate = v_sum / (v_sum + f_sum) if v_sum + f_sum > 0 else 0.0
        for o in range(n_occupations):
            c = r * n_occupations + o
            if jobs[c] > 0:
                wage[r, o] = pay[c] / jobs[c]
            open_and_filled = vacancies[c] + filled[c]
            cell_rate = vacancies[c] / open_and_filled if open_and_filled > 0 else 0.0
            relative = cell_rate / region_rate if region_rate > 0 else 0.0
            rate[r, o] = np.minimum(_MAX_JOB_FINDING, finding[r, occ_major[o] - 1] * relative)
    return wage, rate


@njit(cache=True)
def _sorts_before(a: float, b: float) -> bool:
    """Whether ``a`` comes before ``b`` in NumPy's ascending sort order (NaN last)."""
    return a < b or (b != b and a == a)


@njit(cache=True)
def top_candidates(
    wage: np.ndarray, share: np.ndarray, target: np.ndarray, occ_skill: np.ndarray, k: int
) -> np.ndarray:
    """Top-``k`` target occupations by expected income per region and skill cap.

    For each region and skill cap 1-4, the course targets of skill level at most the
    cap with a positive mean offer, ordered by expected income ``wage * share``, highest
    first and, at equal income, lower occupation first (a stable sort); -1 pads the
    list, and stands for any income that is not finite. Returns [region, cap - 1, k]
    (int16).
    """
    n_regions, n_occupations = wage.shape
    out = np.full((n_regions, 4, k), -1, dtype=np.int16)
    key = np.empty(k)  # minus the income, ascending
    index = np.empty(k, dtype=np.int64)
    for r in range(n_regions):
        for cap in range(1, 5):
            n_top = 0
            for o in range(n_occupations):
                ok = target[o] and occ_skill[o] <= cap and wage[r, o] > 0
                v = -(wage[r, o] * share[r, o]) if ok else np.inf
                j = n_top
                while j > 0 and _sorts_before(v, key[j - 1]):
                    j -= 1
                if j >= k:
                    continue
                for m in range(min(n_top, k - 1), j, -1):
                    key[m] = key[m - 1]
                    index[m] = index[m - 1]
                key[j] = v
                index[j] = o
                n_top = min(n_top + 1, k)
            for j in range(n_top):
                if np.isfinite(key[j]):
                    out[r, cap - 1, j] = index[j]
    return out


@njit(cache=True)
def success_probability(
    digital_margin: float,
    language_margin: float,
    age: int,
    skill_step: int,
    a_0: float,
    a_digital: float,
    a_language: float,
    a_age: float,
    a_skill: float,
) -> float:
    """Chance a course ends with a qualification (the logistic rule of the module)."""
    logit = (
        a_0
        + a_digital * digital_margin
        + a_language * language_margin
        - a_age * max(0, age - 35) / 10.0
        - a_skill * max(0, skill_step)
    )
    return 1.0 / (1.0 + np.exp(-logit))


@njit(cache=True)
def reskilling_kernel(
    w_status: np.ndarray,
    w_post: np.ndarray,
    w_region: np.ndarray,
    w_occupation: np.ndarray,
    w_skill: np.ndarray,
    w_skill_recognised: np.ndarray,
    w_digital: np.ndarray,
    w_language: np.ndarray,
    w_age: np.ndarray,
    w_group: np.ndarray,
    w_legal: np.ndarray,
    w_wage: np.ndarray,
    w_productivity: np.ndarray,
    w_months: np.ndarray,
    w_reservation: np.ndarray,
    w_benefit_left: np.ndarray,
    w_ti_displaced: np.ndarray,
    w_target: np.ndarray,
    w_left: np.ndarray,
    w_retrained: np.ndarray,
    p_filled: np.ndarray,
    p_jobs_desired: np.ndarray,
    p_attrition_until: np.ndarray,
    cell_wage: np.ndarray,
    cell_share: np.ndarray,
    home_share: np.ndarray,
    candidates: np.ndarray,
    occ_skill: np.ndarray,
    occ_major: np.ndarray,
    occ_digital_need: np.ndarray,
    occ_language_need: np.ndarray,
    occ_distance: np.ndarray,
    eligible_group: np.ndarray,
    places: np.ndarray,
    budget_places: int,
    key: np.uint64,
    tick: int,
    month: int,
    consider_rate: float,
    risk_factor: float,
    employed_at_risk: bool,
    priority_target_groups: bool,
    long_term_months: int,
    horizon: int,
    taste_scale: float,
    stipend: float,
    base_months: float,
    months_per_step: float,
    upgrade_months: float,
    a_0: float,
    a_digital: float,
    a_language: float,
    a_age: float,
    a_skill: float,
    digital_gain: float,
    reservation_ratio: float,
    minimum_wage: float,
    replacement: float,
    benefit_min: float,
    benefit_max: float,
    starts_region: np.ndarray,
    reskilled_group: np.ndarray,
) -> tuple[int, int, int, int]:
    """End courses that are due and start new ones, in place.

    ``cell_wage`` and ``cell_share`` are [region, occupation] tables of mean offers
    (KZT/month) and ``E_H`` of a qualified job-seeker; ``home_share`` is
    [region, major - 1] ``E_H`` of searching in one's own occupation; ``candidates``
    [region, skill cap - 1, K] lists target occupations by expected income (-1 pads).
    ``places`` [region] are the courses a region may start this month; ``budget_places``
    the courses the budget allows nationally. ``starts_region`` and
    ``reskilled_group`` receive starts by region and successes by group (agents).

    Returns (starts, completions, successes, employed starts), agents.
    """
    n = w_status.shape[0]
    n_cand = candidates.shape[2]
    app_worker = np.empty(n, dtype=np.int64)
    app_target = np.empty(n, dtype=np.int16)
    app_months = np.empty(n, dtype=np.int8)
    app_key = np.empty(n, dtype=np.float64)
    n_app = 0
    completions = 0
    successes = 0
    for i in range(n):
        s = w_status[i]
        if s == IN_TRAINING:
            if w_months[i] == 0:
                continue
            w_left[i] -= 1
            if w_left[i] > 0:
                continue
            completions += 1
            w_status[i] = UNEMPLOYED
            w_months[i] = 0
            t = w_target[i]
            w_target[i] = -1
            p = success_probability(
                w_digital[i] - occ_digital_need[t],
                w_language[i] - occ_language_need[t],
                w_age[i],
                occ_skill[t] - w_skill[i],
                a_0,
                a_digital,
                a_language,
                a_age,
                a_skill,
            )
            if uniform(key, tick, i, 3) >= p:
                continue
            successes += 1
            reskilled_group[w_group[i]] += 1
            w_occupation[i] = t
            w_skill[i] = max(w_skill[i], occ_skill[t])
            w_skill_recognised[i] = max(w_skill_recognised[i], occ_skill[t])
            w_digital[i] = min(1.0, w_digital[i] + digital_gain)
            w_retrained[i] = True
            pay = cell_wage[w_region[i], t] * w_productivity[i]
            w_reservation[i] = max(minimum_wage, reservation_ratio * pay)
            continue
        if s == EMPLOYED and not employed_at_risk:
            continue
        if w_legal[i] != REGULAR or not eligible_group[w_group[i]]:
            continue
        at_risk = False
        cut = 0.0
        if s == EMPLOYED:
            p_i = w_post[i]
            if p_attrition_until[p_i] < tick:
                continue
            if p_filled[p_i] > p_jobs_desired[p_i]:
                cut = (p_filled[p_i] - p_jobs_desired[p_i]) / p_filled[p_i]
            if cut <= 0.0:
                continue
            at_risk = True
        elif s != UNEMPLOYED:
            continue
        q = consider_rate * (risk_factor if (at_risk or w_ti_displaced[i] >= 0) else 1.0)
        if at_risk:
            # Only the announced share of the post's jobs goes: the chance to be displaced.
            q *= cut
        if uniform(key, tick, i, 0) >= q:
            continue
        r = w_region[i]
        o = w_occupation[i]
        z = w_productivity[i]
        # Without a post of their occupation in the region, their own last wage (net of
        # their productivity) stands for the occupation's offer.
        home_wage = cell_wage[r, o] if cell_wage[r, o] > 0.0 else w_wage[i] / z
        e_home = home_share[r, occ_major[o] - 1]
        y_home = home_wage * z * e_home
        cap = min(w_skill[i] + 1, 4) - 1
        best = -1e300
        best_o = -1
        best_d = 0.0
        for k in range(n_cand):
            t = candidates[r, cap, k]
            if t < 0:
                break
            if t == o:
                continue
            up = max(0, occ_skill[t] - w_skill[i])
            p = success_probability(
                w_digital[i] - occ_digital_need[t],
                w_language[i] - occ_language_need[t],
                w_age[i],
                occ_skill[t] - w_skill[i],
                a_0,
                a_digital,
                a_language,
                a_age,
                a_skill,
            )
            y_train = p * cell_wage[r, t] * z * cell_share[r, t] + (1.0 - p) * y_home
            d = base_months + months_per_step * occ_distance[o, t] + upgrade_months * up
            d = min(d, _MAX_COURSE_MONTHS)
            if s == EMPLOYED:
                # The job is kept with chance 1 - cut; otherwise the worker searches.
                forgone = (1.0 - cut) * w_wage[i] + cut * e_home * home_wage * z - stipend
            else:
                b = 0.0
                if w_benefit_left[i] > 0:
                    b = benefit_amount(w_wage[i], replacement, benefit_min, benefit_max)
                forgone = e_home * (home_wage * z - b) - stipend
            value = horizon * (y_train - y_home) - d * forgone
            if value > best:
                best = value
                best_o = t
                best_d = d
        if best_o < 0:
            continue
        margin = best / (home_wage * z)
        if taste_scale > 0.0:
            margin += taste_scale * logistic(uniform(key, tick, i, 1))
        if margin <= 0.0:
            continue
        app_worker[n_app] = i
        app_target[n_app] = best_o
        app_months[n_app] = np.int8(max(1, int(best_d + 0.5)))
        app_key[n_app] = uniform(key, tick, i, 2)
        if priority_target_groups and not (
            at_risk or w_ti_displaced[i] >= 0 or w_months[i] >= long_term_months
        ):
            app_key[n_app] += 1.0
        n_app += 1
    order = order_of_keys(app_key[:n_app], 2.0)
    starts = 0
    employed_starts = 0
    for k in range(n_app):
        if starts >= budget_places:
            break
        j = order[k]
        i = app_worker[j]
        r = w_region[i]
        if starts_region[r] >= places[r]:
            continue
        starts_region[r] += 1
        starts += 1
        if w_status[i] == EMPLOYED:
            p_filled[w_post[i]] -= 1
            w_post[i] = -1
            w_reservation[i] = max(minimum_wage, reservation_ratio * w_wage[i])
            employed_starts += 1
        w_status[i] = IN_TRAINING
        w_months[i] = 0
        w_target[i] = app_target[j]
        w_left[i] = app_months[j]
    return starts, completions, successes, employed_starts


class Reskilling:
    """Training programmes: applications, places, courses and their outcomes."""

    name = "reskilling"

    def __init__(self, model: LabourMarketModel, matching: Matching) -> None:
        d, cfg = model.data, model.cfg
        self.key = stream_key(cfg.seed, self.name)
        self.matching = matching
        self.occ_skill = d.occupation_skill.astype(np.int8)
        self.occ_major = d.occupation_major.astype(np.int8)
        self.occ_digital_need = d.occupation_digital_need.astype(np.float64)
        self.occ_distance = isco_distance(list(d.occupation_codes))
        self.target = target_mask(list(d.occupation_codes), cfg.reskilling.target_occupations)
        self.eligible_group = np.array(
            [g in cfg.reskilling.eligible_groups for g in GROUPS], dtype=np.bool_
        )
        self.labour_force_0 = np.zeros(d.n_regions)  # agents, set at month 0
        self.carry = np.zeros(d.n_regions)
        self.starts_region = np.zeros(d.n_regions, dtype=np.int64)
        self.reskilled_group = np.zeros(len(GROUPS), dtype=np.int64)

    def on_start(self, model: LabourMarketModel) -> None:
        """Fix each region's labour force of month 0, which sets its training places."""
        w = model.workers
        in_lf = w.status <= IN_TRAINING
        self.labour_force_0 = np.bincount(w.region[in_lf], minlength=model.data.n_regions).astype(
            float
        )

    def tables(self, model: LabourMarketModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean offer [region, occupation] (KZT/month), ``E_H`` of a qualified job-seeker
        [region, occupation] and of a job-seeker by [region, major - 1]."""
        p = model.posts
        horizon = model.cfg.reskilling.horizon_months
        finding = self.matching.job_finding_rates().reshape(model.data.n_regions, _N_MAJOR)
        wage, f_cell = cell_tables(
            p.region, p.occupation, p.jobs_desired, p.filled, p.wage_offer, finding, self.occ_major
        )
        return wage, employed_share(f_cell, horizon), employed_share(finding, horizon)

    def step(self, model: LabourMarketModel) -> None:
        """End due courses, admit new trainees within places and budget; record flows."""
        self.starts_region[:] = 0
        self.reskilled_group[:] = 0
        if model.burning_in:
            return
        w, cfg = model.workers, model.cfg
        r = cfg.reskilling
        capacity = r.capacity_per_1000 / 1000.0 * self.labour_force_0 + self.carry
        places = np.floor(capacity).astype(np.int64)
        self.carry = capacity - places
        weight = model.person_weight
        if r.budget_monthly_kzt > 0.0 and r.cost_per_trainee_month > 0.0:
            continuing = np.count_nonzero((w.status == IN_TRAINING) & (w.training_months_left > 1))
            affordable = int(r.budget_monthly_kzt / (r.cost_per_trainee_month * weight))
            budget_places = max(0, affordable - continuing)
        else:
            budget_places = _NO_BUDGET_LIMIT
        wage, cell_share, home_share = self.tables(model)
        starts, completions, successes, employed_starts = reskilling_kernel(
            w.status,
            w.post,
            w.region,
            w.occupation,
            w.skill,
            w.skill_recognised,
            w.digital_literacy,
            w.language,
            w.age,
            w.group,
            w.legal_status,
            w.wage,
            w.productivity,
            w.months_in_status,
            w.reservation_wage,
            w.benefit_months_left,
            w.ti_displaced,
            w.training_target,
            w.training_months_left,
            w.retrained,
            model.posts.filled,
            model.posts.jobs_desired,
            model.posts.attrition_until,
            wage,
            cell_share,
            home_share,
            top_candidates(wage, cell_share, self.target, self.occ_skill, r.candidates),
            self.occ_skill,
            self.occ_major,
            self.occ_digital_need,
            cfg.matching.language_need_scale * model.data.occupation_interactive_share,
            self.occ_distance,
            self.eligible_group,
            places,
            budget_places,
            self.key,
            model.tick,
            model.month,
            r.consider_rate,
            r.displaced_consider_factor,
            r.employed_at_risk,
            r.priority_target_groups,
            LONG_TERM_MONTHS,
            r.horizon_months,
            r.taste_scale_months,
            r.stipend,
            r.base_months,
            r.months_per_step,
            r.upgrade_months,
            r.success_intercept,
            r.success_digital,
            r.success_language,
            r.success_age,
            r.success_skill,
            r.digital_gain,
            cfg.wages.reservation_ratio,
            model.minimum_wage,
            cfg.benefits.replacement_rate,
            cfg.benefits.benefit_min,
            cfg.benefits.benefit_max,
            self.starts_region,
            self.reskilled_group,
        )
        model.flows["training_starts"] = starts
        model.flows["training_completions"] = completions
        model.flows["reskilled"] = successes
        model.flows["training_starts_employed"] = employed_starts
        model.flows["reskilled_by_group"] = self.reskilled_group * weight
        model.flows["training_places"] = float(places.sum())
