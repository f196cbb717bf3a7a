# The command index. `make run` and `make test` are all a newcomer needs.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEV_ENV := DJANGO_DEBUG=1
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret-a-long-enough-key-for-the-start-up-guard-0123

PORT ?= 8000

.PHONY: help debian-libraries run test test-fast coverage mutants import browser screenshots lint format check deploy-check lock editor links backup restore fuzz bench load serve stop faults cluster-check clean

help:  ## This list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 22

# Python 3.12+: whatever .python-version selects through pyenv, else python3.13/3.12 on PATH.
$(PY):
	@set -e; for c in "$$(pyenv which python 2>/dev/null)" python3.13 python3.12 python3; do \
	  if [ -n "$$c" ] && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    echo "Creating $(VENV) with $$($$c --version)"; $$c -m venv $(VENV); exit 0; fi; done; \
	  echo "Python 3.12 or newer is needed (pyenv install 3.12, or put python3.12 on PATH)." >&2; exit 1

# Exactly the versions in requirements.lock (hash-checked), then this project itself.
$(STAMP): $(PY) requirements.lock pyproject.toml
	@$(MAKE) --no-print-directory debian-libraries
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# WeasyPrint (PDF briefs) needs Pango from Debian; installed when missing and we may.
DEBIAN_LIBRARIES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
debian-libraries:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then echo "Installing $(DEBIAN_LIBRARIES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_LIBRARIES) >/dev/null; \
	  else echo "PDF briefs need: sudo apt-get install $(DEBIAN_LIBRARIES)" >&2; fi; fi

lock: $(PY)  ## Re-resolve requirements.lock from pyproject.toml (after changing a dependency)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --upgrade -o requirements.lock pyproject.toml

run: $(STAMP)  ## Install, migrate, load fixtures into an empty catalogue, serve on 127.0.0.1:8000 (PORT=8001 make run if 8000 is busy)
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_catalog
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: check lint deploy-check  ## Checks, lint, then the whole suite (SQLite unless DATABASE_URL) as two processes side by side: browser journeys and fuzzing, and the rest under branch coverage
	$(VENV)/bin/coverage erase
	$(TEST_ENV) $(PY) -m tests.suites --coverage $(PYTEST_ARGS)
	$(VENV)/bin/coverage combine --quiet 2>/dev/null || true
	$(VENV)/bin/coverage report

test-fast: $(STAMP)  ## The suite without browser tests
	$(TEST_ENV) $(PY) -m pytest -m "not browser"

browser: $(STAMP)  ## Only the browser tests
	$(TEST_ENV) $(PY) -m pytest -m browser

screenshots: $(STAMP)  ## Regenerate screenshots/ (every public page at 1280 and 390 px)
	$(TEST_ENV) $(PY) -m pytest -m browser tests/browser/test_screenshots.py

lint: $(STAMP)  ## ruff (lint and format) and djhtml (template indentation), as pre-commit runs them
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates

format: $(STAMP)  ## Fix what lint reports
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates

check: $(STAMP)  ## Django's system checks, and no model change without its migration
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

deploy-check: $(STAMP)  ## manage.py check --deploy with production settings; any warning fails
	env -u DJANGO_DEBUG -u DJANGO_SECURE_SSL_REDIRECT -u DJANGO_SECURE_COOKIES -u DJANGO_HSTS_SECONDS \
	  DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  DJANGO_ALLOWED_HOSTS=certcatalog.example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

editor: $(STAMP)  ## Create an editor account (staff, Editors group, not superuser): make editor USERNAME=name
	$(DEV_ENV) $(PY) manage.py create_editor $(USERNAME)

links: $(STAMP)  ## Check every program's and document's address, record each result for editors (admin): make links TIMEOUT=10
	$(PY) manage.py check_links --timeout $(or $(TIMEOUT),5)

backup: $(STAMP)  ## Catalogue, its full history, users and groups to backups/certcatalog-<UTC time>.json
	@mkdir -p backups
	$(PY) manage.py backup_catalog backups/certcatalog-$$(date -u +%Y%m%dT%H%M%SZ).json

restore: $(STAMP)  ## Load FILE=backups/certcatalog-….json into an empty database (migrates first; refuses one with programs, history or users)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/certcatalog-….json" >&2; exit 1; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py restore_catalog "$(FILE)"

fuzz: $(STAMP)  ## Hypothesis over every public URL and query parameter under the fuzz profile (10,000 examples; FUZZ_EXAMPLES=n to change) on SQLite, then PostgreSQL when DATABASE_URL is set; prints the count per database
	env -u DATABASE_URL $(TEST_ENV) HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_fuzz.py
	@if [ -n "$$DATABASE_URL" ]; then \
	  $(TEST_ENV) HYPOTHESIS_PROFILE=fuzz EXPECT_DATABASE=postgresql $(PY) -m pytest -q tests/test_fuzz.py; fi

bench: $(STAMP)  ## Every public page at 6, 1,000 and 10,000 programs, cold and warm, then gunicorn + wrk (SQLite; PostgreSQL too when DATABASE_URL is set); then preparing and serving the full exports at 10,000
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(PY) -m tests.benchmarks.pages
	$(PY) -m tests.benchmarks.exports

load: $(STAMP)  ## wrk 30 s x 64 connections on list, compare and detail at 10,000 programs under gunicorn: errors and worker memory
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(PY) -m tests.benchmarks.load

serve: $(STAMP)  ## Production stack: nginx on 127.0.0.1:PORT in front of gunicorn (gthread, internal port PORT+1000); set DJANGO_SECRET_KEY; DATABASE_URL, REDIS_URL, TLS_CERT/TLS_KEY optional
	$(PY) -m deploy.stack start

stop:  ## Stop what `make serve` started (nginx and gunicorn)
	$(PY) -m deploy.stack stop

faults: $(STAMP)  ## The production stack under injected faults (Redis killed and full, slowloris, slow readers, exports, garbage headers, PostgreSQL away): fails on any 500 or health time-out
	$(PY) -m deploy.faults

cluster-check: $(STAMP)  ## Two gunicorn servers on one PostgreSQL and one Redis: an edit through one shows on the other
	$(PY) -m tests.cluster_check

clean:  ## Remove the venv, the development database, collected static files, screenshots and run/
	rm -rf $(VENV) db.sqlite3 staticfiles screenshots run prepared

mutants: $(STAMP)  ## Break each visible feature on purpose (tests/mutations.py) and check the suite notices
	$(TEST_ENV) $(PY) -m tests.mutations

import: $(STAMP)  ## Import programs from a CSV as /programs/export.csv writes it: make import FILE=programs.csv [DRY_RUN=1]
	@test -n "$(FILE)" || { echo "Usage: make import FILE=programs.csv [DRY_RUN=1]" >&2; exit 1; }
	$(DEV_ENV) $(PY) manage.py import_programs "$(FILE)" $(if $(DRY_RUN),--dry-run,)
