# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Training-engine pieces: crash-safe checkpoints, bitwise-reproducible CPU
runs, a warm-up for distillation losses."""
from ..utils.fileio import atomic_write
from .atomic_backend import AtomicLocalBackend
from .hooks import (AtomicCheckpointHook, CPUDeterminismHook,
                    DistillLossWarmupHook)

__all__ = [
    'AtomicCheckpointHook', 'AtomicLocalBackend', 'CPUDeterminismHook',
    'DistillLossWarmupHook', 'atomic_write'
]
