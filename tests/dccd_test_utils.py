# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Helpers shared by the tests (a uniquely named module: several
``conftest.py`` files exist, so ``from conftest import`` is ambiguous)."""
import os
import os.path as osp
import subprocess
import sys

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def run_tool(*args, timeout=900, check=True, env_extra=None, **kwargs):
    """Run ``python tools/...`` from the repository root, like a user."""
    env = dict(os.environ, PYTHONPATH=REPO, **(env_extra or {}))
    proc = subprocess.run([sys.executable, *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout,
                          **kwargs)
    if check and proc.returncode != 0:
        raise AssertionError(f'{args} failed ({proc.returncode}):\n'
                             f'{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}')
    return proc


def _gloo_entry(rank, world_size, store_file, fn, args):
    import torch.distributed as dist

    # A FileStore needs no port (a port found free can be taken before the
    # store binds it when test workers run side by side).
    dist.init_process_group('gloo', init_method=f'file://{store_file}',
                            rank=rank, world_size=world_size)
    try:
        fn(rank, world_size, *args)
        # No rank may tear its connections down while a peer's collective
        # is still in flight (gloo aborts the peer with SIGABRT).
        dist.barrier()
    finally:
        dist.destroy_process_group()


def spawn_gloo(fn, tmp_path, *args, world_size=2):
    """Run ``fn(rank, world_size, *args)`` in ``world_size`` CPU processes
    joined in one gloo process group."""
    import torch.multiprocessing as mp
    store_file = osp.join(str(tmp_path), 'gloo_store')
    mp.spawn(_gloo_entry, args=(world_size, store_file, fn, args),
             nprocs=world_size, join=True)
