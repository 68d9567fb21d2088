"""Automation and AI adoption by firms, displacement, redeployment and augmentation.

Technologies
------------
Three technologies ``k``: industrial robots and machinery, software and process
automation, generative AI. Technology ``k`` can perform a share ``s_{ok}`` of the tasks
of occupation ``o`` (data: ILO 2025 task scores for generative AI, routine task
content x Frey-Osborne feasibility for the others; ``sim/data/SOURCES.md``). Its cost
per job-equivalent of tasks (KZT per month, amortised capital and running cost) falls
along a learning curve

.. math::

    c_k(t) = c_{k,0} (1 - \\ell_k)^{t/12} (1 + \\tau_k),

with ``tau_k`` an automation tax (or subsidy if negative).

Adoption rule
-------------
Each month, a post ``p`` (firm ``f``, occupation ``o``, sector ``j``) that has not yet
adopted ``k`` adopts it when all hold:

- the technology is allowed (``t >= available_from_month``, the occupation's major
  group neither banned nor, before ``delayed_until_month``, among the regulated
  ``delayed_majors``);
- there are tasks worth automating, ``s_{ok} >= s_min``;
- the firm is aware of ``k``;
- it pays: ``m_f c_k(t) (1 + A_k / H) < w_p (1 + tau_w)``, i.e. the monthly cost of a
  job-equivalent, with the up-front adjustment cost of ``A_k`` months amortised over
  the payback horizon ``H``, is below the wage bill of a job-equivalent (offer ``w_p``
  plus payroll tax ``tau_w``). ``m_f`` is the firm's cost multiplier (log-normal,
  mean 1). The share ``s_{ok}`` cancels: it scales costs and savings alike;
- a credit-constrained firm (the smallest firms) also needs credit, granted with
  probability ``p_credit`` a month.

*Awareness* spreads as in the Bass model: an unaware firm learns of ``k`` with monthly
probability ``p + q a_{rjk}``, ``a_{rjk}`` the share of firms of its region and sector
that have adopted ``k``.

Displacement and augmentation
-----------------------------
On adoption, the firm automates a share ``lambda`` (``implementation_share``) of the
feasible tasks, and a share ``d = lambda s_{ok} \\sigma_{kjo}`` of the post's jobs is
automated away: its desired jobs fall by the factor ``1 - d``. ``\\sigma`` is 1 for
robots and software; for generative AI it depends on the occupation's ILO tendency (automation /
unclassified / augmentation) and leans up in finance, transport-ICT and manufacturing
and down in education, health and arts. The rest of the implemented tasks, ``lambda s_{ok} - d``,
is augmented: the post's offer and its workers' wages rise by the factor
``1 + gamma (lambda s_{ok} - d)``.

Cuts wait ``attrition_months`` for quits (no layoffs from the post meanwhile, and no
hiring since desired jobs fell). When the wait ends, each worker of the post is
displaced with probability ``excess / filled``; a displaced worker is redeployed to the
firm's largest other post with probability ``redeploy_share`` (changing occupation),
else laid off into unemployment.

Adoption and awareness draw from the ``automation`` stream (tied to post or firm and
month), displacement from the ``displacement`` stream (tied to worker and month).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.chunks import flag_is_set, flag_words
from sim.config import TECHNOLOGIES, LabsimConfig
from sim.data import GROUPS, Dataset
from sim.rng import stream_key, uniform
from sim.state import EMPLOYED, UNEMPLOYED

if TYPE_CHECKING:
    from sim.model import LabourMarketModel

N_TECH = len(TECHNOLOGIES)
AUTOMATION_LEANING_SECTORS = ("K", "H+J", "C")  # finance, transport and ICT, manufacturing
AUGMENTATION_LEANING_SECTORS = ("P", "Q", "R+S+T+U")  # education, health, arts and other


def substitution(data: Dataset, cfg: LabsimConfig) -> np.ndarray:
    """Share of each technology's tasks that replaces labour, [technology, occupation, sector].

    Robots and software replace the tasks they perform. For generative AI the share is
    ``substitution_<tendency>`` of the occupation (ILO 2023 class), plus ``sector_lean``
    in sectors leaning to automation and minus it in sectors leaning to augmentation,
    clipped to [0, 1].
    """
    a = cfg.automation
    out = np.ones((N_TECH, data.n_occupations, data.n_sectors))
    base = {
        "automation": a.substitution_automation,
        "neither": a.substitution_neither,
        "augmentation": a.substitution_augmentation,
    }
    genai = np.array([base[t] for t in data.occupation_tendency])[:, None].repeat(
        data.n_sectors, axis=1
    )
    for j, code in enumerate(data.sectors):
        if code in AUTOMATION_LEANING_SECTORS:
            genai[:, j] += a.sector_lean
        elif code in AUGMENTATION_LEANING_SECTORS:
            genai[:, j] -= a.sector_lean
    out[TECHNOLOGIES.index("genai")] = np.clip(genai, 0.0, 1.0)
    return out


def task_shares(data: Dataset) -> np.ndarray:
    """Share of tasks each technology can perform, [technology, occupation]."""
    return np.stack([data.occupation_task_share[k] for k in TECHNOLOGIES])


def technology_costs(cfg: LabsimConfig, month: int) -> np.ndarray:
    """Cost per job-equivalent of tasks, KZT per month, incl. tax, before firm factors."""
    out = np.empty(N_TECH)
    for i, name in enumerate(TECHNOLOGIES):
        t = getattr(cfg.automation, name)
        out[i] = t.cost_initial * (1.0 - t.learning_rate) ** (month / 12.0) * (1.0 + t.tax)
    return out


def hurdle_costs(cfg: LabsimConfig, month: int) -> np.ndarray:
    """Monthly cost a job-equivalent's wage bill must exceed, incl. amortised set-up."""
    adjust = np.array(
        [getattr(cfg.automation, k).adjustment_months for k in TECHNOLOGIES], dtype=float
    )
    return technology_costs(cfg, month) * (1.0 + adjust / cfg.automation.payback_months)


@njit(cache=True)
def adoption_kernel(
    p_firm: np.ndarray,
    p_occupation: np.ndarray,
    p_sector: np.ndarray,
    p_wage_offer: np.ndarray,
    p_jobs_base: np.ndarray,
    p_automated_share: np.ndarray,
    p_adopted: np.ndarray,
    p_attrition_until: np.ndarray,
    f_cost_multiplier: np.ndarray,
    f_constrained: np.ndarray,
    f_aware: np.ndarray,
    f_adopted: np.ndarray,
    occ_major: np.ndarray,
    task_share: np.ndarray,
    subst: np.ndarray,
    allowed: np.ndarray,
    hurdle: np.ndarray,
    running_cost: np.ndarray,
    payroll_tax: float,
    min_task_share: float,
    implementation: float,
    p_credit: float,
    augmentation_gain: float,
    attrition_months: int,
    key: np.uint64,
    tick: int,
    ev_post: np.ndarray,
    ev_tech: np.ndarray,
    ev_jobs: np.ndarray,
    ev_savings: np.ndarray,
    post_wage_factor: np.ndarray,
) -> int:
    """Adopt where it pays; return the number of adoption events written to ``ev_*``.

    ``allowed[k, major]`` encodes regulation; events record the jobs automated (agents)
    and the monthly cost savings (KZT) of each adoption. ``f_adopted`` marks the firms
    whose post adopted.
    """
    n_ev = 0
    n_tech, n_occ = task_share.shape
    # Technologies as bits: those allowed with tasks worth automating, by occupation, and
    # those known, by firm. Most posts then fail on one test of their bits, and the
    # rest take their tests as flags, not branches (which way they go is hard to predict).
    open_bits = np.zeros(n_occ, dtype=np.int64)
    for o in range(n_occ):
        for k in range(n_tech):
            if allowed[k, occ_major[o]] and not task_share[k, o] < min_task_share:
                open_bits[o] |= 1 << k
    aware_bits = np.zeros(f_aware.shape[0], dtype=np.int64)
    for f in range(f_aware.shape[0]):
        for k in range(n_tech):
            if f_aware[f, k]:
                aware_bits[f] |= 1 << k
    for p in range(p_firm.shape[0]):
        # Unsigned indices: numba then skips wrapping negative ones around.
        o = np.uint32(p_occupation[p])
        f = np.uint32(p_firm[p])
        candidates = open_bits[o] & aware_bits[f]
        if candidates == 0:
            continue
        wage_bill = p_wage_offer[p] * (1.0 + payroll_tax)
        due = 0
        for k in range(n_tech):
            pays = not f_cost_multiplier[f] * hurdle[k] >= wage_bill
            due |= (((candidates >> k) & 1) & (p_adopted[p, k] < 0) & pays) << k
        if due == 0:
            continue
        for k in range(n_tech):
            if not (due >> k) & 1:
                continue
            if f_constrained[f] and uniform(key, tick, p, k) >= p_credit:
                continue
            s = task_share[k, o]
            p_adopted[p, k] = tick
            f_adopted[f, k] = True
            d = implementation * s * subst[k, o, p_sector[p]]
            augmented = implementation * s - d
            jobs = p_jobs_base[p] * d
            p_jobs_base[p] -= jobs
            p_automated_share[p] = 1.0 - (1.0 - p_automated_share[p]) * (1.0 - d)
            if augmented > 0.0:
                gain = 1.0 + augmentation_gain * augmented
                p_wage_offer[p] *= gain
                post_wage_factor[p] *= gain
            if d > 0.0:
                p_attrition_until[p] = tick + attrition_months
            if n_ev < ev_post.shape[0]:
                ev_post[n_ev] = p
                ev_tech[n_ev] = k
                ev_jobs[n_ev] = jobs
                ev_savings[n_ev] = jobs * (wage_bill - f_cost_multiplier[f] * running_cost[k])
                n_ev += 1
    return n_ev


@njit(cache=True)
def awareness_kernel(
    f_region: np.ndarray,
    f_sector: np.ndarray,
    f_aware: np.ndarray,
    f_adopted: np.ndarray,
    n_regions: int,
    n_sectors: int,
    innovation: float,
    imitation: float,
    key: np.uint64,
    tick: int,
) -> None:
    """Bass diffusion of awareness among firms of the same region and sector.

    ``f_adopted`` [firm, technology] marks the adopters.
    """
    n_firms, n_tech = f_aware.shape
    firms = np.zeros(n_regions * n_sectors)
    adopters = np.zeros((n_regions * n_sectors, n_tech))
    for f in range(n_firms):
        c = np.uint32(f_region[f] * n_sectors + f_sector[f])  # unsigned: no wraparound
        firms[c] += 1.0
        for k in range(n_tech):
            if f_adopted[f, k]:
                adopters[c, k] += 1.0
    for f in range(n_firms):
        c = np.uint32(f_region[f] * n_sectors + f_sector[f])
        for k in range(n_tech):
            if not f_aware[f, k]:
                p_learn = innovation + imitation * adopters[c, k] / firms[c]
                if uniform(key, tick, f, 16 + k) < p_learn:
                    f_aware[f, k] = True


@njit(cache=True)
def alternative_posts(p_firm: np.ndarray, p_jobs_base: np.ndarray, n_firms: int) -> np.ndarray:
    """For each post, the largest other post of its firm (-1 if the firm has one post)."""
    best = np.full(n_firms, -1, dtype=np.int64)
    second = np.full(n_firms, -1, dtype=np.int64)
    # Sizes of the two posts kept next to them, not read back from ``p_jobs_base``.
    best_size = np.empty(n_firms, dtype=p_jobs_base.dtype)
    second_size = np.empty(n_firms, dtype=p_jobs_base.dtype)
    for p in range(p_firm.shape[0]):
        f = p_firm[p]
        size = p_jobs_base[p]
        if best[f] < 0 or size > best_size[f]:
            second[f] = best[f]
            second_size[f] = best_size[f]
            best[f] = p
            best_size[f] = size
        elif second[f] < 0 or size > second_size[f]:
            second[f] = p
            second_size[f] = size
    out = np.empty(p_firm.shape[0], dtype=np.int64)
    for p in range(p_firm.shape[0]):
        f = p_firm[p]
        out[p] = best[f] if best[f] != p else second[f]
    return out


@njit(cache=True)
def posts_of_cutting_firms(
    p_firm: np.ndarray,
    p_filled: np.ndarray,
    p_jobs_desired: np.ndarray,
    p_attrition_until: np.ndarray,
    tick: int,
    n_firms: int,
) -> np.ndarray:
    """Posts, ascending, of the firms with a post whose cut is due at ``tick``.

    A cut is due when the post's attrition wait ends at ``tick`` and it still has more
    filled jobs than it desires.
    """
    cutting = np.zeros(n_firms, dtype=np.bool_)
    n = 0
    for p in range(p_firm.shape[0]):
        if p_attrition_until[p] == tick and p_filled[p] > p_jobs_desired[p]:
            cutting[p_firm[p]] = True
            n += 1
    if n == 0:
        return np.empty(0, dtype=np.int64)
    out = np.empty(p_firm.shape[0], dtype=np.int64)
    n = 0
    for p in range(p_firm.shape[0]):
        if cutting[p_firm[p]]:
            out[n] = p
            n += 1
    return out[:n]


@njit(cache=True)
def displacement_kernel(
    w_status: np.ndarray,
    w_post: np.ndarray,
    w_occupation: np.ndarray,
    w_wage: np.ndarray,
    w_productivity: np.ndarray,
    w_months: np.ndarray,
    w_reservation: np.ndarray,
    w_ti_displaced: np.ndarray,
    w_region: np.ndarray,
    w_group: np.ndarray,
    p_occupation: np.ndarray,
    p_filled: np.ndarray,
    p_jobs_desired: np.ndarray,
    p_jobs_base: np.ndarray,
    p_wage_offer: np.ndarray,
    p_attrition_until: np.ndarray,
    post_wage_factor: np.ndarray,
    alternative: np.ndarray,
    redeploy_share: float,
    reservation_ratio: float,
    minimum_wage: float,
    key: np.uint64,
    tick: int,
    month: int,
    displaced_by_region: np.ndarray,
    displaced_by_group: np.ndarray,
) -> tuple[int, int]:
    """Apply augmentation wage gains; resolve cuts whose wait ended this tick.

    ``displaced_by_region`` and ``displaced_by_group`` receive the workers displaced
    into unemployment (agents).

    Returns (displaced into unemployment, redeployed) in agents.
    """
    n_posts = p_filled.shape[0]
    # Posts whose workers have something to apply (1 a wage gain, 2 a cut, 3 both), so
    # that most workers are passed over on one small array; ``p_cut`` is only set, and
    # read, for posts with a cut.
    p_cut = np.empty(n_posts)
    touched = np.zeros(n_posts, dtype=np.uint8)
    for p in range(n_posts):
        if post_wage_factor[p] != 1.0:
            touched[p] = 1
        if p_attrition_until[p] == tick and p_filled[p] > p_jobs_desired[p]:
            p_cut[p] = (p_filled[p] - p_jobs_desired[p]) / p_filled[p]
            touched[p] += 2
    displaced = 0
    redeployed = 0
    if not touched.any():
        return 0, 0
    # Packed into bits, the flags stay in cache while workers' posts jump around.
    touched_bits = flag_words(touched)
    for i in range(w_status.shape[0]):
        if w_status[i] != EMPLOYED or not flag_is_set(touched_bits, w_post[i]):
            continue
        p = np.uint32(w_post[i])
        if post_wage_factor[p] != 1.0:
            w_wage[i] *= post_wage_factor[p]
        if touched[p] >= 2 and uniform(key, tick, i, 32) < p_cut[p]:
            p_filled[p] -= 1
            alt = alternative[p]
            if alt >= 0 and uniform(key, tick, i, 33) < redeploy_share:
                # The firm keeps the worker: a job is added where they go.
                p_filled[alt] += 1
                p_jobs_base[alt] += 1.0
                w_post[i] = alt
                w_occupation[i] = p_occupation[alt]
                w_wage[i] = max(p_wage_offer[alt] * w_productivity[i], minimum_wage)
                redeployed += 1
            else:
                w_status[i] = UNEMPLOYED
                w_post[i] = -1
                w_months[i] = 0
                w_reservation[i] = max(minimum_wage, reservation_ratio * w_wage[i])
                w_ti_displaced[i] = month
                displaced_by_region[w_region[i]] += 1
                displaced_by_group[w_group[i]] += 1
                displaced += 1
    return displaced, redeployed


def redeploy_share(cfg: LabsimConfig) -> float:
    """Chance a displaced worker is redeployed in the firm, given the state's subsidy.

    ``rho + (1 - rho) * response * subsidy``: a firm that would lay a worker off
    retrains them for another post instead when the state pays the share
    ``subsidy`` of the course (``reskilling.redeployment_subsidy``).
    """
    base = cfg.automation.redeploy_share
    r = cfg.reskilling
    return base + (1.0 - base) * r.redeployment_response * r.redeployment_subsidy


class Automation:
    """Technology adoption by posts; displacement, redeployment and augmentation."""

    name = "automation"

    def __init__(self, model: LabourMarketModel) -> None:
        self.key = stream_key(model.cfg.seed, self.name)
        data = model.data
        self.occ_major = data.occupation_major.astype(np.int64)
        self.task_share = task_shares(data)
        self.subst = substitution(data, model.cfg)
        # Events of the current month, read by the new-jobs mechanism.
        self.n_events = 0
        self.ev_post = np.zeros(0, np.int64)
        self.ev_tech = np.zeros(0, np.int64)
        self.ev_jobs = np.zeros(0)
        self.ev_savings = np.zeros(0)
        self.post_wage_factor = np.ones(0, np.float32)
        # Job-equivalents automated by each technology x firm cost factor (persons).
        self.in_use = np.zeros(N_TECH)

    def _allowed(self, cfg: LabsimConfig, month: int) -> np.ndarray:
        allowed = np.zeros((N_TECH, 10), dtype=np.bool_)
        for k, name in enumerate(TECHNOLOGIES):
            t = getattr(cfg.automation, name)
            if month >= t.available_from_month:
                allowed[k, 1:] = True
                allowed[k, t.banned_majors] = False
                if month < t.delayed_until_month:
                    allowed[k, t.delayed_majors] = False
        return allowed

    def step(self, model: LabourMarketModel) -> None:
        """Adopt technologies where they pay; apply wage gains and due cuts."""
        cfg, posts, firms = model.cfg, model.posts, model.firms
        self.n_events = 0
        self.post_wage_factor = np.ones(posts.n, np.float32)
        if model.burning_in or not cfg.automation.enabled:
            return
        a = cfg.automation
        capacity = posts.n * N_TECH
        if self.ev_post.shape[0] < capacity:
            self.ev_post = np.zeros(capacity, np.int64)
            self.ev_tech = np.zeros(capacity, np.int64)
            self.ev_jobs = np.zeros(capacity)
            self.ev_savings = np.zeros(capacity)
        costs = technology_costs(cfg, model.month)
        self.n_events = adoption_kernel(
            posts.firm,
            posts.occupation,
            posts.sector,
            posts.wage_offer,
            posts.jobs_base,
            posts.automated_share,
            posts.adopted,
            posts.attrition_until,
            firms.cost_multiplier,
            firms.credit_constrained,
            firms.aware,
            firms.adopted,
            self.occ_major,
            self.task_share,
            self.subst,
            self._allowed(cfg, model.month),
            hurdle_costs(cfg, model.month),
            costs,
            a.payroll_tax,
            a.min_task_share,
            a.implementation_share,
            a.p_credit,
            a.augmentation_wage_gain,
            a.attrition_months,
            self.key,
            model.tick,
            self.ev_post,
            self.ev_tech,
            self.ev_jobs,
            self.ev_savings,
            self.post_wage_factor,
        )
        awareness_kernel(
            firms.region,
            firms.sector,
            firms.aware,
            firms.adopted,
            model.data.n_regions,
            model.data.n_sectors,
            a.awareness_innovation,
            a.awareness_imitation,
            self.key,
            model.tick,
        )
        weight = model.person_weight
        n_ev = self.n_events
        jobs = self.ev_jobs[:n_ev]
        model.flows["jobs_automated"] = float(jobs.sum()) * weight
        model.flows["adoptions"] = n_ev
        # Technology in use, job-equivalents x the firm's cost factor, so that this
        # month's spending (and the tax on it) follows the cost path of each technology.
        multiplier = firms.cost_multiplier[posts.firm[self.ev_post[:n_ev]]]
        self.in_use += np.bincount(self.ev_tech[:n_ev], jobs * multiplier, N_TECH) * weight
        tax = np.array([getattr(a, k).tax for k in TECHNOLOGIES])
        spending = self.in_use * (costs / (1.0 + tax))
        taxes = tax * spending
        model.flows["automation_spending_kzt"] = float(spending.sum())
        model.flows["automation_tax_revenue_kzt"] = float(taxes[taxes > 0].sum())
        model.flows["automation_subsidy_kzt"] = float(-taxes[taxes < 0].sum())


class Displacement:
    """Resolves automation cuts after the attrition wait; applies augmentation gains.

    Runs after demand has set this month's desired jobs, so a post's excess is measured
    against what it now wants.
    """

    name = "displacement"

    def __init__(self, model: LabourMarketModel, automation: Automation) -> None:
        self.key = stream_key(model.cfg.seed, self.name)
        self.automation = automation

    def step(self, model: LabourMarketModel) -> None:
        """Cut jobs whose wait ended; record displaced and redeployed (agents)."""
        if model.burning_in or not model.cfg.automation.enabled:
            return
        w, p = model.workers, model.posts
        factor = self.automation.post_wage_factor
        if factor.shape[0] < p.n:
            factor = np.concatenate([factor, np.ones(p.n - factor.shape[0], np.float32)])
        # Only posts that cut jobs now redeploy, to their firm's largest other post: the
        # search is over the posts of their firms alone.
        alternative = np.full(p.n, -1, dtype=np.int64)
        posts = posts_of_cutting_firms(
            p.firm, p.filled, p.jobs_desired, p.attrition_until, model.tick, model.firms.n
        )
        if posts.shape[0]:
            alt = alternative_posts(p.firm[posts], p.jobs_base[posts], model.firms.n)
            found = alt >= 0
            alternative[posts[found]] = posts[alt[found]]
        by_region = np.zeros(model.data.n_regions, dtype=np.int64)
        by_group = np.zeros(len(GROUPS), dtype=np.int64)
        displaced, redeployed = displacement_kernel(
            w.status,
            w.post,
            w.occupation,
            w.wage,
            w.productivity,
            w.months_in_status,
            w.reservation_wage,
            w.ti_displaced,
            w.region,
            w.group,
            p.occupation,
            p.filled,
            p.jobs_desired,
            p.jobs_base,
            p.wage_offer,
            p.attrition_until,
            factor,
            alternative,
            redeploy_share(model.cfg),
            model.cfg.wages.reservation_ratio,
            model.minimum_wage,
            self.key,
            model.tick,
            model.month,
            by_region,
            by_group,
        )
        model.flows["displaced"] = displaced
        model.flows["redeployed"] = redeployed
        model.flows["displaced_by_region"] = by_region * model.person_weight
        model.flows["displaced_by_group"] = by_group * model.person_weight
