# Two commands: `make run` (install + run the pipeline on the demo company) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
SCALE ?= 1

.PHONY: install browser run ui test lint clean

$(UV):
	$(PYTHON) -m pip install --user --quiet uv

install: $(UV)
	@echo "Installing the pinned dependencies (uv sync --frozen)..."
	@$(UV) sync --frozen --quiet --python $(PYTHON) --extra spark

# Quiet: one line per phase, the full log in a file; `make run ARGS=--verbose` prints everything.
run: install
	@$(UV) run --quiet python -m orchestration.cli run --scale $(SCALE) $(ARGS)

ui: install
	mkdir -p $(DAGSTER_HOME) && cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	SALESOPS_WAREHOUSE_PATH=$${SALESOPS_WAREHOUSE_PATH:-$(CURDIR)/data/warehouse.duckdb} \
		$(UV) run dagster dev -m orchestration.definitions

# The browser test drives Debian's chromium; as root (CI), install it when it is missing.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; }; } || \
		echo "chromium is not installed: the browser test will skip (run make test as root to install it)"

# ruff for Python; sqlfluff for the dbt models, rendered by dbt's templater against an empty
# in-memory DuckDB (it reads no warehouse; incremental models lint as their full build), with
# every CRM's models enabled (each CRM's folders are disabled unless SALESOPS_CRM_SOURCE names it).
# Its dbt keeps its own target folder: the project's holds the manifest the runs read.
lint: install
	$(UV) run ruff check .
	SALESOPS_WAREHOUSE_PATH=:memory: DBT_TARGET_PATH=target/lint SALESOPS_CRM_SOURCE=files,hubspot,zoho \
		$(UV) run sqlfluff lint --processes 2 dbt_project/models dbt_project/tests

# The linters run beside the tests at the lowest CPU priority (they took 75 s of a 2-core machine
# run first; the tests leave about a sixth of its CPU idle while they wait on their subprocesses),
# their report printed once the tests end; either failing fails the target.
test: install browser
	@nice -n 19 $(MAKE) --no-print-directory lint > .lint.log 2>&1 & linting=$$!; \
	$(UV) run pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=25 -m "not slow"; tests=$$?; \
	wait $$linting; linted=$$?; cat .lint.log; \
	[ $$linted = 0 ] || echo "make lint failed (its report is above)"; \
	[ $$tests = 0 ] && [ $$linted = 0 ]

clean:
	rm -rf data .dagster_home dbt_project/target dbt_project/logs
