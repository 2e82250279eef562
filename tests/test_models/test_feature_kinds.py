# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""DCCD from layer names alone, on real MMPretrain backbones at 64x64:
maps, pooled features, tokens and tuple outputs, one training step each."""
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from mmrazor.registry import MODELS

SIZE = 64
RESNET18 = (dict(type='ResNet', depth=18), 512)
MBV3 = (dict(type='MobileNetV3', arch='small'), 576)
DEIT = (dict(type='VisionTransformer', arch='deit-tiny', img_size=SIZE,
             patch_size=16, out_type='cls_token'), 192)
DEIT_DISTILLED = (dict(type='DistilledVisionTransformer', arch='deit-tiny',
                       img_size=SIZE, patch_size=16), 192)
# A Swin small enough for CPU tests (Swin-tiny's layout, narrower).
SWIN = (dict(type='SwinTransformer',
             arch=dict(embed_dims=16, depths=[1, 1, 1, 1],
                       num_heads=[1, 1, 1, 1]),
             img_size=SIZE, window_size=2), 128)


def _classifier(backbone):
    backbone, channels = backbone
    head = dict(type='LinearClsHead', num_classes=10, in_channels=channels)
    if backbone['type'] == 'DistilledVisionTransformer':
        head = dict(type='DeiTClsHead', num_classes=10, in_channels=channels)
    neck = None if 'VisionTransformer' in backbone['type'] else dict(
        type='GlobalAveragePooling')
    return dict(_scope_='mmpretrain', type='ImageClassifier',
                backbone=backbone, neck=neck, head=head)


def _model(student, teacher, **distiller):
    return MODELS.build(dict(
        _scope_='mmrazor', type='DCCDDistill',
        data_preprocessor=dict(type='MultiViewClsDataPreprocessor',
                               num_classes=10),
        architecture=_classifier(student), teacher=_classifier(teacher),
        distiller=dict(dict(type='DCCDDistiller',
                            demo_input=(1, 3, SIZE, SIZE)), **distiller)))


def _train_step(model):
    """One SGD step on two images: every connector parameter is in the
    optimizer, and the connector moves (not every parameter: BN's weight
    gets a zero gradient, scaling a channel leaves its normalised
    embedding)."""
    torch.manual_seed(0)
    data = dict(inputs=[torch.randint(0, 256, (3, SIZE, SIZE),
                                      dtype=torch.uint8) for _ in range(2)],
                data_samples=[DataSample().set_gt_label(i) for i in (1, 2)])
    model.train()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    connectors = list(model.distiller.connectors.parameters())
    before = [p.detach().clone() for p in connectors]
    log = model.train_step(data, optim)
    assert torch.isfinite(log['distill.loss_cc']) and log['distill.loss_cc']
    in_optim = {id(p) for g in optim.param_groups for p in g['params']}
    assert connectors and all(id(p) in in_optim for p in connectors)
    assert any(not torch.equal(a, p) for a, p in zip(before, connectors))
    return log


@pytest.mark.parametrize('student,layer,student_conn,teacher_conn', [
    # MobileNetV3 2x2x576 map -> ResNet-18 2x2x512: a 1x1 conv + BN.
    (MBV3, 'backbone.layer12', ['ConvModule'], []),
    # DeiT tokens (1 + 16, 192): class token dropped, 4x4 grid, conv,
    # average-pooled to the teacher's 2x2.
    (DEIT, 'backbone.layers.11',
     ['FeatureToMap', 'ConvModule', 'TorchFunctional'], ['FeatureToMap']),
    # Swin's stage returns (tokens, hw_shape): data_idx picks the tokens.
    (SWIN, 'backbone.stages.3', ['FeatureToMap', 'ConvModule'],
     ['FeatureToMap']),
])
def test_student_kinds_to_a_cnn_teacher(student, layer, student_conn,
                                        teacher_conn):
    model = _model(student, RESNET18,
                   feature_layers={layer: 'backbone.layer4'},
                   data_idx=0 if student is SWIN else None)
    d = model.distiller
    kinds = {name: [type(m).__name__.replace('Connector', '') for m in (
        c if isinstance(c, torch.nn.Sequential) else [c])]
             for name, c in d.connectors.items()}
    assert kinds.get('feat_connector', []) == student_conn
    assert kinds.get('feat_teacher_connector', []) == teacher_conn
    _train_step(model)


def test_cnn_student_to_a_deit_teacher_upsamples():
    """ViT teacher: two extra tokens (class + distillation) dropped, the
    student's 2x2 map interpolated to the teacher's 4x4 token grid."""
    model = _model(RESNET18, DEIT_DISTILLED,
                   feature_layers={'backbone.layer4': 'backbone.layers.11'})
    chain = model.distiller.connectors['feat_connector']
    assert [type(m).__name__ for m in chain] == [
        'FeatureToMap', 'ConvModuleConnector', 'TorchFunctionalConnector']
    assert chain[-1].func_args['size'] == (4, 4)
    teacher = model.distiller.connectors['feat_teacher_connector']
    assert teacher.num_extra_tokens == 2
    assert teacher(torch.zeros(2, 18, 192)).shape == (2, 192, 4, 4)
    _train_step(model)


def test_pooled_features_from_a_tuple_output():
    """The necks return a tuple of (B, C): data_idx=0; both pooled, their
    channels differ, so both are laid out as (B, C, 1, 1) for the conv."""
    model = _model(MBV3, RESNET18, feature_layers='neck', data_idx=0)
    mapping = model.distiller.loss_forward_mappings['loss_cc']
    assert mapping['preds_S']['data_idx'] == mapping['preds_T'][
        'data_idx'] == 0
    _train_step(model)


def test_kept_extra_tokens_give_a_row_of_positions():
    model = _model(DEIT, RESNET18, keep_extra_tokens=True,
                   feature_layers={'backbone.layers.11': 'backbone.layer4'})
    chain = model.distiller.connectors['feat_connector']
    assert chain[0].num_extra_tokens == 0
    assert chain(torch.zeros(2, 17, 192)).shape == (2, 512, 2, 2)


def test_unsupported_outputs_name_the_layer_and_the_fix():
    with pytest.raises(ValueError, match=r"student layer 'backbone.stages.3' "
                       r'returns tuple\(Tensor\(1, 4, 128\), tuple\).*'
                       'Fix: set data_idx'):
        _model(SWIN, RESNET18,
               feature_layers={'backbone.stages.3': 'backbone.layer4'})
    with pytest.raises(ValueError, match=r'returns tuple\(Tensor\(1, 4, '
                       r'128\), tuple\); DCCD distils .* maps.*Fix'):
        _model(SWIN, RESNET18, data_idx=1,
               feature_layers={'backbone.stages.3': 'backbone.layer4'})
    with pytest.raises(ValueError, match=r'demo_input: a dry forward of '
                       r'\(1, 1, 64, 64\) failed.*Fix: set demo_input'):
        _model(RESNET18, RESNET18, feature_layers='backbone.layer4',
               demo_input=(1, 1, SIZE, SIZE))
