"""Shared fixtures: small runs reused across tests (the suite must stay fast)."""

from __future__ import annotations

import logging

import pytest

from sim.runner import compose_config, simulate

logging.getLogger("MESA").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def baseline_small():
    """Baseline at scale 0.01, 24 months, seed 1: (config, tables, facts)."""
    cfg = compose_config("baseline", scale=0.01, seed=1, horizon_months=24)
    tables, facts = simulate(cfg)
    return cfg, tables, facts


@pytest.fixture(scope="session")
def tiny_cfg():
    """A tiny configuration for fast mechanism-level end-to-end checks."""
    return compose_config("baseline", scale=0.002, seed=3, horizon_months=12)
