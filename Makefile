# Fresh machine: `make run` serves the site, `make test` runs every test. Both install what they need first.
#
# One virtual environment (.venv) holds requirements/dev.txt, which includes requirements/base.txt, so
# `make run` and `make test` share it. The install step is skipped while the stamp file, named after a
# checksum of the requirements files, is present: change a pin and the next make reinstalls.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_FOR_VENV ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
REQUIREMENTS := requirements/base.txt requirements/dev.txt
REQUIREMENTS_HASH := $(shell cat $(REQUIREMENTS) | cksum | cut -d" " -f1)
INSTALL_STAMP := $(VENV)/.installed-$(REQUIREMENTS_HASH)

HOST ?= 127.0.0.1
PORT ?= 8000
ARTIFACTS ?= test-artifacts
PYTEST_ARGS ?=
# pytest-xdist processes. The suite waits on servers, subprocesses and the database as much as it computes,
# so three beat two on a 2-core machine.
PYTEST_WORKERS ?= 3
BENCH_ARGS ?=

# pip on this kind of machine prints one "WARNING: Location '…' is ignored" per package, from the
# machine's own pip configuration; they are harmless and hide real messages.
PIP_QUIET_FILTER := grep -v "^WARNING: Location '" || true

.PHONY: help install run test test-fast collectstatic bench lint lock clean

help:
	@echo "make run     install into $(VENV), migrate, load the demo catalog, serve on http://$(HOST):$(PORT)/"
	@echo "make test    install into $(VENV), check migrations, run the whole pytest suite ($(PYTEST_WORKERS) processes)"
	@echo "make test-fast  the developer loop: every test but the browser, drill and schemathesis ones, -n auto"
	@echo "make bench   measure every performance target, each met or missed (DATABASE_URL=postgres://... for all of them)"
	@echo "make lint    ruff check, lint-imports (the apps' layers, in .importlinter), mkdocs build --strict (docs/)"
	@echo "make lock    re-pin requirements/*.txt from pyproject.toml (needs the package index)"

install: $(INSTALL_STAMP)

$(INSTALL_STAMP): $(REQUIREMENTS)
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	@echo "Installing requirements/dev.txt into $(VENV) …"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt 2>&1 | { $(PIP_QUIET_FILTER); }
	@rm -f $(VENV)/.installed-*
	@touch $@

run: install
	$(PY) scripts/run.py --host $(HOST) --port $(PORT)

# Static files are collected with the test settings' plain storage: WhiteNoise serves them to the tests.
collectstatic: install
	DJANGO_SETTINGS_MODULE=pharmacy.settings.test $(PY) manage.py collectstatic --noinput --verbosity 0

# The whole suite in $(PYTEST_WORKERS) pytest-xdist processes, each with its own test database. --dist loadgroup
# keeps the tests marked with one xdist_group in one process, so a server they share starts once.
# pytest exits 5 when it collected no test: that is a failure here, said out loud.
test: collectstatic
	@mkdir -p $(ARTIFACTS)
	$(PY) manage.py makemigrations --check --dry-run
	@status=0; \
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --junitxml=$(ARTIFACTS)/junit.xml \
	    --output=$(ARTIFACTS)/playwright --screenshot=only-on-failure --durations=20 $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests (exit 5)" >&2; fi; \
	exit $$status

# The developer loop: one process per core, without the browser journeys, the fault drills and the
# schemathesis runs (make test runs them all).
test-fast: collectstatic
	$(PY) -m pytest -n auto --dist loadgroup -m "not browser and not drill" \
	    --ignore=tests/pharmacy/test_schemathesis.py $(PYTEST_ARGS)

bench: install
	$(PY) bench/bench_catalog.py $(BENCH_ARGS)

# The docs site is built into the ignored site/ only to prove it builds: --strict fails on a broken link,
# anchor or a page missing from mkdocs.yml's nav (not --quiet: it hides the warnings --strict counts).
# NO_MKDOCS_2_WARNING silences mkdocs-material's end-of-life banner.
lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

lock: install
	$(PY) scripts/lock.py

clean:
	rm -rf staticfiles $(ARTIFACTS) bench/results site
