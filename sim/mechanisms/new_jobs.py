"""New work: reinstatement, the productivity effect of automation, and sector trends.

Rule
----
*Reinstatement.* An adoption that automates ``J`` jobs of technology ``k`` creates
``r_k J`` jobs (``new_jobs_per_job_automated``) in the occupations of its new work
(``new_tech_occupations.csv``: robot and drone operators, maintenance technicians,
data and AI specialists, cyber-security and cyber-law), one of them drawn uniformly per
adoption. The jobs go to the largest post of that occupation in the adopting firm's
region; where the region has none, the adopting firm opens a post in it. These jobs
need the occupation's skill level, so they go to qualified searchers.

*Productivity effect.* Automation saves ``S`` KZT a month (wage bill replaced minus
technology running cost). Lower costs lower prices and raise demand in the adopting
sector: the sector's demand index is ``M_j = 1 + epsilon * S_j / W_j``, with ``S_j`` the
cumulated monthly savings of sector ``j``, ``W_j`` its monthly wage bill at month 0 and
``epsilon`` = ``new_jobs.productivity_elasticity``.

*Sector trends.* Desired jobs of sector ``j`` grow by ``G_j = (1 + c g_j)^{t/12}``,
``g_j`` the sector's employment growth relative to total employment 2015-2024 (ILO
modelled estimates), ``c`` = ``new_jobs.sector_trend_scale``. Relative trends move jobs
between sectors without changing the total, since the labour force is held constant
until demography is modelled.

New jobs by source (persons) are the increases of desired jobs each source causes;
the shrinking sectors' losses are not netted out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.config import TECHNOLOGIES
from sim.rng import stream_key, uniform
from sim.state import EMPLOYED

if TYPE_CHECKING:
    from sim.mechanisms.automation import Automation
    from sim.model import LabourMarketModel


@njit(cache=True)
def largest_post_by_cell(
    p_region: np.ndarray,
    p_occupation: np.ndarray,
    p_jobs_base: np.ndarray,
    n_occ: int,
    n_cells: int,
) -> np.ndarray:
    """Largest post per (region, occupation) cell, -1 where the cell has none."""
    out = np.full(n_cells, -1, dtype=np.int64)
    # The size of each cell's largest post so far, kept next to it: reading it from
    # ``p_jobs_base`` would jump around a large array.
    size = np.empty(n_cells, dtype=p_jobs_base.dtype)
    for p in range(p_region.shape[0]):
        c = p_region[p] * n_occ + p_occupation[p]
        if out[c] < 0 or p_jobs_base[p] > size[c]:
            out[c] = p
            size[c] = p_jobs_base[p]
    return out


@njit(cache=True)
def jobs_by_sector(p_sector: np.ndarray, p_jobs_base: np.ndarray, n_sectors: int) -> np.ndarray:
    """Desired jobs at demand 1 by sector (agents), summed in post order."""
    out = np.zeros(n_sectors)
    # Posts come in long runs of one sector (firms are made sector by sector and a
    # firm's posts are adjacent): a run's sum stays in a register instead of waiting on
    # its last store, with the same additions in the same order as post by post.
    current = -1
    total = 0.0
    for p in range(p_sector.shape[0]):
        s = p_sector[p]
        if s != current:
            if current >= 0:
                out[current] = total
            current = s
            total = out[s]
        total += p_jobs_base[p]
    if current >= 0:
        out[current] = total
    return out


@njit(cache=True)
def reinstatement_kernel(
    ev_post: np.ndarray,
    ev_tech: np.ndarray,
    ev_jobs: np.ndarray,
    n_events: int,
    p_region: np.ndarray,
    p_jobs_base: np.ndarray,
    largest: np.ndarray,
    n_occ: int,
    tech_occ_ptr: np.ndarray,
    tech_occ: np.ndarray,
    jobs_per_job: np.ndarray,
    key: np.uint64,
    tick: int,
    missing_post: np.ndarray,
    missing_occ: np.ndarray,
    missing_jobs: np.ndarray,
) -> tuple[float, int]:
    """Add reinstatement jobs to posts; list the adoptions whose region lacks the post.

    Returns (jobs added to existing posts, number of missing-post requests), agents.
    """
    added = 0.0
    n_missing = 0
    for e in range(n_events):
        k = ev_tech[e]
        lo, hi = tech_occ_ptr[k], tech_occ_ptr[k + 1]
        if hi == lo:
            continue
        p = ev_post[e]
        o = tech_occ[lo + np.int64(uniform(key, tick, p, 48 + k) * (hi - lo))]
        new = ev_jobs[e] * jobs_per_job[k]
        target = largest[p_region[p] * n_occ + o]
        if target >= 0:
            p_jobs_base[target] += new
            added += new
        else:
            missing_post[n_missing] = p
            missing_occ[n_missing] = o
            missing_jobs[n_missing] = new
            n_missing += 1
    return added, n_missing


class NewJobs:
    """Reinstatement, productivity effect and sector trends of labour demand."""

    name = "new_jobs"

    def __init__(self, model: LabourMarketModel, automation: Automation) -> None:
        self.key = stream_key(model.cfg.seed, self.name)
        self.automation = automation
        data = model.data
        ptr, occ = [0], []
        for tech in TECHNOLOGIES:
            occ.extend(data.new_tech_occupations.get(tech, []))
            ptr.append(len(occ))
        self.tech_occ_ptr = np.array(ptr, dtype=np.int64)
        self.tech_occ = np.array(occ, dtype=np.int64)
        # Posts of the new work's occupations, the only ones reinstatement adds jobs to.
        self.tech_posts = np.flatnonzero(np.isin(model.posts.occupation, self.tech_occ))
        self.savings = np.zeros(data.n_sectors)  # KZT per month, cumulated by sector
        self.wage_bill = np.ones(data.n_sectors)
        self.productivity_index = np.ones(data.n_sectors)
        self.trend_index = np.ones(data.n_sectors)
        self.cumulative = {"reinstatement": 0.0, "productivity": 0.0, "trend": 0.0}

    def on_start(self, model: LabourMarketModel) -> None:
        """Measure each sector's monthly wage bill at month 0 (KZT, persons)."""
        w, cfg = model.workers, model.cfg
        bill = wage_bill_by_sector(w.status, w.sector, w.wage, w.weight, model.data.n_sectors)
        self.wage_bill = np.maximum(bill * (1.0 + cfg.automation.payroll_tax), 1.0)

    def on_posts_added(self, model: LabourMarketModel, n_new: int) -> None:
        """Add the new posts of the new work's occupations to ``tech_posts``."""
        first = model.posts.n - n_new
        new = first + np.flatnonzero(np.isin(model.posts.occupation[first:], self.tech_occ))
        self.tech_posts = np.concatenate([self.tech_posts, new])

    def sector_index(self) -> np.ndarray:
        """Multiplier of desired jobs by sector (productivity effect x trend)."""
        return self.productivity_index * self.trend_index

    def step(self, model: LabourMarketModel) -> None:
        """Add this month's new work to desired jobs and record it by source."""
        cfg, posts, data = model.cfg, model.posts, model.data
        weight = model.person_weight
        base_by_sector = jobs_by_sector(posts.sector, posts.jobs_base, data.n_sectors)
        if not model.burning_in:
            trend = 1.0 + cfg.new_jobs.sector_trend_scale * data.sector_trend
            new_trend = np.maximum(trend, 0.0) ** (model.month / 12.0)
            gain = np.maximum(new_trend - self.trend_index, 0.0) * self.productivity_index
            self.cumulative["trend"] += float((base_by_sector * gain).sum()) * weight
            self.trend_index = new_trend
        a = self.automation
        if a.n_events == 0:
            self._record(model)
            return
        n = a.n_events
        jobs_per_job = np.array(
            [getattr(cfg.automation, k).new_jobs_per_job_automated for k in TECHNOLOGIES]
        )
        # The largest post of each cell among the posts of the new work's occupations.
        tech = self.tech_posts
        found = largest_post_by_cell(
            posts.region[tech],
            posts.occupation[tech],
            posts.jobs_base[tech],
            data.n_occupations,
            data.n_regions * data.n_occupations,
        )
        largest = np.full(found.shape[0], -1, dtype=np.int64)
        largest[found >= 0] = tech[found[found >= 0]]
        missing_post = np.zeros(n, np.int64)
        missing_occ = np.zeros(n, np.int64)
        missing_jobs = np.zeros(n)
        added, n_missing = reinstatement_kernel(
            a.ev_post,
            a.ev_tech,
            a.ev_jobs,
            n,
            posts.region,
            posts.jobs_base,
            largest,
            data.n_occupations,
            self.tech_occ_ptr,
            self.tech_occ,
            jobs_per_job,
            self.key,
            model.tick,
            missing_post,
            missing_occ,
            missing_jobs,
        )
        if n_missing:
            added += self._open_posts(
                model,
                missing_post[:n_missing],
                missing_occ[:n_missing],
                missing_jobs[:n_missing],
            )
        self.cumulative["reinstatement"] += added * weight

        sector = posts.sector[a.ev_post[:n]]
        self.savings += np.bincount(
            sector, weights=a.ev_savings[:n] * weight, minlength=data.n_sectors
        )
        new_index = 1.0 + cfg.new_jobs.productivity_elasticity * self.savings / self.wage_bill
        gain = (new_index - self.productivity_index) * self.trend_index
        self.cumulative["productivity"] += float((base_by_sector * gain).sum()) * weight
        self.productivity_index = new_index
        self._record(model)

    def _open_posts(
        self,
        model: LabourMarketModel,
        adopter: np.ndarray,
        occupation: np.ndarray,
        jobs: np.ndarray,
    ) -> float:
        """Open posts of new occupations in adopting firms; return jobs added (agents)."""
        posts = model.posts
        firm = posts.firm[adopter].astype(np.int64)
        key = firm * model.data.n_occupations + occupation
        uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        amount = np.bincount(inverse, weights=jobs)
        # Offer: the national mean offer of the occupation, else 1.2 x the adopter's.
        offer_sum = np.bincount(
            posts.occupation, weights=posts.wage_offer, minlength=model.data.n_occupations
        )
        offer_n = np.bincount(posts.occupation, minlength=model.data.n_occupations)
        occ_u = occupation[first]
        offer = np.where(
            offer_n[occ_u] > 0,
            offer_sum[occ_u] / np.maximum(offer_n[occ_u], 1),
            1.2 * posts.wage_offer[adopter[first]],
        )
        draws = np.array(
            [uniform(self.key, model.tick, int(k) % (2**31), 64) for k in uniq], dtype=float
        )
        posts.append(
            firm=firm[first],
            occupation=occ_u,
            region=posts.region[adopter[first]],
            sector=posts.sector[adopter[first]],
            jobs_base=amount,
            wage_offer=offer,
            rounding_draw=draws,
        )
        model.on_posts_added(len(uniq))
        return float(amount.sum())

    def _record(self, model: LabourMarketModel) -> None:
        for source, value in self.cumulative.items():
            model.flows[f"new_jobs_{source}_cum"] = value


@njit(cache=True)
def wage_bill_by_sector(
    status: np.ndarray, sector: np.ndarray, wage: np.ndarray, weight: np.ndarray, n_sectors: int
) -> np.ndarray:
    """Wages times weights of the employed summed by sector, in worker order (KZT)."""
    bill = np.zeros(n_sectors)
    for i in range(status.shape[0]):
        if status[i] == EMPLOYED:
            bill[sector[i]] += np.float64(wage[i]) * np.float64(weight[i])
    return bill
