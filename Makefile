# The README's commands. Each target sets up what it needs: a fresh machine only needs python3.
PYTHON ?= python3
HOST   ?= 127.0.0.1:8000
# PostgreSQL for the second pass of the hall's tests (CI runs it; skipped here if absent).
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
SRC    := src tests bench scripts

.PHONY: help venv run demo test lint format bench data clean

help:
	@echo "make run    - the hall on SQLite with demo data, at http://$(HOST)/"
	@echo "make demo   - the tiaoma command at work on the seed examples"
	@echo "make test   - set up, lint, type-check and run every test with coverage"
	@echo "make bench  - benchmarks against python-stdnum and biip, as ratios"
	@echo "make lint   - ruff and mypy --strict"
	@echo "make data   - regenerate src/tiaoma/data from ../shared/data"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: venv
	$(BIN)/python scripts/compile_messages.py
	HALL_DEBUG=1 $(BIN)/python -m hall migrate --verbosity 0
	HALL_DEBUG=1 $(BIN)/python -m hall demo --year
	@echo "the hall: http://$(HOST)/  (Ctrl-C stops it and its background worker)"
	HALL_DEBUG=1 $(BIN)/python -m hall worker --beat -- --pool=solo --loglevel=WARNING & \
	  trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  HALL_DEBUG=1 $(BIN)/python -m hall runserver $(HOST)

demo: venv
	@$(BIN)/python scripts/demo.py

lint: venv
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)
	HALL_DEBUG=1 $(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/compile_messages.py --check

format: venv
	$(BIN)/ruff check --fix $(SRC)
	$(BIN)/ruff format $(SRC)

test: lint
	$(BIN)/pytest --cov --cov-report=term --cov-fail-under=95
	DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest --no-cov tests/hall

bench: venv
	$(BIN)/python -m bench

data: venv
	$(BIN)/python scripts/generate_data.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov bench/out var
