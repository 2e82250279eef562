# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The CPU DCCD config trains 2 iterations under 2-process gloo DDP.

Launched like ``tools/dist_train.sh``: torchrun (``torch.distributed.run``)
running ``tools/train.py --launcher pytorch`` on real MNIST (a tiny class
balanced subset), with the untrained teacher (``teacher_ckpt=None``).
"""
import glob
import json
import os
import os.path as osp
import subprocess
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_dccd_mnist_two_process_ddp(tmp_path):
    work_dir = str(tmp_path)
    cmd = [
        # --standalone: torchrun picks a free port itself.
        sys.executable, '-m', 'torch.distributed.run', '--standalone',
        '--nproc_per_node=2', 'tools/train.py',
        # The two-view config (L_cc + L_dd): both terms under DDP.
        'configs/dccd/dccd-dd_r18w16_r18w4_mnist.py', '--launcher', 'pytorch',
        '--work-dir', work_dir, '--cfg-options', 'model.teacher_ckpt=None',
        # A partial override of its L_dd.
        'model.distiller.dd_loss.loss_weight=1.0',
        'train_dataloader.dataset.num_per_class=2',
        'train_dataloader.batch_size=4', 'train_cfg.max_iters=2',
        'train_cfg.val_interval=2', 'val_dataloader.dataset.indices=8',
        'val_dataloader.batch_size=4', 'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.interval=2'
    ]
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]

    logs = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    assert len(logs) == 1, 'only rank 0 writes the scalar log'
    with open(logs[0]) as f:
        records = [json.loads(line) for line in f]
    train = [r for r in records if 'loss' in r]
    assert [r['iter'] for r in train] == [1, 2]
    for key in ('distill.loss_cc', 'distill.loss_dd'):
        assert all(key in r for r in train), (key, train)
    assert any('student.accuracy/top1' in r or 'accuracy/top1' in r
               for r in records), records
    log = open(glob.glob(osp.join(work_dir, '*', '*.log'))[0]).read()
    assert 'Distributed launcher: pytorch' in log
    assert 'Distributed training: True' in log
    assert osp.isfile(osp.join(work_dir, 'iter_2.pth'))
