"""Separations: quits into unemployment and layoffs when a post wants fewer jobs.

Rule
----
Each month, in this order:

1. *Quits.* An employed worker quits into unemployment with probability ``q``
   (``separations.p_quit_to_unemployment``); the post's job becomes vacant.
2. *Layoffs.* A post with more filled jobs than it desires, excess
   ``X_p = filled_p - J_p > 0``, lays off each of its workers with probability
   ``min(1, lambda * X_p / filled_p)``, so on average a share ``lambda``
   (``separations.layoff_speed``) of the excess is shed per month. Posts waiting for
   attrition after automating (:mod:`sim.mechanisms.automation`) lay no one off: their
   cuts are resolved when the wait ends.

A separated worker becomes unemployed with zero months in status and a reservation
wage ``max(m, r * w)``, ``r`` the reservation ratio, ``w`` the last wage and ``m`` the
minimum wage. Draws are tied to (worker, month) in the ``separations`` stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from sim.chunks import flag_is_set, flag_words, flagged_indices
from sim.rng import stream_key, uniform
from sim.state import EMPLOYED, UNEMPLOYED

if TYPE_CHECKING:
    from sim.model import LabourMarketModel


@njit(cache=True, parallel=True)
def quit_draws(
    status: np.ndarray, key: np.uint64, month: int, p_quit: float, quitting: np.ndarray
) -> None:
    """Set ``quitting[i]``: employed worker ``i`` quits this month (in parallel: each
    worker's draw is their own, so threads give the serial result)."""
    for i in prange(status.shape[0]):
        quitting[i] = status[i] == EMPLOYED and uniform(key, month, i, 0) < p_quit


@njit(cache=True)
def separations_kernel(
    status: np.ndarray,
    post: np.ndarray,
    wage: np.ndarray,
    months_in_status: np.ndarray,
    reservation_wage: np.ndarray,
    insured: np.ndarray,
    filled: np.ndarray,
    jobs_desired: np.ndarray,
    attrition_until: np.ndarray,
    key: np.uint64,
    month: int,
    p_quit: float,
    layoff_speed: float,
    reservation_ratio: float,
    minimum_wage: float,
) -> tuple[int, int]:
    """Apply quits then layoffs in place; return (quits, layoffs) in agents.

    Who quits is drawn for all workers in parallel; the few who do are then listed
    (:func:`sim.chunks.flagged_indices`) and separated in worker order.
    """
    n = status.shape[0]
    quitting = np.empty(n, dtype=np.bool_)
    quit_draws(status, key, month, p_quit, quitting)
    quitters = flagged_indices(quitting)
    for i in quitters:
        filled[post[i]] -= 1
        status[i] = UNEMPLOYED
        post[i] = -1
        months_in_status[i] = 0
        reservation_wage[i] = max(minimum_wage, reservation_ratio * wage[i])
        # A worker who quits has no claim to the job-loss benefit.
        insured[i] = False
    # Read only where ``shedding`` is set, so set only there (a whole-array fill costs more).
    p_layoff = np.empty(filled.shape[0])
    shedding = np.zeros(filled.shape[0], dtype=np.bool_)
    for p in range(filled.shape[0]):
        excess = filled[p] - jobs_desired[p]
        if excess > 0 and attrition_until[p] < month:
            p_layoff[p] = min(1.0, layoff_speed * excess / filled[p])
            shedding[p] = p_layoff[p] > 0.0
    layoffs = 0
    if shedding.any():
        # Packed into bits, the flags stay in cache while workers' posts jump around.
        shedding_bits = flag_words(shedding)
        for i in range(n):
            if status[i] != EMPLOYED or not flag_is_set(shedding_bits, post[i]):
                continue
            p = np.uint32(post[i])
            if uniform(key, month, i, 1) < p_layoff[p]:
                filled[p] -= 1
                status[i] = UNEMPLOYED
                post[i] = -1
                months_in_status[i] = 0
                reservation_wage[i] = max(minimum_wage, reservation_ratio * wage[i])
                layoffs += 1
    return quitters.shape[0], layoffs


class Separations:
    """Quits and layoffs."""

    name = "separations"

    def __init__(self, model: LabourMarketModel) -> None:
        self.key = stream_key(model.cfg.seed, self.name)

    def step(self, model: LabourMarketModel) -> None:
        """Separate workers for this month and record the flows (agents)."""
        w, posts, cfg = model.workers, model.posts, model.cfg
        quits, layoffs = separations_kernel(
            w.status,
            w.post,
            w.wage,
            w.months_in_status,
            w.reservation_wage,
            w.insured,
            posts.filled,
            posts.jobs_desired,
            posts.attrition_until,
            self.key,
            model.tick,
            cfg.separations.p_quit_to_unemployment,
            cfg.separations.layoff_speed,
            cfg.wages.reservation_ratio,
            model.minimum_wage,
        )
        model.flows["quits"] = quits
        model.flows["layoffs"] = layoffs
