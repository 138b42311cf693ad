# One place for setup, run, test and lint; .ci/run calls `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: setup setup-test browser run ingest test lint format bench clean

$(VENV)/.core: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) torch==2.13.0          # the CPU build on this disk; an unpinned torch pulls CUDA
	$(PIP) -e .
	touch $@

$(VENV)/.test: $(VENV)/.core
	$(PIP) -e ".[test,local]"     # llama-cpp-python compiles once (a few minutes)
	touch $@

setup: $(VENV)/.core

setup-test: $(VENV)/.test browser

browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

ingest: setup
	$(VENV)/bin/newsdesk ingest corpus/

run: ingest
	$(VENV)/bin/newsdesk serve      # chat at http://127.0.0.1:7860, API at /api and /v1, docs at /docs

test: setup-test
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lint: setup-test
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: setup-test
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

bench: setup
	$(VENV)/bin/newsdesk bench ingest

clean:
	rm -rf .newsdesk .pytest_cache
