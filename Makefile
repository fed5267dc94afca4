# Grassroots — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test test-fast lint format venv demo bench messages clean

run: $(STAMP)  ## set up, load the demo town once, serve on http://127.0.0.1:$${PORT:-8000}
	$(BIN)/grassroots migrate --noinput -v 0
	$(BIN)/grassroots demo
	$(BIN)/grassroots serve

test: $(STAMP)  ## the whole suite; DATABASE_URL=postgres://… runs it on PostgreSQL
	$(BIN)/pytest

test-fast: $(STAMP)  ## everything but the browser tests
	$(BIN)/pytest -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

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

messages: $(STAMP)  ## refresh and compile translations
	cd grassroots && ../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --no-location
	cd grassroots && ../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
