# Set-up and entry points; every target installs what it needs, idempotently.
#   make demo   - the embedded default: DCCD on real MNIST, on CPU
#   make test   - the test suite (about 12 min on 2 cores)
#   make test-fast - the fast tier (under 90 s): losses, wiring, configs, compat
#   make lint   - flake8 and isort, as CI runs them
#   make benchmark - the Fashion-MNIST benchmark (hours on 2 cores; resumes)
# VENV=/path/to/venv reuses a virtual environment elsewhere (CI does).
PY ?= python3
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.mmrazor_dccd_installed
TORCH_SPEC ?= torch==2.14.1 torchvision==0.29.1
PYTEST_ARGS ?=

.PHONY: install demo demo-full benchmark benchmark-v2 test test-fast lint clean-venv

install: $(STAMP)

$(STAMP): setup.cfg setup.py tools/install/install_mmcv.sh Makefile
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip 'setuptools<81' wheel
	$(PYTHON) -m pip install -q $(TORCH_SPEC) 'numpy>=1.23,<2'
	PYTHON=$(PYTHON) bash tools/install/install_mmcv.sh
	$(PYTHON) -m pip install -q -e '.[tests]'
	$(PYTHON) -c "import mmrazor_dccd, mmrazor.models, mmdet.models; print('mmrazor_dccd', mmrazor_dccd.__version__, 'ready')"
	$(PYTHON) -c "from mmrazor_dccd.datasets import prepare_fashion_mnist as p; print('Fashion-MNIST in', p())"
	touch $@

demo: install
	$(PYTHON) tools/benchmark/mnist_benchmark.py --jobs 2

demo-full: install
	$(PYTHON) tools/benchmark/mnist_benchmark.py --full --jobs 2

benchmark: install
	$(PYTHON) tools/benchmark/fmnist_v2.py --jobs 2

benchmark-v2: benchmark

test: install
	OMP_NUM_THREADS=1 $(PYTHON) -m pytest tests -n 2 --durations=15 $(PYTEST_ARGS)

test-fast: install
	OMP_NUM_THREADS=1 $(PYTHON) -m pytest tests -m fast -n 2 -q $(PYTEST_ARGS)

LINT_PATHS := mmrazor_dccd benchmarks tools tests configs
lint: install
	$(PYTHON) -m flake8 $(LINT_PATHS)
	$(PYTHON) -m isort --check-only --diff $(LINT_PATHS)

clean-venv:
	rm -rf $(VENV)
