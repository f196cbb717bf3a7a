# The command index. `make run` and `make test` are all a newcomer needs.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEV_ENV := DJANGO_DEBUG=1
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret-a-long-enough-key-for-the-start-up-guard-0123

.PHONY: run test test-fast browser screenshots lint format check deploy-check editor backup restore fuzz bench load serve cluster-check clean

# Python 3.12+: whatever .python-version selects through pyenv, else python3.13/3.12 on PATH.
$(PY):
	@set -e; for c in "$$(pyenv which python 2>/dev/null)" python3.13 python3.12 python3; do \
	  if [ -n "$$c" ] && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    echo "Creating $(VENV) with $$($$c --version)"; $$c -m venv $(VENV); exit 0; fi; done; \
	  echo "Python 3.12 or newer is needed (pyenv install 3.12, or put python3.12 on PATH)." >&2; exit 1

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)  ## Install, migrate, load fixtures into an empty catalogue, serve on 127.0.0.1:8000
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_catalog
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)  ## The whole suite on the configured database (SQLite unless DATABASE_URL); browser tests when Chromium is here
	$(MAKE) --no-print-directory deploy-check
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(PY) -m pytest

test-fast: $(STAMP)  ## The suite without browser tests
	$(TEST_ENV) $(PY) -m pytest -m "not browser"

browser: $(STAMP)  ## Only the browser tests
	$(TEST_ENV) $(PY) -m pytest -m browser

screenshots: $(STAMP)  ## Regenerate screenshots/ (every public page at 1280 and 390 px)
	$(TEST_ENV) $(PY) -m pytest -m browser tests/browser/test_screenshots.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(STAMP)
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

deploy-check: $(STAMP)  ## manage.py check --deploy with production settings; any warning fails
	env -u DJANGO_DEBUG -u DJANGO_SECURE_SSL_REDIRECT -u DJANGO_SECURE_COOKIES -u DJANGO_HSTS_SECONDS \
	  DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  DJANGO_ALLOWED_HOSTS=certcatalog.example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

editor: $(STAMP)  ## Create an editor account (staff, Editors group, not superuser): make editor USERNAME=name
	$(DEV_ENV) $(PY) manage.py create_editor $(USERNAME)

backup: $(STAMP)  ## Catalogue, its full history, users and groups to backups/certcatalog-<UTC time>.json
	@mkdir -p backups
	$(PY) manage.py backup_catalog backups/certcatalog-$$(date -u +%Y%m%dT%H%M%SZ).json

restore: $(STAMP)  ## Load FILE=backups/certcatalog-….json into an empty database (migrates first; refuses one with programs, history or users)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/certcatalog-….json" >&2; exit 1; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py restore_catalog "$(FILE)"

FUZZ_EXAMPLES ?= 10000

fuzz: $(STAMP)  ## Hypothesis over every public URL and query parameter: FUZZ_EXAMPLES (10,000) on SQLite, then PostgreSQL when DATABASE_URL is set; prints the count per database
	env -u DATABASE_URL $(TEST_ENV) FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q tests/test_fuzz.py
	@if [ -n "$$DATABASE_URL" ]; then \
	  $(TEST_ENV) FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) EXPECT_DATABASE=postgresql $(PY) -m pytest -q tests/test_fuzz.py; fi

bench: $(STAMP)  ## Every public page at 6, 1,000 and 10,000 programs, cold and warm, then gunicorn + wrk (SQLite; PostgreSQL too when DATABASE_URL is set)
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(PY) -m tests.benchmarks.pages

load: $(STAMP)  ## wrk 30 s x 64 connections on list, compare and detail at 10,000 programs under gunicorn: errors and worker memory
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(PY) -m tests.benchmarks.load

serve: $(STAMP)  ## Production settings under gunicorn on 127.0.0.1 (set DJANGO_SECRET_KEY; PORT, DATABASE_URL, REDIS_URL optional)
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/gunicorn certcatalog.wsgi --bind 127.0.0.1:$${PORT:-8000} --workers $$((2 * $$(nproc) + 1))

cluster-check: $(STAMP)  ## Two gunicorn servers on one PostgreSQL and one Redis: an edit through one shows on the other
	$(PY) -m tests.cluster_check

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles screenshots
