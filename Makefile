PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv .venv run test lint stress clean

venv .venv: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[test]'
	touch $@

run: $(STAMP)
	mkdir -p var
	$(BIN)/statusboard db init
	$(BIN)/statusboard seed-demo --if-empty
	$(BIN)/statusboard run --print-admin-token

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy domain application projections adapters wsgi.py

test: lint
	$(BIN)/pytest

stress: $(STAMP)
	STATUSBOARD_STRESS_FACTOR=10 $(BIN)/pytest tests -m "stress or not stress"

clean:
	rm -rf $(VENV) var/*.sqlite3* .mypy_cache .ruff_cache .pytest_cache .hypothesis build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
