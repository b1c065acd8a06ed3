# Two commands for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXAMPLE_PLUGIN := examples/plugins/tessera-cn-credit-code

.PHONY: demo test bench clean

$(BIN)/tessera: pyproject.toml $(EXAMPLE_PLUGIN)/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps -e $(EXAMPLE_PLUGIN)  # its tests are part of the suite
	touch $(BIN)/tessera

demo: $(BIN)/tessera  ## Set up, load the example CRM into demo.db and serve it on 127.0.0.1:5000
	TESSERA_DATABASE_URL=$${TESSERA_DATABASE_URL:-sqlite:///demo.db} $(BIN)/tessera demo

# `make test` without these runs on SQLite only, and says so at its start and in pytest's summary.
POSTGRES_HINT := PostgreSQL tests not run: set TESSERA_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test (see README)
REDIS_HINT := Redis tests not run: set TESSERA_TEST_REDIS_URL=redis://127.0.0.1:6379/15 (see README)

# On every core (pytest-xdist); tests sharing a module's live server stay on one worker.
PYTEST_PARALLEL ?= -n auto --dist loadgroup

test: $(BIN)/tessera  ## Set up and run the test suite and the example plugin's (PostgreSQL/Redis too when TESSERA_TEST_* are set)
	@test -n "$$TESSERA_TEST_POSTGRES_URL" || echo "$(POSTGRES_HINT)"
	@test -n "$$TESSERA_TEST_REDIS_URL" || echo "$(REDIS_HINT)"
	TESSERA_REQUIRE_EXAMPLE_PLUGIN=1 $(BIN)/pytest $(PYTEST_PARALLEL)

clean:
	rm -rf $(VENV) *.egg-info demo.db demo.db-wal demo.db-shm
