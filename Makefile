# govcio — two commands on a fresh machine with Python 3.11:
#   make run    install, migrate, load the demo into an empty database, serve on http://127.0.0.1:8000
#   make test   install the dev dependencies and run the whole suite (SQLite; PostgreSQL too when
#               GOVCIO_TEST_DATABASE_URL is set)
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export GOVCIO_DATA_DIR ?= $(CURDIR)/data

.PHONY: run test install install-dev lint check-migrations check-deploy messages check-messages browser-deps bench fuzz clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt pyproject.toml | $(PY)
	$(PIP) install --quiet -r requirements.txt
	$(PIP) install --quiet --no-deps --no-build-isolation -e . || $(PIP) install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/govcio run

test: install-dev
	GOVCIO_TEST_DATABASE_URL= $(PY) -m pytest -q -n 2 --dist loadfile
	@if [ -n "$$GOVCIO_TEST_DATABASE_URL" ]; then \
	  echo "== again on $$GOVCIO_TEST_DATABASE_URL =="; \
	  $(PY) -m pytest -q -n 2 --dist loadfile; \
	fi

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: install
	DJANGO_SETTINGS_MODULE=govcio.settings.production GOVCIO_ALLOWED_HOSTS=govcio.example.gov.cn \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Translations: msgids are English; the zh_Hans catalogue and its compiled .mo are committed, so running govcio
# needs no gettext tools. `make messages` (needs GNU gettext) refreshes the catalogue; `make check-messages` fails
# on any string in the code that is missing, untranslated or fuzzy, or a stale .mo.
messages: install-dev
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore=.venv --ignore=data --ignore=bench
	$(PY) scripts/i18n.py compile

check-messages: install-dev
	$(PY) scripts/i18n.py check

# The API against a live server with the county demo: no 500s, every response as the schema says (about a minute).
fuzz: install-dev
	$(PY) scripts/api_fuzz.py

bench: install-dev
	$(PY) -m bench.run --scale $(or $(SCALE),county) --db $(or $(DB),sqlite)

clean:
	rm -rf $(VENV) data
