# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Distributed launch on machines without CUDA (gloo on CPU)."""
import torch
import torch.distributed as dist


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
    dist.init_process_group(backend=backend)
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
