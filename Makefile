# The two commands of the quick start: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest demo migrate bench bench-registry bench-filings bench-reconcile bench-statements bench-arrears bench-reports bench-tokens clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/taxoffice db upgrade

run: migrate
	@$(BIN)/taxoffice users ensure-admin
	$(BIN)/taxoffice serve --host $(HOST) --port $(PORT)

demo: migrate
	$(BIN)/taxoffice demo load --taxpayers 1000
	$(BIN)/taxoffice demo activity

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	bash tests/support/ensure-servers.sh
	$(BIN)/pytest

test: lint typecheck pytest

# Benchmarks print their figures; each starts a throwaway PostgreSQL (minutes each; `bench` runs them all).
bench: bench-registry bench-filings bench-reconcile bench-statements bench-arrears bench-reports bench-tokens

bench-registry bench-filings bench-reconcile bench-arrears bench-reports bench-tokens: bench-%: $(STAMP)
	bash tests/support/ensure-servers.sh
	$(BIN)/python bench/$*.py

bench-statements: $(STAMP)
	$(BIN)/python bench/statements.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
