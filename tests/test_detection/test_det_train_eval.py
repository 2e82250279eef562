# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Every detection config builds; a few CPU iterations + CocoMetric run."""
import glob
import os.path as osp

import pytest
from dccd_test_utils import REPO, run_tool
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope
from mmengine.utils import import_modules_from_strings

CONFIGS = sorted(p
                 for p in glob.glob(osp.join(REPO, 'configs/detection/*/*.py'))
                 if '/_base_/' not in p)
MNIST = osp.join(REPO, 'configs/detection/mnist')


def test_all_configs_found():
    names = {osp.basename(p) for p in CONFIGS}
    for det in ('retinanet', 'fcos', 'faster-rcnn'):
        for backbone in ('r18', 'mbv2'):
            assert any(n.startswith(f'{det}_{backbone}-dccd') for n in names)
    assert 'dccd_fpn_retina-r50_retina-r18_1x_coco.py' in names


@pytest.mark.parametrize('config', CONFIGS, ids=osp.basename)
def test_config_builds(config):
    cfg = Config.fromfile(config)
    import_modules_from_strings(**cfg.custom_imports)
    model = cfg.model
    if 'teacher_ckpt' in model:  # no download, no teacher run needed
        model.teacher_ckpt = None
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        detector = MODELS.build(model)
    assert sum(p.numel() for p in detector.parameters()) > 0


def _train(config, data_root, work_dir, *options):
    ann = osp.join(data_root, 'annotations', 'instances_val.json')
    proc = run_tool('tools/train.py', config, '--work-dir', work_dir,
                    '--cfg-options',
                    f'train_dataloader.dataset.data_root={data_root}',
                    f'val_dataloader.dataset.data_root={data_root}',
                    f'val_evaluator.ann_file={ann}',
                    'train_dataloader.batch_size=2', 'train_cfg.max_iters=2',
                    'train_cfg.val_interval=2',
                    'default_hooks.logger.interval=1', *options)
    return proc.stdout + proc.stderr


def test_detector_trains_and_evaluates_on_cpu(mnist_det, tmp_path):  # noqa
    log = _train(osp.join(MNIST, 'retinanet_r18cifar-w4_fpn_mnist-det.py'),
                 mnist_det, str(tmp_path), 'model.test_cfg.score_thr=0.0')
    assert 'Iter(train) [2/2]' in log
    assert 'coco/bbox_mAP:' in log  # CocoMetric saw detections
    assert osp.isfile(tmp_path / 'iter_2.pth')


def test_detector_to_detector_dccd_trains_and_evaluates(
        mnist_det,  # noqa
        tmp_path):
    log = _train(osp.join(MNIST, 'dccd_fpn_retina-w16_retina-w4_mnist-det.py'),
                 mnist_det, str(tmp_path), 'model.teacher_ckpt=None',
                 'model.architecture.test_cfg.score_thr=0.0',
                 'model.teacher.test_cfg.score_thr=0.0')
    for level in range(3):
        assert f'distill.loss_cc_fpn{level}:' in log
    assert 'coco/bbox_mAP:' in log and 'teacher.coco/bbox_mAP:' in log
