"""Monthly accounting: aggregate counts by region, occupation and group, and check them.

All aggregates are weighted by the agents' ``weight``, so they are persons in the real
population whatever the scale. One numba pass over workers fills every breakdown.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.state import EMPLOYED, STATUS_NAMES, UNEMPLOYED, Posts, Workers

N_STATUS = len(STATUS_NAMES)


class AccountingError(RuntimeError):
    """Workers or jobs do not add up: a bug in a mechanism."""


@njit(cache=True)
def aggregate_workers(
    status: np.ndarray,
    region: np.ndarray,
    occupation: np.ndarray,
    group: np.ndarray,
    wage: np.ndarray,
    weight: np.ndarray,
    region_status: np.ndarray,
    region_wage: np.ndarray,
    occupation_status: np.ndarray,
    occupation_wage: np.ndarray,
    group_status: np.ndarray,
    group_wage: np.ndarray,
) -> None:
    """Add persons by status, and wage sums of the employed, into the output arrays."""
    for i in range(status.shape[0]):
        s = status[i]
        w = weight[i]
        region_status[region[i], s] += w
        occupation_status[occupation[i], s] += w
        group_status[group[i], s] += w
        if s == EMPLOYED:
            pay = w * wage[i]
            region_wage[region[i]] += pay
            occupation_wage[occupation[i]] += pay
            group_wage[group[i]] += pay


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
) -> None:
    """Follow workers displaced by automation until they hold a job again.

    At the end of a month a displaced worker still unemployed adds one month at risk
    (``search_months``, person-months by group); one who holds a job again adds to
    ``reemployed`` (persons) and ``months_to_reemployment`` (person-months since the
    displacement) and is no longer followed. ``reemployed / search_months`` is the
    monthly re-employment hazard, robust to spells still running at the end.
    """
    for i in range(status.shape[0]):
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
    holders = np.zeros(filled.shape[0], dtype=np.int64)
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
