"""Job search and matching: applications along the occupational mobility network.

Rule
----
*Searchers.* Every unemployed worker searches; an employed worker searches with
probability ``p_ojs`` (on-the-job search). An unemployed searcher sends ``A_u``
applications, plus ``A_p`` more if they use the public online job platform (an
Enbek-like service: open to workers with digital literacy ``>= d_p`` and a regular
legal status); an on-the-job searcher sends ``A_e``.

*Where an application goes.* For each application the worker picks

- a region: their own, or with probability ``p_other`` another region ``d`` drawn
  from the gravity prior ``pi(r -> d)`` proportional to ``population_d /
  distance_rd ** gamma`` (:func:`gravity_prior`; migration uses it too);
- with probability ``p_any`` (``p_apply_any_occupation``) an open application: a
  vacancy slot drawn uniformly among all open slots of the region, whatever the
  occupation; otherwise (directed search)
- an occupation among those with open vacancies in that region (searchers see the
  job boards): their own occupation ``o`` with weight ``p_own``, each neighbour ``o'``
  on the mobility network with weight ``(1 - p_own) P(o -> o')`` (``P`` the network's
  transition weights, self-loop excluded, normalised over neighbours). Occupations
  without an open vacancy get weight 0; if none is open the application is lost;
- and a vacancy: uniformly among the open vacancy slots of that (region, occupation)
  cell, so a post with ``v`` vacancies is ``v`` times as likely to be picked.

*Screening.* The application is read with probability ``p_read``; the applicant's
skill level as employers see it (foreign qualifications may be unrecognised) must be
``>= s_o - gap`` (``s_o`` the job's ISCO skill level); an irregular migrant can only
be hired into an informal post; the applicant passes the digital and language screen
with probability

    clip(1 - k_d max(0, D_o - d_i) - k_l max(0, L_o - l_i), 0, 1)

(``D_o`` the occupation's digital-skill need, ``L_o = lambda x`` its interactive task
share, ``d_i, l_i`` the worker's digital literacy and language proficiency); the wage
``w_p * z_i`` (offer times the worker's productivity, floored at the minimum wage)
must reach the unemployed worker's reservation wage, or exceed an employed worker's
current wage by the factor ``1 + g_min``.

*Hiring.* Valid applications are processed in the order of a uniform priority key:
a post hires while it has vacancies left and the worker has not been hired this
month. This is random serial dictatorship, a standard near-linear clearing that gives
each applicant the same chance whatever the order of agents in memory. A native hired
in another region becomes an internal migrant there.

The kernel also counts, by (region, ISCO major group), the unemployed searchers and
their hires, from which migration estimates job-finding chances, and the hires that
change region, by origin and destination.

Draws are tied to (worker, month, application number) in the ``matching`` stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from sim.chunks import chunk_bounds, chunk_count, flagged_indices
from sim.config import MigrationConfig
from sim.data import GROUPS
from sim.rng import bucket_pass, insertion_sort, stream_key, uniform
from sim.state import EMPLOYED, IRREGULAR, REGULAR, UNEMPLOYED

NATIVE = GROUPS.index("native")
INTERNAL_MIGRANT = GROUPS.index("internal_migrant")

if TYPE_CHECKING:
    from sim.model import LabourMarketModel

_MIN_DISTANCE_KM = 50.0  # keeps the gravity weight finite for neighbouring centres
_DRAWS_PER_APPLICATION = 6  # draw indices reserved per application (region, occupation, ...)
_JOB_FINDING_SMOOTHING = 0.2  # weight of the current month in the smoothed rates
_APPS_PER_COARSE_BUCKET = 16384  # valid applications per coarse key bucket of hiring
_COARSE_BUCKETS_MAX = 4096


def gravity_prior(
    population: np.ndarray, distance_km: np.ndarray, cfg: MigrationConfig
) -> np.ndarray:
    """Row-stochastic destination prior ``pi[r, d]`` (zero diagonal)."""
    weight = population[None, :] / np.maximum(distance_km, _MIN_DISTANCE_KM) ** cfg.distance_decay
    np.fill_diagonal(weight, 0.0)
    return weight / weight.sum(axis=1, keepdims=True)


@njit(cache=True)
def neighbour_tables(
    indptr: np.ndarray, target: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Neighbours of each occupation with weights normalised to 1, self-loops removed.

    Returns CSR arrays (indptr, neighbour, weight).
    """
    n = indptr.shape[0] - 1
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    for o in range(n):
        k = 0
        for j in range(indptr[o], indptr[o + 1]):
            if target[j] != o and weight[j] > 0:
                k += 1
        out_ptr[o + 1] = out_ptr[o] + k
    nb = np.empty(out_ptr[n], dtype=np.int32)
    nw = np.empty(out_ptr[n], dtype=np.float64)
    for o in range(n):
        k = out_ptr[o]
        total = 0.0
        for j in range(indptr[o], indptr[o + 1]):
            if target[j] != o and weight[j] > 0:
                total += weight[j]
                nb[k] = target[j]
                nw[k] = weight[j]
                k += 1
        for j in range(out_ptr[o], out_ptr[o + 1]):
            nw[j] /= total
    return out_ptr, nb, nw


@njit(cache=True)
def vacancy_slots(
    jobs_desired: np.ndarray,
    filled: np.ndarray,
    region: np.ndarray,
    occupation: np.ndarray,
    n_occupations: int,
    n_cells: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Open vacancy slots grouped by (region, occupation) cell, CSR layout."""
    ptr = np.zeros(n_cells + 1, dtype=np.int64)
    for p in range(filled.shape[0]):
        v = jobs_desired[p] - filled[p]
        if v > 0:
            ptr[region[p] * n_occupations + occupation[p] + 1] += v
    for c in range(n_cells):
        ptr[c + 1] += ptr[c]
    slots = np.empty(ptr[n_cells], dtype=np.int32)
    fill = ptr[:-1].copy()
    for p in range(filled.shape[0]):
        v = jobs_desired[p] - filled[p]
        c = region[p] * n_occupations + occupation[p]
        for _ in range(v):
            slots[fill[c]] = p
            fill[c] += 1
    return ptr, slots


@njit(cache=True)
def directed_choice_totals(
    cell_ptr: np.ndarray,
    nb_ptr: np.ndarray,
    nb_occ: np.ndarray,
    nb_w: np.ndarray,
    p_own: float,
    n_regions: int,
) -> np.ndarray:
    """Weight of the open occupations in each (region, own occupation) cell's directed choice.

    ``p_own`` for the own occupation if it has a vacancy in the region, plus ``(1 -
    p_own) P(o -> o')`` for each neighbour ``o'`` with one; flat ``[region * O + o]``.
    """
    n_occ = nb_ptr.shape[0] - 1
    total = np.empty(n_regions * n_occ)
    for r in range(n_regions):
        row = r * n_occ
        for o in range(n_occ):
            t = p_own if cell_ptr[row + o + 1] > cell_ptr[row + o] else 0.0
            for j in range(nb_ptr[o], nb_ptr[o + 1]):
                c = row + nb_occ[j]
                if cell_ptr[c + 1] > cell_ptr[c]:
                    t += (1.0 - p_own) * nb_w[j]
            total[row + o] = t
    return total


@njit(cache=True)
def matching_kernel(
    w_status: np.ndarray,
    w_post: np.ndarray,
    w_region: np.ndarray,
    w_occupation: np.ndarray,
    w_sector: np.ndarray,
    w_skill: np.ndarray,
    w_digital: np.ndarray,
    w_language: np.ndarray,
    w_legal: np.ndarray,
    w_group: np.ndarray,
    w_wage: np.ndarray,
    w_productivity: np.ndarray,
    w_months: np.ndarray,
    w_reservation: np.ndarray,
    w_insured: np.ndarray,
    p_region: np.ndarray,
    p_occupation: np.ndarray,
    p_sector: np.ndarray,
    p_filled: np.ndarray,
    p_jobs_desired: np.ndarray,
    p_wage_offer: np.ndarray,
    p_informal: np.ndarray,
    occ_skill: np.ndarray,
    occ_major: np.ndarray,
    occ_digital_need: np.ndarray,
    occ_language_need: np.ndarray,
    region_cdf: np.ndarray,
    nb_ptr: np.ndarray,
    nb_occ: np.ndarray,
    nb_w: np.ndarray,
    n_regions: int,
    key: np.uint64,
    month: int,
    apps_unemployed: int,
    apps_employed: int,
    p_ojs: float,
    p_own: float,
    p_any: float,
    p_other_region: float,
    p_read: float,
    skill_gap: int,
    ojs_min_gain: float,
    minimum_wage: float,
    platform_literacy: float,
    apps_platform: int,
    screen_digital: float,
    screen_language: float,
    searchers_cell: np.ndarray,
    hires_cell: np.ndarray,
    moves_od: np.ndarray,
) -> tuple[int, int, int, int]:
    """Run one month of search and hiring in place.

    ``searchers_cell`` and ``hires_cell`` ([region * 9 + major - 1]) receive the
    unemployed searchers and their hires; ``moves_od`` ([origin, destination]) the
    hires that change region. All counts are agents.

    Returns
    -------
    (hires_from_unemployment, job_to_job, occupation_changes, region_changes)
        Counts in agents; occupation and region changes are among all hires.
    """
    n_occ = occ_skill.shape[0]
    n_cells = n_regions * n_occ
    cell_ptr, slots = vacancy_slots(
        p_jobs_desired, p_filled, p_region, p_occupation, n_occ, n_cells
    )
    # What screening reads of a slot's post, next to the slot: reading it from the post
    # columns would jump around arrays as long as the posts. A post's slots are
    # consecutive; posts with a vacancy get a compact index (``vpost``), so hiring keeps
    # its vacancies left in an array that stays in cache.
    n_slots_all = slots.shape[0]
    slot_occupation = np.empty(n_slots_all, dtype=np.int64)
    slot_informal = np.empty(n_slots_all, dtype=np.bool_)
    slot_offer = np.empty(n_slots_all, dtype=p_wage_offer.dtype)
    slot_vpost = np.empty(n_slots_all, dtype=np.int32)
    vpost_post = np.empty(n_slots_all, dtype=np.int32)
    remaining = np.empty(n_slots_all, dtype=np.int32)
    n_vpost = 0
    for q in range(n_slots_all):
        p = slots[q]
        slot_occupation[q] = p_occupation[p]
        slot_informal[q] = p_informal[p]
        slot_offer[q] = p_wage_offer[p]
        if q == 0 or slots[q - 1] != p:
            vpost_post[n_vpost] = p
            remaining[n_vpost] = p_jobs_desired[p] - p_filled[p]
            n_vpost += 1
        slot_vpost[q] = n_vpost - 1

    n = w_status.shape[0]
    # Who searches, decided and listed (in worker order) in parallel.
    searching = np.empty(n, dtype=np.bool_)
    search_flags(w_status, key, month, p_ojs, searching)
    searcher = flagged_indices(searching)
    n_searchers = searcher.shape[0]
    for s in range(n_searchers):
        i = searcher[s]
        if w_status[i] == UNEMPLOYED:
            searchers_cell[w_region[i] * 9 + occ_major[w_occupation[i]] - 1] += 1
    # Searcher s's applications go to row s of apps_max entries, the valid ones first.
    apps_max = max(apps_employed, apps_unemployed + apps_platform)
    choice_total = directed_choice_totals(cell_ptr, nb_ptr, nb_occ, nb_w, p_own, n_regions)
    screened_vpost = np.empty(n_searchers * apps_max, dtype=np.int32)
    screened_key = np.empty(n_searchers * apps_max, dtype=np.float64)
    n_valid = np.empty(n_searchers, dtype=np.int32)
    screen_applications(
        searcher,
        apps_max,
        apps_unemployed,
        apps_employed,
        apps_platform,
        platform_literacy,
        w_status,
        w_post,
        w_region,
        w_occupation,
        w_skill,
        w_digital,
        w_language,
        w_legal,
        w_wage,
        w_productivity,
        w_reservation,
        occ_skill,
        occ_digital_need,
        occ_language_need,
        region_cdf,
        nb_ptr,
        nb_occ,
        nb_w,
        cell_ptr,
        slots,
        slot_vpost,
        slot_occupation,
        slot_informal,
        slot_offer,
        choice_total,
        n_regions,
        key,
        month,
        p_own,
        p_any,
        p_other_region,
        p_read,
        skill_gap,
        ojs_min_gain,
        minimum_wage,
        screen_digital,
        screen_language,
        screened_vpost,
        screened_key,
        n_valid,
    )
    coarse_key, coarse_pair, end = gather_by_bucket(
        n_valid, apps_max, screened_vpost, screened_key, coarse_bucket_count(n_valid.sum())
    )
    hires = hire_by_bucket(coarse_key, coarse_pair, end, remaining, n_searchers)
    from_unemployment = 0
    job_to_job = 0
    occupation_changes = 0
    region_changes = 0
    for pair in hires:
        i = searcher[pair >> 32]
        p = vpost_post[pair & 0xFFFFFFFF]
        p_filled[p] += 1
        if w_status[i] == EMPLOYED:
            p_filled[w_post[i]] -= 1
            job_to_job += 1
        else:
            from_unemployment += 1
            hires_cell[w_region[i] * 9 + occ_major[w_occupation[i]] - 1] += 1
        if p_occupation[p] != w_occupation[i]:
            occupation_changes += 1
        if p_region[p] != w_region[i]:
            region_changes += 1
            moves_od[w_region[i], p_region[p]] += 1
            if w_group[i] == NATIVE:
                w_group[i] = INTERNAL_MIGRANT
        w_status[i] = EMPLOYED
        w_post[i] = p
        w_region[i] = p_region[p]
        w_occupation[i] = p_occupation[p]
        w_sector[i] = p_sector[p]
        w_wage[i] = max(p_wage_offer[p] * w_productivity[i], minimum_wage)
        w_months[i] = 0
        w_reservation[i] = 0.0
        w_insured[i] = not p_informal[p]
    return from_unemployment, job_to_job, occupation_changes, region_changes


@njit(cache=True)
def coarse_bucket_count(n_apps: int) -> int:
    """Key buckets ``n_apps`` valid applications are gathered into (1 to ``_COARSE_BUCKETS_MAX``).

    About one per ``_APPS_PER_COARSE_BUCKET`` applications: few enough that gathering
    writes to few places at once, many enough that each bucket, once its dead
    applications are dropped, sorts in cache.
    """
    return min(_COARSE_BUCKETS_MAX, max(1, n_apps // _APPS_PER_COARSE_BUCKET))


@njit(cache=True)
def key_bucket(key: float, n_coarse: int) -> int:
    """Coarse bucket of a priority key in [0, 1): buckets split [0, 1) evenly."""
    return min(np.int64(key * n_coarse), n_coarse - 1)


@njit(cache=True, parallel=True)
def gather_by_bucket(
    n_valid: np.ndarray,
    apps_max: int,
    screened_vpost: np.ndarray,
    screened_key: np.ndarray,
    n_coarse: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Valid applications gathered by coarse key bucket, in application order within each.

    Searcher ``s``'s valid applications are the first ``n_valid[s]`` entries of its row
    ``s * apps_max ..`` of ``screened_*``. Returns ``(key, pair, end)``: keys and pairs
    ``s << 32 | vpost`` bucket after bucket (:func:`key_bucket` of ``n_coarse``),
    ``end[b]`` the end of bucket ``b``. Fixed chunks of searchers count their
    applications by bucket, then each writes them to its own places, worked out from
    the counts: in parallel, in the serial order.
    """
    n_searchers = n_valid.shape[0]
    n_chunks = chunk_count(n_searchers)
    fill = np.zeros((n_chunks, n_coarse), dtype=np.int64)
    for c in prange(n_chunks):
        s_lo, s_hi = chunk_bounds(n_searchers, n_chunks, c)
        for s in range(s_lo, s_hi):
            first = s * apps_max
            for k in range(first, first + n_valid[s]):
                fill[c, key_bucket(screened_key[k], n_coarse)] += 1
    end = np.empty(n_coarse, dtype=np.int64)
    total = 0
    for b in range(n_coarse):
        for c in range(n_chunks):
            count = fill[c, b]
            fill[c, b] = total
            total += count
        end[b] = total
    coarse_key = np.empty(total)
    coarse_pair = np.empty(total, dtype=np.int64)
    for c in prange(n_chunks):
        s_lo, s_hi = chunk_bounds(n_searchers, n_chunks, c)
        for s in range(s_lo, s_hi):
            first = s * apps_max
            for k in range(first, first + n_valid[s]):
                key = screened_key[k]
                b = key_bucket(key, n_coarse)
                coarse_key[fill[c, b]] = key
                coarse_pair[fill[c, b]] = (np.int64(s) << 32) | screened_vpost[k]
                fill[c, b] += 1
    return coarse_key, coarse_pair, end


@njit(cache=True)
def hire_by_bucket(
    coarse_key: np.ndarray,
    coarse_pair: np.ndarray,
    end: np.ndarray,
    remaining: np.ndarray,
    n_searchers: int,
) -> np.ndarray:
    """Random serial dictatorship over applications gathered in coarse key buckets.

    Bucket ``c`` (``[end[c - 1], end[c])``, keys in ``[c, c + 1) / len(end)``, in
    application order) is taken in turn: it first drops the applications that can no
    longer succeed (their searcher hired or their post full; both only become true as
    hiring goes on), then sorts the rest by key, stably (:func:`sim.rng.bucket_pass`
    into as many fine buckets as applications, then :func:`sim.rng.insertion_sort`),
    and hires in that order. Posts fill early, so little is sorted: linear time,
    mostly in cache. Returns the hires (pairs ``searcher << 32 | vpost``) in hiring
    order; ``remaining`` is used up. The hires are those of taking the applications in
    the order of ``np.argsort(key, kind="stable")``: an application is accepted if its
    searcher is not hired yet and its post (``vpost``) has a vacancy left.
    """
    n_coarse = end.shape[0]
    hired = np.zeros(n_searchers, dtype=np.bool_)
    hires = np.empty(min(coarse_key.shape[0], n_searchers), dtype=np.int64)
    n_hires = 0
    largest = 0
    lo = 0
    for c in range(n_coarse):
        largest = max(largest, end[c] - lo)
        lo = end[c]
    live_key = np.empty(largest)
    live_pair = np.empty(largest, dtype=np.int64)
    sorted_key = np.empty(largest)
    sorted_pair = np.empty(largest, dtype=np.int64)
    fine_end = np.empty(largest + 1, dtype=np.int64)
    lo = 0
    for c in range(n_coarse):
        hi = end[c]
        n_live = 0
        for k in range(lo, hi):
            pair = coarse_pair[k]
            if not hired[pair >> 32] and remaining[pair & 0xFFFFFFFF] > 0:
                live_key[n_live] = coarse_key[k]
                live_pair[n_live] = pair
                n_live += 1
        lo = hi
        if n_live == 0:
            continue
        # Keys of coarse bucket c lie in [c, c + 1) / n_coarse: spread them over n_live.
        bucket_pass(
            live_key, live_pair, 0, n_live, float(n_coarse), float(c), n_live,
            sorted_key, sorted_pair, fine_end,
        )  # fmt: skip
        insertion_sort(sorted_key, sorted_pair, n_live)
        for k in range(n_live):
            pair = sorted_pair[k]
            s = pair >> 32
            q = pair & 0xFFFFFFFF
            if hired[s] or remaining[q] <= 0:
                continue
            hired[s] = True
            remaining[q] -= 1
            hires[n_hires] = pair
            n_hires += 1
    return hires[:n_hires]


@njit(cache=True, parallel=True)
def search_flags(
    w_status: np.ndarray, key: np.uint64, month: int, p_ojs: float, searching: np.ndarray
) -> None:
    """Set ``searching[i]``: worker ``i`` is unemployed, or employed and searches on the job.

    Each worker's decision is their own draw, so threads give the serial result.
    """
    for i in prange(w_status.shape[0]):
        searching[i] = w_status[i] == UNEMPLOYED or (
            w_status[i] == EMPLOYED and uniform(key, month, i, 0) < p_ojs
        )


@njit(cache=True, parallel=True)
def screen_applications(
    searcher: np.ndarray,
    apps_max: int,
    apps_unemployed: int,
    apps_employed: int,
    apps_platform: int,
    platform_literacy: float,
    w_status: np.ndarray,
    w_post: np.ndarray,
    w_region: np.ndarray,
    w_occupation: np.ndarray,
    w_skill: np.ndarray,
    w_digital: np.ndarray,
    w_language: np.ndarray,
    w_legal: np.ndarray,
    w_wage: np.ndarray,
    w_productivity: np.ndarray,
    w_reservation: np.ndarray,
    occ_skill: np.ndarray,
    occ_digital_need: np.ndarray,
    occ_language_need: np.ndarray,
    region_cdf: np.ndarray,
    nb_ptr: np.ndarray,
    nb_occ: np.ndarray,
    nb_w: np.ndarray,
    cell_ptr: np.ndarray,
    slots: np.ndarray,
    slot_vpost: np.ndarray,
    slot_occupation: np.ndarray,
    slot_informal: np.ndarray,
    slot_offer: np.ndarray,
    choice_total: np.ndarray,
    n_regions: int,
    key: np.uint64,
    month: int,
    p_own: float,
    p_any: float,
    p_other_region: float,
    p_read: float,
    skill_gap: int,
    ojs_min_gain: float,
    minimum_wage: float,
    screen_digital: float,
    screen_language: float,
    screened_vpost: np.ndarray,
    screened_key: np.ndarray,
    n_valid: np.ndarray,
) -> None:
    """Send and screen every searcher's applications, in parallel over searchers.

    Searcher ``s`` sends ``apps_employed`` applications if employed, else
    ``apps_unemployed``, plus ``apps_platform`` if they can use the job platform
    (regular status, digital literacy ``>= platform_literacy``). Those that reach a
    post and pass screening there are written, in the order they were sent, at the
    start of the searcher's row ``s * apps_max ..`` of ``screened_*``: the post's vpost
    (the compact index of posts with a vacancy) and the priority key; ``n_valid[s]``
    receives their number. The draws are tied to (worker, application, purpose), so
    the checks can come in any order (the cheapest rejections first) and threads give
    the serial result.
    """
    n_occ = occ_skill.shape[0]
    for s in prange(searcher.shape[0]):
        # Unsigned indices throughout: numba then skips wrapping negative ones around.
        i = np.uint32(searcher[s])
        unemployed = w_status[i] == UNEMPLOYED
        if not unemployed:
            n_i = apps_employed
        elif w_legal[i] == REGULAR and w_digital[i] >= platform_literacy:
            n_i = apps_unemployed + apps_platform
        else:
            n_i = apps_unemployed
        first = s * apps_max
        n_ok = 0
        for a in range(n_i):
            base = 1 + a * _DRAWS_PER_APPLICATION
            u_slot = uniform(key, month, i, base + 4)
            if u_slot >= p_read:
                continue
            r = np.uint32(w_region[i])
            if n_regions > 1 and uniform(key, month, i, base) < p_other_region:
                r = np.uint32(draw_destination(region_cdf, r, uniform(key, month, i, base + 1)))
            o_own = np.uint32(w_occupation[i])
            row = np.uint64(r * n_occ)
            if uniform(key, month, i, base + 3) < p_any:
                # An open application: any vacancy of the region, whatever the occupation.
                lo = cell_ptr[row]
                n_slots = cell_ptr[row + n_occ] - lo
                if n_slots == 0:
                    continue
                q = np.uint64(lo + np.int64(uniform(key, month, i, base + 2) * n_slots))
                o = np.uint32(slot_occupation[q])
                if w_skill[i] < occ_skill[o] - skill_gap:
                    continue
            else:
                # Directed choice among occupations with open vacancies in region r.
                total = choice_total[row + o_own]
                if total <= 0.0:
                    continue
                w_own = p_own if cell_ptr[row + o_own + 1] > cell_ptr[row + o_own] else 0.0
                pick = uniform(key, month, i, base + 2) * total
                o = o_own
                if pick >= w_own:
                    pick -= w_own
                    for j in range(np.uint64(nb_ptr[o_own]), np.uint64(nb_ptr[o_own + 1])):
                        c = row + np.uint32(nb_occ[j])
                        if cell_ptr[c + 1] > cell_ptr[c]:
                            o = np.uint32(nb_occ[j])
                            pick -= (1.0 - p_own) * nb_w[j]
                            if pick < 0.0:
                                break
                if w_skill[i] < occ_skill[o] - skill_gap:
                    continue
                # Reuse the accepted part of the draw to pick the slot uniformly.
                c = row + o
                n_slots = cell_ptr[c + 1] - cell_ptr[c]
                q = np.uint64(cell_ptr[c] + np.int64(u_slot / p_read * n_slots))
            if w_legal[i] == IRREGULAR and not slot_informal[q]:
                continue
            shortfall = screen_digital * max(0.0, occ_digital_need[o] - w_digital[i])
            shortfall += screen_language * max(0.0, occ_language_need[o] - w_language[i])
            if shortfall > 0.0 and uniform(key, month, i, base + 5) < shortfall:
                continue
            offer = max(slot_offer[q] * w_productivity[i], minimum_wage)
            p = slots[q]
            if unemployed:
                if offer < w_reservation[i]:
                    continue
            elif p == w_post[i] or offer < w_wage[i] * (1.0 + ojs_min_gain):
                continue
            out = first + n_ok
            screened_vpost[out] = slot_vpost[q]
            screened_key[out] = uniform(key, month, i, 1 + n_i * _DRAWS_PER_APPLICATION + a)
            n_ok += 1
        n_valid[s] = n_ok


@njit(cache=True)
def draw_destination(region_cdf: np.ndarray, origin: int, u: float) -> int:
    """A region other than ``origin`` drawn from row ``origin`` of the cumulative prior."""
    row = region_cdf[origin]
    lo, hi = 0, row.shape[0] - 1
    target = u * row[hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if row[mid] > target:
            hi = mid
        else:
            lo = mid + 1
    return lo


class Matching:
    """Search by unemployed and employed workers, and hiring by posts."""

    name = "matching"

    def __init__(self, model: LabourMarketModel) -> None:
        self.key = stream_key(model.cfg.seed, self.name)
        d = model.data
        self.nb_ptr, self.nb_occ, self.nb_w = neighbour_tables(
            d.mobility_indptr, d.mobility_target, d.mobility_weight
        )
        self.occ_skill = d.occupation_skill.astype(np.int8)
        self.occ_major = d.occupation_major.astype(np.int8)
        self.occ_digital_need = d.occupation_digital_need.astype(np.float64)
        self.region_cdf = np.cumsum(
            gravity_prior(d.region_population, d.region_distance_km, model.cfg.migration), axis=1
        )
        n_reg = d.n_regions
        self.searchers_cell = np.zeros(n_reg * 9)
        self.hires_cell = np.zeros(n_reg * 9)
        self.moves_od = np.zeros((n_reg, n_reg), dtype=np.int64)
        self.job_finding = np.full(n_reg * 9, np.nan)  # smoothed hires / searchers

    def job_finding_rates(self) -> np.ndarray:
        """Monthly job-finding rate of the unemployed by (region, major group), smoothed.

        Exponentially weighted over months (weight 0.2 on the latest); cells never
        searched in take the mean of the others. Flat array ``[region * 9 + major - 1]``.
        """
        seen = ~np.isnan(self.job_finding)
        fill = float(self.job_finding[seen].mean()) if seen.any() else 0.0
        return np.where(seen, self.job_finding, fill)

    def _update_job_finding(self) -> None:
        rate = np.divide(
            self.hires_cell,
            self.searchers_cell,
            out=np.full_like(self.hires_cell, np.nan),
            where=self.searchers_cell > 0,
        )
        old = self.job_finding
        smoothed = (1 - _JOB_FINDING_SMOOTHING) * old + _JOB_FINDING_SMOOTHING * rate
        self.job_finding = np.where(np.isnan(old), rate, np.where(np.isnan(rate), old, smoothed))

    def step(self, model: LabourMarketModel) -> None:
        """Match searchers to vacancies and record the flows (agents)."""
        w, p, cfg, d = model.workers, model.posts, model.cfg, model.data
        m = cfg.matching
        self.searchers_cell[:] = 0.0
        self.hires_cell[:] = 0.0
        self.moves_od[:] = 0
        hires_u, j2j, occ_changes, reg_changes = matching_kernel(
            w.status,
            w.post,
            w.region,
            w.occupation,
            w.sector,
            w.skill_recognised,
            w.digital_literacy,
            w.language,
            w.legal_status,
            w.group,
            w.wage,
            w.productivity,
            w.months_in_status,
            w.reservation_wage,
            w.insured,
            p.region,
            p.occupation,
            p.sector,
            p.filled,
            p.jobs_desired,
            p.wage_offer,
            p.informal,
            self.occ_skill,
            self.occ_major,
            self.occ_digital_need,
            m.language_need_scale * d.occupation_interactive_share,
            self.region_cdf,
            self.nb_ptr,
            self.nb_occ,
            self.nb_w,
            model.data.n_regions,
            self.key,
            model.tick,
            m.applications_per_month,
            m.applications_on_the_job,
            m.p_on_the_job_search,
            m.p_apply_own_occupation,
            m.p_apply_any_occupation,
            m.p_apply_other_region,
            m.p_application_considered,
            m.skill_gap_allowed,
            m.on_the_job_min_gain,
            model.minimum_wage,
            m.platform_literacy,
            m.platform_applications,
            m.screen_digital,
            m.screen_language,
            self.searchers_cell,
            self.hires_cell,
            self.moves_od,
        )
        self._update_job_finding()
        model.flows["hires_from_unemployment"] = hires_u
        model.flows["job_to_job"] = j2j
        model.flows["occupation_changes"] = occ_changes
        model.flows["internal_moves"] = reg_changes
