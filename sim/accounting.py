"""Monthly accounting: aggregate counts by region, occupation and group, and check them.

All aggregates are weighted by the agents' ``weight``, so they are persons in the real
population whatever the scale. One numba pass over workers fills every breakdown of
workers (with the wage histogram and the outcome stocks), one over posts and firms those
of automation and technology adoption.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.state import (
    EMPLOYED,
    IN_TRAINING,
    IRREGULAR,
    STATUS_NAMES,
    UNEMPLOYED,
    Posts,
    Workers,
)

N_STATUS = len(STATUS_NAMES)


class AccountingError(RuntimeError):
    """Workers or jobs do not add up: a bug in a mechanism."""


GINI_BINS = 4000  # log-wage bins of the wage histogram (0.35% of wage wide)
_GINI_LOG_MIN = np.log(1e3)  # KZT per month; wages below and above the range are clipped
_GINI_LOG_MAX = np.log(1e9)


@njit(cache=True, parallel=True)
def log_wage_bins(wage: np.ndarray, wage_bin: np.ndarray) -> None:
    """Set ``wage_bin[i]`` to the log-wage bin of ``wage[i]`` (-1 for no wage).

    Apart from the sums and in parallel: each worker's bin is its own, and the whole
    aggregation runs about 40% faster (one thread) than with the binning among the sums.
    """
    width = (_GINI_LOG_MAX - _GINI_LOG_MIN) / GINI_BINS
    for i in prange(wage.shape[0]):
        if wage[i] > 0.0:
            b = int((np.log(wage[i]) - _GINI_LOG_MIN) / width)
            wage_bin[i] = min(max(b, 0), GINI_BINS - 1)
        else:
            wage_bin[i] = -1


@njit(cache=True)
def aggregate_workers(
    status: np.ndarray,
    region: np.ndarray,
    occupation: np.ndarray,
    group: np.ndarray,
    wage: np.ndarray,
    weight: np.ndarray,
    post: np.ndarray,
    post_informal: np.ndarray,
    legal_status: np.ndarray,
    months_in_status: np.ndarray,
    ti_displaced: np.ndarray,
    month: int,
    long_term_months: int,
    region_status: np.ndarray,
    region_wage: np.ndarray,
    occupation_status: np.ndarray,
    occupation_wage: np.ndarray,
    group_status: np.ndarray,
    group_wage: np.ndarray,
    wage_count: np.ndarray,
    wage_pay: np.ndarray,
    long_term_unemployed: np.ndarray,
    displaced_long_term_unemployed: np.ndarray,
    displaced_jobless: np.ndarray,
) -> tuple[float, int]:
    """Add persons by status, wage sums and outcome stocks into the output arrays.

    One pass over workers fills every breakdown of the month:

    - ``*_status`` [cell, status] persons and ``*_wage`` [cell] wages of the employed by
      region, occupation and group;
    - ``wage_count`` and ``wage_pay`` (length ``GINI_BINS``) the persons employed and
      their wages by log-wage bin, for :func:`gini_from_histogram`;
    - by group, persons: ``long_term_unemployed``, unemployed ``long_term_months`` or
      more (ILO: a spell of search; a course interrupts it);
      ``displaced_long_term_unemployed``, those of them displaced by automation;
      ``displaced_jobless``, displaced by automation that long ago and without a job
      since (unemployed or in training; time in a course counts), a stricter measure
      that shows the lock-in of training.

    Returns
    -------
    (formal_wage_bill, irregular_migrants)
        The wage bill of formal jobs (KZT per month, persons), the payroll tax base,
        and the irregular migrants in the labour force (agents).
    """
    formal_pay = 0.0
    irregular = 0
    n = status.shape[0]
    wage_bin = np.empty(n, dtype=np.int16)
    log_wage_bins(wage, wage_bin)
    for i in range(n):
        s = status[i]
        w = weight[i]
        r = region[i]
        o = occupation[i]
        g = group[i]
        region_status[r, s] += w
        occupation_status[o, s] += w
        group_status[g, s] += w
        if s == EMPLOYED:
            pay = w * wage[i]
            region_wage[r] += pay
            occupation_wage[o] += pay
            group_wage[g] += pay
            if not post_informal[post[i]]:
                formal_pay += pay
            b = wage_bin[i]
            if b >= 0:
                wage_count[b] += w
                wage_pay[b] += pay
        elif s <= IN_TRAINING:
            t = ti_displaced[i]
            if s == UNEMPLOYED and months_in_status[i] >= long_term_months:
                long_term_unemployed[g] += w
                if t >= 0:
                    displaced_long_term_unemployed[g] += w
            if t >= 0 and month - t >= long_term_months:
                displaced_jobless[g] += w
        if s <= IN_TRAINING and legal_status[i] == IRREGULAR:
            irregular += 1
    return formal_pay, irregular


@njit(cache=True)
def aggregate_posts(
    p_region: np.ndarray,
    p_occupation: np.ndarray,
    jobs_base_initial: np.ndarray,
    automated_share: np.ndarray,
    adopted: np.ndarray,
    f_region: np.ndarray,
    f_aware: np.ndarray,
    f_adopted: np.ndarray,
    region_automation: np.ndarray,
    occupation_automation: np.ndarray,
    tech_adopted: np.ndarray,
    tech_firms_adopting: np.ndarray,
    tech_firms_aware: np.ndarray,
) -> None:
    """Add automation and technology adoption by region and occupation into the outputs.

    ``region_automation`` and ``occupation_automation`` receive the month-0
    job-equivalents automated away (``jobs_base_initial * automated_share``);
    ``tech_adopted`` [technology, region] the month-0 jobs of posts that adopted each
    technology; ``tech_firms_adopting`` and ``tech_firms_aware`` [technology, region]
    the firms with a post that adopted it (``f_adopted``) and the firms aware of it.
    """
    n_tech = adopted.shape[1]
    for p in range(p_region.shape[0]):
        r = p_region[p]
        automated = jobs_base_initial[p] * automated_share[p]
        region_automation[r] += automated
        occupation_automation[p_occupation[p]] += automated
        for k in range(n_tech):
            if adopted[p, k] >= 0:
                tech_adopted[k, r] += jobs_base_initial[p]
    for f in range(f_region.shape[0]):
        for k in range(n_tech):
            if f_adopted[f, k]:
                tech_firms_adopting[k, f_region[f]] += 1.0
            if f_aware[f, k]:
                tech_firms_aware[k, f_region[f]] += 1.0


@njit(cache=True)
def gini_from_histogram(count: np.ndarray, total: np.ndarray) -> float:
    """Gini coefficient of wages from persons ``count`` and wages ``total`` by log-wage bin.

    Each bin's members are taken to earn its mean; bins of 0.35% in wage keep the error
    below 0.001.
    """
    n = count.sum()
    pay = total.sum()
    if n <= 0.0 or pay <= 0.0:
        return 0.0
    # Area under the Lorenz curve (twice it: trapezoids), bin by bin.
    below_pay = 0.0
    area = 0.0
    for b in range(count.shape[0]):
        if count[b] == 0.0:
            continue
        area += count[b] / n * (2.0 * below_pay + total[b]) / pay
        below_pay += total[b]
    return 1.0 - area


@njit(cache=True)
def track_reemployment(
    status: np.ndarray,
    group: np.ndarray,
    ti_displaced: np.ndarray,
    weight: np.ndarray,
    month: int,
    search_months: np.ndarray,
    reemployed: np.ndarray,
    months_to_reemployment: np.ndarray,
    retrained: np.ndarray,
    reemployed_after_training: np.ndarray,
) -> None:
    """Follow displaced and retrained workers until they hold a job again.

    At the end of a month a displaced worker still unemployed adds one month at risk
    (``search_months``, person-months by group); one who holds a job again adds to
    ``reemployed`` (persons) and ``months_to_reemployment`` (person-months since the
    displacement) and is no longer followed. ``reemployed / search_months`` is the
    monthly re-employment hazard, robust to spells still running at the end. A worker
    whose course ended with a qualification adds to ``reemployed_after_training``
    (persons) when they next hold a job.
    """
    for i in range(status.shape[0]):
        if retrained[i] and status[i] == EMPLOYED:
            reemployed_after_training[group[i]] += weight[i]
            retrained[i] = False
        t = ti_displaced[i]
        if t < 0:
            continue
        g = group[i]
        if status[i] == UNEMPLOYED:
            search_months[g] += weight[i]
        elif status[i] == EMPLOYED:
            reemployed[g] += weight[i]
            months_to_reemployment[g] += weight[i] * (month - t)
            ti_displaced[i] = -1


@njit(cache=True)
def check_kernel(
    status: np.ndarray, post: np.ndarray, filled: np.ndarray, n_status: int
) -> tuple[int, int]:
    """Return (error code, offending index); code 0 means the accounts are consistent.

    Codes: 1 invalid status, 2 employed without a post or non-employed with one,
    3 a post's filled jobs differ from the workers holding it, 4 negative filled jobs.
    """
    holders = np.zeros(filled.shape[0], dtype=np.int32)
    for i in range(status.shape[0]):
        s = status[i]
        if s < 0 or s >= n_status:
            return 1, i
        if (s == EMPLOYED) != (post[i] >= 0):
            return 2, i
        if s == EMPLOYED:
            holders[post[i]] += 1
    for p in range(filled.shape[0]):
        if filled[p] < 0:
            return 4, p
        if holders[p] != filled[p]:
            return 3, p
    return 0, -1


_MESSAGES = {
    1: "worker {} has an invalid status",
    2: "worker {} is employed without a post, or holds a post while not employed",
    3: "post {} counts a different number of filled jobs than workers holding it",
    4: "post {} has negative filled jobs",
}


def check_accounts(workers: Workers, posts: Posts, n_agents_expected: int) -> None:
    """Check that every worker is in exactly one status and jobs add up.

    Raises
    ------
    AccountingError
        Naming the first worker or post that breaks the accounts.
    """
    if workers.n != n_agents_expected:
        raise AccountingError(f"{n_agents_expected} agents expected, {workers.n} present")
    code, index = check_kernel(workers.status, workers.post, posts.filled, N_STATUS)
    if code:
        raise AccountingError(_MESSAGES[code].format(index))
