# The README's commands. Each target sets up what it needs: a fresh machine only needs python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
SRC    := src tests bench scripts

.PHONY: help venv run test lint format bench data clean

help:
	@echo "make run    - show the tiaoma command at work on the seed examples"
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
	@$(BIN)/python scripts/demo.py

lint: venv
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/mypy

format: venv
	$(BIN)/ruff check --fix $(SRC)
	$(BIN)/ruff format $(SRC)

test: lint
	$(BIN)/pytest --cov=tiaoma --cov-branch --cov-report=term --cov-fail-under=95

bench: venv
	$(BIN)/python -m bench

data: venv
	$(BIN)/python scripts/generate_data.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov bench/out
