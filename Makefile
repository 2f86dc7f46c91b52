PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: venv .venv run test lint stress loadtest latency-sweep rollback-drill clean

venv .venv: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[test]'
	touch $@

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

run: $(STAMP)
	mkdir -p var
	$(BIN)/statusboard db init
	$(BIN)/statusboard seed-demo --if-empty
	$(BIN)/statusboard run --print-admin-token

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy domain application projections adapters storage wsgi.py

# Two workers, a test file each at a time: the suite is mostly waiting on the database.
test: lint
	$(BIN)/pytest -n 2 --dist loadfile --durations=10

stress: $(STAMP)
	STATUSBOARD_STRESS_FACTOR=10 $(BIN)/pytest tests -m "stress or not stress"

# A fresh local stack on PostgreSQL (127.0.0.1:5432), or URL=... TOKEN=... for a deployment;
# more options through ARGS, e.g. ARGS="--profile full" (see benchmarks/load/run.py).
loadtest: $(DEV_STAMP)
	$(BIN)/python -m benchmarks.load.run $(if $(URL),--url '$(URL)' --token '$(TOKEN)') $(ARGS)

# Moves paced at 50, 100, 200 and 400/s on a fresh local stack, sent at random moments
# (ARGS="--arrivals poisson,lockstep" also in step): p50/p95/p99 at the clients and at the
# server, and where the server's time went (see benchmarks/load/sweep.py for ARGS).
latency-sweep: $(DEV_STAMP)
	$(BIN)/python -m benchmarks.load.sweep $(ARGS)

# The previous release (the last tag, or REF=<tag or commit>) and HEAD side by side on a
# scratch PostgreSQL database (127.0.0.1:5432): roll out, check, roll back, roll forward.
rollback-drill: $(STAMP)
	$(BIN)/python deploy/rollback_drill.py $(if $(REF),--ref '$(REF)') $(ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3* .mypy_cache .ruff_cache .pytest_cache .hypothesis build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
