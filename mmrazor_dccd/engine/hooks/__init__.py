# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .atomic_checkpoint_hook import AtomicCheckpointHook
from .cpu_determinism_hook import CPUDeterminismHook
from .distill_loss_warmup_hook import DistillLossWarmupHook

__all__ = [
    'AtomicCheckpointHook', 'CPUDeterminismHook', 'DistillLossWarmupHook'
]
