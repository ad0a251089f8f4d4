# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_DEMO := $(VENV)/.installed-demo
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: demo test lint bench screenshots clean sandbox

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# An editable install leaves ecstui's own modules uncompiled, and where
# PYTHONDONTWRITEBYTECODE is set every launch compiles them again (~0.1 s of
# `make demo`'s start-up): compile them once here, as pip does for a wheel.
$(STAMP_DEMO): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[demo]'
	$(BIN)/python -m compileall -q ecstui
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,demo]'
	$(BIN)/python -m compileall -q ecstui
	touch $@ $(STAMP_DEMO)

demo: $(STAMP_DEMO)  ## Launch the TUI on the built-in sandbox.
	$(BIN)/ecstui --demo

sandbox: $(STAMP_DEMO)  ## Run the sandbox alone, for a second terminal.
	$(BIN)/ecstui sandbox

test: $(STAMP_DEV)  ## Run every test (lint and layer contracts included).
	$(BIN)/ruff check ecstui tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff check ecstui tests benchmarks
	$(BIN)/ruff format --check ecstui tests benchmarks || true
	$(BIN)/lint-imports

bench: $(STAMP_DEV)  ## Measure speed against same-run baselines; writes BENCHMARKS.md.
	$(BIN)/python -m benchmarks

screenshots: $(STAMP_DEV)  ## Regenerate the SVGs in screenshots/ from the fixed demo data.
	$(BIN)/python -m tests.screenshots

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
