# The two commands of the README: `make demo` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
# The compiled engine (setup.py: the detection modules built with mypyc), installed apart in
# .compiled/ as `pip install .` installs it; the checkout itself runs pure Python.
COMPILED := .compiled
COMPILED_STAMP := $(COMPILED)/.built
# everything the installed copy holds: code, lexicons, models (a stale copy answers differently)
PACKAGE_FILES := $(shell find bot adapters -type f -not -path '*/__pycache__/*')
# Run with the compiled package first on the path (-P: not the checkout's own bot/).
WITH_COMPILED := PYTHONPATH=$(COMPILED):. $(BIN)/python -P
# Tests that replace a module's function or an object's method, or subclass an engine class:
# compiled modules call their functions directly and their classes are closed, so these run in
# the pure-Python pass only.
PURE_ONLY := \
	--deselect tests/unit/learned/test_cli_start.py::test_broken_rules_data_fails_at_start_with_one_line \
	--deselect tests/unit/learned/test_engine.py::test_a_large_batch_is_worked_through_in_bounded_chunks

.PHONY: demo test lint typecheck unit unit-compiled compiled shell bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(VENV)/bin/python
	PASICI_PURE_PYTHON=1 $(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	PASICI_PURE_PYTHON=1 $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(RUNTIME_STAMP)

$(COMPILED_STAMP): $(DEV_STAMP) setup.py mypyc.ini $(PACKAGE_FILES)
	rm -rf $(COMPILED) build
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --target $(COMPILED) .
	rm -rf build
	touch $@

compiled: $(COMPILED_STAMP)

demo: $(RUNTIME_STAMP)
	$(BIN)/pasici demo

shell: $(RUNTIME_STAMP)
	$(BIN)/pasici shell

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy bot adapters

unit: $(DEV_STAMP) $(COMPILED_STAMP)
	$(BIN)/pytest -q -p no:cacheprovider --cov=bot --cov=adapters --cov-report=term:skip-covered

# The detection tests again, on the compiled modules.
unit-compiled: $(COMPILED_STAMP)
	$(WITH_COMPILED) -m pytest -q -p no:cacheprovider -o pythonpath=$(COMPILED) $(PURE_ONLY) \
		tests/unit/detection tests/unit/learned

test: lint typecheck unit unit-compiled

bench: $(DEV_STAMP) $(COMPILED_STAMP)
	$(WITH_COMPILED) -m benchmarks.run_all

clean:
	rm -rf $(VENV) $(COMPILED) build .mypy_cache .ruff_cache .pytest_cache .coverage
