"""Unemployment benefit: who is paid, how much, for how long, and the reservation wage.

Rule
----
Benefits are assessed each month right after displacement and separations, so a
worker who is unemployed with zero months in status lost a job this month. Such a
worker is entitled when their last job was formal (``insured``: social insurance was
paid), they did not quit it, and they hold a regular legal status; an entitled worker claims with
probability ``take_up``. The benefit is

    b_i = clip(beta w_i, b_min, b_max)        (KZT per month)

(``beta`` the replacement rate, ``w_i`` the last wage), paid for ``B`` months while
the worker is unemployed or in training (the clock runs in training; a job, a return
abroad or emigration ends it). While paid it raises the reservation wage:

    r_i <- r_i + kappa b_i                          when the claim starts,
    r_i <- max(m, r_i - kappa b_i (1 - delta)^B)    when the benefit runs out,

(``kappa`` the reservation weight, ``delta`` the monthly reservation-wage decay,
``m`` the minimum wage): a worker on benefit turns down jobs that pay little more
than the benefit, and job finding rises when it runs out. In the training decision
(:mod:`sim.mechanisms.reskilling`) the benefit lowers the income a trainee forgoes,
since a job would end it.

Defaults follow Kazakhstan's social payment for loss of job (State Social Insurance
Fund): 45% of the insured income times a contribution-length factor, paid 1-6 months
(``sim/data/SOURCES.md``). The burn-in before month 0 runs under these defaults, so
every scenario starts from the same month-0 state. Draws are tied to (worker, month)
in the ``benefits`` stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.config import BenefitsConfig
from sim.rng import stream_key, uniform
from sim.state import IN_TRAINING, REGULAR, UNEMPLOYED

if TYPE_CHECKING:
    from sim.model import LabourMarketModel


@njit(cache=True)
def benefit_amount(
    last_wage: float, replacement: float, benefit_min: float, benefit_max: float
) -> float:
    """Monthly benefit of a claimant whose last wage was ``last_wage`` (KZT per month)."""
    return min(max(replacement * last_wage, benefit_min), benefit_max)


@njit(cache=True)
def benefits_kernel(
    w_status: np.ndarray,
    w_months: np.ndarray,
    w_wage: np.ndarray,
    w_legal: np.ndarray,
    w_insured: np.ndarray,
    w_benefit_left: np.ndarray,
    w_reservation: np.ndarray,
    key: np.uint64,
    tick: int,
    replacement: float,
    benefit_min: float,
    benefit_max: float,
    duration: int,
    take_up: float,
    reservation_weight: float,
    decay_over_duration: float,
    minimum_wage: float,
) -> tuple[int, int, float]:
    """Start new claims, pay current ones, end exhausted ones, in place.

    The amount is not stored: it follows from the last wage, which does not change
    while a worker is out of work.

    Returns (claims started, recipients paid, benefits paid in KZT summed over agents).
    """
    claims = 0
    recipients = 0
    paid = 0.0
    for i in range(w_status.shape[0]):
        s = w_status[i]
        if s == UNEMPLOYED and w_months[i] == 0:
            w_benefit_left[i] = 0
            if (
                duration > 0
                and w_insured[i]
                and w_legal[i] == REGULAR
                and uniform(key, tick, i, 0) < take_up
            ):
                w_benefit_left[i] = duration
                b = benefit_amount(w_wage[i], replacement, benefit_min, benefit_max)
                w_reservation[i] += reservation_weight * b
                claims += 1
        if w_benefit_left[i] <= 0:
            continue
        if s != UNEMPLOYED and s != IN_TRAINING:
            w_benefit_left[i] = 0
            continue
        b = benefit_amount(w_wage[i], replacement, benefit_min, benefit_max)
        paid += b
        recipients += 1
        w_benefit_left[i] -= 1
        if w_benefit_left[i] == 0:
            w_reservation[i] = max(
                minimum_wage, w_reservation[i] - reservation_weight * b * decay_over_duration
            )
    return claims, recipients, paid


class Benefits:
    """Unemployment benefit claims, payments and their effect on reservation wages."""

    name = "benefits"

    def __init__(self, model: LabourMarketModel) -> None:
        self.key = stream_key(model.cfg.seed, self.name)

    def step(self, model: LabourMarketModel) -> None:
        """Assess, pay and end benefits for the month; record claims and KZT paid."""
        # The burn-in settles month 0 under today's benefit, whatever the scenario, so
        # that every scenario starts from the same state.
        b = BenefitsConfig() if model.burning_in else model.cfg.benefits
        w = model.workers
        claims, recipients, paid = benefits_kernel(
            w.status,
            w.months_in_status,
            w.wage,
            w.legal_status,
            w.insured,
            w.benefit_months_left,
            w.reservation_wage,
            self.key,
            model.tick,
            b.replacement_rate,
            b.benefit_min,
            b.benefit_max,
            b.duration_months,
            b.take_up,
            b.reservation_weight,
            (1.0 - model.cfg.wages.reservation_decay) ** b.duration_months,
            model.minimum_wage,
        )
        model.flows["benefit_claims"] = claims
        model.flows["benefit_recipients"] = recipients
        model.flows["benefits_kzt"] = paid * model.person_weight
