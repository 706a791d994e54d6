# The two commands: `make run` and `make test`. Everything else here is what they are made of.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test install migrate seed datapackage schema lint format clean bench soak backup restore

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("citydiplo needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py load_seed

# The downloadable dump behind /data/ (production runs this on a schedule).
datapackage: seed
	$(PY) manage.py export_datapackage --publish

# Regenerate the committed OpenAPI contract after an API change; review the diff before committing.
schema: install
	$(PY) manage.py spectacular --validate --fail-on-warn --file openapi/citydiplo-v1.yaml

run: datapackage
	@echo ""
	@echo "  citydiplo on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  API: http://127.0.0.1:$(PORT)/api/v1/docs/  data packages: http://127.0.0.1:$(PORT)/data/"
	@echo "  Create an admin account with: $(PY) manage.py createsuperuser"
	@echo "  Demo accounts (dev only): $(PY) manage.py demo_accounts --password <pw>"
	@echo "    then log in at http://127.0.0.1:$(PORT)/accounts/login/ as demo-staff (Barcelona) or demo-moderator"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Load test on PostgreSQL against a raw-SQL baseline (bench/README.md): needs wrk and PostgreSQL.
bench: install
	$(PY) bench/run.py

# A full backup (accounts, drafts and moderation history included) into var/backups/.
backup: install
	$(PY) manage.py backup

# Restore one: make restore FILE=var/backups/citydiplo-<timestamp>.dump (or .sqlite3); YES=1 skips the question.
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/citydiplo-<timestamp>.dump|.sqlite3 [YES=1]"; exit 2; }
	$(PY) manage.py restore $(FILE) $(if $(YES),--yes)

# Steady mixed load on gunicorn + a private PostgreSQL cluster, which is stopped and started midway
# (bench/soak.py): needs root and Debian's postgresql-common. SOAK_DURATION=60 for a short one.
soak: install
	$(PY) bench/soak.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
