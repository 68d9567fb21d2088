"""An idiomatic Mesa reference of the month's core loop, and the engine's speed-up over it.

The array engine (:class:`sim.model.LabourMarketModel`) keeps workers, firms and posts
in numpy columns and runs numba kernels. This module re-implements the core of its
month the way a Mesa user would write it: one Python object per worker
(:class:`WorkerAgent`) and per firm (:class:`FirmAgent`, holding its posts as plain
dicts keyed by occupation), steps run through ``AgentSet.shuffle_do`` / ``do``, a
``mesa.DataCollector`` for the national series. It is used only by this benchmark and
by ``tests/test_reference_agreement.py``, which checks that both agree in
distribution (many seeds, unemployment and automation paths).

The reference starts from an engine model's month-0 state
(:meth:`ReferenceModel.from_engine`) and runs, in the engine's order and with the
engine's rules and parameters (read from ``engine.cfg``):

1. *Automation* -- a post adopts technology ``k`` when the firm is aware of it, the
   technology is allowed for the occupation's major group, the task share reaches
   ``min_task_share`` and ``m_f * hurdle_k < offer * (1 + payroll_tax)``; credit-
   constrained firms also need credit (``p_credit``). Adoption cuts the post's base
   jobs by ``d = implementation * s * substitution``, raises its offer for the
   augmented tasks and starts the attrition wait. Awareness spreads as in the Bass
   model (``awareness_innovation + awareness_imitation * adopting share`` of the
   region x sector). Reinstatement follows (the engine's ``NewJobs``): each adoption
   adds ``new_jobs_per_job_automated`` jobs to the largest post of a new-work
   occupation in the region, or opens that post in the adopting firm.
2. *Demand* -- desired jobs ``floor(B * G * (c_0 / max(w, m)) ** eps + u)`` (no
   business-cycle or local shocks: the comparison switches them off).
3. *Displacement* -- augmentation wage gains reach the post's workers; when a post's
   attrition wait ends, each worker is cut with probability ``excess / filled``,
   redeployed to the firm's largest other post with probability ``redeploy_share``,
   else laid off.
4. *Separations* -- quits with ``p_quit_to_unemployment``, then layoffs of
   ``layoff_speed`` of the excess of posts not waiting for attrition.
5. *Matching* -- each unemployed worker sends ``applications_per_month`` (plus
   ``platform_applications`` on the platform) applications in their region: an open
   application to any vacancy (``p_apply_any_occupation``) or a directed one to their
   own occupation or a neighbour on the mobility network (weights ``p_own`` and
   ``(1 - p_own) P(o -> o')`` over cells with vacancies); screening by skill, reading
   (``p_application_considered``), legal status, digital and language needs and the
   reservation wage; hiring by random serial dictatorship.
6. *Wages* -- the engine's tightness rule per (region, major group), applied to offers
   and wages; reservation wages decay; the minimum wage floors both.

Randomness comes from the Mesa model's own generator (``self.random``), not from the
engine's keyed streams: the two agree in distribution, not draw by draw.

:data:`CORE_OVERRIDES` switches off everything outside this loop (migration,
reskilling, benefits, inclusion programmes, demand shocks, sector trends, the
productivity effect, reinstatement jobs, applications to other regions, on-the-job
search, the burn-in); :func:`check_core_config` refuses a configuration that needs
more.

Usage: ``python benchmarks/mesa_reference.py [--scales 0.002 0.01] [--months 24] [--seed 1]
[--repeats 3] [--json out.json]`` prints agent-months per second of both and the engine's speed-up
(warm numba cache, best of the repeats, population generation excluded for both).
"""

from __future__ import annotations

import argparse
import bisect
import copy
import json
import math
import os
import time
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.config import TECHNOLOGIES, LabsimConfig
from sim.mechanisms.automation import hurdle_costs, redeploy_share, substitution, task_shares
from sim.mechanisms.demand import Demand
from sim.mechanisms.wages import Wages
from sim.model import LabourMarketModel
from sim.runner import compose_config
from sim.state import EMPLOYED, IN_TRAINING, REGULAR, UNEMPLOYED

N_TECH = len(TECHNOLOGIES)
FLOWS = ("quits", "layoffs", "displaced", "redeployed", "hires", "adoptions")  # agents a month

#: Overrides (``compose_config`` keywords) that leave only the core loop running.
CORE_OVERRIDES: dict[str, Any] = {
    "migration__enabled": False,
    "reskilling__capacity_per_1000": 0.0,
    "benefits__take_up": 0.0,
    "inclusion__digital_inclusion_rate": 0.0,
    "inclusion__recognition_rate": 0.0,
    "inclusion__regularisation_rate": 0.0,
    "demand__cycle_volatility": 0.0,
    "demand__local_volatility": 0.0,
    "demand__population_elasticity": 0.0,
    "new_jobs__sector_trend_scale": 0.0,
    "new_jobs__productivity_elasticity": 0.0,
    **{f"automation__{k}__new_jobs_per_job_automated": 0.0 for k in TECHNOLOGIES},
    "matching__p_apply_other_region": 0.0,
    "matching__p_on_the_job_search": 0.0,
    "population__burn_in_months": 0,
}


def check_core_config(cfg: LabsimConfig) -> None:
    """Refuse a configuration whose active mechanisms the reference does not implement.

    Parameters
    ----------
    cfg : LabsimConfig
        The configuration the reference would run.

    Raises
    ------
    ValueError
        Naming every setting outside the core loop that is switched on.
    """
    inactive = {
        "migration.enabled": not cfg.migration.enabled,
        "reskilling.capacity_per_1000": cfg.reskilling.capacity_per_1000 == 0,
        "benefits.take_up": cfg.benefits.take_up == 0 or cfg.benefits.duration_months == 0,
        "inclusion.digital_inclusion_rate": cfg.inclusion.digital_inclusion_rate == 0,
        "inclusion.recognition_rate": cfg.inclusion.recognition_rate == 0,
        "inclusion.regularisation_rate": cfg.inclusion.regularisation_rate == 0,
        "demand.cycle_volatility": cfg.demand.cycle_volatility == 0,
        "demand.local_volatility": cfg.demand.local_volatility == 0,
        "new_jobs.sector_trend_scale": cfg.new_jobs.sector_trend_scale == 0,
        "new_jobs.productivity_elasticity": cfg.new_jobs.productivity_elasticity == 0,
        "matching.p_apply_other_region": cfg.matching.p_apply_other_region == 0,
        "matching.p_on_the_job_search": cfg.matching.p_on_the_job_search == 0,
        "schedule": not cfg.schedule,
    }
    bad = [name for name, ok in inactive.items() if not ok]
    if bad:
        raise ValueError(
            "the Mesa reference implements only the core loop; switch off: " + ", ".join(bad)
        )


def _new_post(
    firm: FirmAgent,
    occupation: int,
    *,
    jobs_base: float,
    jobs_base_initial: float,
    rounding_draw: float,
    jobs_desired: int,
    filled: int,
    wage_offer: float,
    job_cost_initial: float,
    automated_share: float = 0.0,
    adopted: list[int] | None = None,
    attrition_until: int = -1,
    informal: bool = False,
) -> dict[str, Any]:
    """A post (one occupation in one firm) as a plain dict; wages in KZT per month."""
    return {
        "firm": firm,
        "occupation": occupation,
        "jobs_base": jobs_base,  # desired jobs at demand 1 (agents)
        "jobs_base_initial": jobs_base_initial,  # ... at month 0: weight of the share
        "rounding_draw": rounding_draw,  # persistent uniform for rounding desired jobs
        "jobs_desired": jobs_desired,
        "filled": filled,
        "wage_offer": wage_offer,  # for a worker of productivity 1
        "job_cost_initial": job_cost_initial,  # reference cost of the demand curve
        "automated_share": automated_share,
        "adopted": [-1] * N_TECH if adopted is None else adopted,  # month of adoption
        "attrition_until": attrition_until,  # month until which cuts wait for quits
        "informal": informal,
        "wage_factor": 1.0,  # augmentation gain of this month, passed on to workers
        "workers": {},  # the WorkerAgents holding the post (a dict keeps their order)
        "candidates": [],  # technologies the post may still adopt (enough tasks)
    }


class WorkerAgent(mesa.Agent):
    """A worker of the labour force: employed (holding a post of a firm) or unemployed.

    Parameters
    ----------
    model : ReferenceModel
        The model the agent registers with.
    status : int
        ``EMPLOYED`` or ``UNEMPLOYED`` (codes of :mod:`sim.state`).
    employer : FirmAgent or None
        The firm whose post ``occupation`` the worker holds (None if unemployed).
    region, occupation : int
        Indices into the dataset; the occupation is the current or last one.
    skill : int
        ISCO skill level employers see (the engine's ``skill_recognised``).
    digital_literacy, language : float
        0-1, screened against the occupation's needs.
    regular : bool
        Regular legal status (an irregular migrant only gets informal jobs).
    wage, reservation_wage : float
        KZT per month: current (or last) wage, lowest acceptable wage while unemployed.
    productivity : float
        Individual wage factor (mean 1).
    months_in_status : int
        Months since the last change of status.
    """

    def __init__(
        self,
        model: ReferenceModel,
        *,
        status: int,
        employer: FirmAgent | None,
        region: int,
        occupation: int,
        skill: int,
        digital_literacy: float,
        language: float,
        regular: bool,
        wage: float,
        reservation_wage: float,
        productivity: float,
        months_in_status: int,
    ) -> None:
        super().__init__(model)
        self.status = status
        self.employer = employer
        self.region = region
        self.occupation = occupation
        self.skill = skill
        self.digital_literacy = digital_literacy
        self.language = language
        self.regular = regular
        self.wage = wage
        self.reservation_wage = reservation_wage
        self.productivity = productivity
        self.months_in_status = months_in_status

    @property
    def post(self) -> dict[str, Any] | None:
        """The post the worker holds (None if unemployed)."""
        return None if self.employer is None else self.employer.posts[self.occupation]

    def lose_job(self) -> None:
        """Leave the post for unemployment; the reservation wage starts from the last wage."""
        m = self.model
        post = self.employer.posts[self.occupation]
        post["filled"] -= 1
        del post["workers"][self]
        self.employer = None
        self.status = UNEMPLOYED
        self.months_in_status = 0
        self.reservation_wage = max(m.minimum_wage, m.reservation_ratio * self.wage)

    def redeploy(self, post: dict[str, Any]) -> None:
        """Move to another ``post`` of the same firm, which adds a job for the worker."""
        old = self.employer.posts[self.occupation]
        old["filled"] -= 1
        del old["workers"][self]
        post["filled"] += 1
        post["jobs_base"] += 1.0
        post["workers"][self] = None
        self.occupation = post["occupation"]
        self.wage = max(post["wage_offer"] * self.productivity, self.model.minimum_wage)

    def quit(self) -> None:
        """Quit into unemployment with probability ``p_quit_to_unemployment``."""
        m = self.model
        if self.status == EMPLOYED and m.random.random() < m.p_quit:
            self.lose_job()
            m.flows["quits"] += 1

    # ---- search ------------------------------------------------------------------------
    def search(self) -> None:
        """Send this month's applications; those that pass screening go to the model."""
        if self.status != UNEMPLOYED:
            return
        m = self.model
        n_apps = m.apps_unemployed
        if self.regular and self.digital_literacy >= m.platform_literacy:
            n_apps += m.apps_platform
        for _ in range(n_apps):
            post = self._apply()
            if post is not None:
                m.applications.append((self, post))

    def _apply(self) -> dict[str, Any] | None:
        """One application: the post it reaches if it passes screening, else None."""
        m = self.model
        board = m.board
        rnd = m.random.random
        if rnd() < m.p_any:
            # An open application: any vacancy of the region, whatever the occupation.
            post = board.pick_in_region(self.region, rnd())
            if post is None:
                return None
            o = post["occupation"]
            if self.skill < m.occ_skill[o] - m.skill_gap or rnd() >= m.p_read:
                return None
        else:
            # Directed: own occupation or a network neighbour with open vacancies.
            o = board.pick_occupation(self.region, self.occupation, rnd())
            if o is None:
                return None
            if self.skill < m.occ_skill[o] - m.skill_gap or rnd() >= m.p_read:
                return None
            post = board.pick_in_cell(self.region, o, rnd())
        if not self.regular and not post["informal"]:
            return None
        shortfall = m.screen_digital * max(0.0, m.occ_digital_need[o] - self.digital_literacy)
        shortfall += m.screen_language * max(0.0, m.occ_language_need[o] - self.language)
        if shortfall > 0.0 and rnd() < shortfall:
            return None
        if max(post["wage_offer"] * self.productivity, m.minimum_wage) < self.reservation_wage:
            return None
        return post

    def take_job(self, post: dict[str, Any]) -> None:
        """Start in ``post`` at its offer times the worker's productivity (floored)."""
        m = self.model
        post["filled"] += 1
        post["workers"][self] = None
        self.employer = post["firm"]
        self.occupation = post["occupation"]
        self.status = EMPLOYED
        self.wage = max(post["wage_offer"] * self.productivity, m.minimum_wage)
        self.months_in_status = 0
        self.reservation_wage = 0.0

    # ---- wages and the month's end ------------------------------------------------------
    def end_month(self) -> None:
        """Apply the cell's wage change (or decay the reservation wage); age one month."""
        m = self.model
        if self.status == EMPLOYED:
            factor = m.wage_factor[self.region * 9 + m.occ_major[self.occupation] - 1]
            self.wage = max(self.wage * factor, m.minimum_wage)
        elif self.status == UNEMPLOYED:
            self.reservation_wage = max(
                self.reservation_wage * (1.0 - m.reservation_decay), m.minimum_wage
            )
        self.months_in_status += 1


class FirmAgent(mesa.Agent):
    """A firm: its posts (one per occupation) and what it knows of technologies.

    Parameters
    ----------
    model : ReferenceModel
        The model the agent registers with.
    region, sector : int
        Indices into the dataset.
    cost_multiplier : float
        Firm-specific factor on technology costs (mean 1).
    credit_constrained : bool
        Adoption needs scarce credit (the smallest firms).
    aware : list of bool
        Knows technology ``k`` (one entry per technology).

    Attributes
    ----------
    posts : dict of int to dict
        Occupation -> post (see :func:`_new_post`), in the engine's post order.
    """

    def __init__(
        self,
        model: ReferenceModel,
        *,
        region: int,
        sector: int,
        cost_multiplier: float,
        credit_constrained: bool,
        aware: list[bool],
    ) -> None:
        super().__init__(model)
        self.region = region
        self.sector = sector
        self.cost_multiplier = cost_multiplier
        self.credit_constrained = credit_constrained
        self.aware = aware
        self.posts: dict[int, dict[str, Any]] = {}
        self.uses = [False] * N_TECH  # some post of the firm has adopted technology k
        self.busy_months: set[int] = set()  # months with wage gains to pass on or cuts due

    def add_post(self, post: dict[str, Any]) -> None:
        """Add ``post`` (a new occupation of the firm) and index it in the model."""
        m = self.model
        o = post["occupation"]
        post["candidates"] = [
            k
            for k in range(N_TECH)
            if post["adopted"][k] < 0 and m.task_share[k][o] >= m.min_task_share
        ]
        self.posts[o] = post
        m.posts_by_cell.setdefault((self.region, o), []).append(post)
        m.posts_by_occupation.setdefault(o, []).append(post)
        for k in range(N_TECH):
            self.uses[k] = self.uses[k] or post["adopted"][k] >= 0

    # ---- automation --------------------------------------------------------------------
    def decide_automation(self) -> None:
        """Adopt, post by post, the technologies that pay (the hurdle-cost rule)."""
        if not any(self.aware):
            return
        m = self.model
        t = m.month
        for post in self.posts.values():
            if not post["candidates"]:
                continue
            o = post["occupation"]
            major = m.occ_major[o]
            # The wage bill of a job-equivalent, taken before this month's gains.
            wage_bill = post["wage_offer"] * (1.0 + m.payroll_tax)
            for k in list(post["candidates"]):
                if not m.allowed[k][major] or not self.aware[k]:
                    continue
                if self.cost_multiplier * m.hurdle[k] >= wage_bill:
                    continue
                if self.credit_constrained and m.random.random() >= m.p_credit:
                    continue
                post["candidates"].remove(k)
                post["adopted"][k] = t
                self.uses[k] = True
                s = m.task_share[k][o]
                d = m.implementation * s * m.subst[k][o][self.sector]
                augmented = m.implementation * s - d
                jobs = post["jobs_base"] * d
                post["jobs_base"] -= jobs
                share = 1.0 - (1.0 - post["automated_share"]) * (1.0 - d)
                m.jobs_automated += post["jobs_base_initial"] * (share - post["automated_share"])
                post["automated_share"] = share
                if augmented > 0.0:
                    gain = 1.0 + m.augmentation_gain * augmented
                    post["wage_offer"] *= gain
                    post["wage_factor"] *= gain
                    self.busy_months.add(t)
                if d > 0.0:
                    post["attrition_until"] = t + m.attrition_months
                    self.busy_months.add(t + m.attrition_months)
                m.adoptions.append((self, post, k, jobs))

    def learn_technologies(self) -> None:
        """Bass diffusion: learn of an unknown technology from the region-sector's adopters."""
        if all(self.aware):
            return
        m = self.model
        shares = m.adopter_share[(self.region, self.sector)]
        for k in range(N_TECH):
            if not self.aware[k] and m.random.random() < m.innovation + m.imitation * shares[k]:
                self.aware[k] = True

    # ---- demand, displacement, layoffs, wages ------------------------------------------
    def set_desired_jobs(self) -> None:
        """Desired jobs of each post: base jobs along the labour-demand curve, rounded."""
        m = self.model
        floor, eps = m.minimum_wage, m.demand_elasticity
        growth, productivity = m.demand_growth, m.productivity_growth
        for post in self.posts.values():
            cost = max(post["wage_offer"], floor)
            level = (
                post["jobs_base"] * growth * (post["job_cost_initial"] * productivity / cost) ** eps
            )
            post["jobs_desired"] = math.floor(level + post["rounding_draw"])

    def displace(self) -> None:
        """Pass augmentation gains to workers; cut posts whose attrition wait ended now.

        A post whose wait ends with more filled jobs than it desires cuts each of its
        workers with probability ``excess / filled``; a cut worker is redeployed to the
        firm's largest other post (by base jobs, the first one on ties) with probability
        ``redeploy_share``, else laid off.
        """
        m = self.model
        if m.month not in self.busy_months:
            return
        self.busy_months.discard(m.month)
        posts = list(self.posts.values())
        cuts = []
        for post in posts:
            if post["attrition_until"] == m.month and post["filled"] > post["jobs_desired"]:
                others = [q for q in posts if q is not post]
                alternative = max(others, key=lambda q: q["jobs_base"]) if others else None
                p_cut = (post["filled"] - post["jobs_desired"]) / post["filled"]
                cuts.append((post, p_cut, alternative))
        for post in posts:
            if post["wage_factor"] != 1.0:
                for worker in post["workers"]:
                    worker.wage *= post["wage_factor"]
                post["wage_factor"] = 1.0
        for post, p_cut, alternative in cuts:
            for worker in list(post["workers"]):
                if m.random.random() >= p_cut:
                    continue
                if alternative is not None and m.random.random() < m.redeploy_share:
                    worker.redeploy(alternative)
                    m.flows["redeployed"] += 1
                else:
                    worker.lose_job()
                    m.flows["displaced"] += 1

    def lay_off(self) -> None:
        """Lay off workers of posts with excess jobs: ``layoff_speed`` of it a month.

        Each worker of a post with excess ``filled - desired > 0`` that is not waiting
        for attrition is laid off with probability ``min(1, speed * excess / filled)``.
        """
        m = self.model
        for post in self.posts.values():
            excess = post["filled"] - post["jobs_desired"]
            if excess <= 0 or post["attrition_until"] >= m.month:
                continue
            p_layoff = min(1.0, m.layoff_speed * excess / post["filled"])
            for worker in list(post["workers"]):
                if m.random.random() < p_layoff:
                    worker.lose_job()
                    m.flows["layoffs"] += 1

    def update_offers(self) -> None:
        """Move each post's offer by its (region, major group) cell's wage factor."""
        m = self.model
        base = self.region * 9 - 1
        for post in self.posts.values():
            post["wage_offer"] *= m.wage_factor[base + m.occ_major[post["occupation"]]]


class VacancyBoard:
    """This month's open vacancies by region and by (region, occupation), for search.

    A post with ``v`` vacancies is ``v`` times as likely to be picked as one with one.
    Built after separations; fixed while applications are sent (hiring comes after).
    """

    def __init__(self, model: ReferenceModel) -> None:
        self.model = model
        self.cells: dict[tuple[int, int], tuple[list[dict], list[int]]] = {}
        self.regions: dict[int, tuple[list[dict], list[int]]] = {}
        self._choices: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
        for firm in model.agents_by_type[FirmAgent]:
            for post in firm.posts.values():
                v = post["jobs_desired"] - post["filled"]
                if v <= 0:
                    continue
                for table, key in (
                    (self.cells, (firm.region, post["occupation"])),
                    (self.regions, firm.region),
                ):
                    posts, cum = table.setdefault(key, ([], []))
                    posts.append(post)
                    cum.append((cum[-1] if cum else 0) + v)

    @staticmethod
    def _pick(entry: tuple[list, list] | None, u: float) -> Any:
        if entry is None:
            return None
        items, cum = entry
        return items[bisect.bisect_right(cum, u * cum[-1])]

    def pick_in_region(self, region: int, u: float) -> dict[str, Any] | None:
        """A vacancy of ``region`` drawn uniformly with the uniform ``u`` (None if none)."""
        return self._pick(self.regions.get(region), u)

    def pick_in_cell(self, region: int, occupation: int, u: float) -> dict[str, Any]:
        """A vacancy of the (region, occupation) cell, which must have one."""
        return self._pick(self.cells[(region, occupation)], u)

    def pick_occupation(self, region: int, own: int, u: float) -> int | None:
        """Own occupation or a network neighbour with open vacancies in ``region``."""
        key = (region, own)
        choice = self._choices.get(key)
        if choice is None:
            m = self.model
            occupations, cum = [], []
            total = 0.0
            if key in self.cells:
                total += m.p_own
                occupations.append(own)
                cum.append(total)
            for o, weight in m.neighbours[own]:
                if (region, o) in self.cells:
                    total += (1.0 - m.p_own) * weight
                    occupations.append(o)
                    cum.append(total)
            choice = self._choices[key] = (occupations, cum)
        occupations, cum = choice
        if not cum or cum[-1] <= 0.0:
            return None
        return occupations[min(bisect.bisect_right(cum, u * cum[-1]), len(cum) - 1)]


class ReferenceModel(mesa.Model):
    """The month's core loop with one Mesa agent per worker and per firm.

    Parameters
    ----------
    engine : LabourMarketModel
        An engine model at month 0: its labour force, firms and posts are copied.
    cfg : LabsimConfig, optional
        Rules and parameters to run (default ``engine.cfg``); must pass
        :func:`check_core_config`.
    seed : int, optional
        Seed of the Mesa model's generators (default ``engine.cfg.seed``).

    Attributes
    ----------
    month : int
        Months simulated so far.
    datacollector : mesa.DataCollector
        ``month``, ``unemployment_rate``, ``automation_share`` and the flows each month.
    flows : dict of str to int
        This month's :data:`FLOWS`: quits, layoffs, displaced, redeployed, hires from
        unemployment and adoptions (agents).
    """

    def __init__(
        self,
        engine: LabourMarketModel,
        cfg: LabsimConfig | None = None,
        seed: int | None = None,
    ) -> None:
        cfg = copy.deepcopy(engine.cfg if cfg is None else cfg)
        check_core_config(cfg)
        if engine.month != 0:
            raise ValueError(f"the engine model must be at month 0, not {engine.month}")
        super().__init__(seed=engine.cfg.seed if seed is None else seed)
        self.cfg = cfg
        self.month = 0
        self.flows = dict.fromkeys(FLOWS, 0)
        self.applications: list[tuple[WorkerAgent, dict[str, Any]]] = []
        self.adoptions: list[tuple[FirmAgent, dict[str, Any], int, float]] = []
        # Posts by (region, occupation) and by occupation: where reinstatement jobs go.
        self.posts_by_cell: dict[tuple[int, int], list[dict[str, Any]]] = {}
        self.posts_by_occupation: dict[int, list[dict[str, Any]]] = {}
        self._read_parameters(engine)
        self._copy_state(engine)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "month": "month",
                "unemployment_rate": ReferenceModel.unemployment_rate,
                "automation_share": ReferenceModel.automation_share,
                **{name: partial(_flow, name=name) for name in FLOWS},
            }
        )
        self.datacollector.collect(self)

    @classmethod
    def from_engine(
        cls,
        engine: LabourMarketModel,
        cfg: LabsimConfig | None = None,
        seed: int | None = None,
    ) -> ReferenceModel:
        """Build the reference from an engine model's month-0 state.

        Parameters
        ----------
        engine : LabourMarketModel
            At month 0; its labour force (employed and unemployed workers), firms and
            posts are copied into agents, with its wage-tightness and demand references.
        cfg : LabsimConfig, optional
            Rules and parameters to run (default ``engine.cfg``).
        seed : int, optional
            Seed of the Mesa model's generators (default ``engine.cfg.seed``).

        Returns
        -------
        ReferenceModel
            At month 0, with month 0 collected.
        """
        return cls(engine, cfg=cfg, seed=seed)

    # ---- set-up ------------------------------------------------------------------------
    def _read_parameters(self, engine: LabourMarketModel) -> None:
        cfg, d = self.cfg, engine.data
        self.n_regions = d.n_regions
        self.minimum_wage = float(cfg.wages.minimum_wage)
        self.minimum_wage_data = float(engine.minimum_wage_data)
        # separations
        self.p_quit = cfg.separations.p_quit_to_unemployment
        self.layoff_speed = cfg.separations.layoff_speed
        self.reservation_ratio = cfg.wages.reservation_ratio
        # demand and wages
        self.demand_elasticity = cfg.wages.labour_demand_elasticity
        self.reservation_decay = cfg.wages.reservation_decay
        self.wage_flexibility = cfg.wages.wage_flexibility
        self.max_monthly_change = cfg.wages.max_monthly_change
        self.tightness_smoothing = cfg.wages.tightness_smoothing
        # matching
        m = cfg.matching
        self.apps_unemployed = m.applications_per_month
        self.apps_platform = m.platform_applications
        self.platform_literacy = m.platform_literacy
        self.p_own = m.p_apply_own_occupation
        self.p_any = m.p_apply_any_occupation
        self.p_read = m.p_application_considered
        self.skill_gap = m.skill_gap_allowed
        self.screen_digital = m.screen_digital
        self.screen_language = m.screen_language
        self.occ_major = [int(x) for x in d.occupation_major]
        self.occ_skill = [int(x) for x in d.occupation_skill]
        self.occ_digital_need = [float(x) for x in d.occupation_digital_need]
        self.occ_language_need = [
            float(x) for x in m.language_need_scale * d.occupation_interactive_share
        ]
        self.neighbours = self._mobility_network(d)
        # automation
        a = cfg.automation
        self.automation_enabled = a.enabled
        self.payroll_tax = a.payroll_tax
        self.min_task_share = a.min_task_share
        self.implementation = a.implementation_share
        self.p_credit = a.p_credit
        self.augmentation_gain = a.augmentation_wage_gain
        self.attrition_months = a.attrition_months
        self.innovation = a.awareness_innovation
        self.imitation = a.awareness_imitation
        self.redeploy_share = redeploy_share(cfg)
        self.task_share = task_shares(d).tolist()
        self.subst = substitution(d, cfg).tolist()
        self.new_work = [[int(o) for o in d.new_tech_occupations.get(k, [])] for k in TECHNOLOGIES]
        self.new_jobs_per_job = [getattr(a, k).new_jobs_per_job_automated for k in TECHNOLOGIES]

    @staticmethod
    def _mobility_network(d: Any) -> list[list[tuple[int, float]]]:
        """Neighbours of each occupation and their weights (self-loops dropped, sum 1)."""
        out = []
        for o in range(d.n_occupations):
            pairs = [
                (int(d.mobility_target[j]), float(d.mobility_weight[j]))
                for j in range(d.mobility_indptr[o], d.mobility_indptr[o + 1])
                if d.mobility_target[j] != o and d.mobility_weight[j] > 0
            ]
            total = sum(w for _, w in pairs)
            out.append([(t, w / total) for t, w in pairs])
        return out

    def _copy_state(self, engine: LabourMarketModel) -> None:
        """Create one agent per firm and per labour-force worker from the engine's arrays."""
        w, f, p = engine.workers, engine.firms, engine.posts
        lf = np.flatnonzero(w.status <= IN_TRAINING)
        if (w.status[lf] == IN_TRAINING).any() or (w.benefit_months_left[lf] > 0).any():
            raise ValueError("workers in training or on benefit: run without the burn-in")
        offset = engine.tick - engine.month  # ticks of the burn-in
        demand = next(x for x in engine.mechanisms if isinstance(x, Demand))
        wages = next(x for x in engine.mechanisms if isinstance(x, Wages))
        self.vacancies_smoothed = wages.vacancies_smoothed.copy()
        self.unemployed_smoothed = wages.unemployed_smoothed.copy()
        self.tightness_initial = wages.tightness_initial.copy()
        firms = [
            FirmAgent(
                self,
                region=int(f.region[i]),
                sector=int(f.sector[i]),
                cost_multiplier=float(f.cost_multiplier[i]),
                credit_constrained=bool(f.credit_constrained[i]),
                aware=[bool(x) for x in f.aware[i]],
            )
            for i in range(f.n)
        ]
        posts = []
        for k in range(p.n):
            firm = firms[int(p.firm[k])]
            post = _new_post(
                firm,
                int(p.occupation[k]),
                jobs_base=float(p.jobs_base[k]),
                jobs_base_initial=float(p.jobs_base_initial[k]),
                rounding_draw=float(p.rounding_draw[k]),
                jobs_desired=int(p.jobs_desired[k]),
                filled=int(p.filled[k]),
                wage_offer=float(p.wage_offer[k]),
                job_cost_initial=float(demand.job_cost_initial[k]),
                automated_share=float(p.automated_share[k]),
                adopted=[int(t) - offset if t >= 0 else -1 for t in p.adopted[k]],
                attrition_until=(
                    int(p.attrition_until[k]) - offset if p.attrition_until[k] >= 0 else -1
                ),
                informal=bool(p.informal[k]),
            )
            firm.add_post(post)
            posts.append(post)
        for i in lf:
            post = posts[int(w.post[i])] if w.status[i] == EMPLOYED else None
            worker = WorkerAgent(
                self,
                status=int(w.status[i]),
                employer=None if post is None else post["firm"],
                region=int(w.region[i]),
                occupation=int(w.occupation[i]),
                skill=int(w.skill_recognised[i]),
                digital_literacy=float(w.digital_literacy[i]),
                language=float(w.language[i]),
                regular=bool(w.legal_status[i] == REGULAR),
                wage=float(w.wage[i]),
                reservation_wage=float(w.reservation_wage[i]),
                productivity=float(w.productivity[i]),
                months_in_status=int(w.months_in_status[i]),
            )
            if post is not None:
                post["workers"][worker] = None
        self.total_jobs_initial = max(sum(q["jobs_base_initial"] for q in posts), 1e-9)
        self.jobs_automated = sum(q["jobs_base_initial"] * q["automated_share"] for q in posts)

    # ---- the month ---------------------------------------------------------------------
    def step(self) -> None:
        """Simulate one month: automation, demand, displacement, separations, matching, wages."""
        self.month += 1
        self.flows = dict.fromkeys(FLOWS, 0)
        workers = self.agents_by_type[WorkerAgent]
        firms = self.agents_by_type[FirmAgent]
        t = self.month
        self.allowed = self._allowed(t)
        self.hurdle = hurdle_costs(self.cfg, t).tolist()
        self.demand_growth = (1.0 + self.cfg.demand.trend_growth_annual) ** (t / 12.0)
        self.productivity_growth = (1.0 + self.cfg.wages.trend_growth_annual) ** (t / 12.0)

        if self.automation_enabled:
            self.adoptions = []
            firms.shuffle_do("decide_automation")
            self.flows["adoptions"] = len(self.adoptions)
            self._measure_adopters()
            firms.shuffle_do("learn_technologies")
            self._reinstate()
        firms.do("set_desired_jobs")
        if self.automation_enabled:
            firms.shuffle_do("displace")
        workers.shuffle_do("quit")
        firms.shuffle_do("lay_off")
        self.board = VacancyBoard(self)
        self.applications = []
        workers.shuffle_do("search")
        self._hire()
        self._wage_factors()
        firms.do("update_offers")
        workers.do("end_month")
        self.datacollector.collect(self)

    def _allowed(self, month: int) -> list[list[bool]]:
        """``allowed[k][major]``: regulation lets technology ``k`` into the major group."""
        out = []
        for name in TECHNOLOGIES:
            t = getattr(self.cfg.automation, name)
            row = [False] * 10
            if month >= t.available_from_month:
                row = [False] + [True] * 9
                for major in t.banned_majors:
                    row[major] = False
                if month < t.delayed_until_month:
                    for major in t.delayed_majors:
                        row[major] = False
            out.append(row)
        return out

    def _measure_adopters(self) -> None:
        """Share of firms of each region x sector that use each technology."""
        counts: dict[tuple[int, int], list[int]] = {}
        for firm in self.agents_by_type[FirmAgent]:
            c = counts.setdefault((firm.region, firm.sector), [0] * (N_TECH + 1))
            c[N_TECH] += 1
            for k in range(N_TECH):
                c[k] += firm.uses[k]
        self.adopter_share = {
            cell: [c[k] / c[N_TECH] for k in range(N_TECH)] for cell, c in counts.items()
        }

    def _reinstate(self) -> None:
        """New work of this month's adoptions: jobs in new-technology occupations.

        Each adoption adds ``new_jobs_per_job_automated`` times its automated jobs to the
        largest post of a new-work occupation (drawn uniformly) in the firm's region; if
        the region has no such post, the adopting firm opens one (also when it gets no
        jobs, as the engine does). A new post offers the occupation's mean offer, or 1.2
        times the adopter's if the occupation has no post anywhere.
        """
        missing: dict[tuple[FirmAgent, int], list] = {}
        for firm, post, k, jobs in self.adoptions:
            if not self.new_work[k]:
                continue
            o = self.new_work[k][int(self.random.random() * len(self.new_work[k]))]
            new = jobs * self.new_jobs_per_job[k]
            cell = self.posts_by_cell.get((firm.region, o))
            if cell:
                # The largest post of the cell (the first one on ties).
                max(cell, key=lambda q: q["jobs_base"])["jobs_base"] += new
            else:
                entry = missing.setdefault((firm, o), [0.0, post])
                entry[0] += new
        offers = {  # taken before any post opens
            o: sum(q["wage_offer"] for q in self.posts_by_occupation[o])
            / len(self.posts_by_occupation[o])
            for _, o in missing
            if o in self.posts_by_occupation
        }
        for (firm, o), (jobs, adopter) in missing.items():
            offer = offers[o] if o in offers else 1.2 * adopter["wage_offer"]
            firm.add_post(
                _new_post(
                    firm,
                    o,
                    jobs_base=jobs,
                    jobs_base_initial=0.0,
                    rounding_draw=self.random.random(),
                    jobs_desired=0,
                    filled=0,
                    wage_offer=offer,
                    job_cost_initial=max(offer, self.minimum_wage_data),
                )
            )

    def _hire(self) -> None:
        """Random serial dictatorship over the valid applications of the month."""
        self.random.shuffle(self.applications)
        for worker, post in self.applications:
            if worker.status == UNEMPLOYED and post["filled"] < post["jobs_desired"]:
                worker.take_job(post)
                self.flows["hires"] += 1
        self.applications = []

    def _wage_factors(self) -> None:
        """Wage factor of each (region, major group) cell from its smoothed tightness."""
        n = self.n_regions * 9
        v, u = np.zeros(n), np.zeros(n)
        for firm in self.agents_by_type[FirmAgent]:
            for post in firm.posts.values():
                gap = post["jobs_desired"] - post["filled"]
                if gap > 0:
                    v[firm.region * 9 + self.occ_major[post["occupation"]] - 1] += gap
        for worker in self.agents_by_type[WorkerAgent]:
            if worker.status == UNEMPLOYED:
                u[worker.region * 9 + self.occ_major[worker.occupation] - 1] += 1.0
        a = self.tightness_smoothing
        self.vacancies_smoothed = (1 - a) * self.vacancies_smoothed + a * v
        self.unemployed_smoothed = (1 - a) * self.unemployed_smoothed + a * u
        tightness = (self.vacancies_smoothed + 0.5) / (self.unemployed_smoothed + 0.5)
        log_change = (
            np.clip(
                self.wage_flexibility * np.log(tightness / self.tightness_initial),
                -self.max_monthly_change,
                self.max_monthly_change,
            )
            + np.log1p(self.cfg.wages.trend_growth_annual) / 12.0
        )
        self.wage_factor = np.exp(log_change).tolist()

    # ---- data --------------------------------------------------------------------------
    def unemployment_rate(self) -> float:
        """Unemployed / labour force (all agents carry the same weight)."""
        workers = self.agents_by_type[WorkerAgent]
        unemployed = sum(1 for w in workers if w.status == UNEMPLOYED)
        return unemployed / max(len(workers), 1)

    def automation_share(self) -> float:
        """Share of month-0 job-equivalents automated away (the engine's definition).

        The posts' automated shares weighted by their month-0 desired jobs; the sum is
        kept up to date at each adoption.
        """
        return self.jobs_automated / self.total_jobs_initial

    def release(self) -> None:
        """Remove the agents and Mesa 3.3.1's class-level id registry entry of this model."""
        self.remove_all_agents()
        mesa.Agent._ids.pop(self, None)


def _flow(model: ReferenceModel, name: str) -> int:
    """DataCollector reporter: this month's flow ``name`` (agents)."""
    return model.flows[name]


def run_reference(
    engine_model: LabourMarketModel,
    months: int,
    cfg: LabsimConfig | None = None,
    seed: int | None = None,
) -> pd.DataFrame:
    """Run the reference for ``months`` from an engine model's month-0 state.

    Parameters
    ----------
    engine_model : LabourMarketModel
        At month 0; not modified.
    months : int
        Months to simulate.
    cfg : LabsimConfig, optional
        Rules and parameters (default ``engine_model.cfg``).
    seed : int, optional
        Seed of the reference's generators (default the engine's seed).

    Returns
    -------
    pandas.DataFrame
        ``month`` (0 .. months), ``unemployment_rate`` and ``automation_share``.
    """
    model = ReferenceModel.from_engine(engine_model, cfg=cfg, seed=seed)
    for _ in range(months):
        model.step()
    out = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    model.release()
    return out[["month", "unemployment_rate", "automation_share"]]


def core_config(scale: float, months: int, seed: int) -> LabsimConfig:
    """The baseline scenario with :data:`CORE_OVERRIDES` at ``scale``, ``months``, ``seed``."""
    return compose_config(
        "baseline", scale=scale, seed=seed, horizon_months=months, **CORE_OVERRIDES
    )


def time_once(scale: float, months: int, seed: int) -> dict[str, float]:
    """Time the reference's and the engine's months on one population.

    Both start from the same engine month-0 state; population generation (the engine's
    ``__init__``, the reference's copy into agents) is excluded from the month times.

    Returns
    -------
    dict
        Seconds of the months of both, the reference's set-up seconds, and the numbers
        of labour-force workers and firms.
    """
    engine = LabourMarketModel(core_config(scale, months, seed))
    t0 = time.perf_counter()
    reference = ReferenceModel.from_engine(engine)
    t1 = time.perf_counter()
    for _ in range(months):
        reference.step()
    t2 = time.perf_counter()
    n_workers = len(reference.agents_by_type[WorkerAgent])
    n_firms = len(reference.agents_by_type[FirmAgent])
    reference.release()
    t3 = time.perf_counter()
    engine.run_model()
    t4 = time.perf_counter()
    engine.release_agents()
    return {
        "reference_setup_s": t1 - t0,
        "reference_s": t2 - t1,
        "engine_s": t4 - t3,
        "workers": n_workers,
        "firms": n_firms,
    }


def main(argv: list[str] | None = None) -> None:
    """Print agent-months per second of the reference and the engine, and the speed-up.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.002, 0.01])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    # Warm-up: load every kernel from the numba cache (compile it if the cache is cold).
    warm = LabourMarketModel(core_config(0.0005, 2, args.seed))
    warm.run_model()
    warm.release_agents()

    print(
        f"{args.months} months, seed {args.seed}, best of {args.repeats}; agent-months = "
        "labour-force workers x months (firms not counted); population generation excluded"
    )
    results = []
    for scale in args.scales:
        runs = [time_once(scale, args.months, args.seed) for _ in range(args.repeats)]
        ref_s = min(r["reference_s"] for r in runs)
        eng_s = min(r["engine_s"] for r in runs)
        workers, firms = runs[0]["workers"], runs[0]["firms"]
        agent_months = workers * args.months
        print(f"scale {scale}: {workers} labour-force workers, {firms} firms")
        print(
            f"  Mesa reference: {ref_s:8.3f} s  {agent_months / ref_s:12,.0f} agent-months/s"
            f"  (copy into agents {min(r['reference_setup_s'] for r in runs):.3f} s)"
        )
        print(f"  array engine  : {eng_s:8.3f} s  {agent_months / eng_s:12,.0f} agent-months/s")
        print(f"  engine speed-up per agent-month: {ref_s / eng_s:,.1f}x")
        results.append(
            {
                "scale": scale,
                "months": args.months,
                "workers": workers,
                "firms": firms,
                "reference_s": ref_s,
                "engine_s": eng_s,
                "reference_agent_months_per_s": agent_months / ref_s,
                "engine_agent_months_per_s": agent_months / eng_s,
                "speed_up": ref_s / eng_s,
            }
        )
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.json.with_name(args.json.name + ".tmp")
        payload = {"seed": args.seed, "repeats": args.repeats, "cores": os.cpu_count()}
        tmp.write_text(json.dumps({**payload, "scales": results}, indent=1))
        tmp.replace(args.json)


if __name__ == "__main__":
    main()
