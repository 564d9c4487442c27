# Set-up and everyday commands. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: run test test-fast lint seed setup setup-dev clean

# Start the bot on embedded defaults (sandbox when TELEGRAM_BOT_TOKEN is unset).
run: setup
	$(PY) -m bot

# Lint, then the whole test suite.
test: setup-dev lint
	$(PY) -m pytest

# Lint, then everything but the slow groups (model weights, llama.cpp server,
# process-kill faults, load, benchmark runs): minutes, for everyday work.
test-fast: setup-dev lint
	$(PY) -m pytest -m "not slow"

# Style, then types (mypy, strict on agent, bot, db, core, bench and tests; pyproject.toml).
lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Build the demo operator into the configured database.
seed: setup
	$(PY) -m db seed

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

# pip shows one progress line per package (no --quiet): the first time takes minutes.
PIP_INSTALL := $(PY) -m pip install --progress-bar on --disable-pip-version-check

$(VENV)/.installed: requirements.txt
	@echo "== Setting up $(VENV) (first time only; this takes a few minutes) =="
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "== Upgrading pip =="
	$(PIP_INSTALL) --upgrade pip
	@echo "== Installing the bot's packages from requirements.txt =="
	$(PIP_INSTALL) -r requirements.txt
	@echo "== Installed; next time this step is skipped =="
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	@echo "== Installing the test and lint tools from requirements-dev.txt (first time only) =="
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
