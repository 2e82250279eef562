# Copyright (c) mmrazor-dccd contributors. All rights reserved.
import os.path as osp
import runpy
import sys

import pytest
import torch
from dccd_test_utils import REPO, run_tool
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope

from mmrazor_dccd.engine.checkpoint import (check_state_dict,
                                            convert_student_backbone,
                                            extract_state_dict,
                                            load_state_dict_file)

MNIST_DET = osp.join(
    REPO, 'configs/detection/mnist/'
    'retinanet_r18cifar-w4-dccd_fpn_mnist-det.py')
COCO_R18 = osp.join(
    REPO, 'configs/detection/coco/retinanet_r18-dccd_fpn_1x_coco.py')
TOOL = osp.join(REPO, 'tools/model_converters/extract_student_backbone.py')
COCO_MBV2 = osp.join(
    REPO, 'configs/detection/coco/retinanet_mbv2-dccd_fpn_1x_coco.py')


def _build(cfg, scope):
    with DefaultScope.overwrite_default_scope(scope):
        return MODELS.build(cfg)


def _backbone(config, **overrides):
    """The detector backbone of ``config``, without weight init."""
    cfg = Config.fromfile(config).model.backbone
    cfg.update({'init_cfg': None, **overrides})
    return _build(cfg, 'mmdet')


def _dccd_checkpoint(path):
    """Save a real DCCDDistill (MNIST reference config) as MMEngine does."""
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/dccd/dccd_r18w16_r18w4_mnist.py'))
    cfg.model.teacher_ckpt = None
    algo = _build(cfg.model, 'mmrazor')
    torch.save(dict(state_dict=algo.state_dict(), meta=dict(iter=1)), path)
    return algo


def test_tool_extracts_dccd_student_for_mmdet(tmp_path):
    src, dst = str(tmp_path / 'dccd.pth'), str(tmp_path / 'backbone.pth')
    algo = _dccd_checkpoint(src)
    run_tool(TOOL, src, dst, '--config', MNIST_DET)
    # MMDetection's own path: init_cfg=Pretrained on the detector backbone.
    backbone = _backbone(MNIST_DET,
                         init_cfg=dict(type='Pretrained', checkpoint=dst))
    backbone.init_weights()
    expected = algo.architecture.backbone.state_dict()
    backbone.load_state_dict(load_state_dict_file(dst), strict=True)
    for key, value in backbone.state_dict().items():
        assert torch.equal(value, expected[key]), key
    assert not any(k.startswith('teacher') for k in load_state_dict_file(dst))


@pytest.mark.parametrize('config,classifier', [
    (COCO_R18, dict(type='ResNet', depth=18)),
    (COCO_MBV2, dict(type='MobileNetV2', widen_factor=1.0)),
])
def test_imagenet_students_load_strictly_into_coco_backbones(
        tmp_path, config, classifier):
    student = _build(
        dict(type='ImageClassifier',
             backbone=classifier,
             neck=dict(type='GlobalAveragePooling'),
             head=dict(
                 type='LinearClsHead',
                 num_classes=10,
                 in_channels=512 if classifier['type'] == 'ResNet' else 1280)),
        'mmpretrain')
    state = {f'architecture.{k}': v for k, v in student.state_dict().items()}
    state['teacher.backbone.conv1.weight'] = torch.zeros(1)
    src, dst = str(tmp_path / 'ckpt.pth'), str(tmp_path / 'out.pth')
    torch.save(dict(state_dict=state), src)
    backbone = _backbone(config)
    convert_student_backbone(src, dst, backbone=backbone)
    backbone.load_state_dict(load_state_dict_file(dst), strict=True)


def test_checkpoint_without_student_names_prefixes(tmp_path, monkeypatch):
    src, dst = str(tmp_path / 'classifier.pth'), str(tmp_path / 'out.pth')
    weights = {
        'backbone.conv1.weight': torch.zeros(1),
        'head.fc.weight': torch.zeros(1)
    }
    torch.save(dict(state_dict=weights), src)
    # The tool in-process (saves a subprocess start).
    monkeypatch.setattr(sys, 'argv', ['extract_student_backbone.py', src, dst])
    with pytest.raises(KeyError) as err:
        runpy.run_path(TOOL, run_name='__main__')
    msg = str(err.value)
    assert 'no student weights' in msg
    assert "'backbone.'" in msg and 'backbone.conv1.' in msg
    assert not osp.exists(dst)
    # A plain classifier works with the prefix the message suggests.
    assert list(extract_state_dict(weights, 'backbone.')) == ['conv1.weight']


def test_mismatched_backbone_lists_keys():
    w4 = _backbone(MNIST_DET).state_dict()
    wide = _backbone(MNIST_DET, stem_channels=16, base_channels=16)
    with pytest.raises(RuntimeError, match='shape mismatches') as err:
        check_state_dict(wide, w4)
    assert 'conv1.weight: (4, 1, 3, 3) vs (16, 1, 3, 3)' in str(err.value)
    mbv2 = _backbone(COCO_MBV2)
    with pytest.raises(RuntimeError) as err:
        check_state_dict(mbv2, w4)
    msg = str(err.value)
    assert 'missing keys' in msg and 'unexpected keys' in msg
    assert 'missing keys (312): conv1.bn.bias' in msg
    assert 'unexpected keys (120): bn1.bias' in msg
