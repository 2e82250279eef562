# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Distributed launch on machines without CUDA (gloo on CPU)."""
from typing import Optional

import torch
import torch.distributed as dist


def _sync_bn_algorithm(model_cfg) -> Optional[str]:
    """The model's type if it converts BN to SyncBN under DDP (MMRazor's
    GroupFisher and its subclasses, e.g. ``GroupFisherDCCDDistill``)."""
    from mmrazor.implementations.pruning.group_fisher import \
        GroupFisherAlgorithm
    from mmrazor.registry import MODELS
    type_ = model_cfg.get('type') if isinstance(model_cfg, dict) else None
    if not isinstance(type_, str):
        return None
    scope = model_cfg.get('_scope_', 'mmrazor')
    cls = MODELS.get(type_ if '.' in type_ else f'{scope}.{type_}')
    if isinstance(cls, type) and issubclass(cls, GroupFisherAlgorithm):
        return cls.__name__
    return None


def init_cpu_dist(cfg, launcher: str) -> None:
    """Start a gloo process group for ``--launcher pytorch`` on CPU.

    MMEngine 0.10.7 assumes CUDA under a launcher: it calls
    ``torch.cuda.set_device`` and wraps the model with
    ``device_ids=[LOCAL_RANK]``. Initialising the process group first (MMEngine
    then skips its own init) and passing ``device_ids=None`` makes CPU
    distributed runs work; with CUDA nothing changes.
    """
    if launcher != 'pytorch' or torch.cuda.is_available() \
            or dist.is_initialized():
        return
    backend = cfg.get('env_cfg', {}).get('dist_cfg', {}).get(
        'backend', 'gloo')
    if backend == 'nccl':
        raise RuntimeError(
            'No CUDA device: the NCCL backend needs GPUs. Run distributed on '
            'CPU with --cfg-options env_cfg.dist_cfg.backend=gloo.')
    algorithm = _sync_bn_algorithm(cfg.get('model'))
    if algorithm:
        # It would fail at the first forward, in MMRazor's
        # DynamicSyncBatchNorm ('expected input tensor to be on GPU').
        raise RuntimeError(
            f'{algorithm} (MMRazor\'s GroupFisher) converts BatchNorm to '
            'SyncBatchNorm under distributed training, and SyncBatchNorm '
            'runs on GPUs only. On CPU, prune in one process: drop '
            '--launcher.')
    dist.init_process_group(backend=backend)
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
