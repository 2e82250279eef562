# Set-up and entry points; every target installs what it needs, idempotently.
#   make install - classification: MMPretrain + MMRazor + this plugin, with the
#                  pure-Python mmcv-lite (nothing compiled), and the data sets
#   make install-det - adds detection: mmcv's compiled ops + MMDetection
#   make demo   - the embedded default: DCCD on real MNIST, on CPU (install)
#   make test   - the test suite (install-det)
#   make test-fast - the fast tier: losses, wiring, configs, compat (install-det)
#   make lint   - flake8 and isort, as CI runs them (install-det)
#   make benchmark - the Fashion-MNIST benchmark (hours on 2 cores; resumes)
# VENV=/path/to/venv reuses a virtual environment elsewhere (CI does).
PY ?= python3
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.mmrazor_dccd_installed
DET_STAMP := $(VENV)/.mmrazor_dccd_det_installed
TORCH_SPEC ?= torch==2.14.1 torchvision==0.29.1
PYTEST_ARGS ?=

.PHONY: install install-det demo demo-full benchmark benchmark-v2 test test-fast lint clean-venv

install: $(STAMP)

# mmcv-lite only where no mmcv is installed: after install-det the compiled
# mmcv stays (both install the `mmcv` package).
$(STAMP): setup.cfg setup.py Makefile
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip 'setuptools<81' wheel
	$(PYTHON) -m pip install -q $(TORCH_SPEC) 'numpy>=1.23,<2'
	$(PYTHON) -m pip show -q mmcv >/dev/null 2>&1 || \
		$(PYTHON) -m pip install -q mmcv-lite==2.1.0
	$(PYTHON) -m pip install -q -e '.[tests]'
	$(PYTHON) -c "import mmrazor_dccd, mmrazor.models; print('mmrazor_dccd', mmrazor_dccd.__version__, 'ready')"
	$(PYTHON) tools/misc/prepare_data.py all
	touch $@

install-det: $(DET_STAMP)

$(DET_STAMP): $(STAMP) tools/install/install_mmcv.sh
	PYTHON=$(PYTHON) bash tools/install/install_mmcv.sh
	$(PYTHON) -m pip install -q -e '.[det,tests]'
	$(PYTHON) -c "import mmrazor_dccd, mmdet.models; print('mmrazor_dccd detection ready')"
	touch $@

demo: install
	$(PYTHON) tools/benchmark/mnist_benchmark.py --jobs 2

demo-full: install
	$(PYTHON) tools/benchmark/mnist_benchmark.py --full --jobs 2

benchmark: install
	$(PYTHON) tools/benchmark/fmnist_v2.py --jobs 2

benchmark-v2: benchmark

test: install-det
	OMP_NUM_THREADS=1 $(PYTHON) -m pytest tests -n 2 --durations=15 $(PYTEST_ARGS)

test-fast: install-det
	OMP_NUM_THREADS=1 $(PYTHON) -m pytest tests -m fast -n 2 -q $(PYTEST_ARGS)

LINT_PATHS := mmrazor_dccd benchmarks tools tests configs
lint: install-det
	$(PYTHON) -m flake8 $(LINT_PATHS)
	$(PYTHON) -m isort --check-only --diff $(LINT_PATHS)

clean-venv:
	rm -rf $(VENV)
