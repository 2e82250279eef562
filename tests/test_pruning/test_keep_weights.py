# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Pruning an already pruned model keeps its weights (the cascade's second
stage): MMRazor's dynamic ops are built without the weights of the modules
they replace, so a model loaded at build time must get them back."""
import copy

import pytest
import torch

from mmrazor.registry import MODELS
from mmrazor_dccd.pruning import export_pruned
from mmrazor_dccd.pruning.export import channel_analyzer

GF_UNIT = dict(type='GroupFisherChannelUnit',
               default_args=dict(normalization_type='flops'))

MNIST_INPUT = (1, 1, 28, 28)  # the width-16 model's input


@pytest.fixture()
def exported(w16, tmp_path):
    """A trained-looking width-16 model (non-default BN statistics) pruned
    by L1 to half its channels and exported."""
    alg = MODELS.build(
        dict(type='ItePruneAlgorithm',
             architecture=copy.deepcopy(w16),
             mutator_cfg=dict(type='KeepWeightsChannelMutator',
                              channel_unit_cfg=dict(
                                  type='L1MutableChannelUnit',
                                  default_args=dict(choice_mode='ratio')),
                              parse_cfg=channel_analyzer(MNIST_INPUT))))
    alg.init_weights()
    gen = torch.Generator().manual_seed(0)
    for name, buf in alg.architecture.named_buffers():
        if 'running' in name:  # fresh BN stats would hide a lost state
            buf.copy_(torch.rand(buf.shape, generator=gen) + 0.5)
    alg.mutator.set_choices({
        k: 1.0 if 'layer4.0.conv2' in k else 0.5
        for k in alg.mutator.current_choices
    })
    out = export_pruned(alg, str(tmp_path))
    out.pop('model')
    return dict(architecture=copy.deepcopy(w16), demo_input=MNIST_INPUT,
                **out)


def _static(exported):
    return MODELS.build(dict(type='PrunedStaticModel', **exported)).eval()


def _outputs(model, data):
    model.eval()
    with torch.no_grad():
        return model(data['inputs'], mode='tensor')


def _gf_mutator(type_, **kwargs):
    return dict(type=type_,
                parse_cfg=channel_analyzer(MNIST_INPUT),
                channel_unit_cfg=GF_UNIT,
                **kwargs)


def test_our_mutator_keeps_weights_of_a_loaded_model(exported, mnist_batch):
    static = _static(exported)
    data = static.data_preprocessor(copy.deepcopy(mnist_batch), False)
    expected = _outputs(static, data)
    model = _static(exported)
    mutator = MODELS.build(
        _gf_mutator('MultiStepGroupFisherMutator', channels_per_step=3))
    mutator.prepare_from_supernet(model)
    assert type(model.backbone.layer1[0].conv1).__name__ == \
        'GroupFisherConv2d'
    torch.testing.assert_close(_outputs(model, data), expected)


def test_stock_mutator_loses_weights_control(exported, mnist_batch):
    """MMRazor's own mutator re-initialises what it swaps (why the fix)."""
    static = _static(exported)
    data = static.data_preprocessor(copy.deepcopy(mnist_batch), False)
    expected = _outputs(static, data)
    model = _static(exported)
    MODELS.build(_gf_mutator('GroupFisherChannelMutator')).\
        prepare_from_supernet(model)
    assert not torch.allclose(_outputs(model, data), expected, atol=1e-3)


@pytest.mark.parametrize('mutator', [
    'GroupFisherChannelMutator', 'MultiStepGroupFisherMutator'
])
def test_pruning_algorithms_start_from_the_loaded_weights(
        exported, mnist_batch, mutator):
    """Stock GroupFisherAlgorithm (weights back at init_weights, as in a
    Runner) and our DCCD pruning algorithm (weights kept at build)."""
    static = _static(exported)
    data = static.data_preprocessor(copy.deepcopy(mnist_batch), False)
    expected = _outputs(static, data)

    stock = MODELS.build(
        dict(type='GroupFisherAlgorithm',
             architecture=dict(type='PrunedStaticModel', **exported),
             mutator=_gf_mutator(mutator)))
    stock.init_weights()
    torch.testing.assert_close(_outputs(stock.architecture, data), expected)

    ours = MODELS.build(
        dict(type='GroupFisherDCCDDistill',
             architecture=dict(type='PrunedStaticModel', **exported),
             mutator=_gf_mutator(mutator),
             teacher=dict(type='PrunedStaticModel', **exported),
             distiller=dict(type='DCCDDistiller',
                            feature_layers=['backbone.layer4'],
                            logits_layer='head.fc',
                            cc_loss=dict(type='ChannelContrastiveLoss',
                                         mode='batch'),
                            dd_loss=None,
                            kd_loss=None)))
    torch.testing.assert_close(_outputs(ours.architecture, data), expected)
    ours.init_weights()
    torch.testing.assert_close(_outputs(ours.architecture, data), expected)
    torch.testing.assert_close(_outputs(ours.teacher, data), expected)
