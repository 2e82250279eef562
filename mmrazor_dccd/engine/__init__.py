# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Training-engine reliability: crash-safe checkpoints, clear refusals of
unsafe checkpoints, bitwise-reproducible CPU runs."""
from .checkpoint_safety import (AtomicLocalBackend,
                                UnsafeCheckpointError, atomic_write,
                                register_safe_loaders)
from .config_check import check_model_keys
from .hooks import (AtomicCheckpointHook, CPUDeterminismHook,
                    DistillLossWarmupHook)

register_safe_loaders()

__all__ = [
    'AtomicCheckpointHook', 'AtomicLocalBackend', 'CPUDeterminismHook',
    'DistillLossWarmupHook',
    'UnsafeCheckpointError', 'atomic_write', 'check_model_keys',
    'register_safe_loaders'
]
