# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Export of a pruned student and its rebuild without the pruning algorithm."""
import copy
import json

import pytest
import torch
import torch.nn as nn

from mmrazor.models.architectures.dynamic_ops import DynamicMixin
from mmrazor.registry import MODELS
from mmrazor_dccd.pruning import count_resources, export_pruned
from mmrazor_dccd.pruning.export import channel_analyzer, conv_channels

pytestmark = pytest.mark.fast

MNIST_INPUT = (1, 1, 28, 28)  # the width-16 model's input


def _l1_pruned(w16, ratio=0.5):
    """MMRazor's L1-norm ItePruneAlgorithm, narrowed to ``ratio``."""
    alg = MODELS.build(
        dict(type='ItePruneAlgorithm',
             architecture=copy.deepcopy(w16),
             mutator_cfg=dict(type='ChannelMutator',
                              channel_unit_cfg=dict(
                                  type='L1MutableChannelUnit',
                                  default_args=dict(choice_mode='ratio')),
                              parse_cfg=channel_analyzer(MNIST_INPUT))))
    alg.mutator.set_choices({
        k: 1.0 if 'layer4.0.conv2' in k else ratio
        for k in alg.mutator.current_choices
    })
    return alg.eval()


def test_export_rebuilds_static_model(w16, mnist_batch, tmp_path):
    alg = _l1_pruned(w16)
    data = alg.data_preprocessor(copy.deepcopy(mnist_batch), False)
    with torch.no_grad():
        expected = alg.architecture(data['inputs'], mode='tensor')
    out = export_pruned(alg, str(tmp_path))
    structure = json.load(open(out['structure']))
    assert structure['backbone.layer1.0.conv1'] == 8
    assert structure['backbone.layer4.0.conv2'] == 128

    # Rebuilt from the unpruned config + the two files, no pruning algorithm.
    model = MODELS.build(
        dict(type='PrunedStaticModel',
             demo_input=MNIST_INPUT,
             architecture=copy.deepcopy(w16),
             structure=out['structure'],
             checkpoint=out['checkpoint']))
    # A Runner's init_weights reloads the same weights (init_cfg).
    assert model.init_cfg == dict(type='Pretrained',
                                  checkpoint=out['checkpoint'])
    assert not any(isinstance(m, DynamicMixin) for m in model.modules())
    chans = conv_channels(model)
    assert chans['backbone.layer1.0.conv1'] == 8
    assert chans['backbone.layer3.1.conv1'] == 32
    assert chans['backbone.layer4.0.conv2'] == 128
    model.eval()
    with torch.no_grad():
        got = model(data['inputs'], mode='tensor')
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)
    model.init_weights()
    with torch.no_grad():
        got = model(data['inputs'], mode='tensor')
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)

    full = count_resources(MODELS.build(copy.deepcopy(w16)), MNIST_INPUT)
    small = count_resources(model, MNIST_INPUT)
    assert small['flops'] < 0.5 * full['flops']
    assert small['params'] < full['params']
    assert sum(p.numel() for p in model.parameters()) < 0.6e6
    # The algorithm itself is still dynamic and usable.
    assert isinstance(alg.architecture.backbone.conv1, DynamicMixin)
    assert isinstance(model.backbone.conv1, nn.Conv2d)


def test_wrong_structure_names_the_fix(w16, tmp_path):
    out = export_pruned(_l1_pruned(w16, 0.5), str(tmp_path / 'a'))
    other = export_pruned(_l1_pruned(w16, 0.75), str(tmp_path / 'b'))
    with pytest.raises(RuntimeError, match='structure.json written with'):
        MODELS.build(
            dict(type='PrunedStaticModel',
                 demo_input=MNIST_INPUT,
                 architecture=copy.deepcopy(w16),
                 structure=other['structure'],
                 checkpoint=out['checkpoint']))
    with pytest.raises(FileNotFoundError, match='export_pruned'):
        MODELS.build(
            dict(type='PrunedStaticModel',
                 demo_input=MNIST_INPUT,
                 architecture=copy.deepcopy(w16),
                 structure=str(tmp_path / 'missing.json')))
