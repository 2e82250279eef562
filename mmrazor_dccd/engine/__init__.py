# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Training-engine pieces: checkpoint handling in one place (atomic writes,
integrity, safe loading, backbone extraction: :mod:`.checkpoint`,
:mod:`.fileio`), resuming, CPU distributed launch, bitwise-reproducible CPU
runs, a warm-up for distillation losses, one training process per work
dir."""
from .atomic_backend import AtomicLocalBackend
from .checkpoint import CorruptCheckpointError, UnsafeCheckpointError
from .hooks import (AtomicCheckpointHook, CPUDeterminismHook,
                    DistillLossWarmupHook)
from .work_dir_lock import WorkDirLock

__all__ = [
    'AtomicCheckpointHook', 'AtomicLocalBackend', 'CPUDeterminismHook',
    'CorruptCheckpointError', 'DistillLossWarmupHook', 'UnsafeCheckpointError',
    'WorkDirLock'
]
