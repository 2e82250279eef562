# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""tools/train.py and tools/test.py on real MNIST, on CPU."""
import os.path as osp

import torch
from dccd_test_utils import run_tool

KD_CFG = 'configs/baselines/kd_logits_r18w16_r18w4_mnist.py'
QUICK = [
    'train_dataloader.dataset.num_per_class=20',
    'val_dataloader.dataset.indices=200',
    'train_dataloader.batch_size=16',
    'default_hooks.checkpoint.interval=2',
    'model.teacher_ckpt=None',
    'default_hooks.logger.interval=1',
]


def _train(work_dir, max_iters, *extra):
    return run_tool(
        'tools/train.py', KD_CFG, '--work-dir', str(work_dir),
        '--cfg-options', f'train_cfg.max_iters={max_iters}',
        f'train_cfg.val_interval={max_iters}',
        f'param_scheduler.T_max={max_iters}', *QUICK, *extra)


def test_stock_kd_trains_saves_and_resumes(tmp_path):
    _train(tmp_path, 4)
    assert osp.isfile(tmp_path / 'iter_4.pth')
    assert open(tmp_path / 'last_checkpoint').read().strip().endswith(
        'iter_4.pth')
    # Saved by mmengine on torch 2.14 and loadable with the safe loader.
    ckpt = torch.load(tmp_path / 'iter_4.pth', map_location='cpu')
    assert ckpt['meta']['iter'] == 4
    assert any(k.startswith('architecture.') for k in ckpt['state_dict'])

    proc = _train(tmp_path, 6, '--resume')
    log = proc.stdout + proc.stderr
    assert 'resumed' in log.lower()
    ckpt = torch.load(tmp_path / 'iter_6.pth', map_location='cpu')
    assert ckpt['meta']['iter'] == 6
    # It continued from iteration 4 instead of starting again.
    assert 'Iter(train) [5/6]' in log or 'Iter(train) [6/6]' in log
    assert 'Iter(train) [1/6]' not in log

    proc = run_tool('tools/test.py', KD_CFG, str(tmp_path / 'iter_6.pth'),
                    '--work-dir', str(tmp_path / 'test'), '--cfg-options',
                    *QUICK[1:2], 'model.teacher_ckpt=None')
    assert 'accuracy/top1' in proc.stdout + proc.stderr


def test_stock_mmrazor_config_ports_to_mmpretrain():
    """MMRazor's own ImageNet KD config (written for mmcls) loads and its
    model builds on CPU without downloading weights."""
    from mmrazor.registry import MODELS
    from mmrazor_dccd.compat import load_config
    cfg = load_config(
        'mmrazor::distill/mmcls/kd/kd_logits_resnet34_resnet18_8xb32_in1k.py')
    assert cfg.default_scope == 'mmpretrain'
    assert 'mmpretrain::' in cfg.model.architecture.cfg_path
    cfg.model.teacher_ckpt = None
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'SingleTeacherDistill'
    assert sum(p.numel() for p in model.student.parameters()) > 11e6


def test_dccd_config_trains_through_tools(tmp_path):
    proc = run_tool(
        'tools/train.py', 'configs/dccd/dccd_r18w16_r18w4_mnist.py',
        '--work-dir', str(tmp_path), '--cfg-options',
        'train_cfg.max_iters=3', 'train_cfg.val_interval=3',
        'param_scheduler.T_max=3', 'train_dataloader.batch_size=8', *QUICK)
    log = proc.stdout + proc.stderr
    for term in ('distill.loss_cc', 'student.loss', 'teacher.accuracy/top1'):
        assert term in log, term
    # Hinton KD and L_dd are off by default (docs/benchmark.md).
    assert 'distill.loss_kd' not in log and 'distill.loss_dd' not in log
    assert osp.isfile(tmp_path / 'iter_3.pth')
