# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The user's path on the Fashion-MNIST canvases, for a ResNet and a
MobileNetV2 student: a DCCD checkpoint of the Fashion-MNIST benchmark's
pair (a) / (b) -> ``extract_student_backbone.py --config <detector>`` ->
``tools/train.py <detector>`` naming the extracted file (as
docs/detection.md, section 1, shows)."""
import os.path as osp

import pytest
import torch
from dccd_test_utils import REPO, run_tool
from mmengine.registry import MODELS, DefaultScope

from benchmarks.common.runs import set_options
from benchmarks.fmnist.plan import make_run
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.checkpoint import load_state_dict_file

TOOL = 'tools/model_converters/extract_student_backbone.py'
DET = 'configs/detection/fmnist/'


def _dccd_checkpoint(pair, path):
    """A real DCCDDistill of the pair (the benchmark's config and options),
    saved as MMEngine saves it."""
    run = make_run('final', pair, 'dccd', 'default', 0, {})
    cfg = set_options(load_config(osp.join(REPO, run['config'])),
                      run['options'])
    cfg.model.teacher_ckpt = None
    with DefaultScope.overwrite_default_scope('mmrazor'):
        algo = MODELS.build(cfg.model)
    torch.save(dict(state_dict=algo.state_dict(), meta=dict(iter=400)), path)
    return algo.architecture.backbone.state_dict()


@pytest.mark.parametrize('pair,config,backbone', [
    ('a', 'retinanet_r18cifar-w4-dccd_fpn_fmnist-det.py', 'ResNet_CIFAR'),
    ('b', 'retinanet_mbv2-dccd_fpn_fmnist-det.py', 'MobileNetV2_CIFAR'),
])
def test_extract_then_train_detector(fmnist_det, tmp_path, pair, config,
                                     backbone):
    src, dst = str(tmp_path / 'dccd.pth'), str(tmp_path / 'backbone.pth')
    student = _dccd_checkpoint(pair, src)
    out = run_tool(TOOL, src, dst, '--config', DET + config).stdout
    assert f'loads strictly into {backbone}' in out
    weights = load_state_dict_file(dst)
    assert weights.keys() == student.keys()
    assert all(torch.equal(weights[k], student[k]) for k in student)
    ann = osp.join(fmnist_det, 'annotations', 'instances_{}.json')
    proc = run_tool(
        'tools/train.py', DET + config, '--work-dir', str(tmp_path / 'det'),
        '--cfg-options', f'model.backbone.init_cfg.checkpoint={dst}',
        *(f'{s}_dataloader.dataset.data_root={fmnist_det}'
          for s in ('train', 'val', 'test')),
        f"val_evaluator.ann_file={ann.format('val')}",
        'train_dataloader.batch_size=2', 'train_cfg.max_iters=2',
        'train_cfg.val_interval=2', 'model.test_cfg.score_thr=0.0',
        'default_hooks.logger.interval=1')
    log = proc.stdout + proc.stderr
    assert f'Loads checkpoint by local backend from path: {dst}' in log
    assert 'Iter(train) [2/2]' in log and 'coco/bbox_mAP:' in log
