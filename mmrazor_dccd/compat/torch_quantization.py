# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Stub MMRazor's quantization package so that ``import mmrazor.models``
works on torch >= 2.1.

Targets MMRazor 1.0.0: ``mmrazor.structures.quantization`` builds
quantization backend configs at import time from ``torch.ao`` internals of
torch 1.13 that were renamed after torch 2.0, so ``import mmrazor.models``
fails. Before MMRazor is imported, that package is replaced in
``sys.modules`` by a module whose names (``BackendConfigs``,
``QConfigHandler``, ...) raise :class:`QuantizationUnavailableError` when
used. Everything else (distillation, pruning, NAS, recorders, connectors,
losses) imports and works. MMRazor's own main branch later restricted that
block to torch 1.13; the PyPI release never got the fix.
"""
import sys
import types

import torch

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
            'of torch 1.13 that no longer exist in torch '
            f'{torch.__version__}. '
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
    stub = types.ModuleType(
        _QUANT_PKG, 'Disabled by mmrazor_dccd.compat.torch_quantization.')
    stub.__all__ = []  # ``from .quantization import *`` imports nothing
    stub.__path__ = []  # a package: submodule imports fail cleanly
    for name in _QUANT_NAMES:
        setattr(stub, name, _Unavailable(name))
    stub.__getattr__ = _module_getattr  # any other name, lazily
    sys.modules[_QUANT_PKG] = stub


def apply() -> None:
    """Install the stub; idempotent."""
    _stub_quantization()
