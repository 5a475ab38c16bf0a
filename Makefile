# Two commands do all the set-up on a fresh machine (python3 and make only):
#   make run   install, migrate, load the demo data and serve http://127.0.0.1:8000
#   make test  install and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist); 'make test TEST_WORKERS=0' runs in one process.
TEST_WORKERS ?= auto

.PHONY: run test install lint format check migrate seed worker beat bench lock

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --base-url http://$(HOST):$(PORT)

run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	./scripts/ensure-chromium
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check && $(BIN)/python manage.py makemigrations --check --dry-run

worker: install
	$(BIN)/celery -A cms worker -l info

beat: install
	$(BIN)/celery -A cms beat -l info

# Regenerate the lock file from pyproject.toml's ranges.
lock:
	rm -rf /tmp/ventanilla-lock && $(PYTHON) -m venv /tmp/ventanilla-lock
	/tmp/ventanilla-lock/bin/pip install --quiet ".[test]"
	/tmp/ventanilla-lock/bin/pip freeze --exclude ventanilla > requirements.lock
