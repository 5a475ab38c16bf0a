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

.PHONY: run test install messages lint format check migrate seed worker beat bench lock

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

# Translations ship as .po with their compiled .mo, so a fresh clone shows English at
# /en/ without gettext; where msgfmt exists, install recompiles them.
I18N_IGNORE := --ignore=.venv --ignore=static_collected --ignore=node_modules --ignore=var

install: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages $(I18N_IGNORE) -v0; fi

# Re-extract the English catalogue from the code and compile it. Idempotent: existing
# translations are kept; a new string stays untranslated (shown in Spanish) until
# someone fills its msgstr in locale/en/LC_MESSAGES/django.po.
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l en -e html,txt,py --no-obsolete $(I18N_IGNORE) --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages $(I18N_IGNORE) -v0

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
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

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
