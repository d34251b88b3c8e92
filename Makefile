# NIAP progress dashboard. Two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB := data/niap.duckdb
PORT ?= 8501
DATA_FILES := $(shell find data/raw data/demo data/uploads data/reference loaders -type f -not -name '*.pyc' -not -path '*/__pycache__/*' -not -path 'loaders/devtools/*' 2>/dev/null) data/schema.sql $(wildcard data/corrections.csv)

.PHONY: help run app test lint build tools chromium office clean screenshots fuzz
help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

run: $(DB) ## set up, build the database and start the app on http://localhost:8501
	$(BYTECODE)
	$(VENV)/bin/streamlit run dashboard/app.py --server.port $(PORT)

app: run

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Bytecode of the project's own modules, and the compiled regular expressions of the
# reference data (loaders/regex_cache.py), written once: every `python -m loaders` and the
# parse child would otherwise compile them again (PYTHONDONTWRITEBYTECODE may be set).
BYTECODE = $(PY) -m compileall -q -j 0 loaders dashboard >/dev/null && $(PY) -m loaders.regex_cache

$(DB): $(VENV)/.runtime $(DATA_FILES)
	$(BYTECODE)
	$(PY) -m loaders build --db $(DB)

build: $(VENV)/.runtime ## rebuild the database from data/
	$(BYTECODE)
	$(PY) -m loaders build --db $(DB)

# command:Debian package pairs the tests and chart export need (browser, second PDF producer, pdftotext).
DEBIAN_TOOLS := chromium:chromium soffice:libreoffice-writer-nogui pdftotext:poppler-utils

tools: ## install Debian's chromium, LibreOffice Writer and poppler-utils when missing (as root)
	@missing=""; for pair in $(DEBIAN_TOOLS); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "installing Debian packages:$$missing (browser tests, chart export, LibreOffice PDF fixtures)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "missing Debian packages:$$missing; run 'sudo apt-get install$$missing' (in CI the tests needing them fail)"; fi

chromium office: tools

# Two pytest workers: the browser tests on one (one after another), the rest on the other (tests/conftest.py).
TEST_WORKERS ?= 2

test: $(VENV)/.dev tools ## install what tests need and run the whole suite
	$(VENV)/bin/ruff check .
	$(BYTECODE)
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

screenshots: $(VENV)/.dev tools ## refresh the README screenshots (dashboard/assets/) from the browser tests
	$(PY) -m pytest -q tests/test_browser.py -k renders_its_charts
	cp tests/output/screenshots/overview.png tests/output/screenshots/ratings.png dashboard/assets/

fuzz: $(VENV)/.dev ## 5000 seeded mutated markup/DOCX/PDF files through the parser (the suite runs 300)
	$(PY) -m tests.fuzz --cases $${FUZZ_CASES:-5000} --seed $${FUZZ_SEED:-14}

lint: $(VENV)/.dev ## ruff
	$(VENV)/bin/ruff check .

clean: ## remove the virtual environment, database and caches
	rm -rf $(VENV) $(DB) .pytest_cache .ruff_cache
