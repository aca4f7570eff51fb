# DART. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export DATABASE_URL ?= postgres://postgres:postgres@127.0.0.1:5432/dart

.PHONY: help install demo test services bench lint

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

install: $(VENV)/.installed $(VENV)/.built ## Create .venv, install the pinned requirements, build the VCF fast path

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import venv' 2>/dev/null || (apt-get update -q && apt-get install -y -q python3-venv)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	touch $@

# the VCF reader's compiled fast path (genomics/io/_vcfscan.c): a C compiler and Python's headers
$(VENV)/.built: $(VENV)/.installed setup.py genomics/io/_vcfscan.c
	@command -v cc >/dev/null && $(BIN)/python -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
		|| (apt-get update -q && apt-get install -y -q gcc python3-dev)
	$(BIN)/python setup.py -q build_ext --inplace
	rm -rf build
	touch $@

demo: install ## Run DART on SQLite with the bundled demo case, tasks in-process; prints URL and logins
	DJANGO_SETTINGS_MODULE=dart.settings.local $(BIN)/python manage.py migrate --noinput -v0
	DJANGO_SETTINGS_MODULE=dart.settings.local $(BIN)/python manage.py demo_load
	DJANGO_SETTINGS_MODULE=dart.settings.local $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=dart.settings.local $(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --insecure

services: ## Install (Debian packages) and start PostgreSQL, Redis and Chromium
	./scripts/services.sh

test: install services ## Install what is missing, start the services, run the whole suite
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=dart.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

bench: install services ## Run the benchmarks (figures and ratios to their baselines)
	$(BIN)/python benchmarks/run_all.py

lint: install ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
