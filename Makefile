# NIAP progress dashboard. Two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB := data/niap.duckdb
PORT ?= 8501
DATA_FILES := $(shell find data/raw data/demo data/reference loaders -type f -not -name '*.pyc' -not -path '*/__pycache__/*' 2>/dev/null) data/schema.sql

.PHONY: help run app test lint build chromium clean
help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

run: $(DB) ## set up, build the database and start the app on http://localhost:8501
	$(VENV)/bin/streamlit run dashboard/app.py --server.port $(PORT)

app: run

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(DB): $(VENV)/.runtime $(DATA_FILES)
	$(PY) -m loaders build --db $(DB)

build: $(VENV)/.runtime ## rebuild the database from data/
	$(PY) -m loaders build --db $(DB)

chromium: ## install Debian's chromium for browser tests (as root, when missing)
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "installing Debian chromium (browser tests, chart export)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; fi

test: $(VENV)/.dev chromium ## install what tests need and run the whole suite
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

lint: $(VENV)/.dev ## ruff
	$(VENV)/bin/ruff check .

clean: ## remove the virtual environment, database and caches
	rm -rf $(VENV) $(DB) .pytest_cache .ruff_cache
