"""The Mesa model: owns the state arrays, orders the mechanisms of a month, collects data.

A month (one :meth:`LabourMarketModel.step`) runs, in order:

0. (before month 0 only) a burn-in of ``population.burn_in_months`` with wages held
   and no technology change;
1. scheduled policy changes that start this month;
2. ``Automation`` -- posts adopt technologies where they pay; awareness spreads;
3. ``NewJobs`` -- reinstatement jobs, productivity effect and sector trends;
4. ``Demand`` -- business cycle, local shocks and sector indices set desired jobs;
5. ``Displacement`` -- automation cuts whose attrition wait ended: redeployment or
   layoff; augmentation wage gains;
6. ``Separations`` -- quits, then layoffs where posts want fewer jobs;
7. ``Benefits`` -- new claims of those who lost a job, payments, exhaustion;
8. ``Matching`` -- unemployed and on-the-job searchers apply; posts hire;
9. ``Reskilling`` -- courses that are due end; new trainees are admitted within the
   regions' places and the budget;
10. ``Migration`` -- moves between regions, foreign migrants return and arrive, kandas
   arrive, residents emigrate (from month 1; the burn-in only measures flows);
11. ``Inclusion`` -- digital-inclusion courses, recognition of prior learning and
    regularisation of migrants;
12. ``Wages`` -- wages follow tightness; the minimum wage floors them;
13. accounting -- months in status advance, displaced and retrained workers are
    followed until re-employed, the accounts are checked, data (with the public
    budget's costs and revenues, :mod:`sim.fiscal`) collected.
"""

from __future__ import annotations

import copy
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig

from sim.accounting import (
    GINI_BINS,
    N_STATUS,
    aggregate_posts,
    aggregate_workers,
    check_accounts,
    gini_from_histogram,
    track_reemployment,
)
from sim.config import TECHNOLOGIES, LabsimConfig, to_config
from sim.data import GROUPS, Dataset, load_dataset
from sim.fiscal import FISCAL_COLUMNS, fiscal_flows
from sim.mechanisms.automation import Automation, Displacement, technology_costs
from sim.mechanisms.benefits import Benefits
from sim.mechanisms.demand import Demand
from sim.mechanisms.inclusion import Inclusion
from sim.mechanisms.matching import Matching
from sim.mechanisms.migration import Migration
from sim.mechanisms.new_jobs import NewJobs
from sim.mechanisms.reskilling import Reskilling
from sim.mechanisms.separations import Separations
from sim.mechanisms.wages import Wages, apply_minimum_wage, calibrate_wage_level
from sim.mesa_core import Agent, DataCollector, Model
from sim.state import (
    EMPLOYED,
    IN_TRAINING,
    LONG_TERM_MONTHS,
    STATUS_NAMES,
    UNEMPLOYED,
    generate_population,
)

NATIONAL_COLUMNS = (
    "labour_force",
    "employed",
    "unemployed",
    "in_training",
    "unemployment_rate",
    "vacancies",
    "vacancy_rate",
    "displaced",
    "displaced_cum",
    "redeployed",
    "redeployed_cum",
    "jobs_automated",
    "jobs_automated_cum",
    "reskilled_cum",
    "new_jobs_cum",
    "new_jobs_reinstatement_cum",
    "new_jobs_productivity_cum",
    "new_jobs_trend_cum",
    "automation_share",
    "mean_wage",
    "internal_moves",
    "migration_moves",
    "immigrants",
    "foreign_arrivals",
    "irregular_arrivals",
    "kandas_arrivals",
    "returns",
    "emigrants",
    "foreign_migrants",
    "irregular_migrants",
    "digital_courses",
    "recognitions",
    "regularisations",
    "hires_from_unemployment",
    "job_to_job",
    "occupation_changes",
    "quits",
    "layoffs",
    "demand_index",
    "long_term_unemployed",
    "displaced_long_term_unemployed",
    "displaced_jobless_12m",
    "benefit_claims",
    "benefit_recipients",
    "training_places",
    "training_starts",
    "training_starts_employed",
    "training_completions",
    "reskilled",
    "reemployed_after_training_cum",
    "wage_gini",
    *FISCAL_COLUMNS,
)
_FLOWS = (
    "displaced",
    "redeployed",
    "internal_moves",
    "migration_moves",
    "immigrants",
    "foreign_arrivals",
    "irregular_arrivals",
    "kandas_arrivals",
    "returns",
    "emigrants",
    "foreign_migrants",
    "irregular_migrants",
    "digital_courses",
    "recognitions",
    "regularisations",
    "hires_from_unemployment",
    "job_to_job",
    "occupation_changes",
    "quits",
    "layoffs",
    "benefit_claims",
    "benefit_recipients",
    "training_places",
    "training_starts",
    "training_starts_employed",
    "training_completions",
    "reskilled",
)


# Flows by group that mechanisms report in persons already (the others are in agents).
PERSONS_BY_GROUP = ("displaced_cum", "reskilled_cum")


class LabourMarketModel(Model):
    """Regional labour market of Kazakhstan (or another embedded dataset).

    Parameters
    ----------
    cfg : LabsimConfig or DictConfig
        The run's configuration; validated here.
    data : Dataset, optional
        Pre-loaded data (else loaded from ``cfg.population.data_dir``).

    Attributes
    ----------
    workers, firms, posts
        Columnar state (see :mod:`sim.state`).
    month : int
        Months simulated so far (0 = initial state).
    datacollector : mesa.DataCollector
        Collects the national series each month.
    """

    def __init__(self, cfg: LabsimConfig | DictConfig, data: Dataset | None = None) -> None:
        cfg = to_config(cfg)
        super().__init__(seed=cfg.seed)
        # The schedule mutates parameters; keep the caller's object untouched.
        self.cfg = copy.deepcopy(cfg)
        self.data = data or load_dataset(cfg.population.data_dir, cfg.population.occupation_level)
        self.workers, self.firms, self.posts = generate_population(self.data, self.cfg)
        self.n_agents = self.workers.n
        self.person_weight = 1.0 / self.cfg.scale  # persons per agent
        self.month = 0
        self.tick = 0  # months simulated including burn-in; keys the random draws
        self.burning_in = True
        self.minimum_wage_data = float(
            self.data.targets.get("minimum_wage", self.cfg.wages.minimum_wage)
        )
        self.start = pd.Period(cfg.start, freq="M")
        self.flows: dict[str, float] = {}
        automation = Automation(self)
        self.new_jobs = NewJobs(self, automation)
        matching = Matching(self)
        self.migration = Migration(self, matching)
        self.mechanisms = [
            automation,
            self.new_jobs,
            Demand(self, self.new_jobs),
            Displacement(self, automation),
            Separations(self),
            Benefits(self),
            matching,
            self.migration,
            Reskilling(self, matching),
            Inclusion(self),
            Wages(self),
        ]
        self._views: list[Agent] = []
        # Employed persons and wages by log-wage bin, refilled each month (wage Gini).
        self._wage_count = np.zeros(GINI_BINS)
        self._wage_pay = np.zeros(GINI_BINS)

        horizon = cfg.horizon_months
        n_reg, n_occ, n_grp = self.data.n_regions, self.data.n_occupations, len(GROUPS)
        self.region_status = np.zeros((horizon + 1, n_reg, N_STATUS))
        self.region_wage = np.zeros((horizon + 1, n_reg))
        self.region_vacancies = np.zeros((horizon + 1, n_reg))
        self.occupation_status = np.zeros((horizon + 1, n_occ, N_STATUS))
        self.occupation_wage = np.zeros((horizon + 1, n_occ))
        self.occupation_vacancies = np.zeros((horizon + 1, n_occ))
        self.group_status = np.zeros((horizon + 1, n_grp, N_STATUS))
        self.group_wage = np.zeros((horizon + 1, n_grp))
        # Cumulative by group (persons; search and re-employment months person-months).
        self.group_flows = {
            name: np.zeros((horizon + 1, n_grp))
            for name in (
                "displaced_cum",
                "reemployed_cum",
                "displaced_search_months_cum",
                "months_to_reemployment_cum",
                "arrivals_cum",
                "departures_cum",
                "reskilled_cum",
                "reemployed_after_training_cum",
            )
        }
        # Stocks by group (persons), taken at each month's end.
        self.group_stocks = {
            name: np.zeros((horizon + 1, n_grp))
            for name in (
                "long_term_unemployed",
                "displaced_long_term_unemployed",
                "displaced_jobless_12m",
            )
        }
        self._group_running = {name: np.zeros(n_grp) for name in self.group_flows}
        # Moves between regions per simulation year (months 1-12 = year 1), persons.
        self.moves_od = np.zeros((max(1, -(-horizon // 12)), n_reg, n_reg))
        n_tech = len(TECHNOLOGIES)
        self.region_automation = np.zeros((horizon + 1, n_reg))  # automated job-equivalents
        self.region_jobs_initial = np.ones(n_reg)
        self.region_displaced = np.zeros((horizon + 1, n_reg))
        self.occupation_automation = np.zeros((horizon + 1, n_occ))
        self.occupation_jobs_initial = np.ones(n_occ)
        self.tech_adopted = np.zeros((horizon + 1, n_tech, n_reg))  # job-equivalents of posts
        self.tech_firms_adopting = np.zeros((horizon + 1, n_tech, n_reg))
        self.tech_firms_aware = np.zeros((horizon + 1, n_tech, n_reg))
        self.region_firms = np.ones(n_reg)
        self.national: dict[str, float] = {}
        self._cumulative = {
            "displaced_cum": 0.0,
            "redeployed_cum": 0.0,
            "jobs_automated_cum": 0.0,
            "reskilled_cum": 0.0,
        }
        self.datacollector = DataCollector(
            model_reporters={
                "month": "month",
                **{c: partial(_national_value, column=c) for c in NATIONAL_COLUMNS},
            }
        )
        # Burn-in: the same month loop with wages held and the data's minimum wage, so
        # that month 0 starts from settled flows (vacancy stock, unemployment durations)
        # rather than from the data's snapshot. Wage levels are then recalibrated to the
        # data, and the scenario's minimum wage takes effect at month 0.
        for _ in range(cfg.population.burn_in_months):
            self._advance()
        calibrate_wage_level(self)
        self.burning_in = False
        apply_minimum_wage(self)
        self.posts.jobs_base_initial[:] = self.posts.jobs_base
        self.region_jobs_initial = np.maximum(
            np.bincount(self.posts.region, self.posts.jobs_base_initial, n_reg), 1e-9
        )
        self.occupation_jobs_initial = np.maximum(
            np.bincount(self.posts.occupation, self.posts.jobs_base_initial, n_occ), 1e-9
        )
        self.region_firms = np.maximum(np.bincount(self.firms.region, minlength=n_reg), 1)
        for mechanism in self.mechanisms:
            if hasattr(mechanism, "on_start"):
                mechanism.on_start(self)
        self.flows = {}
        self._collect()

    @property
    def minimum_wage(self) -> float:
        """The wage floor in force (KZT per month): the data's during the burn-in."""
        return self.minimum_wage_data if self.burning_in else self.cfg.wages.minimum_wage

    # ---- the month ---------------------------------------------------------------------
    def step(self) -> None:
        """Simulate one month."""
        if self.month >= self.cfg.horizon_months:
            raise RuntimeError(f"the run already reached horizon_months={self.month}")
        self.month += 1
        self._apply_schedule()
        self._advance()
        self._collect()

    def _advance(self) -> None:
        self.tick += 1
        self.flows = {}
        for mechanism in self.mechanisms:
            mechanism.step(self)
        self.workers.months_in_status += 1
        if not self.burning_in:
            run = self._group_running
            track_reemployment(
                self.workers.status,
                self.workers.group,
                self.workers.ti_displaced,
                self.workers.weight,
                self.month,
                run["displaced_search_months_cum"],
                run["reemployed_cum"],
                run["months_to_reemployment_cum"],
                self.workers.retrained,
                run["reemployed_after_training_cum"],
            )
        check_accounts(self.workers, self.posts, self.n_agents)

    def run_model(self) -> None:
        """Simulate until ``horizon_months``."""
        while self.month < self.cfg.horizon_months:
            self.step()

    def _apply_schedule(self) -> None:
        for change in self.cfg.schedule:
            if change.month == self.month:
                *path, name = change.key.split(".")
                node = self.cfg
                for part in path:
                    node = getattr(node, part)
                setattr(node, name, type(getattr(node, name))(change.value))

    def on_posts_added(self, n_new: int) -> None:
        """Tell the mechanisms that keep per-post arrays that ``n_new`` posts were added."""
        for mechanism in self.mechanisms:
            if hasattr(mechanism, "on_posts_added"):
                mechanism.on_posts_added(self, n_new)

    # ---- data collection ---------------------------------------------------------------
    def _collect(self) -> None:
        t = self.month
        w, p = self.workers, self.posts
        self._wage_count[:] = 0.0
        self._wage_pay[:] = 0.0
        stocks = self.group_stocks
        formal_wage_bill, irregular = aggregate_workers(
            w.status,
            w.region,
            w.occupation,
            w.group,
            w.wage,
            w.weight,
            w.post,
            p.informal,
            w.legal_status,
            w.months_in_status,
            w.ti_displaced,
            t,
            LONG_TERM_MONTHS,
            self.region_status[t],
            self.region_wage[t],
            self.occupation_status[t],
            self.occupation_wage[t],
            self.group_status[t],
            self.group_wage[t],
            self._wage_count,
            self._wage_pay,
            stocks["long_term_unemployed"][t],
            stocks["displaced_long_term_unemployed"][t],
            stocks["displaced_jobless_12m"][t],
        )
        weight = float(w.weight[0]) if w.n else 0.0
        vac = p.vacancies.astype(np.float64) * weight
        # Only the few posts with vacancies: adding their zeros would change no sum.
        open_posts = np.flatnonzero(vac > 0)
        open_vac = vac[open_posts]
        self.region_vacancies[t] = np.bincount(
            p.region[open_posts], weights=open_vac, minlength=self.data.n_regions
        )
        self.occupation_vacancies[t] = np.bincount(
            p.occupation[open_posts], weights=open_vac, minlength=self.data.n_occupations
        )
        totals = self.region_status[t].sum(axis=0)
        employed, unemployed = totals[EMPLOYED], totals[UNEMPLOYED]
        labour_force = employed + unemployed + totals[IN_TRAINING]
        vacancies = float(vac.sum())
        row = {
            "labour_force": labour_force,
            "employed": employed,
            "unemployed": unemployed,
            "in_training": totals[IN_TRAINING],
            "unemployment_rate": unemployed / labour_force if labour_force else 0.0,
            "vacancies": vacancies,
            "vacancy_rate": vacancies / (vacancies + employed) if employed else 0.0,
            "automation_share": self._collect_automation(t),
            "mean_wage": self.region_wage[t].sum() / employed if employed else 0.0,
            "demand_index": self.flows.get("demand_index", 1.0),
        }
        for name in _FLOWS:
            row[name] = float(self.flows.get(name, 0)) * weight
        row["long_term_unemployed"] = float(stocks["long_term_unemployed"][t].sum())
        row["displaced_long_term_unemployed"] = float(
            stocks["displaced_long_term_unemployed"][t].sum()
        )
        row["displaced_jobless_12m"] = float(stocks["displaced_jobless_12m"][t].sum())
        row["wage_gini"] = gini_from_histogram(self._wage_count, self._wage_pay)
        row.update(fiscal_flows(self, formal_wage_bill, row["in_training"]))
        row["jobs_automated"] = self.flows.get("jobs_automated", 0.0)
        self._cumulative["displaced_cum"] += row["displaced"]
        self._cumulative["redeployed_cum"] += row["redeployed"]
        self._cumulative["jobs_automated_cum"] += row["jobs_automated"]
        self._cumulative["reskilled_cum"] += row["reskilled"]
        row.update(self._cumulative)
        for source in ("reinstatement", "productivity", "trend"):
            row[f"new_jobs_{source}_cum"] = self.new_jobs.cumulative[source]
        row["new_jobs_cum"] = sum(self.new_jobs.cumulative.values())
        run = self._group_running
        for name, source in (
            ("displaced_cum", "displaced_by_group"),
            ("arrivals_cum", "arrivals_by_group"),
            ("departures_cum", "departures_by_group"),
            ("reskilled_cum", "reskilled_by_group"),
        ):
            value = self.flows.get(source)
            if value is not None:
                run[name] += value * (1.0 if name in PERSONS_BY_GROUP else weight)
        row["reemployed_after_training_cum"] = float(run["reemployed_after_training_cum"].sum())
        for name, values in run.items():
            self.group_flows[name][t] = values
        moves = self.flows.get("moves_od")
        if moves is not None and t > 0:
            self.moves_od[(t - 1) // 12] += moves * weight
        foreign = self.group_status[t, GROUPS.index("foreign_migrant")]
        row["foreign_migrants"] = foreign[EMPLOYED] + foreign[UNEMPLOYED] + foreign[IN_TRAINING]
        row["irregular_migrants"] = float(irregular) * weight
        self.region_displaced[t] = (
            self.region_displaced[t - 1] if t > 0 else 0.0
        ) + self._region_flow("displaced_by_region")
        self.national = row
        self.datacollector.collect(self)

    def _region_flow(self, name: str) -> np.ndarray:
        value = self.flows.get(name)
        return np.zeros(self.data.n_regions) if value is None else value

    def _collect_automation(self, t: int) -> float:
        """Automation shares and technology adoption of month ``t``; returns the national share.

        The automation share is the share of month-0 job-equivalents whose tasks are
        automated away (posts' automated shares weighted by their month-0 desired jobs).
        """
        p, f = self.posts, self.firms
        aggregate_posts(
            p.region,
            p.occupation,
            p.jobs_base_initial,
            p.automated_share,
            p.adopted,
            f.region,
            f.aware,
            f.adopted,
            self.region_automation[t],
            self.occupation_automation[t],
            self.tech_adopted[t],
            self.tech_firms_adopting[t],
            self.tech_firms_aware[t],
        )
        # The national share from numpy's pairwise float32 sums (a running sum in the
        # kernel would round differently).
        automated = p.jobs_base_initial * p.automated_share
        return float(automated.sum() / max(p.jobs_base_initial.sum(), 1e-9))

    def technology_cost(self, month: int) -> np.ndarray:
        """Cost per job-equivalent of each technology in ``month`` (KZT per month)."""
        return technology_costs(self.cfg, month)

    # ---- agent views -------------------------------------------------------------------
    def worker_agent(self, index: int) -> WorkerAgent:
        """A Mesa agent that reads and writes worker ``index``'s row (made on demand)."""
        if not 0 <= index < self.workers.n:
            raise IndexError(f"worker {index} does not exist (0 .. {self.workers.n - 1})")
        agent = WorkerAgent(self, index)
        self._views.append(agent)
        return agent

    def firm_agent(self, index: int) -> FirmAgent:
        """A Mesa agent that reads firm ``index``'s row and its posts (made on demand)."""
        if not 0 <= index < self.firms.n:
            raise IndexError(f"firm {index} does not exist (0 .. {self.firms.n - 1})")
        agent = FirmAgent(self, index)
        self._views.append(agent)
        return agent

    def release_agents(self) -> None:
        """Remove agent views (Mesa 3.3.1 keeps a class-level registry of them)."""
        for agent in self._views:
            agent.remove()
        self._views.clear()
        Agent._ids.pop(self, None)


def _national_value(model: LabourMarketModel, column: str) -> float:
    """DataCollector reporter: one national figure of the current month."""
    return model.national[column]


class WorkerAgent(Agent):
    """A view of one worker's row in the columnar state; it stores nothing itself."""

    def __init__(self, model: LabourMarketModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    def __getattr__(self, name: str) -> Any:
        workers = self.__dict__.get("model", None)
        if workers is not None and hasattr(workers.workers, name):
            return getattr(workers.workers, name)[self.index]
        raise AttributeError(name)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[int(self.model.workers.status[self.index])]

    @property
    def region_name(self) -> str:
        return self.model.data.region_names[int(self.model.workers.region[self.index])]

    @property
    def occupation_code(self) -> str:
        return self.model.data.occupation_codes[int(self.model.workers.occupation[self.index])]

    @property
    def group_name(self) -> str:
        return GROUPS[int(self.model.workers.group[self.index])]


class FirmAgent(Agent):
    """A view of one firm's row and of its posts (jobs by occupation)."""

    def __init__(self, model: LabourMarketModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def region_name(self) -> str:
        return self.model.data.region_names[int(self.model.firms.region[self.index])]

    @property
    def sector_code(self) -> str:
        return self.model.data.sectors[int(self.model.firms.sector[self.index])]

    def posts(self) -> dict[str, tuple[int, int, float]]:
        """Occupation code -> (filled jobs, vacancies, wage offer in KZT/month), in agents."""
        p = self.model.posts
        idx = np.flatnonzero(p.firm == self.index)
        vac = p.vacancies
        codes = self.model.data.occupation_codes
        return {
            codes[int(p.occupation[k])]: (int(p.filled[k]), int(vac[k]), float(p.wage_offer[k]))
            for k in idx
        }
