# One entry point: `make run` (install + demo service on SQLite), `make test` (install + every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := FLASK_APP=review_service $(VENV)/bin/flask
HOST ?= 127.0.0.1
PORT ?= 5000
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
WEB := review_service/web
VENDOR_STAMP := $(WEB)/static/vendor/.copied
CATALOG := $(WEB)/translations/zh_Hans_CN/LC_MESSAGES/messages

.PHONY: install installed run lint test test-sqlite test-postgres bench multi-node translations lock image image-check

# Python packages exactly as locked (requirements-dev.lock: versions and sha256 hashes), then the service
# itself in editable mode with the locked setuptools (no unpinned build environment). --no-compile: Python
# compiles a module when it is first imported, instead of pip compiling every file of every package (8 s).
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# After changing dependencies in pyproject.toml: re-resolve both lock files from PyPI (pip-tools, see README).
lock:
	$(PY) -m pip install --quiet "pip-tools>=7.4,<8"
	PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= $(VENV)/bin/pip-compile --quiet --strip-extras --generate-hashes \
		--allow-unsafe --index-url https://pypi.org/simple --no-emit-index-url $(LOCK_ARGS) -o requirements.lock pyproject.toml
	PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= $(VENV)/bin/pip-compile --quiet --strip-extras --generate-hashes \
		--allow-unsafe --index-url https://pypi.org/simple --no-emit-index-url $(LOCK_ARGS) --extra dev --all-build-deps \
		-c requirements.lock -o requirements-dev.lock pyproject.toml

# Browser libraries (bpmn-js, json-editor, ECharts, Bootstrap) from the npm registry, pinned by the lock file,
# copied to $(WEB)/static/vendor/ and served by the app itself: no CDN at run time.
$(VENDOR_STAMP): $(WEB)/assets/package.json $(WEB)/assets/package-lock.json $(WEB)/assets/copy-vendor.mjs
	cd $(WEB)/assets && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent
	touch $@

# The Chinese catalog of the pages (gettext .po kept in git, .mo compiled here).
$(CATALOG).mo: $(CATALOG).po $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -d $(WEB)/translations

# The Python packages and the browser libraries side by side (-j2), then the catalog (it needs pybabel).
install:
	@$(MAKE) --no-print-directory -j2 installed
installed: $(VENV)/.installed $(VENDOR_STAMP) $(CATALOG).mo
	@:

# After changing page texts: extract the English msgids and merge them into the Chinese catalog.
# Locations name the file only and the extraction date is ignored, so with no text change the catalog stays as it is.
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel -q extract -k _l -w 120 --add-location=file -F $(WEB)/babel.cfg -o $(WEB)/translations/messages.pot .
	$(VENV)/bin/pybabel -q update -w 120 --no-fuzzy-matching --ignore-pot-creation-date \
		-i $(WEB)/translations/messages.pot -d $(WEB)/translations

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) review seed-demo
	@# the workers: reminders and overdue flags (queue default), PDFs and archive packages (queue documents);
	@# they stop with the web server
	$(FLASK) review worker --queue default & timers=$$!; $(FLASK) review worker --queue documents & documents=$$!; \
	trap 'kill $$timers $$documents' EXIT INT TERM; $(FLASK) run --host $(HOST) --port $(PORT)

# ruff (lint only, never `ruff format`) and mypy, both configured in pyproject.toml (caches in .ruff_cache, .mypy_cache).
lint: install
	$(VENV)/bin/ruff check review_service tests bench
	$(VENV)/bin/mypy

# Both runs side by side with `lint` (still a gate: make fails when it finds anything), each run spread over
# pytest-xdist workers (PYTEST_WORKERS=0: in one process); each one's output is printed whole when it ends.
# Plain `.venv/bin/python -m pytest tests/foo` stays one process.
PYTEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal

test: install
	@$(MAKE) --no-print-directory -j3 --output-sync=target lint test-sqlite test-postgres

test-sqlite: install
	@echo "== SQLite"
	$(PYTEST)

# Runs against PostgreSQL when it answers; REQUIRE_POSTGRES=1 (set by .ci/run) makes its absence an error.
# Each xdist worker uses its own database next to PG_TEST_URL's (test_gw0, test_gw1, ...; created when missing).
test-postgres: install
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL: $(PG_TEST_URL)"; \
		TEST_DATABASE_URL=$(PG_TEST_URL) PG_RUN_ALL=$(PG_RUN_ALL) $(PYTEST); \
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

# The container image (docker/Dockerfile), with docker when its daemon answers, else podman (docker/engine.sh).
# EXTRA_CA_CERTS_FILE=agency-ca.crt builds behind an HTTPS-intercepting proxy.
IMAGE ?= localhost/review-service:latest
IMAGE_CHECK_PG ?= postgresql://postgres@127.0.0.1:5432
IMAGE_CHECK_DB ?= review_image_check
image:
	sh docker/engine.sh build --network=host -f docker/Dockerfile -t $(IMAGE) \
		$(if $(EXTRA_CA_CERTS_FILE),--build-arg EXTRA_CA_CERTS="$$(cat $(EXTRA_CA_CERTS_FILE))") .

# Runs the image's entry points against PostgreSQL (IMAGE_CHECK_PG; creates and drops the databases
# IMAGE_CHECK_DB and IMAGE_CHECK_DB_restore): see docker/image_check.py.
image-check: image
	$(PYTHON) docker/image_check.py --image $(IMAGE) --postgres $(IMAGE_CHECK_PG) --database $(IMAGE_CHECK_DB)
