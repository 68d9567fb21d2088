"""Programmes for migrants: digital inclusion, recognition of prior learning, status.

Rule
----
Each month, for every foreign migrant and kanda in the labour force:

*Digital inclusion* (a public programme, so only for migrants with a regular status
who have not taken a course): with probability ``r_d`` a migrant whose digital
literacy is below the platform threshold ``d_p`` or whose language proficiency is
below ``l_p = 0.7`` takes a course:

    d_i <- min(1, d_i + g_d),    l_i <- min(1, l_i + g_l).

Higher literacy opens the public job platform (more applications) and both pass the
screening of more jobs (see :mod:`sim.mechanisms.matching`).

*Recognition of prior learning* (public, regular status only): with probability
``r_q`` a migrant whose qualification is not recognised (``skill_recognised <
skill``) has it recognised, so employers see their real level.

*Regularisation*: with probability ``r_s`` an irregular migrant gets a permit; from
then on they can be hired into formal jobs and use public services.

Draws are tied to (worker, month) in the ``inclusion`` stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.data import GROUPS
from sim.rng import stream_key, uniform
from sim.state import EMPLOYED, IRREGULAR, REGULAR, UNEMPLOYED

if TYPE_CHECKING:
    from sim.model import LabourMarketModel

FOREIGN = GROUPS.index("foreign_migrant")
KANDAS = GROUPS.index("kandas")
LANGUAGE_COURSE_BELOW = 0.7  # language proficiency below which a course is offered


@njit(cache=True)
def inclusion_kernel(
    w_status: np.ndarray,
    w_group: np.ndarray,
    w_legal: np.ndarray,
    w_digital: np.ndarray,
    w_language: np.ndarray,
    w_skill: np.ndarray,
    w_skill_recognised: np.ndarray,
    w_course: np.ndarray,
    key: np.uint64,
    tick: int,
    course_rate: float,
    platform_literacy: float,
    literacy_gain: float,
    language_gain: float,
    recognition_rate: float,
    regularisation_rate: float,
) -> tuple[int, int, int]:
    """Apply the month's programmes in place; returns (courses, recognitions, regularised)."""
    courses = 0
    recognised = 0
    regularised = 0
    for i in range(w_status.shape[0]):
        if w_status[i] != EMPLOYED and w_status[i] != UNEMPLOYED:
            continue
        if w_group[i] != FOREIGN and w_group[i] != KANDAS:
            continue
        if w_legal[i] == IRREGULAR:
            if regularisation_rate > 0.0 and uniform(key, tick, i, 0) < regularisation_rate:
                w_legal[i] = REGULAR
                regularised += 1
            continue
        if (
            course_rate > 0.0
            and not w_course[i]
            and (w_digital[i] < platform_literacy or w_language[i] < LANGUAGE_COURSE_BELOW)
            and uniform(key, tick, i, 1) < course_rate
        ):
            w_digital[i] = min(1.0, w_digital[i] + literacy_gain)
            w_language[i] = min(1.0, w_language[i] + language_gain)
            w_course[i] = True
            courses += 1
        if (
            recognition_rate > 0.0
            and w_skill_recognised[i] < w_skill[i]
            and uniform(key, tick, i, 2) < recognition_rate
        ):
            w_skill_recognised[i] = w_skill[i]
            recognised += 1
    return courses, recognised, regularised


class Inclusion:
    """Digital inclusion, recognition of prior learning and regularisation of migrants."""

    name = "inclusion"

    def __init__(self, model: LabourMarketModel) -> None:
        self.key = stream_key(model.cfg.seed, self.name)

    def step(self, model: LabourMarketModel) -> None:
        """Run the programmes of the month and record participants (agents)."""
        if model.burning_in:
            return
        w, inc = model.workers, model.cfg.inclusion
        if inc.digital_inclusion_rate == inc.recognition_rate == inc.regularisation_rate == 0:
            return
        courses, recognised, regularised = inclusion_kernel(
            w.status,
            w.group,
            w.legal_status,
            w.digital_literacy,
            w.language,
            w.skill,
            w.skill_recognised,
            w.digital_course,
            self.key,
            model.tick,
            inc.digital_inclusion_rate,
            model.cfg.matching.platform_literacy,
            inc.digital_literacy_gain,
            inc.language_gain,
            inc.recognition_rate,
            inc.regularisation_rate,
        )
        model.flows["digital_courses"] = courses
        model.flows["recognitions"] = recognised
        model.flows["regularisations"] = regularised
