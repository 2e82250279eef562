# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Crash-safe checkpoint writing and a clear refusal of unsafe checkpoints.

* :class:`AtomicLocalBackend` writes a file to a temporary name, flushes it to
  disk and renames it into place (``os.replace`` is atomic on POSIX and
  Windows), so a process killed half-way through a save leaves the previous
  file intact and never a truncated ``.pth``. MMEngine 0.10.7's
  ``LocalBackend.put`` opens the target with ``'wb'`` and writes into it.
* :func:`register_safe_loaders` wraps MMEngine's local and http checkpoint
  loaders (every ``load_checkpoint``, ``load_from``, ``resume``,
  ``init_cfg=Pretrained`` and teacher load goes through them): a checkpoint
  that torch's safe loader (``weights_only=True``) refuses raises
  :class:`UnsafeCheckpointError` naming the global and the fix, instead of
  torch's long generic message. ``weights_only`` is never turned off.
"""
import functools
import os
import os.path as osp
import pickle
import re
from typing import Callable, Union

from mmengine.fileio import LocalBackend, register_backend
from mmengine.runner.checkpoint import (CheckpointLoader, load_from_http,
                                        load_from_local)

_UNSUPPORTED_GLOBAL = re.compile(r'Unsupported global: GLOBAL ([\w.]+)')


def atomic_write(data: Union[bytes, str], path: str) -> None:
    """Write ``data`` to ``path`` so that readers see all of it or none.

    Args:
        data (bytes | str): The content; ``str`` is written as UTF-8.
        path (str): Target file; its directory is created if needed.
    """
    if isinstance(data, str):
        data = data.encode('utf-8')
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = f'{path}.partial-{os.getpid()}'
    try:
        with open(tmp, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """MMEngine's ``LocalBackend`` whose writes are atomic (temp + rename)."""

    def put(self, obj: bytes, filepath) -> None:
        atomic_write(obj, str(filepath))

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        atomic_write(obj.encode(encoding), str(filepath))


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
    CheckpointLoader.register_scheme(
        prefixes='', loader=explain_refusal(load_from_local), force=True)
    CheckpointLoader.register_scheme(
        prefixes=('http://', 'https://'),
        loader=explain_refusal(load_from_http),
        force=True)
