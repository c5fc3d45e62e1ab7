# Set-up and everyday commands. `make test` and `make demo` work on a fresh machine: they create .venv
# from the repo's own files (requirements/ and pyproject.toml) the first time.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODERN := .venv-modern
MODERN_STAMP := $(MODERN)/.installed

.PHONY: test fuzz demo bench gpu-check test-modern test-converters install clean

$(STAMP): requirements/full.txt requirements/full-lock.txt pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=23"
	# Chainer 7.8.1 is an sdist that needs numpy<1.24 and a setuptools with pkg_resources, installed first.
	$(BIN)/pip install -q "setuptools==80.9.0" "numpy==1.23.5" wheel
	$(BIN)/pip install -q --no-build-isolation chainer==7.8.1
	$(BIN)/pip install -q -r requirements/full.txt -c requirements/full-lock.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	# An editable install carries no data files: put the start-up line that makes `import chainer` work
	# (consistent_resize_chainer_import.pth; a wheel installs it itself) into the venv by hand.
	cp consistent_resize_chainer_import.pth "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/"
	$(BIN)/pip check
	touch $@

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

# The property tests with fresh random cases and larger budgets (hypothesis profile "fuzz"). The seed is
# printed first and with every failure; rerun one with `make fuzz SEED=...`. FUZZ_ARGS narrows the run.
ifndef SEED
SEED := $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
endif
FUZZ_ARGS ?=
fuzz: $(STAMP)
	@echo "fuzz seed: $(SEED)"
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -m hypothesis -p no:cacheprovider -q \
		--hypothesis-seed=$(SEED) $(FUZZ_ARGS) || { echo "fuzz FAILED with seed $(SEED)"; exit 1; }
	@echo "fuzz passed with seed $(SEED)"

demo: $(STAMP)
	$(BIN)/consistent-resize compare

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# The short prepared GPU script: CUDA agreement/determinism checks and the CUDA rows of the benchmark.
# Skips with a message where no framework sees a GPU (set PYTHON= to a CUDA build of torch/TF).
gpu-check: $(STAMP)
	PYTHON=$${PYTHON:-$(BIN)/python} benchmarks/gpu_check.sh

# The second CI leg: users without Chainer, on numpy 2 and current TensorFlow/Keras (and JAX).
$(MODERN_STAMP): requirements/modern.txt requirements/runtimes.txt pyproject.toml
	$(PYTHON) -m venv $(MODERN)
	$(MODERN)/bin/pip install -q --upgrade "pip>=23"
	$(MODERN)/bin/pip install -q -r requirements/modern.txt
	# The runtimes the matrix and `audit --runtime --run` measure (OpenVINO, tract, LiteRT): CI has them.
	$(MODERN)/bin/pip install -q -r requirements/runtimes.txt
	$(MODERN)/bin/pip install -q --no-deps -e .
	$(MODERN)/bin/pip check
	touch $@

test-modern: $(MODERN_STAMP)
	$(MODERN)/bin/python -m pytest

# The converter chains of the runtime matrix (onnx2tf, MNN, ncnn): .venv-modern's packages plus
# requirements/converters.txt with --no-deps (onnx2tf's own pins would replace the modern ones). Not in `make test`.
CONVERTERS := .venv-converters
CONVERTERS_STAMP := $(CONVERTERS)/.installed
$(CONVERTERS_STAMP): requirements/modern.txt requirements/runtimes.txt requirements/converters.txt pyproject.toml
	$(PYTHON) -m venv $(CONVERTERS)
	$(CONVERTERS)/bin/pip install -q --upgrade "pip>=23"
	$(CONVERTERS)/bin/pip install -q -r requirements/modern.txt
	$(CONVERTERS)/bin/pip install -q -r requirements/runtimes.txt
	$(CONVERTERS)/bin/pip install -q --no-deps -r requirements/converters.txt
	$(CONVERTERS)/bin/pip install -q --no-deps -e .
	touch $@

test-converters: $(CONVERTERS_STAMP)
	$(CONVERTERS)/bin/python -m pytest -p no:cacheprovider tests/test_runtimes_converters.py tests/test_runtimes_matrix.py

clean:
	rm -rf $(VENV) $(MODERN) $(CONVERTERS) .pytest_cache .hypothesis build *.egg-info
