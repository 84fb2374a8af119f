# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE_DB := sqlite:///$(CURDIR)/build/sample.db
LINTED := src tests bench scripts

.PHONY: run test lint format install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Installs are re-run only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

## run: ingest the bundled sample pages into build/sample.db and show the stories
run: install
	@mkdir -p build
	$(BIN)/newsweave ingest examples/pages --db $(SAMPLE_DB)
	$(BIN)/newsweave stories --db $(SAMPLE_DB)
	@$(BIN)/newsweave story --db $(SAMPLE_DB) \
	  "$$($(BIN)/newsweave stories --json --db $(SAMPLE_DB) | $(BIN)/python -c \
	  'import json,sys; print(max(json.load(sys.stdin), key=lambda s: len(s["articles"]))["id"])')"

## test: lint and run the whole suite
test: dev lint
	$(BIN)/pytest

lint: dev
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

format: dev
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

clean:
	rm -rf build $(VENV) .pytest_cache .ruff_cache
