# Set-up, main job and tests. `make run` and `make test` each build the environment first.
PYTHON ?= python3
VENV ?= .venv
MIRROR ?= ../shared/data
MODEL ?= me5-small-hybrid
TASKS ?= all
# The fastest backend within 0.005 mAP of torch fp32 on xquad-r (docs/BENCHMARKS.md) where the CPU has bf16
# instructions, else OpenVINO float32; `BACKEND=` runs the model's declared backend (needed for models on
# their own engine, e.g. MODEL=me5-small BACKEND=).
BACKEND ?= $(shell grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo 2>/dev/null && echo openvino-bf16 || echo openvino)
BIN := $(VENV)/bin

.PHONY: setup run test lint bench clean regression

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0  # CPU wheel first; a plain `torch` would pull a CUDA build
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# Main job: train the hybrid recipe on the bundled offline model (once, cached), then evaluate it with the
# fast backend on every task whose data is here (mirror or download).
run: setup
	@if [ -f "$(MIRROR)/MANIFEST.md" ]; then export HARNESS_DATA_MIRROR="$(abspath $(MIRROR))"; \
	 else $(BIN)/harness data fetch all || exit 2; fi; \
	 $(BIN)/harness run --model $(MODEL) --tasks $(TASKS) $(if $(BACKEND),--backend $(BACKEND))

lint: setup
	$(BIN)/ruff check harness tests bench experiments
	$(BIN)/ruff format --check harness tests bench experiments

test: lint
	HARNESS_DATA_MIRROR="$(abspath $(MIRROR))" $(BIN)/pytest -q -p no:cacheprovider

# Real-data regression check (CI runs it after the tests): ci/regression.sh against baselines/.
regression: setup
	MIRROR="$(abspath $(MIRROR))" BIN="$(BIN)" ci/regression.sh

bench: setup
	HARNESS_DATA_MIRROR="$(abspath $(MIRROR))" $(BIN)/python bench/xquad_r_encode_once.py

clean:
	rm -rf $(VENV) site build
