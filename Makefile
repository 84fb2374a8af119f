# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE_DB := sqlite:///$(CURDIR)/build/sample.db
LINTED := src tests bench scripts
PORT ?= 8000

.PHONY: run test lint format install dev clean browser

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

## run: ingest the bundled sample pages into build/sample.db, show the stories, serve the app
run: install
	@mkdir -p build
	$(BIN)/newsweave ingest examples/pages --db $(SAMPLE_DB)
	$(BIN)/newsweave stories --db $(SAMPLE_DB)
	@$(BIN)/newsweave story --db $(SAMPLE_DB) \
	  "$$($(BIN)/newsweave stories --json --db $(SAMPLE_DB) | $(BIN)/python -c \
	  'import json,sys; print(max(json.load(sys.stdin), key=lambda s: len(s["articles"]))["id"])')"
	$(BIN)/newsweave serve --db $(SAMPLE_DB) --port $(PORT)

## test: lint (ruff, mypy) and run the whole suite on SQLite and PostgreSQL (browser tests in Chromium)
test: dev lint browser
	scripts/with-postgres.sh $(BIN)/pytest

# The browser tests drive Debian's Chromium (never a downloaded build). Installed
# here when missing and we are root; otherwise those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium not installed: the browser tests will skip"; }

lint: dev
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

format: dev
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

clean:
	rm -rf build $(VENV) .pytest_cache .ruff_cache
