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
through them) are wrapped with
:func:`mmrazor_dccd.engine.checkpoint.explain_refusal`: a checkpoint that
torch's safe loader refuses raises ``UnsafeCheckpointError`` naming the
global and the fix, instead of torch's long generic message (which suggests
turning ``weights_only`` off: this project never does), and a file that is
not a complete checkpoint (truncated, empty, a text file) raises
``CorruptCheckpointError`` naming the file and the newest complete
checkpoint beside it. A checkpoint that loads but does not fit a model is
left to the caller's "wrong architecture" error.
"""
from typing import Callable

import torch


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
    return {k: v for k, v in self.__dict__.items()
            if k != 'statistics_methods'}


def register_safe_loaders(explain_refusal: Callable) -> None:
    """Route MMEngine's local and http checkpoint loading through
    ``explain_refusal`` (:func:`mmrazor_dccd.engine.checkpoint.
    explain_refusal`); safe to call more than once."""
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
    # Imported here, not at the top: mmrazor_dccd.engine imports MMRazor,
    # which must come after the patches that compat.apply() runs first.
    from ..engine.checkpoint import explain_refusal
    register_safe_loaders(explain_refusal)
