"""Wages: adjustment to regional-occupational tightness, with a minimum-wage floor.

Rule
----
Tightness of cell ``c`` = (region, ISCO major group) is
``theta_c = (V_c + 0.5) / (U_c + 0.5)``, where ``V_c`` and ``U_c`` are exponentially
smoothed stocks (weight ``a`` = ``wages.tightness_smoothing`` on the current month) of
vacancies and of unemployed whose last job was in the cell, in agents; smoothing and
the ``0.5`` keep small cells from swinging on a single vacancy. Each month the log wage
of the cell moves towards tighter markets:

.. math::

    \\Delta \\ln w_c = \\mathrm{clip}(\\eta \\ln(\\theta_c / \\theta_{c,0}),
                                    -\\Delta_{max}, \\Delta_{max})

plus ``ln(1 + g) / 12`` for a real wage trend ``g`` (``wages.trend_growth_annual``,
matched by productivity in the demand curve), with ``theta_{c,0}`` the tightness at
month 0, after the burn-in (so the settled start
is an equilibrium), ``eta`` = ``wages.wage_flexibility``, ``Delta_max`` =
``wages.max_monthly_change``. Wage offers of the cell's posts and wages of its
employed workers move by the same factor (a wage curve with full indexation).
No employed worker is paid below the minimum wage ``m``. An unemployed worker's
reservation wage falls by ``wages.reservation_decay`` a month, never below ``m``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from sim.chunks import chunk_bounds, sum_in_chunks
from sim.state import EMPLOYED, UNEMPLOYED

if TYPE_CHECKING:
    from sim.model import LabourMarketModel


@njit(cache=True, nogil=True)
def _open_jobs_chunks(
    c_lo: int,
    c_hi: int,
    n_chunks: int,
    p_region: np.ndarray,
    p_occupation: np.ndarray,
    p_filled: np.ndarray,
    p_jobs_desired: np.ndarray,
    occ_major: np.ndarray,
    open_jobs: np.ndarray,
) -> None:
    n_posts = p_filled.shape[0]
    for k in range(c_lo, c_hi):
        lo, hi = chunk_bounds(n_posts, n_chunks, k)
        for p in range(lo, hi):
            gap = p_jobs_desired[p] - p_filled[p]
            if gap > 0:
                open_jobs[k, p_region[p] * 9 + occ_major[p_occupation[p]] - 1] += gap


@njit(cache=True, nogil=True)
def _jobless_chunks(
    c_lo: int,
    c_hi: int,
    n_chunks: int,
    w_status: np.ndarray,
    w_region: np.ndarray,
    w_occupation: np.ndarray,
    occ_major: np.ndarray,
    jobless: np.ndarray,
) -> None:
    n = w_status.shape[0]
    for k in range(c_lo, c_hi):
        lo, hi = chunk_bounds(n, n_chunks, k)
        for i in range(lo, hi):
            if w_status[i] == UNEMPLOYED:
                jobless[k, w_region[i] * 9 + occ_major[w_occupation[i]] - 1] += 1


def tightness_kernel(
    w_status: np.ndarray,
    w_region: np.ndarray,
    w_occupation: np.ndarray,
    p_region: np.ndarray,
    p_occupation: np.ndarray,
    p_filled: np.ndarray,
    p_jobs_desired: np.ndarray,
    occ_major: np.ndarray,
    n_regions: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Vacancies and unemployed per (region, major group), each of shape (R * 9,).

    Both are counted in parallel over fixed chunks of posts and workers
    (:func:`sim.chunks.run_in_chunks`; whole numbers, the same in any order).
    """
    n_cells = n_regions * 9
    (open_jobs,) = sum_in_chunks(
        _open_jobs_chunks,
        p_filled.shape[0],
        [((n_cells,), np.int64)],
        p_region,
        p_occupation,
        p_filled,
        p_jobs_desired,
        occ_major,
    )
    (jobless,) = sum_in_chunks(
        _jobless_chunks,
        w_status.shape[0],
        [((n_cells,), np.int64)],
        w_status,
        w_region,
        w_occupation,
        occ_major,
    )
    return open_jobs.astype(np.float64), jobless.astype(np.float64)


@njit(cache=True, parallel=True)
def wage_update_kernel(
    w_status: np.ndarray,
    w_region: np.ndarray,
    w_occupation: np.ndarray,
    w_wage: np.ndarray,
    w_reservation: np.ndarray,
    p_region: np.ndarray,
    p_occupation: np.ndarray,
    p_wage_offer: np.ndarray,
    occ_major: np.ndarray,
    log_change: np.ndarray,
    minimum_wage: float,
    reservation_decay: float,
) -> None:
    """Apply the cell wage changes, the floor and reservation-wage decay in place.

    Posts and workers are updated in parallel: each one's new value is its own.
    """
    factor = np.exp(log_change)
    # Unsigned indices: numba then skips wrapping negative ones around.
    for p in prange(p_wage_offer.shape[0]):
        major = occ_major[np.uint32(p_occupation[p])]
        p_wage_offer[p] *= factor[np.uint32(p_region[p] * 9 + major - 1)]
    for i in prange(w_status.shape[0]):
        if w_status[i] == EMPLOYED:
            c = np.uint32(w_region[i] * 9 + occ_major[np.uint32(w_occupation[i])] - 1)
            w_wage[i] = max(w_wage[i] * factor[c], minimum_wage)
        elif w_status[i] == UNEMPLOYED:
            w_reservation[i] = max(w_reservation[i] * (1.0 - reservation_decay), minimum_wage)


def calibrate_wage_level(model: LabourMarketModel) -> None:
    """Scale wages by region so month-0 mean wages of the employed equal the data.

    The burn-in reshuffles who holds which post, which moves regional means a few
    percent; the data's regional averages (BNS, KZT per month) are the calibration
    target of month 0, so offers, wages and reservation wages are rescaled by one
    factor per region, then floored at the minimum wage.
    """
    w, p = model.workers, model.posts
    _calibrate_kernel(
        w.status,
        w.region,
        w.wage,
        w.reservation_wage,
        p.region,
        p.wage_offer,
        model.data.region_mean_wage,
        model.minimum_wage,
    )


def apply_minimum_wage(model: LabourMarketModel) -> None:
    """Floor employed wages and unemployed reservation wages at the current minimum wage."""
    w = model.workers
    # Compared in float32, as numpy compares a float32 array with a Python float.
    _floor_wages(w.status, w.wage, w.reservation_wage, np.float32(model.minimum_wage))


@njit(cache=True)
def _calibrate_kernel(
    w_status: np.ndarray,
    w_region: np.ndarray,
    w_wage: np.ndarray,
    w_reservation: np.ndarray,
    p_region: np.ndarray,
    p_wage_offer: np.ndarray,
    target: np.ndarray,
    floor: float,
) -> None:
    """Rescale by region so the employed's mean wage is ``target`` (see
    :func:`calibrate_wage_level`), in place.

    The employed's wages are summed in worker order in double precision; a region
    without employed, or with a mean of 0, keeps its level. Offers, wages (of all
    workers) and reservation wages (of the unemployed) are multiplied in double
    precision, wages and reservation wages floored at ``floor``.
    """
    n_regions = target.shape[0]
    total = np.zeros(n_regions)
    count = np.zeros(n_regions, dtype=np.int64)
    for i in range(w_status.shape[0]):
        if w_status[i] == EMPLOYED:
            total[w_region[i]] += np.float64(w_wage[i])
            count[w_region[i]] += 1
    factor = np.ones(n_regions)
    for r in range(n_regions):
        mean = total[r] / count[r] if count[r] > 0 else 0.0
        if mean > 0:
            factor[r] = target[r] / mean
    for p in range(p_region.shape[0]):
        p_wage_offer[p] = np.float64(p_wage_offer[p]) * factor[p_region[p]]
    for i in range(w_status.shape[0]):
        f = factor[w_region[i]]
        w_wage[i] = _at_least(np.float64(w_wage[i]) * f, floor)
        if w_status[i] == UNEMPLOYED:
            w_reservation[i] = _at_least(np.float64(w_reservation[i]) * f, floor)


@njit(cache=True)
def _floor_wages(
    w_status: np.ndarray, w_wage: np.ndarray, w_reservation: np.ndarray, floor: np.float32
) -> None:
    """Floor the wages of the employed and the reservation wages of the unemployed."""
    for i in range(w_status.shape[0]):
        if w_status[i] == EMPLOYED:
            w_wage[i] = _at_least(w_wage[i], floor)
        elif w_status[i] == UNEMPLOYED:
            w_reservation[i] = _at_least(w_reservation[i], floor)


@njit(cache=True)
def _at_least(x: float, floor: float) -> float:
    """``numpy.maximum(x, floor)``: NaN stays NaN."""
    return floor if x < floor else x


class Wages:
    """Wage curve by region and major group, and the minimum-wage floor."""

    name = "wages"

    def __init__(self, model: LabourMarketModel) -> None:
        self.occ_major = model.data.occupation_major.astype(np.int64)
        self.vacancies_smoothed, self.unemployed_smoothed = self._stocks(model)
        self.tightness_initial = self._tightness()

    def _stocks(self, model: LabourMarketModel) -> tuple[np.ndarray, np.ndarray]:
        w, p = model.workers, model.posts
        return tightness_kernel(
            w.status,
            w.region,
            w.occupation,
            p.region,
            p.occupation,
            p.filled,
            p.jobs_desired,
            self.occ_major,
            model.data.n_regions,
        )

    def _tightness(self) -> np.ndarray:
        return (self.vacancies_smoothed + 0.5) / (self.unemployed_smoothed + 0.5)

    def _update_stocks(self, model: LabourMarketModel) -> None:
        v, u = self._stocks(model)
        a = model.cfg.wages.tightness_smoothing
        self.vacancies_smoothed = (1 - a) * self.vacancies_smoothed + a * v
        self.unemployed_smoothed = (1 - a) * self.unemployed_smoothed + a * u

    def on_start(self, model: LabourMarketModel) -> None:
        """Take the smoothed tightness at the end of the burn-in as the reference."""
        self.tightness_initial = self._tightness()

    def step(self, model: LabourMarketModel) -> None:
        """Adjust wages for this month (wages held, reservation wages decaying, in burn-in)."""
        self._update_stocks(model)
        cfg = model.cfg.wages
        if model.burning_in:
            # Wages are held, but reservation wages still decay as unemployment lasts.
            log_change = np.zeros_like(self.tightness_initial)
        else:
            log_change = (
                np.clip(
                    cfg.wage_flexibility * np.log(self._tightness() / self.tightness_initial),
                    -cfg.max_monthly_change,
                    cfg.max_monthly_change,
                )
                + np.log1p(cfg.trend_growth_annual) / 12.0
            )
        w, p = model.workers, model.posts
        wage_update_kernel(
            w.status,
            w.region,
            w.occupation,
            w.wage,
            w.reservation_wage,
            p.region,
            p.occupation,
            p.wage_offer,
            self.occ_major,
            log_change,
            model.minimum_wage,
            cfg.reservation_decay,
        )
