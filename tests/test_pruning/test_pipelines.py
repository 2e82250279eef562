# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The three pipelines end to end on real MNIST, tiny budget, CPU."""
import copy
import json

import pytest

from benchmarks.pruning.pipeline import Budget, cascade, finetune, prune
from mmrazor.models.architectures.dynamic_ops import DynamicMixin
from mmrazor.registry import MODELS
from mmrazor_dccd.pruning import count_resources
from mmrazor_dccd.pruning.export import conv_channels

TINY = Budget(num_per_class=1,
              prune_iters=2,
              finetune_iters=1,
              batch=8,
              channels_per_step=96,
              val_images=8,
              test_images=16)


def _load(spec, w16):
    """The exported model, rebuilt without any pruning algorithm."""
    return MODELS.build(
        dict(_scope_='mmrazor',
             type='PrunedStaticModel',
             demo_input=(1, 1, 28, 28),
             architecture=copy.deepcopy(w16),
             structure=spec['structure'],
             checkpoint=spec['checkpoint']))


def test_prune_then_distill_l1(mnist_experiment, w16, teacher_ckpt,
                               tmp_path):
    teacher = dict(checkpoint=teacher_ckpt)
    pruned = prune('l1',
                   teacher,
                   0.25,
                   str(tmp_path / 'prune'),
                   TINY,
                   mnist_experiment)
    assert 0.2 < pruned['flops'] / 28.684 < 0.3  # ratio 0.44 -> ~25% FLOPs
    tuned = finetune(pruned,
                     str(tmp_path / 'ft'),
                     TINY,
                     mnist_experiment,
                     teacher=teacher)
    model = _load(tuned, w16)
    assert not any(isinstance(m, DynamicMixin) for m in model.modules())
    chans = conv_channels(model)
    assert chans['backbone.layer1.0.conv1'] == 7  # int(16 * 0.44)
    assert chans['backbone.layer4.0.conv2'] == 128
    assert count_resources(model, (1, 1, 28, 28))['flops'] == tuned['flops']


def test_l1_distill_while_pruning(mnist_experiment, w16, teacher_ckpt,
                                  tmp_path):
    """ItePruneDCCDDistill on MMRazor's L1 schedule, then DCCD fine-tune."""
    teacher = dict(checkpoint=teacher_ckpt)
    pruned = prune('l1',
                   teacher,
                   0.5,
                   str(tmp_path / 'prune'),
                   TINY,
                   mnist_experiment,
                   teacher=teacher)
    assert 0.4 < pruned['flops'] / 28.684 < 0.6  # ratio 0.68 -> ~50%
    chans = conv_channels(_load(pruned, w16))
    assert chans['backbone.layer1.0.conv1'] == 10  # int(16 * 0.68)
    assert chans['backbone.layer4.0.conv2'] == 128


def test_groupfisher_distill_while_pruning(mnist_experiment, w16, teacher_ckpt,
                                           tmp_path):
    teacher = dict(checkpoint=teacher_ckpt)
    pruned = prune('groupfisher',
                   teacher,
                   0.5,
                   str(tmp_path / 'prune'),
                   TINY,
                   mnist_experiment,
                   teacher=teacher)
    structure = json.load(open(pruned['structure']))
    full = sum([16, 16, 16, 32, 32, 32, 64, 64, 64, 128, 128])
    # 2 steps x 96 channels, guided by the DCCD loss's Fisher information.
    assert sum(structure.values()) == full - 2 * 96
    assert pruned['flops'] < 28.684
    model = _load(pruned, w16)
    assert sum(conv_channels(model).values()) < sum(
        conv_channels(MODELS.build(dict(w16, _scope_='mmpretrain'))).values())


def test_cascade_with_dccd(mnist_experiment, w16, teacher_ckpt,
                           tmp_path):
    tiny = copy.deepcopy(TINY)
    tiny.prune_iters = 1
    stages = cascade(dict(checkpoint=teacher_ckpt),
                     str(tmp_path),
                     tiny,
                     mnist_experiment,
                     dccd=True)
    ta, student = (json.load(open(s['finetuned']['structure']))
                   for s in stages)
    # The student is the assistant pruned further: same units, fewer
    # channels, never more.
    assert set(ta) == set(student)
    assert all(student[k] <= ta[k] for k in ta)
    assert sum(student.values()) == sum(ta.values()) - 96
    assert stages[1]['pruned']['flops'] < stages[0]['pruned']['flops']
    for s in stages:
        _load(s['finetuned'], w16)
    # The second stage starts from the assistant's weights (MMRazor's
    # dynamic ops alone would re-initialise them): after one pruning step
    # at lr 0.005, convs that kept their shape are still the assistant's.
    ta_sd = _load(stages[0]['finetuned'], w16).state_dict()
    st_sd = _load(stages[1]['pruned'], w16).state_dict()
    same = [
        k for k in ta_sd if k.endswith('conv1.weight') or k.endswith(
            'conv2.weight') if ta_sd[k].shape == st_sd[k].shape
    ]
    assert same
    for k in same:
        rel = (st_sd[k] - ta_sd[k]).norm() / ta_sd[k].norm()
        assert rel < 0.2, (k, float(rel))


def test_l1_target_without_a_measured_ratio_names_the_valid_ones(
        mnist_experiment, teacher_ckpt, tmp_path):
    with pytest.raises(ValueError,
                       match=r'No L1 kept ratio for the FLOPs target 0.3: '
                       r'measured targets are \[0.25, 0.5\] \(--target\)'
                       r'.*l1_kept_ratios.*--method groupfisher'):
        prune('l1', dict(checkpoint=teacher_ckpt), 0.3, str(tmp_path), TINY,
              mnist_experiment)
