"""Monthly accounting: aggregate counts by region, occupation and group, and check them.

All aggregates are weighted by the agents' ``weight``, so they are persons in the real
population whatever the scale. One numba pass over workers fills every breakdown of
workers (with the wage histogram and the outcome stocks), one over posts and firms those
of automation and technology adoption.
"""

from __future__ import annotations

import functools

import numpy as np
from numba import njit

from sim.chunks import (
    TABLE_CHUNK_MIN,
    chunk_bounds,
    chunk_count,
    flag_is_set,
    flag_words,
    run_in_chunks,
    sum_in_chunks,
)
from sim.rng import mix64
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


@njit(cache=True)
def wage_bin(wage: np.float32) -> int:
    """Log-wage bin of a positive finite wage (KZT per month, float32), clipped to the range.

    The definition of the bins; :func:`wage_bins` finds the same bins without logarithms.
    """
    width = (_GINI_LOG_MAX - _GINI_LOG_MIN) / GINI_BINS
    b = int((np.log(wage) - _GINI_LOG_MIN) / width)
    return min(max(b, 0), GINI_BINS - 1)


#: Bits of a float32 below which wages share one entry of :func:`wage_bin_tables`' table.
_BIN_KEY_SHIFT = 14  # 2^-9 of a wage: narrower than a bin, so at most one edge per entry


@njit(cache=True)
def wage_bin_tables() -> tuple[np.ndarray, np.ndarray, int]:
    """Tables that give :func:`wage_bin` of a float32 wage from its bits.

    Positive floats order as their bit patterns, and the bin never decreases as the wage
    grows, so ``lowest[b]`` (the bits of the lowest float32 in bin ``b`` or above, found
    by bisection) decides every wage. ``start[k - key_lo]`` is the bin of the lowest
    wage whose bits, shifted right by ``_BIN_KEY_SHIFT``, are ``k``: a wage's bin is
    that entry's, or the next when its bits reach the next edge. Returns ``(lowest,
    start, key_lo)``.
    """
    as_float = np.empty(1, dtype=np.uint32)
    value = as_float.view(np.float32)
    lowest = np.zeros(GINI_BINS, dtype=np.uint32)
    for b in range(1, GINI_BINS):
        lo, hi = np.uint32(1), np.uint32(0x7F7FFFFF)  # smallest and largest positive
        while lo < hi:
            mid = lo + (hi - lo) // np.uint32(2)
            as_float[0] = mid
            if wage_bin(value[0]) >= b:
                hi = mid
            else:
                lo = mid + np.uint32(1)
        lowest[b] = lo
    key_lo = np.int64(lowest[1] >> _BIN_KEY_SHIFT)
    key_hi = np.int64(lowest[GINI_BINS - 1] >> _BIN_KEY_SHIFT)
    start = np.empty(key_hi - key_lo + 1, dtype=np.int16)
    b = 0
    for k in range(key_lo, key_hi + 1):
        first = np.uint32(k << _BIN_KEY_SHIFT)
        while b < GINI_BINS - 1 and first >= lowest[b + 1]:
            b += 1
        start[k - key_lo] = b
    return lowest, start, key_lo


@njit(cache=True)
def wage_bins(
    status: np.ndarray,
    wage_bits: np.ndarray,
    lo: int,
    hi: int,
    lowest: np.ndarray,
    start: np.ndarray,
    key_lo: int,
    out: np.ndarray,
) -> None:
    """Set ``out[i - lo]`` to the :func:`wage_bin` of worker ``i`` in ``[lo, hi)`` if
    employed with a positive wage, else -1; ``wage_bits`` are the float32 wages' bits
    and the rest :func:`wage_bin_tables`. A table look-up and a comparison, where the
    logarithm took several times longer."""
    last = GINI_BINS - 1
    n_keys = start.shape[0]
    for i in range(lo, hi):
        u = wage_bits[i]
        # Positive float32: above 0, below the sign bit (NaN included, as ``wage > 0``).
        if status[i] != EMPLOYED or u == 0 or u > np.uint32(0x7F800000):
            out[i - lo] = -1
            continue
        k = np.int64(u >> _BIN_KEY_SHIFT) - key_lo
        if k < 0:
            b = 0
        elif k >= n_keys:
            b = last
        else:
            b = start[np.uint64(k)]
            if b < last and u >= lowest[np.uint64(b + 1)]:
                b += 1
        out[i - lo] = b


@njit(cache=True, nogil=True)
def _aggregate_workers_chunks(
    c_lo: int,
    c_hi: int,
    n_chunks: int,
    status: np.ndarray,
    region: np.ndarray,
    occupation: np.ndarray,
    group: np.ndarray,
    wage: np.ndarray,
    weight: np.ndarray,
    post: np.ndarray,
    informal_bits: np.ndarray,
    legal_status: np.ndarray,
    months_in_status: np.ndarray,
    ti_displaced: np.ndarray,
    month: int,
    long_term_months: int,
    wage_bits: np.ndarray,
    bin_lowest: np.ndarray,
    bin_start: np.ndarray,
    bin_key_lo: int,
    c_region_status: np.ndarray,
    c_region_wage: np.ndarray,
    c_occupation_status: np.ndarray,
    c_occupation_wage: np.ndarray,
    c_group_status: np.ndarray,
    c_group_wage: np.ndarray,
    c_wage_count: np.ndarray,
    c_wage_pay: np.ndarray,
    c_long_term: np.ndarray,
    c_displaced_long_term: np.ndarray,
    c_displaced_jobless: np.ndarray,
    c_formal_pay: np.ndarray,
    c_irregular: np.ndarray,
) -> None:
    n = status.shape[0]
    for c in range(c_lo, c_hi):
        lo, hi = chunk_bounds(n, n_chunks, c)
        chunk_formal = 0.0
        chunk_irregular = 0
        # The chunk's wage bins first, in a loop of their own.
        wage_bin = np.empty(hi - lo, dtype=np.int16)
        wage_bins(status, wage_bits, lo, hi, bin_lowest, bin_start, bin_key_lo, wage_bin)
        # The chunk's own tables, indexed by unsigned cells: numba then skips wrapping
        # negative indices around, which makes the pass about a fifth faster.
        region_status = c_region_status[c]
        occupation_status = c_occupation_status[c]
        group_status = c_group_status[c]
        region_wage = c_region_wage[c]
        occupation_wage = c_occupation_wage[c]
        group_wage = c_group_wage[c]
        wage_count = c_wage_count[c]
        wage_pay = c_wage_pay[c]
        for i in range(lo, hi):
            s = np.uint32(status[i])
            w = weight[i]
            r = np.uint32(region[i])
            o = np.uint32(occupation[i])
            g = np.uint32(group[i])
            region_status[r, s] += w
            occupation_status[o, s] += w
            group_status[g, s] += w
            if s == EMPLOYED:
                pay = w * wage[i]
                region_wage[r] += pay
                occupation_wage[o] += pay
                group_wage[g] += pay
                if not flag_is_set(informal_bits, post[i]):
                    chunk_formal += pay
                if wage_bin[i - lo] >= 0:
                    b = np.uint32(wage_bin[i - lo])
                    wage_count[b] += w
                    wage_pay[b] += pay
            elif s <= IN_TRAINING:
                t = ti_displaced[i]
                if s == UNEMPLOYED and months_in_status[i] >= long_term_months:
                    c_long_term[c, g] += w
                    if t >= 0:
                        c_displaced_long_term[c, g] += w
                if t >= 0 and month - t >= long_term_months:
                    c_displaced_jobless[c, g] += w
            if s <= IN_TRAINING and legal_status[i] == IRREGULAR:
                chunk_irregular += 1
        c_formal_pay[c] = chunk_formal
        c_irregular[c] = chunk_irregular


@functools.cache
def _wage_bin_tables() -> tuple[np.ndarray, np.ndarray, int]:
    return wage_bin_tables()


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

    The pass runs in parallel over fixed chunks of workers
    (:func:`sim.chunks.run_in_chunks`), each with its own tables, added up in chunk
    order: the same numbers on any number of threads. Persons are exact (equal weights
    add without rounding); wage sums differ from a single running sum only in the last
    bits.

    Returns
    -------
    (formal_wage_bill, irregular_migrants)
        The wage bill of formal jobs (KZT per month, persons), the payroll tax base,
        and the irregular migrants in the labour force (agents).
    """
    totals = (
        region_status,
        region_wage,
        occupation_status,
        occupation_wage,
        group_status,
        group_wage,
        wage_count,
        wage_pay,
        long_term_unemployed,
        displaced_long_term_unemployed,
        displaced_jobless,
    )
    *sums, formal_pay, irregular = sum_in_chunks(
        _aggregate_workers_chunks,
        status.shape[0],
        [(t.shape, np.float64) for t in totals] + [((), np.float64), ((), np.int64)],
        status,
        region,
        occupation,
        group,
        wage,
        weight,
        post,
        flag_words(post_informal),
        legal_status,
        months_in_status,
        ti_displaced,
        month,
        long_term_months,
        wage.view(np.uint32),
        *_wage_bin_tables(),
    )
    for total, part in zip(totals, sums, strict=True):
        total += part
    return float(formal_pay), int(irregular)


@njit(cache=True, nogil=True)
def _automation_chunks(
    c_lo: int,
    c_hi: int,
    n_chunks: int,
    p_region: np.ndarray,
    p_occupation: np.ndarray,
    jobs_base_initial: np.ndarray,
    automated_share: np.ndarray,
    adopted: np.ndarray,
    c_region: np.ndarray,
    c_occupation: np.ndarray,
    c_adopted: np.ndarray,
) -> None:
    n_posts = p_region.shape[0]
    n_tech = adopted.shape[1]
    for c in range(c_lo, c_hi):
        lo, hi = chunk_bounds(n_posts, n_chunks, c)
        region, occupation, tech = c_region[c], c_occupation[c], c_adopted[c]
        for p in range(lo, hi):
            r = np.uint32(p_region[p])  # unsigned: no wraparound of negative indices
            automated = jobs_base_initial[p] * automated_share[p]
            region[r] += automated
            occupation[np.uint32(p_occupation[p])] += automated
            for k in range(n_tech):
                if adopted[p, k] >= 0:
                    tech[k, r] += jobs_base_initial[p]


@njit(cache=True, nogil=True)
def _adoption_chunks(
    c_lo: int,
    c_hi: int,
    n_chunks: int,
    f_region: np.ndarray,
    f_aware: np.ndarray,
    f_adopted: np.ndarray,
    c_adopting: np.ndarray,
    c_aware: np.ndarray,
) -> None:
    n_firms = f_region.shape[0]
    n_tech = f_aware.shape[1]
    for c in range(c_lo, c_hi):
        lo, hi = chunk_bounds(n_firms, n_chunks, c)
        for f in range(lo, hi):
            for k in range(n_tech):
                if f_adopted[f, k]:
                    c_adopting[c, k, f_region[f]] += 1.0
                if f_aware[f, k]:
                    c_aware[c, k, f_region[f]] += 1.0


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

    Posts and firms are added up in parallel over fixed chunks
    (:func:`sim.chunks.run_in_chunks`), the chunks' sums in chunk order.
    """
    automated_region, automated_occupation, adopted_jobs = sum_in_chunks(
        _automation_chunks,
        p_region.shape[0],
        [(t.shape, np.float64) for t in (region_automation, occupation_automation, tech_adopted)],
        p_region,
        p_occupation,
        jobs_base_initial,
        automated_share,
        adopted,
    )
    region_automation += automated_region
    occupation_automation += automated_occupation
    tech_adopted += adopted_jobs
    adopting, aware = sum_in_chunks(
        _adoption_chunks,
        f_region.shape[0],
        [(t.shape, np.float64) for t in (tech_firms_adopting, tech_firms_aware)],
        f_region,
        f_aware,
        f_adopted,
    )
    tech_firms_adopting += adopting
    tech_firms_aware += aware


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


@njit(cache=True)
def _post_hash(p: int) -> np.uint64:
    """A 64-bit hash of post ``p``, so that sums of hashes compare multisets of posts."""
    return mix64(np.uint64(p) + np.uint64(0x9E3779B97F4A7C15))


@njit(cache=True, nogil=True)
def _held_chunks(
    c_lo: int,
    c_hi: int,
    n_chunks: int,
    status: np.ndarray,
    post: np.ndarray,
    n_status: int,
    bad_code: np.ndarray,
    bad_index: np.ndarray,
    held: np.ndarray,
) -> None:
    n = status.shape[0]
    for c in range(c_lo, c_hi):
        lo, hi = chunk_bounds(n, n_chunks, c)
        total = np.uint64(0)
        for i in range(lo, hi):
            s = status[i]
            if s < 0 or s >= n_status:
                bad_code[c] = 1
                bad_index[c] = i
                break
            if (s == EMPLOYED) != (post[i] >= 0):
                bad_code[c] = 2
                bad_index[c] = i
                break
            if s == EMPLOYED:
                total += _post_hash(post[i])
        held[c] = total


@njit(cache=True, nogil=True)
def _owed_chunks(
    c_lo: int, c_hi: int, n_chunks: int, filled: np.ndarray, negative: np.ndarray, owed: np.ndarray
) -> None:
    n_posts = filled.shape[0]
    for c in range(c_lo, c_hi):
        lo, hi = chunk_bounds(n_posts, n_chunks, c)
        total = np.uint64(0)
        for p in range(lo, hi):
            if filled[p] < 0:
                negative[c] = p
                break
            total += np.uint64(filled[p]) * _post_hash(p)
        owed[c] = total


def check_checksums(
    status: np.ndarray, post: np.ndarray, filled: np.ndarray, n_status: int
) -> tuple[int, int, bool]:
    """The checks of :func:`check_kernel` in parallel, with jobs compared by checksum.

    Statuses and posts are checked worker by worker, and filled jobs post by post, over
    fixed chunks (:func:`sim.chunks.run_in_chunks`); the first offence in index order is returned as
    ``check_kernel`` would. Instead of counting each post's holders, which needs a
    table as long as the posts per thread, the sum of a 64-bit hash of the held post
    over employed workers is compared with the sum of ``filled[p]`` times the hash of
    ``p`` over posts (both modulo 2**64). The two are equal when every post's filled
    jobs equal its holders; a difference in any post changes the first sum by a
    pseudo-random 64-bit amount, so it goes unnoticed with probability about 2**-64.

    Returns
    -------
    (code, index, jobs_agree)
        Code and index as in :func:`check_kernel` for codes 1, 2 and 4 (code 0: none),
        and whether the checksums of held and filled jobs agree.
    """
    n_chunks = chunk_count(status.shape[0], TABLE_CHUNK_MIN)
    bad_code = np.zeros(n_chunks, dtype=np.int64)
    bad_index = np.full(n_chunks, -1, dtype=np.int64)
    held = np.zeros(n_chunks, dtype=np.uint64)
    run_in_chunks(_held_chunks, n_chunks, status, post, n_status, bad_code, bad_index, held)
    for c in range(n_chunks):
        if bad_code[c]:
            return int(bad_code[c]), int(bad_index[c]), True
    p_chunks = chunk_count(filled.shape[0], TABLE_CHUNK_MIN)
    negative = np.full(p_chunks, -1, dtype=np.int64)
    owed = np.zeros(p_chunks, dtype=np.uint64)
    run_in_chunks(_owed_chunks, p_chunks, filled, negative, owed)
    for c in range(p_chunks):
        if negative[c] >= 0:
            return 4, int(negative[c]), True
    # Unsigned sums wrap around: modulo 2**64, as in the kernels.
    return 0, -1, bool(held.sum(dtype=np.uint64) == owed.sum(dtype=np.uint64))


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
    code, index, jobs_agree = check_checksums(workers.status, workers.post, posts.filled, N_STATUS)
    if code == 0 and not jobs_agree:
        # Find the first post whose filled jobs differ from its holders.
        code, index = check_kernel(workers.status, workers.post, posts.filled, N_STATUS)
    if code:
        raise AccountingError(_MESSAGES[code].format(index))
