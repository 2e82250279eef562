# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""DCCD (difference-based channel contrastive distillation) for MMRazor.

Importing this package first makes MMRazor 1.0.0 importable on current
PyTorch (see :mod:`mmrazor_dccd.compat`), then registers the DCCD losses,
connectors, distiller, algorithm and data pieces in MMRazor's registries.
"""
from .utils.dependencies import check_mmcv

check_mmcv()

from . import compat  # noqa: E402

compat.apply()

from . import datasets, engine, models, pruning  # noqa: E402,F401
from .version import __version__  # noqa: E402,F401
