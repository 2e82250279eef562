# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""An MMEngine file backend whose writes are atomic.

MMEngine 0.10.7's ``LocalBackend.put`` opens the target with ``'wb'`` and
writes into it, so a process killed half-way through a checkpoint save
leaves a truncated ``.pth``. ``backend_args=dict(backend='atomic_local')``
(what :class:`AtomicCheckpointHook` uses) writes to a temporary name and
renames it into place.
"""
from mmengine.fileio import LocalBackend, register_backend

from .fileio import atomic_write


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """MMEngine's ``LocalBackend`` whose writes are atomic (temp + rename)."""

    def put(self, obj: bytes, filepath) -> None:
        atomic_write(obj, str(filepath))

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        atomic_write(obj.encode(encoding), str(filepath))
