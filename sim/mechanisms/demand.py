"""Labour demand: how many jobs each post wants this month.

Rule
----
Desired jobs of post ``p`` (firm ``f``, occupation ``o``, region ``r``, sector ``s``) in
month ``t`` are

.. math::

    J_{p,t} = \\lfloor B_p \\, D_t \\, L_{rs,t} \\, G_t \\, N_{s,t} \\, F_{p,t} + u_p \\rfloor

- ``B_p``: desired jobs at demand 1 (filled jobs plus the initial vacancy rate at
  generation; lowered by automation, raised by reinstatement and redeployment), agents;
- ``ln D_t = rho * ln D_{t-1} + sigma * e_t``: the national business cycle, AR(1);
- ``ln L_{rs,t} = rho_l * ln L_{rs,t-1} + sigma_l * e_{rs,t}``: region x sector shocks,
  times ``(LF_{r,t-1} / LF_{r,0}) ** zeta``: local demand follows the region's labour
  force (people who arrive buy local goods, services and housing; firms follow
  workers), so migration does not create unemployment by itself;
- ``G_t = (1 + g) ** (t / 12)``: exogenous trend growth of all jobs, ``g`` per year;
- ``N_{s,t}``: the sector's new-work index (productivity effect of automation times
  the sector's relative trend, :mod:`sim.mechanisms.new_jobs`);
- ``F_{p,t} = (c_{p,0} / c_{p,t}) ** epsilon`` with ``c_{p,t} = max(w_{p,t}, m_t)`` and
  ``c_{p,0}`` the month-0 offer floored at the data's minimum wage, grown with labour
  productivity at the real wage trend ``(1 + g_w)^{t/12}``: the labour-demand
  curve. The cost of a job is the post's offer ``w`` or the minimum wage
  ``m`` if higher; when it rises above its month-0 level demand falls, with elasticity
  ``epsilon`` (``wages.labour_demand_elasticity``), and when wages fall demand rises.
  This is what lets a higher minimum wage cost jobs and what anchors the wage curve;
- ``u_p``: a uniform drawn once per post, so rounding to whole jobs is unbiased across
  posts and stable over time.

Shocks come from the ``demand`` stream, one fixed-shape draw per month, so every
scenario with the same seed sees the same business cycle (common random numbers).
A demand upswing opens vacancies and a downswing sheds jobs (see separations): this
is what traces out the Beveridge curve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from sim.rng import stream_generator
from sim.state import IN_TRAINING

if TYPE_CHECKING:
    from sim.mechanisms.new_jobs import NewJobs
    from sim.model import LabourMarketModel


@njit(cache=True, parallel=True)
def desired_jobs_kernel(
    jobs_base: np.ndarray,
    rounding_draw: np.ndarray,
    wage_offer: np.ndarray,
    job_cost_initial: np.ndarray,
    region: np.ndarray,
    sector: np.ndarray,
    local_index: np.ndarray,
    national_index: float,
    sector_index: np.ndarray,
    productivity: float,
    minimum_wage: float,
    demand_elasticity: float,
    out: np.ndarray,
) -> None:
    """Write desired jobs per post into ``out`` (int32, agents), posts in parallel."""
    for p in prange(jobs_base.shape[0]):
        cost = max(wage_offer[p], minimum_wage)
        wage_factor = (job_cost_initial[p] * productivity / cost) ** demand_elasticity
        s = np.uint32(sector[p])  # unsigned: numba skips wrapping negative indices around
        level = (
            jobs_base[p]
            * national_index
            * local_index[np.uint32(region[p]), s]
            * sector_index[s]
            * wage_factor
        )
        out[p] = np.int32(np.floor(level + rounding_draw[p]))


class Demand:
    """Business-cycle and local demand shocks, turned into desired jobs per post."""

    name = "demand"

    def __init__(self, model: LabourMarketModel, new_jobs: NewJobs) -> None:
        self.new_jobs = new_jobs
        self.rng = stream_generator(model.cfg.seed, self.name)
        p = model.cfg.demand
        self.log_national = 0.0
        # Local shocks start from their stationary spread, so the burn-in does not have
        # to absorb the reallocation of jobs between cells that builds up from zero.
        spread = p.local_volatility / np.sqrt(1.0 - p.local_persistence**2)
        self.log_local = spread * self.rng.standard_normal(
            (model.data.n_regions, model.data.n_sectors)
        )
        self.on_start(model)

    def on_start(self, model: LabourMarketModel) -> None:
        """Take the month-0 cost of a job of each post as the demand curve's reference.

        The reference floor is the minimum wage of the data (``minimum_wage`` in the
        calibration targets), so a scenario that sets a higher floor from the start
        moves along the demand curve instead of redefining it.
        """
        floor = model.minimum_wage_data
        self.job_cost_initial = np.maximum(model.posts.wage_offer, floor).astype(np.float32)

    def on_posts_added(self, model: LabourMarketModel, n_new: int) -> None:
        """New posts take their opening offer as the demand curve's reference."""
        floor = model.minimum_wage_data
        new = np.maximum(model.posts.wage_offer[-n_new:], floor).astype(np.float32)
        self.job_cost_initial = np.concatenate([self.job_cost_initial, new])

    def step(self, model: LabourMarketModel) -> None:
        """Advance the demand indices one month and set desired jobs."""
        p = model.cfg.demand
        shocks = self.rng.standard_normal(1 + self.log_local.size)
        if not model.burning_in:
            # The cycle starts at its neutral state at month 0: the data are a typical year.
            self.log_national = (
                p.cycle_persistence * self.log_national + p.cycle_volatility * shocks[0]
            )
        self.log_local = p.local_persistence * self.log_local + p.local_volatility * shocks[
            1:
        ].reshape(self.log_local.shape)
        growth = (1.0 + p.trend_growth_annual) ** (model.month / 12.0)
        local = np.exp(self.log_local)
        if model.month > 1 and p.population_elasticity > 0:
            lf = model.region_status[:, :, : IN_TRAINING + 1]
            ratio = lf[model.month - 1].sum(axis=1) / np.maximum(lf[0].sum(axis=1), 1e-9)
            local = local * (ratio**p.population_elasticity)[:, None]
        posts = model.posts
        desired_jobs_kernel(
            posts.jobs_base,
            posts.rounding_draw,
            posts.wage_offer,
            self.job_cost_initial,
            posts.region,
            posts.sector,
            local,
            float(np.exp(self.log_national)),
            growth * self.new_jobs.sector_index(),
            (1.0 + model.cfg.wages.trend_growth_annual) ** (model.month / 12.0),
            model.minimum_wage,
            model.cfg.wages.labour_demand_elasticity,
            posts.jobs_desired,
        )
        model.flows["demand_index"] = float(np.exp(self.log_national))
