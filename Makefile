# Integrity Watch Portal: `make run` and `make test` work on a fresh machine with only Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in mails and the demo Site follow the address the server runs on (`make run PORT=8011`), unless
# WAGTAILADMIN_BASE_URL is set in the environment.
BASE_URL ?= $(or $(WAGTAILADMIN_BASE_URL),http://$(HOST):$(PORT))
# pytest-xdist: two workers, each with its own test database (in-memory SQLite, or PostgreSQL test_<name>_gwN).
# --reuse-db is not supported: the transactional tests flush the data Wagtail's migrations create (root page,
# default site), so a reused database would start without it.
PYTEST_ARGS ?= -n 2

.PHONY: install run test lint format migrate demo messages bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c "import sys; assert sys.version_info[:2] == (3, 11), sys.version" 2>/dev/null || { echo "Python 3.11 is required (found: $(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	WAGTAILADMIN_BASE_URL=$(BASE_URL) $(PY) manage.py load_demo

run: demo
	WAGTAILADMIN_BASE_URL=$(BASE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install lint
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

messages: install
	$(PY) manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=node_modules
	$(PY) manage.py compile_translations

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .test-media .test-private-media
