# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The installed stack: mmcv with ops for MMDetection, clear errors if not."""
import subprocess
import sys

import torch

from mmrazor_dccd.utils import check_mmcv, installed_mmcv_distributions


def test_mmcv_with_ops_runs_nms_and_mmdet_builds():
    check_mmcv(require_ops=True)
    from mmcv.ops import nms
    boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.],
                          [20., 20., 30., 30.]])
    scores = torch.tensor([0.9, 0.8, 0.7])
    dets, keep = nms(boxes, scores, iou_threshold=0.5)
    assert keep.tolist() == [0, 2]

    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules

    from mmrazor_dccd.utils import load_config
    register_all_modules()
    cfg = load_config('mmdet::retinanet/retinanet_r18_fpn_1x_coco.py')
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        feats = model.extract_feat(torch.rand(1, 3, 64, 64))
    assert len(feats) == 5 and feats[0].shape[1] == 256


def _check_with_fake_dist(tmp_path, name, version, require_ops=False):
    """Run check_mmcv with an extra distribution visible on sys.path."""
    info = tmp_path / f'{name.replace("-", "_")}-{version}.dist-info'
    info.mkdir()
    (info / 'METADATA').write_text(
        f'Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n')
    code = ('import sys; sys.path.insert(0, %r)\n'
            'from mmrazor_dccd.utils.dependencies import check_mmcv\n'
            'check_mmcv(require_ops=%r)\n') % (str(tmp_path), require_ops)
    return subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True)


def test_two_mmcv_distributions_are_refused(tmp_path):
    assert installed_mmcv_distributions() == ['mmcv==2.1.0']
    proc = _check_with_fake_dist(tmp_path, 'mmcv-lite', '2.1.0')
    assert proc.returncode != 0
    assert "['mmcv==2.1.0', 'mmcv-lite==2.1.0']" in proc.stderr
    assert 'install_mmcv.sh' in proc.stderr


def test_wrong_mmcv_version_names_version_and_fix(tmp_path):
    proc = _check_with_fake_dist(tmp_path, 'mmcv', '2.2.0')
    assert proc.returncode != 0
    assert 'Found mmcv==2.2.0' in proc.stderr
    assert 'mmcv==2.1.0' in proc.stderr and 'install_mmcv.sh' in proc.stderr
