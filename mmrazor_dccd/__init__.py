# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""DCCD (difference-based channel contrastive distillation) for MMRazor.

Importing this package first applies the compatibility layer
(:func:`mmrazor_dccd.compat.apply`: MMRazor 1.0.0 on current PyTorch,
``mmcls`` served from MMPretrain, safe checkpoint loading), then registers
the DCCD losses, connectors, distiller, algorithm and data pieces in
MMRazor's registries.
"""
from .utils.dependencies import check_mmcv

check_mmcv()

from . import compat  # noqa: E402

compat.apply()

from . import datasets, engine, models, pruning  # noqa: E402,F401
from .version import __version__  # noqa: E402,F401
