# One place for setup, run, test and lint; .ci/run calls `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: setup setup-test browser run ingest test test-fast lint format bench clean

$(VENV)/.core: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) torch==2.13.0          # the CPU build on this disk; an unpinned torch pulls CUDA
	$(PIP) -e .
	touch $@

# llama-cpp-python is compiled here, once, for a portable x86-64 baseline (AVX2/FMA/F16C; no -march=native, no
# AVX-512, no AMX): a native build traps with SIGILL on CPUs that advertise AMX inside a VM, and pip's wheel cache
# would hand a build made on another CPU to this one, so the compile never reads or writes that cache.
LLAMA_CPP_VERSION := 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DLLAVA_BUILD=OFF

$(VENV)/.llama: | $(VENV)/.core
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" FORCE_CMAKE=1 $(PIP) --no-cache-dir --no-binary llama-cpp-python \
		--force-reinstall --no-deps llama-cpp-python==$(LLAMA_CPP_VERSION)   # a few minutes on 2 cores
	touch $@

$(VENV)/.dev: $(VENV)/.core
	$(PIP) -e ".[test]"
	touch $@

$(VENV)/.test: $(VENV)/.dev $(VENV)/.llama
	$(PIP) -e ".[test,local]"
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
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

test-fast: $(VENV)/.dev      # the pure rules: no index, no model, no server, no compile; under a minute
	$(PY) -m pytest -m "not slow" -q

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

bench: setup
	$(VENV)/bin/newsdesk bench ingest

clean:
	rm -rf .newsdesk .pytest_cache
