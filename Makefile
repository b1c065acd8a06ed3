# Two commands for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test bench clean

$(BIN)/tessera: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/tessera

demo: $(BIN)/tessera  ## Set up, load the example CRM into demo.db and serve it on 127.0.0.1:5000
	TESSERA_DATABASE_URL=$${TESSERA_DATABASE_URL:-sqlite:///demo.db} $(BIN)/tessera demo

test: $(BIN)/tessera  ## Set up and run the test suite (PostgreSQL/Redis too when TESSERA_TEST_* are set)
	$(BIN)/pytest

clean:
	rm -rf $(VENV) *.egg-info demo.db demo.db-wal demo.db-shm
