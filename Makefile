# make run: set up and serve the demo on SQLite · make test: every check, SQLite and PostgreSQL
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/disputedesk
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install run test lint test-sqlite test-postgres test-fast typecheck fuzz compose-smoke

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@# The outbox worker runs beside the server and stops with it; e-mail lands in instance/mail/.
	@$(FLASK) outbox deliver --loop 5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Outbox worker running (pid $$worker): demo e-mail is written to instance/mail/*.eml"; \
	echo "Serving on http://127.0.0.1:5000 (Ctrl-C to stop)"; \
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint typecheck test-sqlite test-postgres

test-sqlite: install
	env -u TEST_DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

# The quick loop while working: lint, types, and the suite on SQLite without the browser, the
# fuzzing and the tests that start processes (they run in `make test`).
test-fast: lint typecheck
	env -u TEST_DATABASE_URL $(PY) -m pytest -q -x -m "not browser and not fuzz and not slow" $(PYTEST_ARGS)

# The rules' package is typed strictly.
typecheck: install
	$(VENV)/bin/mypy --strict --follow-imports=silent --ignore-missing-imports disputedesk/workflows

# PostgreSQL: TEST_DATABASE_URL, or the local server; required when CI=true.
test-postgres: install
	@url="$${TEST_DATABASE_URL:-$(PG_TEST_URL)}"; \
	if $(PY) -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$$url" 2>/dev/null; then \
		echo "== PostgreSQL run against $$url"; \
		TEST_DATABASE_URL="$$url" $(PY) -m pytest $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $$url is required in CI and is not reachable"; exit 1; \
	else \
		echo "PostgreSQL at $$url is not reachable: skipped the PostgreSQL run"; \
	fi

# A long schemathesis run over every API operation (FUZZ_EXAMPLES per operation; FUZZ_SEED pins it).
fuzz: install
	env -u TEST_DATABASE_URL FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} $(PY) -m pytest -p no:randomly tests/api/test_schemathesis.py $(PYTEST_ARGS)

# Build the image and start compose.yaml (two web instances behind a proxy, worker, sweep,
# PostgreSQL, Redis), check it through the proxy, then remove it. Needs Docker with compose.
compose-smoke:
	bash deploy/smoke.sh
