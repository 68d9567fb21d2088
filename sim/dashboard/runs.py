"""Models behind the dashboard: one per browser session, and a shared baseline per scale.

:class:`DashboardModel` is the Mesa model SolaraViz steps: the labour-market model of
a :class:`~sim.dashboard.levers.Settings`, which stops at its horizon (so SolaraViz's
play button stops there) and serialises steps (the play loop and the run button may
step from different threads; models of different sessions take turns, as the kernels
use every core anyway). :func:`baseline_tables` runs the baseline once per
(scale, seed, horizon) in the process and keeps its tables for every session.
"""

from __future__ import annotations

import io
import threading
import zipfile
from functools import lru_cache

import pandas as pd

from sim.dashboard.levers import Settings, compose, export_name, run_key, scenario_yaml
from sim.model import LabourMarketModel
from sim.results import build_tables, risk_table

HEADLINE_COLUMNS: dict[str, str] = {
    "unemployment_rate": "Unemployment rate",
    "displaced_cum": "Displaced by automation (cumulative)",
    "reskilled_cum": "Reskilled (cumulative)",
    "new_jobs_cum": "New jobs from technology and trends (cumulative)",
    "automation_share": "Automation share of month-0 jobs",
}
"""National columns shown as headline numbers, with their labels."""

EXPORT_TABLES = ("national", "regions", "groups")
"""Tables offered one by one as CSV and Parquet (all tables are in the zip)."""


# Numba's workqueue threading layer (used where OpenMP and TBB are missing) aborts the
# process when two threads launch parallel kernels at once: sessions' models take turns.
_KERNEL_LOCK = threading.Lock()


class DashboardModel(LabourMarketModel):
    """The labour-market model of dashboard ``settings``.

    Parameters
    ----------
    settings : Settings
        Scenario, levers, seed, scale and horizon.

    Attributes
    ----------
    settings : Settings
        What the model was built from.
    key : tuple of str
        :func:`~sim.dashboard.levers.run_key` of ``settings``: with the month, it
        identifies what the model shows (runs are deterministic).
    risk : pandas.DataFrame
        The month-0 risk table (taken before any step, as the runner does).
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings if settings is not None else Settings()
        self.key = run_key(self.settings)
        with _KERNEL_LOCK:
            super().__init__(compose(self.settings))
            self.risk = risk_table(self)
        self.running = self.month < self.cfg.horizon_months
        self._step_lock = threading.Lock()
        self._tables: tuple[int, dict[str, pd.DataFrame]] | None = None

    def step(self) -> None:
        """Simulate one month; at the horizon, do nothing and stop running."""
        with self._step_lock, _KERNEL_LOCK:
            if self.month < self.cfg.horizon_months:
                super().step()
            self.running = self.month < self.cfg.horizon_months

    def tables(self) -> dict[str, pd.DataFrame]:
        """The contract tables of months 0 .. ``month`` (rebuilt once per month)."""
        with self._step_lock:
            if self._tables is None or self._tables[0] != self.month:
                self._tables = (self.month, build_tables(self, self.risk))
            return self._tables[1]


_baseline_lock = threading.Lock()


def baseline_tables(scale: float, seed: int, horizon_months: int) -> dict[str, pd.DataFrame]:
    """Tables of the full baseline run at ``scale``, ``seed`` and ``horizon_months``.

    Computed once per argument triple in the process (sessions share it; the lock keeps
    two sessions from computing the same baseline at once).
    """
    with _baseline_lock:
        return _baseline_tables(float(scale), int(seed), int(horizon_months))


@lru_cache(maxsize=8)
def _baseline_tables(scale: float, seed: int, horizon_months: int) -> dict[str, pd.DataFrame]:
    model = DashboardModel(Settings("baseline", seed, scale, horizon_months))
    model.run_model()
    return model.tables()


def headline(national: pd.DataFrame, month: int) -> dict[str, float]:
    """The headline numbers of ``month`` (see :data:`HEADLINE_COLUMNS`); NaN if absent."""
    rows = national.loc[national["month"] == month]
    if rows.empty:
        return {column: float("nan") for column in HEADLINE_COLUMNS}
    return {column: float(rows[column].iloc[0]) for column in HEADLINE_COLUMNS}


def table_csv(table: pd.DataFrame) -> bytes:
    """``table`` as CSV (UTF-8, no index)."""
    return table.to_csv(index=False).encode()


def table_parquet(table: pd.DataFrame) -> bytes:
    """``table`` as Parquet (pyarrow, zstd), as ``labsim`` writes it."""
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False, engine="pyarrow", compression="zstd")
    return buffer.getvalue()


def run_archive(model: DashboardModel) -> bytes:
    """A zip of every table of the run so far (Parquet) and its scenario file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, table in model.tables().items():
            archive.writestr(f"{name}.parquet", table_parquet(table))
        archive.writestr(f"{export_name(model.settings)}.yaml", scenario_yaml(model.settings))
    return buffer.getvalue()
