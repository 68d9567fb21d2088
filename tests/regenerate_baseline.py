"""Regenerate the exact regression baseline (run only on purpose, and say why in the commit).

Usage: ``python tests/regenerate_baseline.py``. Writes ``tests/baseline/national.csv``:
the national table of a small baseline run that ``tests/test_regression.py`` compares
exactly against. A model change that alters results must regenerate it deliberately.
"""

from pathlib import Path

from sim.runner import run

BASELINE = Path(__file__).parent / "baseline" / "national.csv"
SETTINGS = {"scale": 0.005, "seed": 1, "horizon_months": 24}


def national_table():
    """The national table of the regression run."""
    return run("baseline", **SETTINGS)["national"]


if __name__ == "__main__":
    BASELINE.parent.mkdir(exist_ok=True)
    national_table().to_csv(BASELINE, index=False, float_format="%.17g")
    print(f"wrote {BASELINE}")
