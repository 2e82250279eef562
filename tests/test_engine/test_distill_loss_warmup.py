# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""DistillLossWarmupHook (DKD's loss warm-up) in a real MMEngine Runner on
real MNIST, and the DKD config's per-sample reduction."""
import copy
import os.path as osp
import time

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import mmrazor_dccd  # noqa: F401
from mmrazor.registry import HOOKS, MODELS
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.hooks.distill_loss_warmup_hook import warmup_factor

DKD_CFG = 'configs/baselines/dkd_r18w16_r18w4_mnist.py'


class _RecordWeights(Hook):
    priority = 'LOW'  # after the warm-up hook (HIGH)

    def __init__(self):
        self.weights = []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.weights.append(
            runner.model.distiller.distill_losses['loss_dkd'].loss_weight)


def _cfg(repo, tmp_path, iters, **hook):
    cfg = load_config(osp.join(repo, DKD_CFG))
    cfg.merge_from_dict({
        'train_dataloader.dataset.num_per_class': 2,
        'train_dataloader.batch_size': 8,
        'train_cfg.max_iters': iters,
        'train_cfg.val_interval': iters + 1,
        'param_scheduler.T_max': iters,
        'default_hooks.checkpoint.interval': iters,
        'model.teacher_ckpt': None,
        'log_level': 'WARNING',
    })
    cfg.custom_hooks = [
        h for h in cfg.custom_hooks if 'Warmup' not in h['type']
    ] + [dict(type='mmrazor.DistillLossWarmupHook', **hook)]
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = f'warmup_{time.time_ns()}'
    return cfg


def test_warmup_ramps_dkd_weight_in_a_runner(repo, tmp_path):
    cfg = _cfg(repo, tmp_path, 5, warmup=4)
    runner = Runner.from_cfg(cfg)
    record = _RecordWeights()
    runner.register_hook(record)
    runner.train()
    assert record.weights == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0])
    # The configured weight is back after training (and for checkpoints).
    assert runner.model.distiller.distill_losses['loss_dkd'].loss_weight == 1


def test_warmup_factor_and_bad_inputs(repo, tmp_path):
    assert [warmup_factor(i, 4) for i in (1, 2, 4, 9)] == [
        0.25, 0.5, 1.0, 1.0
    ]
    with pytest.raises(ValueError, match='warmup must be >= 1'):
        HOOKS.build(dict(type='mmrazor.DistillLossWarmupHook', warmup=0))
    runner = Runner.from_cfg(
        _cfg(repo, tmp_path, 1, warmup=2, loss_names=['loss_kd']))
    with pytest.raises(KeyError, match=r"\['loss_dkd'\]"):
        runner.train()


def test_dkd_config_loss_is_a_per_sample_mean(repo):
    """MMRazor's configs use reduction='mean', which its DKDLoss turns into
    a sum over the batch; ours must not grow with the batch size."""
    cfg = load_config(osp.join(repo, DKD_CFG))
    with DefaultScope.overwrite_default_scope('mmrazor'):
        loss = MODELS.build(
            copy.deepcopy(cfg.model.distiller.distill_losses.loss_dkd))
        stock = MODELS.build(
            dict(copy.deepcopy(cfg.model.distiller.distill_losses.loss_dkd),
                 reduction='mean'))
    gen = torch.Generator().manual_seed(0)
    s = torch.randn(16, 10, generator=gen)
    t = torch.randn(16, 10, generator=gen)
    y = torch.randint(0, 10, (16, ), generator=gen)
    one, two = loss(s, t, y), loss(s.repeat(2, 1), t.repeat(2, 1), y.repeat(2))
    torch.testing.assert_close(one, two)
    # The stock reduction sums: twice the batch, twice the loss.
    torch.testing.assert_close(
        stock(s.repeat(2, 1), t.repeat(2, 1), y.repeat(2)), 2 * stock(s, t, y))
