# Revier — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
# Links in e-mails sent by background tasks (no request to take the host from) point here, so
# they match the port `make run` serves on; a municipality's primary domain wins over it.
REVIER_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
REVIER_DATA_DIR ?= $(CURDIR)/var
export REVIER_DATA_DIR
# Operator shown in the platform's own Impressum; demo values unless the environment sets them.
REVIER_OPERATOR_NAME ?= Demo-Betrieb der Plattform Revier
REVIER_OPERATOR_ADDRESS ?= Musterstraße 1, 06712 Zeitz
REVIER_OPERATOR_EMAIL ?= betrieb@revier.example
export REVIER_OPERATOR_NAME REVIER_OPERATOR_ADDRESS REVIER_OPERATOR_EMAIL
UV_VERSION := 0.13.9
# Use an installed uv, or bootstrap one into .uv/ with nothing but Python.
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.uv/bin/uv)
REVIER := .venv/bin/revier
PYTEST_ARGS ?=
# Test processes (pytest-xdist): "auto" is one per core, 0 runs the suite in this process.
TEST_WORKERS ?= auto
# loadfile: a test file's tests run on one worker, so module fixtures are built once.
PYTEST_XDIST := -n $(TEST_WORKERS) --dist loadfile

.PHONY: help run demo test test-fast lint fmt migrations-check messages openapi openapi-check chaos bench audit ci clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(CURDIR)/.uv/bin/uv:
	python3 -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python python3
	@touch $@

install: .venv/.synced ## Create the environment from uv.lock

run: .venv/.synced ## Serve Revier with demo data on http://127.0.0.1:$(PORT) (SQLite, one process)
	$(REVIER) migrate --no-input -v 0
	REVIER_PUBLIC_URL=$(REVIER_PUBLIC_URL) $(REVIER) demo
	@echo; echo "Demo logins (password for all: see above):"; $(REVIER) demo-users; echo
	@echo "Revier: http://127.0.0.1:$(PORT)/   Zeitz: http://127.0.0.1:$(PORT)/zeitz/"
	REVIER_PUBLIC_URL=$(REVIER_PUBLIC_URL) $(REVIER) runserver 127.0.0.1:$(PORT) --noreload

demo: .venv/.synced ## Create or refresh the demo municipalities and users
	$(REVIER) migrate --no-input -v 0
	REVIER_PUBLIC_URL=$(REVIER_PUBLIC_URL) $(REVIER) demo

test: .venv/.synced ## Run the whole test suite (SQLite unless DATABASE_URL is set)
	@scripts/test-services
	.venv/bin/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

test-fast: .venv/.synced ## Tests without the browser and multi-process stack tests
	.venv/bin/pytest $(PYTEST_XDIST) -m "not browser and not stack" $(PYTEST_ARGS)

lint: .venv/.synced ## ruff check, format check and the layering contracts (import-linter)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

fmt: .venv/.synced ## Format and autofix
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

migrations-check: .venv/.synced ## Fail if models changed without a migration
	$(REVIER) makemigrations --check --dry-run

messages: .venv/.synced ## Update and compile the German and English translations
	cd src/revier && ../../$(REVIER) makemessages -l de -l en --no-obsolete --ignore "*/static/vendor/*"
	cd src/revier && ../../$(REVIER) compilemessages

openapi: .venv/.synced ## Regenerate docs/openapi.yaml
	$(REVIER) spectacular --lang en --validate --fail-on-warn --file docs/openapi.yaml

openapi-check: .venv/.synced ## Fail if docs/openapi.yaml is not what the code generates
	$(REVIER) spectacular --lang en --validate --fail-on-warn --file $(REVIER_DATA_DIR)/openapi.generated.yaml
	diff -u docs/openapi.yaml $(REVIER_DATA_DIR)/openapi.generated.yaml

chaos: .venv/.synced ## Fault injection on the production stack, full version (tests/chaos)
	REVIER_CHAOS=full timeout 1200 .venv/bin/pytest -n 0 -m chaos -s tests/chaos $(PYTEST_ARGS)

bench: .venv/.synced ## Run the benchmarks (see benchmarks/README.md)
	.venv/bin/python benchmarks/portal/run.py

audit: .venv/.synced ## Check the locked dependencies for known vulnerabilities (pip-audit)
	UV=$(UV) .venv/bin/python scripts/audit.py

ci: lint migrations-check openapi-check test audit ## What .ci/run runs (after starting services)

clean: ## Remove the environment and local data
	rm -rf .venv .uv var
