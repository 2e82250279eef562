# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Make MMRazor 1.0.0 usable on current PyTorch (>= 2.6), in memory only.

Two problems of the released MMRazor are fixed here, and nothing on disk is
changed:

1. ``mmrazor.structures.quantization`` builds quantization backend configs at
   import time from ``torch.ao`` internals that were renamed after torch 2.0,
   so ``import mmrazor.models`` fails. Before MMRazor is imported, that package
   is replaced in ``sys.modules`` by a module whose names
   (``BackendConfigs``, ``QConfigHandler``, ...) raise
   :class:`QuantizationUnavailableError` when used. Everything else
   (distillation, pruning, NAS, recorders, connectors, losses) imports and
   works; MMRazor's quantization is out of scope and fails with a message that
   says why. MMRazor's own main branch later restricted that block to
   torch 1.13; the PyPI release never got the fix.
2. torch >= 2.6 loads checkpoints with ``weights_only=True``. MMEngine's and
   MMRazor's checkpoints legitimately contain a few non-tensor objects (the
   message hub's ``HistoryBuffer`` and the numpy arrays inside it). They are
   allow-listed with :func:`torch.serialization.add_safe_globals`, so
   ``resume`` and ``load_from`` work while the safe loader stays on: a
   checkpoint carrying any other global is still refused. MMEngine also
   pickles ``HistoryBuffer``'s statistics *functions* through ``getattr``
   (a global the safe loader must not allow); they are class-level and
   re-registered when the code is imported, so ``HistoryBuffer`` is made to
   pickle its data only.
3. MMRazor imports ``mmcls`` (MMClassification, now MMPretrain) in about
   twenty modules and its configs use the ``mmcls`` scope:
   :mod:`mmrazor_dccd.compat_mmcls` serves both from MMPretrain.

:func:`apply` is idempotent and is called by ``import mmrazor_dccd``, hence by
configs' ``custom_imports`` and by ``tools/``.
"""
import sys
import types

import torch

from . import compat_mmcls

_QUANT_PKG = 'mmrazor.structures.quantization'
# Names importable from the real ``mmrazor.structures.quantization``.
_QUANT_NAMES = (
    'BackendConfigs', 'QConfigHandler', 'QSchemeHandler',
    'get_academic_backend_config', 'get_academic_backend_config_dict',
    'get_native_backend_config', 'get_native_backend_config_dict',
    'get_openvino_backend_config', 'get_openvino_backend_config_dict',
    'get_tensorrt_backend_config', 'get_tensorrt_backend_config_dict')


class QuantizationUnavailableError(RuntimeError):
    """Raised when MMRazor's quantization is used on an unsupported torch."""


def _quantization_message(name: str) -> str:
    return (f'MMRazor quantization (`{name}`) is unavailable: MMRazor 1.0.0 '
            'builds its quantization backend configs from torch.ao internals '
            f'of torch 1.13 that no longer exist in torch {torch.__version__}. '
            'mmrazor_dccd disables that package so that distillation and '
            'pruning import. To quantize, use MMRazor 1.0.0 in an environment '
            'with torch==1.13.*.')


class _Unavailable:
    """Stands in for a quantization object and raises on any use."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, '_name', name)

    def _fail(self, *args, **kwargs):
        raise QuantizationUnavailableError(_quantization_message(self._name))

    __call__ = __getitem__ = __iter__ = _fail

    def __getattr__(self, attr):
        if attr.startswith('__'):
            raise AttributeError(attr)
        self._fail()

    def __repr__(self) -> str:
        return f'<unavailable MMRazor quantization object {self._name}>'


def _module_getattr(name: str) -> _Unavailable:
    if name.startswith('__'):
        raise AttributeError(name)
    return _Unavailable(name)


def _stub_quantization() -> None:
    if _QUANT_PKG in sys.modules:
        return
    if 'mmrazor.structures' in sys.modules:
        raise ImportError(
            'mmrazor.structures was imported before mmrazor_dccd, so its '
            'torch-2.x compatibility layer could not be applied. Import '
            'mmrazor_dccd first (or list it first in custom_imports).')
    stub = types.ModuleType(_QUANT_PKG, 'Disabled by mmrazor_dccd.compat.')
    stub.__all__ = []  # ``from .quantization import *`` imports nothing
    stub.__path__ = []  # a package: submodule imports fail cleanly
    for name in _QUANT_NAMES:
        setattr(stub, name, _Unavailable(name))
    stub.__getattr__ = _module_getattr  # any other name, lazily
    sys.modules[_QUANT_PKG] = stub


def safe_checkpoint_globals() -> list:
    """Classes that MMEngine/MMRazor checkpoints legitimately pickle."""
    import numpy as np
    from mmengine.logging.history_buffer import HistoryBuffer
    from numpy.core.multiarray import _reconstruct, scalar
    dtypes = [type(np.dtype(t)) for t in (
        'float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64',
        'uint8', 'bool')]
    return [HistoryBuffer, np.ndarray, np.dtype, _reconstruct, scalar
            ] + dtypes


def _history_buffer_getstate(self) -> dict:
    return {k: v for k, v in self.__dict__.items() if k != 'statistics_methods'}


def apply() -> None:
    """Apply the compatibility layer; safe to call more than once."""
    _stub_quantization()
    compat_mmcls.apply()
    from mmengine.logging.history_buffer import HistoryBuffer
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    torch.serialization.add_safe_globals(safe_checkpoint_globals())
