# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Every process-wide patch of mmrazor_dccd, applied once by :func:`apply`.

``import mmrazor_dccd`` calls :func:`apply` before anything imports MMRazor,
so configs' ``custom_imports`` and every ``tools/`` script get it. Nothing on
disk is changed. Each patch names the upstream release it was written
against (:data:`TARGETS`); ``tests/test_compat/test_targets.py`` fails when an
installed version differs, naming the patch to re-check.

* :mod:`.torch_quantization`: MMRazor 1.0.0's quantization package breaks
  ``import mmrazor.models`` on torch >= 2.1; it is stubbed, and using it
  raises :class:`QuantizationUnavailableError`.
* :mod:`.mmcls`: MMRazor 1.0.0 imports ``mmcls`` (MMClassification, now
  MMPretrain) and its configs use the ``mmcls`` scope; both are served from
  MMPretrain.
* :mod:`.checkpoints`: torch >= 2.6 loads checkpoints with
  ``weights_only=True``; MMEngine's own checkpoint classes are allow-listed,
  and MMEngine's loaders raise the errors of
  :mod:`mmrazor_dccd.engine.checkpoint`, which name the file and the fix.
* :mod:`.configs`: ``mmrazor_dccd::`` config paths resolve like
  ``mmpretrain::``; :func:`load_config` ports MMRazor's stock configs.
"""
import warnings

from ..utils.dependencies import installed_mmcv_distributions
from . import checkpoints, configs, mmcls, torch_quantization
from .configs import load_config
from .mmcls import MMClsNameError
from .torch_quantization import QuantizationUnavailableError

# patch -> {distribution: the version the patch was written against}
TARGETS = {
    'torch_quantization': {'mmrazor': '1.0.0'},
    'mmcls': {'mmrazor': '1.0.0', 'mmpretrain': '1.2.0'},
    'checkpoints': {'mmengine': '0.10.7'},
    'configs': {'mmrazor': '1.0.0', 'mmengine': '0.10.7'},
}

__all__ = [
    'apply', 'TARGETS', 'load_config', 'MMClsNameError',
    'QuantizationUnavailableError'
]


def apply() -> None:
    """Apply every patch, in dependency order; idempotent."""
    if 'mmcv-lite==2.1.0' in installed_mmcv_distributions():
        # mmcv-lite has no ops by design (the classification install); mmcv
        # would warn about the one it lacks on every import.
        warnings.filterwarnings(
            'ignore', message='Fail to import ``MultiScaleDeformableAttention',
            category=UserWarning)
    torch_quantization.apply()  # before anything imports mmrazor.structures
    mmcls.apply()
    checkpoints.apply()
    configs.apply()
