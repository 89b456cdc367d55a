# The two commands of the quick start: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest fuzz openapi demo screenshots migrate stack bench bench-seed bench-registry bench-filings bench-reconcile bench-statements bench-arrears bench-reports bench-tokens bench-nightly bench-deadline clean

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

# The production topology on this machine (docs/operations.md): PostgreSQL primary and replica, Redis, API
# servers and arq workers; needs Debian's postgresql and redis-server (`make test` installs them).
stack: $(STAMP)
	bash tests/support/ensure-servers.sh
	$(BIN)/taxoffice stack up

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

# The committed OpenAPI document, regenerated from the code (tests/taxoffice/test_openapi_copy.py diffs the two).
openapi: $(STAMP)
	$(BIN)/taxoffice openapi -o docs/openapi.json

# The API fuzz and the property tests, run longer than the suite does, with a fresh seed (printed) unless one is given.
FUZZ_EXAMPLES ?= 500
fuzz: $(STAMP)
	bash tests/support/ensure-servers.sh
	@seed=$${TAXOFFICE_FUZZ_SEED:-$$RANDOM}; echo "fuzz seed $$seed ($(FUZZ_EXAMPLES) examples per operation)"; \
	TAXOFFICE_FUZZ_SEED=$$seed TAXOFFICE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest --hypothesis-profile=long \
		tests/taxoffice/test_fuzz_api.py tests/embedded/test_fuzz_api_embedded.py $$(find tests -name '*_properties.py')

# Every page of every role in Chromium, both languages, desktop and phone width, saved under docs/screenshots/.
screenshots: $(STAMP)
	bash tests/support/ensure-servers.sh
	TAXOFFICE_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/browser/test_tour.py -q

# Benchmarks print their figures; each starts a throwaway PostgreSQL (minutes each; `bench` runs them all).
bench: bench-seed bench-registry bench-filings bench-reconcile bench-statements bench-arrears bench-reports bench-tokens bench-nightly bench-deadline

bench-seed bench-registry bench-filings bench-reconcile bench-arrears bench-reports bench-tokens bench-nightly: bench-%: $(STAMP)
	bash tests/support/ensure-servers.sh
	$(BIN)/python bench/$*.py

bench-statements: $(STAMP)
	$(BIN)/python bench/statements.py

# Deadline day against its own `taxoffice stack` (docs/performance.md): the full run, about 9 minutes.
DEADLINE_ARGS ?= --rate 60 --ramp 60 --steady 300 --pgbench-seconds 30
bench-deadline: $(STAMP)
	bash tests/support/ensure-servers.sh
	$(BIN)/python bench/deadline_day.py $(DEADLINE_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
