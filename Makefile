# Set-up and everyday commands. Only python3 and make are needed on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1

.PHONY: run test lint format data benchmark calibration clean dashboard \
	automation-cost-sweep scenario-comparison sensitivity

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)  ## run the baseline scenario on the embedded Kazakhstan default
	$(BIN)/labsim scenario=baseline

# Two test workers share the two cores: one kernel thread each (tests/test_threads.py checks
# that the thread count does not change results).
test: $(STAMP)  ## run the test suite (kernels compiled first, on all cores)
	$(BIN)/python -m sim.precompile
	NUMBA_NUM_THREADS=1 $(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

data: $(STAMP)  ## rebuild sim/data/default from ../shared/data
	$(BIN)/python experiments/data/build_default_data.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache

benchmark: $(STAMP)  ## compile time, wall time, s/month, peak memory; speed-up over Mesa
	$(BIN)/python benchmarks/run_baseline.py --scales 0.01 0.1 1.0 --months 120 \
		--json results/benchmark.json
	$(BIN)/python benchmarks/mesa_reference.py --scales 0.002 0.01 --months 24 --repeats 3 \
		--json results/benchmark_mesa.json

calibration: $(STAMP)  ## the calibration tables of docs/calibration.md
	$(BIN)/python experiments/calibration_report.py

dashboard: $(STAMP)  ## the planner's web app on http://127.0.0.1:8765/
	$(BIN)/labsim-dashboard

# Paper experiments (experiments/README.md): each resumes when run again.
automation-cost-sweep: $(STAMP)  ## displacement against the generative-AI learning rate
	$(BIN)/python experiments/automation_cost_sweep.py

scenario-comparison: $(STAMP)  ## policy scenarios against baseline, 5 seeds, with bands
	$(BIN)/python experiments/scenario_comparison.py

sensitivity: $(STAMP)  ## Morris screening of 7 parameters (SALib)
	$(BIN)/python experiments/sensitivity.py --method morris
