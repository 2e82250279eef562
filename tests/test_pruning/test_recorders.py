# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Distill while pruning: recorders attach after the mutator."""
import copy
import os.path as osp

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mmrazor.models.architectures.dynamic_ops import DynamicMixin
from mmrazor.registry import MODELS
from mmrazor_dccd.compat import load_config

pytestmark = pytest.mark.fast

CFG = 'configs/pruning/group-fisher-dccd_r18w16_mnist.py'
PRUNED = 'backbone.layer4.1.conv1'  # a conv whose channels GroupFisher cuts


@pytest.fixture(scope='module')
def cfg(repo):
    cfg = load_config(osp.join(repo, CFG))
    cfg.model.teacher_ckpt = None
    cfg.model.architecture.init_cfg = None
    # One more student recorder, on a pruned conv.
    cfg.model.distiller.student_recorders = dict(
        pruned=dict(type='ModuleOutputs', source=PRUNED))
    cfg.train_dataloader.dataset.num_per_class = 1
    cfg.train_dataloader.batch_size = 4
    return cfg


@pytest.fixture(scope='module')
def batch(cfg):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        loader = Runner.build_dataloader(copy.deepcopy(cfg.train_dataloader))
        return next(iter(loader))


def _hooked(module, recorder) -> bool:
    return any(h == recorder.forward_hook
               for h in module._forward_hooks.values())


def test_recorders_follow_the_pruned_modules(cfg, batch):
    model = MODELS.build(copy.deepcopy(cfg.model))
    model.train()
    recorders = model.distiller.student_recorders
    fc, conv = model.student.head.fc, model.student.get_submodule(PRUNED)
    # The mutator replaced them before the recorders attached.
    assert isinstance(fc, DynamicMixin) and isinstance(conv, DynamicMixin)
    assert _hooked(fc, recorders.get_recorder('logits'))
    assert _hooked(conv, recorders.get_recorder('pruned'))

    # Mask half of the conv's channels, as a GroupFisher step does.
    unit = next(u for u in model.mutator.mutable_units
                if u.name.startswith(PRUNED + '_('))
    unit.mutable_channel.mask[:64] = False
    data = model.data_preprocessor(copy.deepcopy(batch), True)
    losses = model(**data, mode='loss')  # DCCD loss: CE + cc + dd
    assert {'distill.loss_cc', 'distill.loss_dd'} <= set(losses)
    assert all(torch.isfinite(v).all() for v in losses.values())

    logits = recorders.get_recorder('logits').get_record_data()
    pruned = recorders.get_recorder('pruned').get_record_data()
    feat = recorders.get_recorder('feat').get_record_data()
    assert logits.shape == (8, 10) and logits.abs().sum() > 0  # 4 x 2 views
    assert pruned.shape[:2] == (8, 64)  # the pruned conv's 64 kept channels
    assert feat.shape[:2] == (8, 128)  # layer4's output is never pruned

    # GroupFisher's own step (Fisher of the DCCD loss) prunes on top.
    optim = torch.optim.SGD(model.student.parameters(), lr=0.0)
    MessageHub.get_current_instance().update_info('iter', 0)
    before = sum(u.mutable_channel.activated_channels
                 for u in model.mutator.mutable_units)
    model.train_step(copy.deepcopy(batch), OptimWrapper(optim))
    after = sum(u.mutable_channel.activated_channels
                for u in model.mutator.mutable_units)
    assert after == before - model.mutator.channels_per_step


def test_recorders_attached_before_the_mutator_record_nothing(cfg, batch):
    """The pitfall this design avoids: plain DCCDDistill, then the mutator."""
    kwargs = copy.deepcopy(cfg.model)
    kwargs.type = 'DCCDDistill'
    mutator_cfg = kwargs.pop('mutator')
    kwargs.pop('interval')
    model = MODELS.build(kwargs)
    mutator = MODELS.build(mutator_cfg)
    mutator.prepare_from_supernet(model.student)
    recorders = model.distiller.student_recorders
    data = model.data_preprocessor(copy.deepcopy(batch), True)
    with recorders:
        model.student(data['inputs'], mode='tensor')
    assert recorders.get_recorder('logits').data_buffer == []
    assert recorders.get_recorder('pruned').data_buffer == []
