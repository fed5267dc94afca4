# Grassroots — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test test-fast lint format venv demo bench messages screenshots clean

run: $(STAMP)  ## set up, load the demo town once, serve on http://127.0.0.1:$${PORT:-8000}
	$(BIN)/grassroots migrate --noinput -v 0
	$(BIN)/grassroots demo
	$(BIN)/grassroots serve

test: $(STAMP)  ## the whole suite under coverage, held to its floors (conftest.py); DATABASE_URL=postgres://… runs it on PostgreSQL; COVERAGE=0 runs it unmeasured
	$(if $(filter 0,$(COVERAGE)),$(BIN)/pytest,$(BIN)/coverage run -m pytest --coverage-floors)

test-fast: $(STAMP)  ## everything but the browser tests
	$(BIN)/pytest -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy grassroots/core grassroots/accounts

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/grassroots migrate --noinput -v 0
	$(BIN)/grassroots demo

bench: $(STAMP)
	$(BIN)/grassroots bench

screenshots: $(STAMP)  ## phone and desktop screenshots of the main pages into docs/screenshots/ (a browser test)
	GRASSROOTS_SCREENSHOTS=1 $(BIN)/pytest -q grassroots/core/tests/browser/test_screenshots.py

messages: $(STAMP)  ## refresh every app's zh_Hans catalogue (then fill the new msgstr) and compile
	cd grassroots && for app in */; do app=$${app%/}; [ -d $$app/locale ] && \
	  (cd $$app && DJANGO_SETTINGS_MODULE=grassroots.settings ../../$(BIN)/django-admin makemessages -l zh_Hans --no-location --no-obsolete -v0); done; true
	cd grassroots && DJANGO_SETTINGS_MODULE=grassroots.settings ../$(BIN)/django-admin makemessages -l zh_Hans --no-location --no-obsolete -v0 \
	  $$(for d in */; do d=$${d%/}; [ $$d != templates ] && [ $$d != locale ] && echo "-i $$d"; done)
	cd grassroots && DJANGO_SETTINGS_MODULE=grassroots.settings ../$(BIN)/django-admin compilemessages -v0

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static .coverage .mypy_cache
