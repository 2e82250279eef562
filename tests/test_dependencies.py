# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The installed stack: mmcv with ops for MMDetection, clear errors if not."""
import subprocess
import sys

import pytest
import torch

from mmrazor_dccd.utils.dependencies import (check_mmcv,
                                             installed_mmcv_distributions)

pytestmark = pytest.mark.fast


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

    from mmrazor_dccd.compat import load_config
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


# MMDetection made unimportable in a child process, as after `make install`.
_NO_MMDET = "import sys; sys.modules['mmdet'] = None\n"


def test_detection_without_the_extra_names_the_fix(repo):
    """Classification imports, loads and builds without MMDetection; a
    detection config without the extra names `make install-det`."""
    code = _NO_MMDET + (
        'import pytest\n'
        'from mmengine.registry import DefaultScope\n'
        'import mmrazor_dccd\n'
        'from mmrazor.registry import MODELS\n'
        'from mmrazor_dccd.compat import load_config\n'
        "cfg = load_config('configs/dccd/dccd_r18w16_r18w4_mnist.py')\n"
        'cfg.model.teacher_ckpt = None\n'
        "with DefaultScope.overwrite_default_scope('mmrazor'):\n"
        '    MODELS.build(cfg.model)\n'
        "with pytest.raises(ImportError) as err:\n"
        "    load_config('configs/detection/fmnist/"
        "cwd_fpn_retina-w16_retina-w4_fmnist-det.py')\n"
        'print(err.value)\n')
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, cwd=repo)
    assert proc.returncode == 0, proc.stderr[-3000:]
    msg = proc.stdout
    assert 'cwd_fpn_retina-w16_retina-w4_fmnist-det.py needs MMDetection' \
        in msg
    assert '`make install-det`' in msg and "pip install -e '.[det]'" in msg
    assert 'docs/compat.md#install' in msg
