# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Safe checkpoint loading on torch >= 2.6 for MMEngine 0.10.7 checkpoints.

torch >= 2.6 loads checkpoints with ``weights_only=True``. MMEngine's and
MMRazor's checkpoints legitimately contain a few non-tensor objects (the
message hub's ``HistoryBuffer`` and the numpy arrays inside it). Exactly
those are allow-listed with :func:`torch.serialization.add_safe_globals`, so
``resume`` and ``load_from`` work while the safe loader stays on: a
checkpoint carrying any other global is still refused. MMEngine also pickles
``HistoryBuffer``'s statistics *functions* through ``getattr`` (a global the
safe loader must not allow); they are class-level and re-registered when the
code is imported, so ``HistoryBuffer`` is made to pickle its data only.

MMEngine's local and http checkpoint loaders (every ``load_checkpoint``,
``load_from``, ``resume``, ``init_cfg=Pretrained`` and teacher load goes
through them) are wrapped so that a checkpoint that torch's safe loader
refuses raises :class:`UnsafeCheckpointError` naming the global and the fix,
instead of torch's long generic message. ``weights_only`` is never turned
off.
"""
import functools
import pickle
import re
from typing import Callable

import torch

_UNSUPPORTED_GLOBAL = re.compile(r'Unsupported global: GLOBAL ([\w.]+)')


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


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds a pickled global that the safe loader refuses."""


def unsafe_checkpoint_message(filename: str, global_name: str) -> str:
    """The explanation and the fix for a refused checkpoint global."""
    module, _, name = global_name.rpartition('.')
    return (
        f'Checkpoint {filename!r} contains the pickled global '
        f'`{global_name}`, which is not allow-listed for torch\'s safe '
        'loader (weights_only=True); unpickling it may run arbitrary code, '
        'so the checkpoint was refused. If you trust this file, allow-list '
        'the class before loading, e.g. in a module named in the config\'s '
        f'`custom_imports`: `from {module} import {name}; '
        f'torch.serialization.add_safe_globals([{name}])`. Otherwise re-save '
        'it with tensors and plain containers only, e.g. '
        "`torch.save({'state_dict': model.state_dict()}, path)`.")


def explain_refusal(loader: Callable) -> Callable:
    """Wrap an MMEngine checkpoint loader to raise a clear refusal."""

    @functools.wraps(loader)
    def load(filename, *args, **kwargs):
        try:
            return loader(filename, *args, **kwargs)
        except pickle.UnpicklingError as exc:
            match = _UNSUPPORTED_GLOBAL.search(str(exc))
            if match is None or isinstance(exc, UnsafeCheckpointError):
                raise
            err = UnsafeCheckpointError(
                unsafe_checkpoint_message(filename, match.group(1)))
            err.torch_message = str(exc)
        raise err from None  # torch's message repeats the advice at length

    load.__wrapped_loader__ = loader
    return load


def register_safe_loaders() -> None:
    """Route MMEngine's local and http checkpoint loading through
    :func:`explain_refusal`; safe to call more than once."""
    from mmengine.runner.checkpoint import (CheckpointLoader, load_from_http,
                                            load_from_local)
    CheckpointLoader.register_scheme(
        prefixes='', loader=explain_refusal(load_from_local), force=True)
    CheckpointLoader.register_scheme(
        prefixes=('http://', 'https://'),
        loader=explain_refusal(load_from_http),
        force=True)


def apply() -> None:
    """Allow-list MMEngine's checkpoint classes, make ``HistoryBuffer``
    pickle its data only, and explain refusals; idempotent."""
    from mmengine.logging.history_buffer import HistoryBuffer
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    torch.serialization.add_safe_globals(safe_checkpoint_globals())
    register_safe_loaders()
