# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""A DCCD run killed with SIGKILL and resumed ends like an uninterrupted
one."""
import os
import os.path as osp
import re
import signal
import subprocess
import sys
import time

import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

# What configs/_base_/default_runtime.py enables (see docs/bad_inputs.md).
RELIABLE_CFG = f"""
_base_ = {osp.join(REPO, 'configs/dccd/dccd_r18w16_r18w4_mnist.py')!r}
custom_imports = dict(
    imports=['mmrazor_dccd', 'mmrazor_dccd.engine'],
    allow_failed_imports=False)
default_hooks = dict(checkpoint=dict(type='mmrazor.AtomicCheckpointHook'))
custom_hooks = [dict(type='mmrazor.CPUDeterminismHook')]
"""
# 20 images, 4 per batch: 8 iterations cross an epoch boundary (iter 6).
OPTIONS = [
    'randomness.seed=0', 'randomness.deterministic=True',
    'model.teacher_ckpt=None', 'train_dataloader.dataset.num_per_class=2',
    'train_dataloader.batch_size=4', 'train_cfg.max_iters=8',
    'train_cfg.val_interval=8', 'param_scheduler.T_max=8',
    'default_hooks.checkpoint.interval=2', 'default_hooks.logger.interval=1',
    'val_dataloader.dataset.indices=100', 'val_dataloader.batch_size=100'
]


def _cmd(config, work_dir, *extra):
    return [
        sys.executable, 'tools/train.py', config, '--work-dir',
        str(work_dir), *extra, '--cfg-options', *OPTIONS
    ]


def _last_top1(log):
    return re.findall(r' accuracy/top1: ([\d.]+)', log)[-1]


def test_sigkill_then_resume_equals_uninterrupted(tmp_path):
    config = tmp_path / 'dccd_reliable.py'
    config.write_text(RELIABLE_CFG)
    ref_dir, run_dir = tmp_path / 'uninterrupted', tmp_path / 'killed'
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    # Both start together: two cores, one each.
    ref = subprocess.Popen(_cmd(str(config), ref_dir), cwd=REPO, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    victim = subprocess.Popen(_cmd(str(config), run_dir), cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 300
        while not osp.exists(run_dir / 'last_checkpoint'):
            assert victim.poll() is None, 'the run ended before a checkpoint'
            assert time.time() < deadline
            time.sleep(0.01)
        victim.send_signal(signal.SIGKILL)
        assert victim.wait() == -signal.SIGKILL
        ref_log = ref.communicate(timeout=300)[0]
    finally:
        for proc in (ref, victim):
            if proc.poll() is None:
                proc.kill()
    assert ref.returncode == 0, ref_log[-3000:]
    killed_at = open(run_dir / 'last_checkpoint').read().strip()
    assert not osp.exists(run_dir / 'iter_8.pth'), 'killed too late'
    torch.load(killed_at, map_location='cpu')  # complete, loads safely

    proc = subprocess.run(_cmd(str(config), run_dir, '--resume'), cwd=REPO,
                          env=env, capture_output=True, text=True,
                          timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert f'Load checkpoint from {killed_at}' in log or 'resumed' in log
    assert 'Iter(train) [1/8]' not in log

    ref_ckpt = torch.load(ref_dir / 'iter_8.pth', map_location='cpu')
    ckpt = torch.load(run_dir / 'iter_8.pth', map_location='cpu')
    assert ckpt['state_dict'].keys() == ref_ckpt['state_dict'].keys()
    differ = [
        name for name, value in ref_ckpt['state_dict'].items()
        if not torch.equal(value, ckpt['state_dict'][name])
    ]
    assert not differ, f'{len(differ)} tensors differ, e.g. {differ[:3]}'
    assert _last_top1(log) == _last_top1(ref_log)
