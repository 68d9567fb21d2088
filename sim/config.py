"""Typed configuration of a run, registered in Hydra's ConfigStore, and its validation.

Every parameter carries its unit in the comment next to it. The YAML files in the
top-level ``scenarios/`` folder fill these dataclasses; Hydra rejects unknown keys and
wrong types, and :func:`validate` rejects values outside their allowed range, naming
the key and what is allowed, before anything is built or written.
"""

from __future__ import annotations

import copy
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, ListConfig, OmegaConf

OCCUPATION_LEVELS = ("unit", "minor", "sub_major", "major")


class ConfigError(ValueError):
    """A configuration value is outside what the model allows."""


@dataclass
class PopulationConfig:
    """How the synthetic population is drawn from the embedded data."""

    occupation_level: str = "unit"  # ISCO-08 level: unit (4-digit), minor, sub_major, major
    data_dir: str | None = None  # folder with the default tables; None = embedded default
    firm_size_exponent: float = 2.0  # Pareto tail exponent of firm size (Zipf ~ 2.0 in PDF)
    firm_size_max: int = 20000  # largest firm, jobs (persons, before scaling)
    wage_sigma_within_cell: float = 0.7  # sd of log wage in a region x occupation cell; gives
    # the BNS 2023 median/mean wage ratio 251,356 / 364,295 = 0.69
    vacancy_rate_initial: float = 0.002  # desired jobs above filled jobs at month 0, fraction
    burn_in_months: int = 12  # months run before month 0 with wages held, to settle flows


@dataclass
class DemandConfig:
    """Labour demand: business-cycle and region-sector shocks to desired jobs."""

    cycle_persistence: float = 0.95  # AR(1) coefficient of the national log demand index, monthly
    cycle_volatility: float = 0.003  # sd of monthly innovation of the national log demand index
    local_persistence: float = 0.9  # AR(1) coefficient of region x sector log demand
    local_volatility: float = 0.003  # sd of monthly innovation of region x sector log demand
    trend_growth_annual: float = 0.0  # exogenous growth of desired jobs, fraction per year
    population_elasticity: float = 0.9  # elasticity of a region's desired jobs to its labour
    # force (local demand; firms follow workers)


@dataclass
class SeparationsConfig:
    """Quits, layoffs and the adjustment of jobs to demand."""

    p_quit_to_unemployment: float = 0.007  # monthly probability an employed worker quits
    layoff_speed: float = 0.3  # share of a post's excess jobs shed by layoff each month


@dataclass
class MatchingConfig:
    """Job search and hiring."""

    applications_per_month: int = 6  # applications an unemployed searcher sends, per month
    p_on_the_job_search: float = 0.08  # monthly probability an employed worker searches
    applications_on_the_job: int = 2  # applications an on-the-job searcher sends
    p_apply_own_occupation: float = 0.5  # weight of own occupation in the target choice
    p_apply_any_occupation: float = 0.2  # probability an application ignores the network
    p_apply_other_region: float = 0.03  # probability an application goes to another region
    p_application_considered: float = 0.7  # probability a firm reads an application
    skill_gap_allowed: int = 1  # an applicant may be this many ISCO skill levels below the job
    on_the_job_min_gain: float = 0.03  # wage gain needed to change job, fraction of wage
    platform_literacy: float = 0.5  # digital literacy needed to search on the public online
    # job platform (Enbek-like); irregular migrants have no access whatever their literacy
    platform_applications: int = 2  # extra applications a month for platform users
    screen_digital: float = 1.5  # fall in the chance to pass screening per unit of digital
    # literacy below the occupation's need
    screen_language: float = 2.0  # ... per unit of language proficiency below the need
    language_need_scale: float = 1.0  # language need = this x interactive task share


@dataclass
class WagesConfig:
    """Wage setting and the floor."""

    minimum_wage: float = 85000.0  # KZT per month (from 1 Jan 2024)
    wage_flexibility: float = 0.005  # monthly log wage change per unit of log tightness gap
    max_monthly_change: float = 0.02  # cap on the monthly log wage change of a cell
    tightness_smoothing: float = 0.2  # weight of the current month in smoothed tightness
    trend_growth_annual: float = 0.0  # real wage growth of all wages and offers, per year;
    # matched by productivity, so it does not cut jobs but makes automation pay sooner
    labour_demand_elasticity: float = 0.3  # elasticity of desired jobs to the wage floor
    reservation_ratio: float = 0.8  # reservation wage / last wage at the start of unemployment
    reservation_decay: float = 0.05  # monthly decline of the reservation wage while unemployed


@dataclass
class TechnologyConfig:
    """One automation technology: its cost path, policy treatment and new work."""

    cost_initial: float = 900000.0  # KZT per month per job-equivalent of tasks, month 0
    learning_rate: float = 0.2  # fraction by which the cost falls per year
    adjustment_months: float = 6.0  # up-front adjustment cost, in months of running cost
    tax: float = 0.0  # automation tax (+) or subsidy (-), fraction of the cost
    available_from_month: int = 0  # regulation: not adoptable before this month
    banned_majors: list[int] = field(default_factory=list)  # ISCO major groups where banned
    new_jobs_per_job_automated: float = 0.1  # reinstatement: new technical jobs per job
    delayed_majors: list[int] = field(default_factory=list)  # ISCO major groups where use is
    # regulated (high-risk uses): not adoptable before ``delayed_until_month``
    delayed_until_month: int = 0  # month from which regulated uses are allowed


def _robots() -> TechnologyConfig:
    return TechnologyConfig(
        cost_initial=1200000.0,
        learning_rate=0.08,
        adjustment_months=12.0,
        new_jobs_per_job_automated=0.12,
    )


def _software() -> TechnologyConfig:
    return TechnologyConfig(
        cost_initial=900000.0,
        learning_rate=0.1,
        adjustment_months=6.0,
        new_jobs_per_job_automated=0.1,
    )


def _genai() -> TechnologyConfig:
    return TechnologyConfig(
        cost_initial=1200000.0,
        learning_rate=0.2,
        adjustment_months=3.0,
        new_jobs_per_job_automated=0.08,
    )


@dataclass
class AutomationConfig:
    """Adoption of technologies by firms, displacement and augmentation."""

    robots: TechnologyConfig = field(default_factory=_robots)  # industrial robots, machinery
    software: TechnologyConfig = field(default_factory=_software)  # software, process automation
    genai: TechnologyConfig = field(default_factory=_genai)  # generative AI
    enabled: bool = True  # False: no technology change (the no-automation steady state)
    payroll_tax: float = 0.15  # employer's social tax and contributions, fraction of wages
    payback_months: float = 36.0  # horizon over which the up-front cost must pay back
    firm_cost_sigma: float = 0.4  # sd of the log firm-specific cost multiplier
    min_task_share: float = 0.02  # tasks below this share are not worth automating
    implementation_share: float = 0.55  # share of feasible tasks automated on adoption; 0.55
    # makes full adoption automate 13% of tasks (CDLR 2025 long-run estimate)
    awareness_innovation: float = 0.01  # Bass p: monthly chance a firm learns on its own
    awareness_imitation: float = 0.5  # Bass q: times the adopting share of its region-sector
    credit_constrained_share: float = 0.3  # share of jobs in the smallest, constrained firms
    p_credit: float = 0.1  # monthly chance a constrained firm finances an adoption
    attrition_months: int = 6  # months a firm waits for quits before laying off
    redeploy_share: float = 0.2  # share of displaced workers redeployed in the firm
    substitution_automation: float = 1.0  # GenAI tasks that replace labour: automation occ.
    substitution_neither: float = 0.9  # ... occupations ILO leaves unclassified
    substitution_augmentation: float = 0.6  # ... augmentation-potential occupations
    sector_lean: float = 0.25  # substitution +lean in K, H+J, C; -lean in P, Q, R+S+T+U
    augmentation_wage_gain: float = 0.3  # wage gain per unit of augmented task share


@dataclass
class NewJobsConfig:
    """New work: productivity effect of automation and sector trends."""

    productivity_elasticity: float = 0.5  # demand growth per unit of cost savings / wage bill
    sector_trend_scale: float = 1.0  # multiplies the data's relative sector trends


@dataclass
class MigrationConfig:
    """Internal migration, foreign labour, kandas and emigration (see sim.mechanisms.migration)."""

    enabled: bool = True  # False: nobody moves, arrives or leaves (closed regions)
    horizon_months: int = 24  # months over which a worker compares expected income
    moving_cost_months: float = 4.0  # fixed cost of moving, months of home wage
    distance_cost_months: float = 2.0  # extra cost per 1,000 km, months of home wage
    family_cost_months: float = 3.0  # extra cost for workers aged 35 or more (family, housing)
    taste_scale_months: float = 6.0  # scale of the logistic personal shock, months of wage
    consider_rate: float = 0.08  # monthly chance an unemployed worker considers a move
    distance_decay: float = 1.0  # gravity: destinations considered in proportion to
    # population / distance ** decay
    displaced_consider_factor: float = 1.5  # workers displaced by automation consider moving
    # this many times as often
    relocation_subsidy: float = 0.0  # one-off grant to an unemployed mover, KZT
    calibrate: bool = True  # fit destination amenities to the data's net migration at
    # month 0 (False: amenities 0)
    foreign_quota_annual: float = 293300.0  # regular foreign labour permits per year,
    # persons (2024: 271,300 household-work + 22,000 employer permits)
    foreign_stay_months: float = 12.0  # mean stay of an employed foreign migrant, months
    foreign_return_unemployed_factor: float = 4.0  # unemployed migrants return this much faster
    permit_loss_on_job_loss: float = 0.5  # chance a foreign migrant's permit lapses with
    # the job it is tied to (they stay, irregular)
    foreign_wage_elasticity: float = 1.0  # inflow elasticity to the wage relative to origin
    foreign_irregular_share: float = 0.3  # share of foreign inflow without a permit
    quota_spillover: float = 0.5  # share of the inflow refused by the quota that comes anyway,
    # irregularly
    foreign_prearranged_job: float = 0.8  # chance an arriving migrant has a job lined up
    foreign_pool_factor: float = 1.0  # migrants abroad who may come, x initial foreign stock
    kandas_arrivals_annual: float = 16805.0  # kandas granted status per year, persons (2025)
    kandas_labour_force_share: float = 0.51  # working age 0.62 x participation 0.82
    emigration_rate_annual: float = 0.0012  # residents of the labour force emigrating a year
    emigration_unemployed_factor: float = 3.0  # long-term unemployed emigrate this much more
    emigration_income_elasticity: float = 1.0  # emigration vs regional expected income


@dataclass
class InclusionConfig:
    """Programmes for migrants: digital inclusion, recognition of prior learning, status."""

    digital_inclusion_rate: float = 0.0  # monthly share of eligible migrants enrolled in a
    # digital-skills and language course (lever; 0 = no programme)
    digital_literacy_gain: float = 0.25  # digital literacy gained on a course, 0-1 scale
    language_gain: float = 0.15  # language proficiency gained on a course, 0-1 scale
    recognition_rate: float = 0.0  # monthly chance a migrant's foreign qualification is
    # recognised (lever; 0 = no recognition of prior learning)
    regularisation_rate: float = 0.0  # monthly chance an irregular migrant is regularised
    course_cost: float = 150000.0  # public cost of one digital-skills and language course, KZT
    recognition_cost: float = 60000.0  # public cost of one recognition procedure, KZT


@dataclass
class BenefitsConfig:
    """Unemployment benefit (social payment for loss of job; see sim.mechanisms.benefits)."""

    replacement_rate: float = 0.4  # benefit / last wage (45% x contribution-length factor)
    benefit_min: float = 0.0  # KZT per month
    benefit_max: float = 267750.0  # KZT per month (45% of the 7-minimum-wage income cap)
    duration_months: int = 4  # months paid per spell (1-6 by contribution length)
    take_up: float = 0.4  # share of insured job losers who claim (registered / eligible)
    reservation_weight: float = 0.5  # reservation-wage rise per KZT of benefit while paid


@dataclass
class ReskillingConfig:
    """Public training programmes (see sim.mechanisms.reskilling); all levers."""

    capacity_per_1000: float = 0.3  # training places started a month per 1,000 labour force
    # of the region (about 35,000 a year nationally)
    budget_monthly_kzt: float = 0.0  # cap on monthly course spending, KZT; 0 = no cap
    # beyond the places
    cost_per_trainee_month: float = 100000.0  # course cost, KZT per trainee-month
    stipend: float = 42500.0  # paid to a trainee, KZT per month
    consider_rate: float = 0.1  # monthly chance an eligible unemployed worker considers
    # training
    displaced_consider_factor: float = 2.0  # displaced workers consider this many times as often
    horizon_months: int = 24  # months over which a worker compares expected income
    taste_scale_months: float = 3.0  # scale of the logistic personal shock, months of wage
    candidates: int = 8  # targets compared: the best by expected income in the region
    eligible_groups: list[str] = field(
        default_factory=lambda: ["native", "internal_migrant", "kandas"]
    )  # worker groups that may enrol (irregular migrants never)
    target_occupations: list[str] = field(default_factory=list)  # ISCO code prefixes a
    # course may lead to; empty = any occupation
    employed_at_risk: bool = False  # employed workers whose post announced an automation
    # cut may enrol (leaving the post)
    priority_target_groups: bool = True  # places go first to the displaced, the at-risk and
    # the long-term unemployed (target groups of the employment law)
    base_months: float = 2.0  # course length for the nearest occupation, months
    months_per_step: float = 1.0  # extra months per ISCO level of distance between occupations
    upgrade_months: float = 3.0  # extra months per skill level above the worker's
    success_intercept: float = -2.0  # logit of success at zero gaps; gives ~70% success
    success_digital: float = 3.0  # logit per unit of digital literacy above the target's need
    success_language: float = 2.0  # logit per unit of language above the target's need
    success_age: float = 0.3  # logit lost per 10 years of age above 35
    success_skill: float = 0.7  # logit lost per skill level the target is above the worker
    digital_gain: float = 0.1  # digital literacy gained on success, 0-1 scale
    redeployment_subsidy: float = 0.0  # share of a firm's cost of retraining a worker for
    # another post that the state pays (lever)
    redeployment_response: float = 0.5  # share of would-be layoffs redeployed at full subsidy
    redeployment_training_months: float = 3.0  # months of course a redeployment takes


@dataclass
class ScheduledChange:
    """A parameter that takes a new value from a given month (policy timing)."""

    month: int = 0  # month from which the value applies (1 = first simulated month)
    key: str = ""  # dotted parameter name, e.g. wages.minimum_wage
    value: float = 0.0  # new value, in the parameter's unit


@dataclass
class OutputConfig:
    """What a run writes."""

    figures: bool = True  # write the standard figures


@dataclass
class SweepConfig:
    """A row of a table of parameter points, applied on top of the scenario.

    Samplers that choose points one by one (SALib's Morris and Sobol designs) write them
    as a CSV file, one column per dotted parameter key and one row per point; a sweep
    over ``sweep.row=range(0,N)`` then runs every point through any Hydra launcher.
    """

    samples: str | None = None  # CSV of parameter points; None = no sample applied
    row: int = 0  # 0-based data row of ``samples`` applied to this run


@dataclass
class LabsimConfig:
    """The whole configuration of one run."""

    scenario_name: str = "baseline"
    description: str = ""
    seed: int = 1
    scale: float = 0.01  # agents per person in the real population (0.0005 <= scale <= 1)
    horizon_months: int = 120  # months simulated after month 0
    start: str = "2024-01"  # calendar month of month 0, YYYY-MM
    population: PopulationConfig = field(default_factory=PopulationConfig)
    demand: DemandConfig = field(default_factory=DemandConfig)
    separations: SeparationsConfig = field(default_factory=SeparationsConfig)
    matching: MatchingConfig = field(default_factory=MatchingConfig)
    wages: WagesConfig = field(default_factory=WagesConfig)
    automation: AutomationConfig = field(default_factory=AutomationConfig)
    new_jobs: NewJobsConfig = field(default_factory=NewJobsConfig)
    migration: MigrationConfig = field(default_factory=MigrationConfig)
    inclusion: InclusionConfig = field(default_factory=InclusionConfig)
    benefits: BenefitsConfig = field(default_factory=BenefitsConfig)
    reskilling: ReskillingConfig = field(default_factory=ReskillingConfig)
    schedule: list[ScheduledChange] = field(default_factory=list)
    output: OutputConfig = field(default_factory=OutputConfig)
    sweep: SweepConfig = field(default_factory=SweepConfig)


def register_configs() -> None:
    """Register the structured schema so YAML files are checked against it."""
    cs = ConfigStore.instance()
    cs.store(name="labsim_schema", node=LabsimConfig)


# (key, lower, upper, lower_inclusive, upper_inclusive)
_RANGES: list[tuple[str, float, float, bool, bool]] = [
    # Below 0.0005 (about 4,800 workers) regions and occupations are too thinly
    # populated for the aggregates to mean anything.
    ("scale", 0.0005, 1.0, True, True),
    ("horizon_months", 0, 1200, True, True),
    ("population.firm_size_exponent", 1.05, 10.0, True, True),
    ("population.firm_size_max", 1, 1e7, True, True),
    ("population.wage_sigma_within_cell", 0.0, 2.0, True, True),
    ("population.vacancy_rate_initial", 0.0, 0.5, True, True),
    ("population.burn_in_months", 0, 240, True, True),
    ("demand.cycle_persistence", 0.0, 1.0, True, False),
    ("demand.cycle_volatility", 0.0, 0.2, True, True),
    ("demand.local_persistence", 0.0, 1.0, True, False),
    ("demand.local_volatility", 0.0, 0.2, True, True),
    ("demand.trend_growth_annual", -0.5, 0.5, True, True),
    ("demand.population_elasticity", 0.0, 2.0, True, True),
    ("separations.p_quit_to_unemployment", 0.0, 1.0, True, True),
    ("separations.layoff_speed", 0.0, 1.0, True, True),
    ("matching.applications_per_month", 0, 100, True, True),
    ("matching.p_on_the_job_search", 0.0, 1.0, True, True),
    ("matching.applications_on_the_job", 0, 100, True, True),
    ("matching.p_apply_own_occupation", 0.0, 1.0, True, True),
    ("matching.p_apply_any_occupation", 0.0, 1.0, True, True),
    ("matching.p_apply_other_region", 0.0, 1.0, True, True),
    ("matching.p_application_considered", 0.0, 1.0, True, True),
    ("matching.skill_gap_allowed", 0, 3, True, True),
    ("matching.on_the_job_min_gain", 0.0, 10.0, True, True),
    ("matching.platform_literacy", 0.0, 1.0, True, True),
    ("matching.platform_applications", 0, 100, True, True),
    ("matching.screen_digital", 0.0, 100.0, True, True),
    ("matching.screen_language", 0.0, 100.0, True, True),
    ("matching.language_need_scale", 0.0, 1.0, True, True),
    ("wages.minimum_wage", 0.0, 1e8, True, True),
    ("wages.wage_flexibility", 0.0, 1.0, True, True),
    ("wages.max_monthly_change", 0.0, 1.0, True, True),
    ("wages.tightness_smoothing", 0.0, 1.0, False, True),
    ("wages.trend_growth_annual", -0.5, 0.5, True, True),
    ("wages.labour_demand_elasticity", 0.0, 5.0, True, True),
    ("wages.reservation_ratio", 0.0, 2.0, True, True),
    ("wages.reservation_decay", 0.0, 1.0, True, True),
    ("automation.payroll_tax", 0.0, 2.0, True, True),
    ("automation.payback_months", 1.0, 600.0, True, True),
    ("automation.firm_cost_sigma", 0.0, 3.0, True, True),
    ("automation.min_task_share", 0.0, 1.0, True, True),
    ("automation.implementation_share", 0.0, 1.0, True, True),
    ("automation.awareness_innovation", 0.0, 1.0, True, True),
    ("automation.awareness_imitation", 0.0, 10.0, True, True),
    ("automation.credit_constrained_share", 0.0, 1.0, True, True),
    ("automation.p_credit", 0.0, 1.0, True, True),
    ("automation.attrition_months", 0, 120, True, True),
    ("automation.redeploy_share", 0.0, 1.0, True, True),
    ("automation.substitution_automation", 0.0, 1.0, True, True),
    ("automation.substitution_neither", 0.0, 1.0, True, True),
    ("automation.substitution_augmentation", 0.0, 1.0, True, True),
    ("automation.sector_lean", 0.0, 1.0, True, True),
    ("automation.augmentation_wage_gain", 0.0, 5.0, True, True),
    ("new_jobs.productivity_elasticity", 0.0, 10.0, True, True),
    ("new_jobs.sector_trend_scale", -5.0, 5.0, True, True),
    ("migration.horizon_months", 1, 600, True, True),
    ("migration.moving_cost_months", 0.0, 600.0, True, True),
    ("migration.distance_cost_months", 0.0, 600.0, True, True),
    ("migration.family_cost_months", 0.0, 600.0, True, True),
    ("migration.taste_scale_months", 0.0, 600.0, True, True),
    ("migration.consider_rate", 0.0, 1.0, True, True),
    ("migration.distance_decay", 0.0, 5.0, True, True),
    ("migration.displaced_consider_factor", 0.0, 100.0, True, True),
    ("migration.relocation_subsidy", 0.0, 1e8, True, True),
    ("migration.foreign_quota_annual", 0.0, 1e8, True, True),
    ("migration.foreign_stay_months", 1.0, 600.0, True, True),
    ("migration.foreign_return_unemployed_factor", 0.0, 100.0, True, True),
    ("migration.permit_loss_on_job_loss", 0.0, 1.0, True, True),
    ("migration.foreign_wage_elasticity", 0.0, 10.0, True, True),
    ("migration.foreign_irregular_share", 0.0, 1.0, True, False),
    ("migration.quota_spillover", 0.0, 1.0, True, True),
    ("migration.foreign_prearranged_job", 0.0, 1.0, True, True),
    ("migration.foreign_pool_factor", 0.0, 10.0, True, True),
    ("migration.kandas_arrivals_annual", 0.0, 1e7, True, True),
    ("migration.kandas_labour_force_share", 0.0, 1.0, True, True),
    ("migration.emigration_rate_annual", 0.0, 0.5, True, True),
    ("migration.emigration_unemployed_factor", 0.0, 100.0, True, True),
    ("migration.emigration_income_elasticity", 0.0, 10.0, True, True),
    ("inclusion.digital_inclusion_rate", 0.0, 1.0, True, True),
    ("inclusion.digital_literacy_gain", 0.0, 1.0, True, True),
    ("inclusion.language_gain", 0.0, 1.0, True, True),
    ("inclusion.recognition_rate", 0.0, 1.0, True, True),
    ("inclusion.regularisation_rate", 0.0, 1.0, True, True),
    ("inclusion.course_cost", 0.0, 1e9, True, True),
    ("inclusion.recognition_cost", 0.0, 1e9, True, True),
    ("benefits.replacement_rate", 0.0, 2.0, True, True),
    ("benefits.benefit_min", 0.0, 1e8, True, True),
    ("benefits.benefit_max", 0.0, 1e8, True, True),
    ("benefits.duration_months", 0, 120, True, True),
    ("benefits.take_up", 0.0, 1.0, True, True),
    ("benefits.reservation_weight", 0.0, 5.0, True, True),
    ("reskilling.capacity_per_1000", 0.0, 1000.0, True, True),
    ("reskilling.budget_monthly_kzt", 0.0, 1e15, True, True),
    ("reskilling.cost_per_trainee_month", 0.0, 1e9, True, True),
    ("reskilling.stipend", 0.0, 1e8, True, True),
    ("reskilling.consider_rate", 0.0, 1.0, True, True),
    ("reskilling.displaced_consider_factor", 0.0, 100.0, True, True),
    ("reskilling.horizon_months", 1, 600, True, True),
    ("reskilling.taste_scale_months", 0.0, 600.0, True, True),
    ("reskilling.candidates", 1, 50, True, True),
    ("reskilling.base_months", 1.0, 36.0, True, True),
    ("reskilling.months_per_step", 0.0, 12.0, True, True),
    ("reskilling.upgrade_months", 0.0, 24.0, True, True),
    ("reskilling.success_intercept", -20.0, 20.0, True, True),
    ("reskilling.success_digital", 0.0, 50.0, True, True),
    ("reskilling.success_language", 0.0, 50.0, True, True),
    ("reskilling.success_age", 0.0, 10.0, True, True),
    ("reskilling.success_skill", 0.0, 10.0, True, True),
    ("reskilling.digital_gain", 0.0, 1.0, True, True),
    ("reskilling.redeployment_subsidy", 0.0, 1.0, True, True),
    ("reskilling.redeployment_response", 0.0, 1.0, True, True),
    ("reskilling.redeployment_training_months", 0.0, 36.0, True, True),
]
TECHNOLOGIES = ("robots", "software", "genai")
for _tech in TECHNOLOGIES:
    _RANGES += [
        (f"automation.{_tech}.cost_initial", 0.0, 1e9, False, True),
        (f"automation.{_tech}.learning_rate", 0.0, 1.0, True, False),
        (f"automation.{_tech}.adjustment_months", 0.0, 600.0, True, True),
        (f"automation.{_tech}.tax", -0.99, 10.0, True, True),
        (f"automation.{_tech}.available_from_month", 0, 10000, True, True),
        (f"automation.{_tech}.new_jobs_per_job_automated", 0.0, 10.0, True, True),
        (f"automation.{_tech}.delayed_until_month", 0, 10000, True, True),
    ]
# Switches a schedule may flip during a run (value 0 = off, 1 = on).
_SWITCHES = ("reskilling.employed_at_risk", "reskilling.priority_target_groups")
_RANGE_OF = {k: (lo, hi, li, ui) for k, lo, hi, li, ui in _RANGES}


def _get(cfg: Any, dotted: str) -> Any:
    obj = cfg
    for part in dotted.split("."):
        obj = getattr(obj, part) if not isinstance(obj, dict) else obj[part]
    return obj


def _check_range(key: str, value: float) -> None:
    lo, hi, lo_inc, hi_inc = _RANGE_OF[key]
    ok_lo = value >= lo if lo_inc else value > lo
    ok_hi = value <= hi if hi_inc else value < hi
    if not (ok_lo and ok_hi):
        left = "[" if lo_inc else "("
        right = "]" if hi_inc else ")"
        raise ConfigError(f"{key}={value!r} is out of range; allowed: {left}{lo:g}, {hi:g}{right}")


def to_config(cfg: DictConfig | LabsimConfig) -> LabsimConfig:
    """Turn a Hydra DictConfig into a typed :class:`LabsimConfig` (validated)."""
    if isinstance(cfg, LabsimConfig):
        typed = cfg
    else:
        if OmegaConf.get_type(cfg) is LabsimConfig:
            # Composed against the schema already: merging it again costs a tenth of a
            # second and checks nothing new.
            merged = copy.deepcopy(cfg) if cfg.sweep.samples else cfg
        else:
            merged = OmegaConf.merge(OmegaConf.structured(LabsimConfig), cfg)
        if merged.sweep.samples:
            apply_sample(merged, merged.sweep.samples, merged.sweep.row)
        typed = OmegaConf.to_object(merged)
        assert isinstance(typed, LabsimConfig)
    validate(typed)
    return typed


_MISSING_KEY = object()


def read_samples(path: str | Path) -> tuple[list[str], list[list[float]]]:
    """Read a CSV of parameter points: the header names dotted keys, each row a point.

    Raises
    ------
    ConfigError
        If the file is missing, empty, or holds a value that is not a number.
    """
    path = Path(path)
    try:
        with open(path, newline="") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise ConfigError(f"sweep.samples={str(path)!r} cannot be read ({exc.strerror})") from None
    if len(rows) < 2 or not rows[0]:
        raise ConfigError(
            f"sweep.samples={str(path)!r} has no points; allowed: a CSV with a header of "
            "dotted parameter keys and one row per point"
        )
    keys = [k.strip() for k in rows[0]]
    points = []
    for i, row in enumerate(rows[1:]):
        try:
            points.append([float(v) for v in row])
        except ValueError:
            raise ConfigError(
                f"sweep.samples={str(path)!r} row {i} holds a value that is not a number"
            ) from None
        if len(row) != len(keys):
            raise ConfigError(
                f"sweep.samples={str(path)!r} row {i} has {len(row)} values, not {len(keys)}"
            )
    return keys, points


def apply_sample(cfg: DictConfig, samples: str, row: int) -> None:
    """Set the parameters of point ``row`` of the ``samples`` CSV in ``cfg`` (in place).

    Integer parameters take the nearest integer and switches are on for values of 0.5
    or more, so a continuous design can cover them.

    Raises
    ------
    ConfigError
        If ``row`` is not a row of the file or a column is not a parameter key.
    """
    keys, points = read_samples(samples)
    if not 0 <= row < len(points):
        raise ConfigError(
            f"sweep.row={row} is not a row of {samples!r}; allowed: 0 .. {len(points) - 1}"
        )
    for key, value in zip(keys, points[row], strict=True):
        current = OmegaConf.select(cfg, key, default=_MISSING_KEY)
        if current is _MISSING_KEY or isinstance(current, DictConfig | list | ListConfig):
            raise ConfigError(
                f"sweep.samples column {key!r} is not a numeric parameter; allowed: dotted "
                "keys such as automation.genai.learning_rate or matching.p_application_considered"
            )
        if isinstance(current, bool):
            new: float | int | bool = value >= 0.5
        elif isinstance(current, int):
            new = int(round(value))
        else:
            new = value
        OmegaConf.update(cfg, key, new, merge=False)


def validate(cfg: LabsimConfig) -> None:
    """Check every value against its allowed range.

    Raises
    ------
    ConfigError
        Naming the first bad key, its value and what is allowed.
    """
    if not isinstance(cfg.seed, int) or not 0 <= cfg.seed < 2**63:
        raise ConfigError(f"seed={cfg.seed!r} is not allowed; allowed: integers 0 .. 2**63-1")
    for key, *_ in _RANGES:
        _check_range(key, _get(cfg, key))
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", cfg.start):
        raise ConfigError(f"start={cfg.start!r} is not a month; allowed: YYYY-MM, e.g. 2024-01")
    if cfg.population.occupation_level not in OCCUPATION_LEVELS:
        raise ConfigError(
            f"population.occupation_level={cfg.population.occupation_level!r} is unknown; "
            f"allowed: {', '.join(OCCUPATION_LEVELS)}"
        )
    for tech in TECHNOLOGIES:
        for name in ("banned_majors", "delayed_majors"):
            bad = [m for m in getattr(getattr(cfg.automation, tech), name) if not 1 <= m <= 9]
            if bad:
                raise ConfigError(
                    f"automation.{tech}.{name}={bad} is not allowed; allowed: ISCO major "
                    "groups 1..9"
                )
    groups = ("native", "internal_migrant", "foreign_migrant", "kandas")
    bad_groups = [g for g in cfg.reskilling.eligible_groups if g not in groups]
    if bad_groups:
        raise ConfigError(
            f"reskilling.eligible_groups={bad_groups} is not allowed; allowed: " + ", ".join(groups)
        )
    bad_codes = [c for c in cfg.reskilling.target_occupations if not re.fullmatch(r"\d{1,4}", c)]
    if bad_codes:
        raise ConfigError(
            f"reskilling.target_occupations={bad_codes} is not allowed; allowed: ISCO-08 codes "
            "or prefixes of 1-4 digits, e.g. '25' or '7412'"
        )
    if cfg.benefits.benefit_min > cfg.benefits.benefit_max:
        raise ConfigError(
            f"benefits.benefit_min={cfg.benefits.benefit_min:g} is above benefits.benefit_max="
            f"{cfg.benefits.benefit_max:g}; allowed: benefit_min <= benefit_max"
        )
    if cfg.wages.max_monthly_change <= 0 and cfg.wages.wage_flexibility > 0:
        raise ConfigError("wages.max_monthly_change=0 blocks wage adjustment; allowed: > 0")
    for i, change in enumerate(cfg.schedule):
        if change.key in _SWITCHES:
            if change.value not in (0.0, 1.0):
                raise ConfigError(
                    f"schedule[{i}].value={change.value!r} for switch {change.key} is not "
                    "allowed; allowed: 0 (off) or 1 (on)"
                )
            if change.month < 1:
                raise ConfigError(f"schedule[{i}].month={change.month}; allowed: 1 or later")
            continue
        if change.key not in _RANGE_OF:
            raise ConfigError(
                f"schedule[{i}].key={change.key!r} is not a schedulable parameter; allowed: "
                + ", ".join(schedulable_keys())
            )
        if "." not in change.key or change.key.count(".") > 2:
            raise ConfigError(f"schedule[{i}].key={change.key!r} cannot change during a run")
        if change.month < 1:
            raise ConfigError(
                f"schedule[{i}].month={change.month} is before the first simulated month; "
                "allowed: 1 or later (a month after horizon_months never applies)"
            )
        _check_range(change.key, change.value)


def schedulable_keys() -> list[str]:
    """Parameters that a :class:`ScheduledChange` may set during a run."""
    return [k for k, *_ in _RANGES if "." in k] + list(_SWITCHES)
