# One entry point: `make run` (install + demo service on SQLite), `make test` (install + every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := FLASK_APP=review_service $(VENV)/bin/flask
HOST ?= 127.0.0.1
PORT ?= 5000
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install run test test-sqlite test-postgres bench multi-node

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) review seed-demo
	@# the worker fires reminders and overdue flags; it stops with the web server
	$(FLASK) review worker & trap 'kill $$!' EXIT INT TERM; $(FLASK) run --host $(HOST) --port $(PORT)

test: install test-sqlite test-postgres

test-sqlite: install
	$(PY) -m pytest

# Runs against PostgreSQL when it answers; REQUIRE_POSTGRES=1 (set by .ci/run) makes its absence an error.
test-postgres: install
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL: $(PG_TEST_URL)"; \
		TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "PostgreSQL at $(PG_TEST_URL) is required but not reachable" >&2; exit 1; \
	else \
		echo "!! PostgreSQL at $(PG_TEST_URL) not reachable: only the SQLite run was done" >&2; \
	fi

bench: install
	$(PY) bench/run_cases.py --cases 200

# Two gunicorn nodes + two workers on PostgreSQL, 200 whole cases at once (drops PG_TEST_URL's public schema).
multi-node: install
	$(PY) bench/multi_node.py --cases 200 --database-url $(PG_TEST_URL)
