# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The support matrix: DCCD built from layer names alone (no channel
numbers) between MMPretrain classifiers and between MMDetection detectors
(L_cc on every FPN level), one training step each, and an MMPretrain
backbone loaded strictly into each detector.

The cases are data (``FAMILIES``, ``CLS_CASES``, ``DETECTORS``,
``DET_CASES``): ``tools/analysis/support_matrix.py`` renders them into
``docs/support_matrix.md``, and ``test_support_matrix_page.py`` checks the
committed page against that rendering. Small widths and 64x64 inputs keep
each case about a second on one core; nothing is downloaded.
"""
import copy

import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.optim import build_optim_wrapper
from mmengine.structures import InstanceData
from mmpretrain.structures import DataSample

from mmrazor.registry import MODELS
from mmrazor_dccd.compat import load_config

SIZE = 64  # the smallest input every family here takes (stride 32)

# A 2-layer, 64-wide ViT: 16 patches of 16x16 at 64x64.
VIT_ARCH = dict(embed_dims=64, num_layers=2, num_heads=2,
                feedforward_channels=128)


def family(backbone, layer, channels, data_idx=None, note=''):
    """A family's small backbone, the DCCD feature layer, its channels (only
    for the classifier's own head: DCCD is given the layer name alone), the
    ``data_idx`` of a tuple output and a note for the matrix page."""
    return dict(backbone=backbone, layer=layer, channels=channels,
                data_idx=data_idx, note=note)


FAMILIES = {
    'ResNet': family(
        dict(type='ResNet', depth=18, stem_channels=16, base_channels=16),
        'backbone.layer4', 128, note='ResNet-18 at width 16 / 32'),
    'ResNeXt': family(
        dict(type='ResNeXt', depth=50, groups=4, width_per_group=4,
             base_channels=16), 'backbone.layer4', 512),
    'MobileNetV2': family(dict(type='MobileNetV2', widen_factor=0.5),
                          'backbone.conv2', 1280),
    'MobileNetV3': family(dict(type='MobileNetV3', arch='small'),
                          'backbone.layer12', 576),
    'ShuffleNetV2': family(dict(type='ShuffleNetV2', widen_factor=0.5),
                           'backbone.layers.3', 1024),
    'EfficientNet': family(dict(type='EfficientNet', arch='b0'),
                           'backbone.layers.6', 1280),
    'RegNet': family(dict(type='RegNet', arch='regnetx_400mf'),
                     'backbone.layer4', 384),
    'ConvNeXt': family(dict(type='ConvNeXt', arch='atto'),
                       'backbone.stages.3', 320),
    'ViT': family(
        dict(type='VisionTransformer', img_size=SIZE, patch_size=16,
             arch=VIT_ARCH), 'backbone.layers.1', 64,
        note='(B, 1 + 16, C) tokens: class token dropped'),
    'DeiT': family(
        dict(type='DistilledVisionTransformer', img_size=SIZE,
             patch_size=16, arch=VIT_ARCH), 'backbone.layers.1', 64,
        note='(B, 2 + 16, C) tokens: class and distillation tokens dropped'),
    'Swin': family(
        dict(type='SwinTransformer', img_size=SIZE, window_size=2,
             arch=dict(embed_dims=24, depths=[1, 1, 1, 1],
                       num_heads=[1, 1, 1, 1])),
        'backbone.stages.3', 192, data_idx=0,
        note='a stage returns (tokens, hw_shape): data_idx=0'),
}
# The other side of every pair: ResNet-18 at width 16 (student, 128
# channels) or 32 (teacher, 256): no family above has either width, so
# every pair needs a connector.
PARTNER = {
    'student': FAMILIES['ResNet'],
    'teacher': family(
        dict(type='ResNet', depth=18, stem_channels=32, base_channels=32),
        'backbone.layer4', 256),
}
# (student family, teacher family): each family as student of the
# ResNet-18 teacher and as teacher of the ResNet-18 student; 'ViT',
# 'DeiT' and 'Swin' with 'ResNet' are the CNN -> ViT and ViT -> CNN pairs.
CLS_CASES = [(name, 'ResNet') for name in FAMILIES] + [
    ('ResNet', name) for name in FAMILIES if name != 'ResNet'
]


def _classifier(name, role):
    spec = FAMILIES[name] if name != 'ResNet' else PARTNER[role]
    neck = None if name in ('ViT', 'DeiT', 'ConvNeXt') else dict(
        type='GlobalAveragePooling')  # those return pooled features
    head = dict(type='DeiTClsHead' if name == 'DeiT' else 'LinearClsHead',
                num_classes=4, in_channels=spec['channels'])
    return dict(_scope_='mmpretrain', type='ImageClassifier',
                backbone=copy.deepcopy(spec['backbone']), neck=neck,
                head=head), spec['layer'], spec['data_idx']


def build_cls_pair(student, teacher):
    s_model, s_layer, s_idx = _classifier(student, 'student')
    t_model, t_layer, t_idx = _classifier(teacher, 'teacher')
    assert s_idx is None or t_idx is None  # one data_idx per feature
    return MODELS.build(
        dict(_scope_='mmrazor',
             type='DCCDDistill',
             data_preprocessor=dict(type='MultiViewClsDataPreprocessor',
                                    num_classes=4),
             architecture=s_model,
             teacher=t_model,
             distiller=dict(type='DCCDDistiller',
                            demo_input=(1, 3, SIZE, SIZE),
                            feature_layers={s_layer: t_layer},
                            data_idx=s_idx if s_idx is not None else t_idx)))


def _cls_batch():
    images = [torch.randint(0, 256, (3, SIZE, SIZE), dtype=torch.uint8)
              for _ in range(2)]
    return dict(inputs=images,
                data_samples=[DataSample().set_gt_label(i) for i in (1, 2)])


def train_one_step(model, data, student_modules):
    """One step with an optimizer built by MMEngine from the built model:
    L_cc is finite, its gradient reaches the connectors and the student's
    feature layers, and the optimizer holds every connector parameter."""
    torch.manual_seed(0)
    optim = build_optim_wrapper(
        model, dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9)))
    in_optim = {id(p) for g in optim.param_groups for p in g['params']}
    connectors = list(model.distiller.connectors.parameters())
    assert connectors and {id(p) for p in connectors} <= in_optim
    model.train()
    data = model.data_preprocessor(data, True)
    losses = model(**data, mode='loss')
    cc = [v for k, v in losses.items() if k.startswith('distill.loss_cc')]
    assert cc and all(torch.isfinite(v) for v in cc)
    student = [p for m in student_modules for p in m.parameters()]
    grads = torch.autograd.grad(sum(cc),
                                connectors + student,
                                retain_graph=True,
                                allow_unused=True)
    for params, part in ((grads[:len(connectors)], 'connector'),
                         (grads[len(connectors):], 'student')):
        assert any(g is not None and g.abs().sum() > 0 for g in params), \
            f'no L_cc gradient reaches the {part}'
    loss, _ = model.parse_losses(losses)
    optim.update_params(loss)
    assert torch.isfinite(loss)


@pytest.mark.parametrize('student,teacher',
                         CLS_CASES,
                         ids=[f'{s}->{t}' for s, t in CLS_CASES])
def test_classifier_pair_from_layer_names(student, teacher):
    torch.manual_seed(0)
    model = build_cls_pair(student, teacher)
    layers = [spec.student for spec in model.distiller.feature_specs.values()]
    modules = dict(model.architecture.named_modules())
    train_one_step(model, _cls_batch(), [modules[n] for n in layers])


# Detectors from MMDetection's configs, shrunk: ResNet-18 at width 16 and
# an FPN of `width` channels (32 for students, 64 for teachers: a
# connector per level), one stacked conv, 2 classes, 64x64 images.
DETECTORS = {
    'RetinaNet': 'mmdet::retinanet/retinanet_r18_fpn_1x_coco.py',
    'FCOS': 'mmdet::fcos/fcos_r50-caffe_fpn_gn-head_1x_coco.py',
    'ATSS': 'mmdet::atss/atss_r50_fpn_1x_coco.py',
    'Faster R-CNN': 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py',
}
LEVELS = [0, 1, 2, 3, 4]  # five FPN outputs in each of the four
# Stride of the first FPN level: P3-P7 (RetinaNet, FCOS, ATSS) or P2-P6
# (Faster R-CNN, whose P6 is a max-pool, no module).
FIRST_STRIDE = {'RetinaNet': 8, 'FCOS': 8, 'ATSS': 8, 'Faster R-CNN': 4}
DET_CASES = [(name, 'RetinaNet') for name in DETECTORS] + [
    ('RetinaNet', name) for name in DETECTORS if name != 'RetinaNet'
]
# Detectors that get the distilled MMPretrain backbone.
BACKBONE_LOAD = list(DETECTORS)
BACKBONE = dict(type='ResNet', depth=18, stem_channels=16, base_channels=16)


def detector(name, width):
    model = load_config(DETECTORS[name]).model
    model.backbone = dict(_scope_='mmdet', **BACKBONE, init_cfg=None)
    model.neck.update(in_channels=[16, 32, 64, 128], out_channels=width)
    for head in ('bbox_head', 'rpn_head'):
        if head in model:
            model[head].update(in_channels=width, feat_channels=width)
            if 'stacked_convs' in model[head]:
                model[head].stacked_convs = 1
            if head == 'bbox_head':
                model[head].num_classes = 2
    if 'roi_head' in model:
        model.roi_head.bbox_roi_extractor.out_channels = width
        model.roi_head.bbox_head.update(in_channels=width,
                                        fc_out_channels=32,
                                        num_classes=2)
    model._scope_ = 'mmdet'  # a ConfigDict: two-stage detectors read
    return model  # train_cfg.rpn as an attribute


def det_layers(student, teacher):
    """The levels of equal stride: ``'neck'`` with a ``data_idx`` per level
    where both FPNs start at one stride; else each level's output conv,
    student to teacher (strides 8, 16, 32 between P3-P7 and P2-P6)."""
    if FIRST_STRIDE[student] == FIRST_STRIDE[teacher]:
        return dict(feature_layers='neck', data_idx=LEVELS)
    shift = [int(FIRST_STRIDE[who] == 4) for who in (student, teacher)]
    return dict(
        feature_layers={
            f'neck.fpn_convs.{i + shift[0]}.conv':
            f'neck.fpn_convs.{i + shift[1]}.conv'
            for i in range(3)
        })


def build_det_pair(student, teacher, **distiller):
    distiller = distiller or det_layers(student, teacher)
    return MODELS.build(
        dict(_scope_='mmrazor',
             type='FpnTeacherDistill',
             architecture=detector(student, 32),
             teacher=detector(teacher, 64),
             distiller=dict(type='DCCDDistiller',
                            demo_input=(1, 3, SIZE, SIZE),
                            **distiller)))


def _det_batch():
    samples = []
    for i in range(2):
        sample = DetDataSample(metainfo=dict(
            img_shape=(SIZE, SIZE), ori_shape=(SIZE, SIZE),
            scale_factor=(1., 1.)))
        sample.gt_instances = InstanceData(
            bboxes=torch.tensor([[8., 8., 40., 44.], [20., 16., 60., 56.]]),
            labels=torch.tensor([i, 1 - i]))
        samples.append(sample)
    images = [torch.randint(0, 256, (3, SIZE, SIZE), dtype=torch.uint8)
              for _ in range(2)]
    return dict(inputs=images, data_samples=samples)


@pytest.mark.parametrize('student,teacher',
                         DET_CASES,
                         ids=[f'{s}->{t}' for s, t in DET_CASES])
def test_detector_pair_fpn_levels_from_layer_names(student, teacher):
    """Levels of equal stride from layer names (:func:`det_layers`): one
    L_cc and one 32 -> 64 channel connector per level, no resize."""
    torch.manual_seed(0)
    model = build_det_pair(student, teacher)
    num = len(model.distiller.feature_specs)
    assert num == (5 if FIRST_STRIDE[student] == FIRST_STRIDE[teacher] else 3)
    assert sorted(model.distiller.connectors) == [
        f'feat_{i}_connector' for i in range(num)
    ]
    train_one_step(model, _det_batch(), [model.architecture.neck])


def test_detector_levels_as_one_entry_per_level():
    """The shipped detection configs' layers (``neck.fpn_convs.i.conv``),
    one feature layer each: the same losses from names alone."""
    torch.manual_seed(0)
    model = build_det_pair(
        'RetinaNet',
        'RetinaNet',
        feature_layers=[f'neck.fpn_convs.{i}.conv' for i in LEVELS])
    assert sorted(
        model.distiller.distill_losses) == [f'loss_cc_{i}' for i in LEVELS]
    train_one_step(model, _det_batch(), [model.architecture.neck])


@pytest.fixture(scope='module')
def distilled_backbone():
    """The backbone state of an MMPretrain ResNet-18 (width 16) after one
    DCCD step from the ResNet-18 teacher."""
    torch.manual_seed(0)
    model = build_cls_pair('ResNet', 'ResNet')
    modules = dict(model.architecture.named_modules())
    train_one_step(model, _cls_batch(), [modules['backbone.layer4']])
    return {
        k: v.clone()
        for k, v in model.architecture.backbone.state_dict().items()
    }


@pytest.mark.parametrize('name', BACKBONE_LOAD)
def test_distilled_backbone_loads_into_detector(name, distilled_backbone):
    """Strictly: every key of the MMPretrain backbone fits the detector's
    MMDetection ResNet, and the detector then trains."""
    det = MODELS.build(detector(name, 32))
    det.backbone.load_state_dict(distilled_backbone, strict=True)
    for key, value in det.backbone.state_dict().items():
        assert torch.equal(value, distilled_backbone[key]), key
    det.train()
    data = det.data_preprocessor(_det_batch(), True)
    loss, _ = det.parse_losses(det(**data, mode='loss'))
    assert torch.isfinite(loss)
