# The CME tracker. `make run` starts everything with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := $(shell sed -n 's/^uv==\([0-9.]*\).*/\1/p' requirements-dev.lock)
export PORT ?= 8000

.PHONY: run test check format assets install stop clean help lock bench

help:
	@echo "make run     start the web server, worker and beat with demo data (http://127.0.0.1:$(PORT)/)"
	@echo "make test    run the whole test suite against real PostgreSQL and Redis"
	@echo "make check   ruff, formatting and missing migrations"
	@echo "make bench   print performance figures (import, scorecard, pages, overdue scan, load test)"
	@echo "make stop    stop the embedded PostgreSQL and Redis"

install: $(VENV)/.installed node_modules/.installed static/vendor/.built

$(VENV)/.installed: requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv pip install --quiet --python $(PY) --require-hashes -r requirements-dev.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.built: node_modules/.installed scripts/build-assets.mjs $(wildcard static/src/*.scss)
	node scripts/build-assets.mjs
	touch $@

assets: static/vendor/.built

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py serve

test: install
	$(MAKE) --no-print-directory check
	$(VENV)/bin/pytest

bench: install  ## performance figures, printed (not asserted); BENCH_SCALE=0.01 for 10k episodes
	$(PY) benchmarks/bulk_import.py
	$(PY) benchmarks/scorecard.py
	$(PY) benchmarks/pages.py

check: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=cme_tracker.settings.test $(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

stop: $(VENV)/.installed
	$(PY) -c "from cme_tracker import embedded; from pathlib import Path; import os; \
	d = Path(os.environ.get('CME_DATA_DIR', 'var')).resolve(); \
	print('postgres stopped' if embedded.stop_postgres(d) else 'postgres not running'); \
	print('redis stopped' if embedded.stop_redis(d) else 'redis not running')"

clean:
	rm -rf $(VENV) node_modules static/vendor

lock: $(VENV)/.installed  ## re-pin dependencies after editing pyproject.toml
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -q -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		-c requirements.lock -q -o requirements-dev.lock
