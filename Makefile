# klantreis: the two commands of a fresh machine are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WORKSHOP ?= demo-workshop
TEMPLATE ?= orchestra
KIT_LANG ?= nl
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

# Tests run in two pytest-xdist workers (this kind of machine has two cores); tests marked
# serial run alone after them.
WORKERS ?= 2

.PHONY: run lab test check install lint format typecheck unit integration docs demo clean

## run: set up, create the demo workshop (once) and serve the live room for it
run: demo
	$(BIN)/klantreis serve $(WORKSHOP) --host $(HOST)

## lab: the guided notebooks of the workshop in JupyterLab
lab: demo
	$(BIN)/klantreis lab $(WORKSHOP)

## test: set up, then lint, type-check and run the whole test suite (parallel lane, then serial)
test: install lint typecheck
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile -m "not serial" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m serial $(PYTEST_ARGS)

## check: the fast lane: lint, type-check, and the tests that start no server, kernel or browser
check: install lint typecheck
	$(BIN)/python -m pytest -n $(WORKERS) -m "not slow and not ui and not serial" tests/unit tests/integration $(PYTEST_ARGS)

## install: create .venv and install klantreis (editable) with its development tools
install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## demo: create the demo workshop folder from a template, unless it exists
demo: install
	@test -f $(WORKSHOP)/klantreis.json || $(BIN)/klantreis init $(WORKSHOP) --template $(TEMPLATE) --lang $(KIT_LANG)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/python tools/typecheck.py

## docs: regenerate docs/cli.md from every command's --help (a test fails when it is stale)
docs: install
	$(BIN)/cog -I . -r docs/cli.md

unit: install
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile tests/unit $(PYTEST_ARGS)

integration: install
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile tests/integration $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
