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
instead of torch's long generic message (which suggests turning
``weights_only`` off: this project never does), and a file that is not a
complete checkpoint (truncated, empty, a text file) raises
:class:`CorruptCheckpointError` naming the file and the newest complete
checkpoint beside it. A checkpoint that loads but does not fit a model is
left to the caller's "wrong architecture" error.
"""
import functools
import glob
import os.path as osp
import pickle
import re
import zipfile
from typing import Callable, Optional

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
    return {k: v for k, v in self.__dict__.items()
            if k != 'statistics_methods'}


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds a pickled global that the safe loader refuses."""


class CorruptCheckpointError(OSError):
    """A file that is not a complete PyTorch checkpoint."""


def checkpoint_problem(path: str) -> Optional[str]:
    """Why ``path`` is not a complete PyTorch checkpoint, without unpickling
    it; None when its structure is sound (or it does not exist)."""
    if not osp.isfile(path):
        return None
    if osp.getsize(path) == 0:
        return 'the file is empty'
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                bad = archive.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            return f'its zip archive is damaged ({exc})'
        return None if bad is None else f'member {bad!r} is damaged'
    with open(path, 'rb') as f:
        head = f.read(2)
    if head[:1] == b'\x80':  # a legacy (pre-1.6) pickle-based checkpoint
        return None
    if head == b'PK':
        return 'its zip archive is truncated (no central directory)'
    return 'it is neither a zip archive nor a pickle (not a checkpoint)'


def newest_complete_checkpoint(folder: str,
                               exclude: Optional[str] = None
                               ) -> Optional[str]:
    """The newest ``iter_N.pth`` / ``epoch_N.pth`` in ``folder`` whose
    structure is sound (by N, then modification time)."""
    def order(path):
        digits = re.findall(r'\d+', osp.basename(path))
        return (int(digits[-1]) if digits else -1, osp.getmtime(path))

    found = glob.glob(osp.join(folder, 'iter_*.pth')) + glob.glob(
        osp.join(folder, 'epoch_*.pth'))
    for path in sorted(found, key=order, reverse=True):
        if (exclude is None or osp.abspath(path) != osp.abspath(exclude)) \
                and checkpoint_problem(path) is None:
            return path
    return None


def corrupt_checkpoint_message(filename: str, problem: str) -> str:
    """The explanation and the fix for a file that is not a checkpoint."""
    msg = (f'{filename!r} is not a complete PyTorch checkpoint: {problem}. '
           'It was cut short (a save or copy that did not finish, a full '
           'disk) or is another kind of file. Point to a complete '
           'checkpoint')
    if osp.isfile(filename):
        other = newest_complete_checkpoint(osp.dirname(osp.abspath(
            filename)), exclude=filename)
        if other:
            msg += f' (the newest complete one beside it: {other!r})'
    return msg + ', or re-create this one.'


def _refusal_reason(message: str) -> str:
    """The line of torch's refusal that says what was refused (never its
    advice to turn ``weights_only`` off)."""
    for line in message.splitlines():
        line = line.replace('WeightsUnpickler error:', '').strip()
        if line and 'weights_only' not in line and \
                not line.startswith('Check the documentation'):
            return line.rstrip('.')
    return 'a construct the safe loader does not allow'


def unsafe_checkpoint_message(filename: str,
                              global_name: Optional[str],
                              reason: str = '') -> str:
    """The explanation and the fix for a checkpoint the safe loader
    refuses (a pickled global, or another construct it does not allow)."""
    if global_name is None:
        return (
            f'Checkpoint {filename!r} was refused by torch\'s safe loader '
            f'(weights_only=True): {reason}. Unpickling it may run '
            'arbitrary code. Re-save it with tensors and plain containers '
            "only, e.g. `torch.save({'state_dict': model.state_dict()}, "
            'path)`, from code you trust.')
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
    """Wrap an MMEngine checkpoint loader: a refusal of the safe loader
    raises :class:`UnsafeCheckpointError`, a file that is not a complete
    checkpoint :class:`CorruptCheckpointError`; both name the file and the
    fix."""

    @functools.wraps(loader)
    def load(filename, *args, **kwargs):
        try:
            return loader(filename, *args, **kwargs)
        except (UnsafeCheckpointError, CorruptCheckpointError):
            raise
        except pickle.UnpicklingError as exc:
            message = str(exc)
            match = _UNSUPPORTED_GLOBAL.search(message)
            # A damaged or foreign file is named as such, not as unsafe.
            problem = None if match else checkpoint_problem(str(filename))
            if problem is None and (match or
                                    'Weights only load failed' in message):
                err = UnsafeCheckpointError(unsafe_checkpoint_message(
                    filename, match.group(1) if match else None,
                    _refusal_reason(message)))
                err.torch_message = message
                raise err from None  # torch's advice would turn safety off
            problem = problem or message
            raise CorruptCheckpointError(corrupt_checkpoint_message(
                filename, problem)) from exc
        except (RuntimeError, EOFError, IndexError, KeyError, ValueError,
                zipfile.BadZipFile) as exc:
            problem = checkpoint_problem(str(filename))
            if problem is None:
                raise
            raise CorruptCheckpointError(corrupt_checkpoint_message(
                filename, problem)) from exc

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
