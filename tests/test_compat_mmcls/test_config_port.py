# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""``load_config`` ports MMRazor's stock configs to the current stack."""
import os.path as osp

import pytest

from mmrazor_dccd.compat import load_config
from mmrazor_dccd.compat.configs import UPSTREAM_RENAMES, resolve_config_path

pytestmark = pytest.mark.fast


@pytest.mark.parametrize('old', sorted(UPSTREAM_RENAMES))
def test_renamed_upstream_configs_exist_under_their_new_name(old):
    assert not osp.isfile(resolve_config_path(old))
    assert osp.isfile(resolve_config_path(UPSTREAM_RENAMES[old]))


def test_renamed_mmdet_base_and_cfg_path():
    cfg = load_config(
        'mmrazor::distill/mmdet/cwd/cwd_fpn_frcnn_r101_frcnn_r50_1x_coco.py')
    assert cfg.model.architecture.cfg_path == \
        'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'


def test_relative_base_without_dot_and_nested_mmcls_names():
    """``_base_ = ['dcff_resnet_8xb32_in1k.py']`` (no ``./``) is found, and
    a relative base's own ``PackClsInputs`` is ported too."""
    cfg = load_config('mmrazor::pruning/mmcls/dcff/'
                      'dcff_compact_resnet_8xb32_in1k.py')
    assert cfg.model.type == 'sub_model'
    assert cfg.filename.endswith('dcff_compact_resnet_8xb32_in1k.py')
    byot = load_config('mmrazor::distill/mmcls/byot/'
                       'byot_resnet18_8xb16_cifar100.py')
    assert byot.train_dataloader.dataset.pipeline[-1].type == 'PackInputs'
    assert byot.model.architecture.data_preprocessor.type == \
        'mmcls.ClsDataPreprocessor'


def test_relative_data_file_resolved_against_config_folder(tmp_path,
                                                           monkeypatch):
    (tmp_path / 'cfg').mkdir()
    (tmp_path / 'cfg' / 'fix_subnet.json').write_text('{}')
    (tmp_path / 'cfg' / 'base.py').write_text("head = 'PackClsInputs'\n")
    (tmp_path / 'cfg' / 'sub.py').write_text(
        "_base_ = ['base.py']\nfix_subnet = 'fix_subnet.json'\n"
        "missing = 'nowhere/fix_subnet.json'\n")
    monkeypatch.chdir(tmp_path)  # the config's folder is not the cwd
    cfg = load_config('cfg/sub.py')
    assert cfg.fix_subnet == str(tmp_path / 'cfg' / 'fix_subnet.json')
    assert cfg.head == 'PackInputs'
    assert cfg.missing == 'nowhere/fix_subnet.json'  # the error names it


def test_unported_config_loads_as_is(repo):
    path = osp.join(repo, 'configs', 'dccd', 'dccd_r18w16_r18w4_mnist.py')
    cfg = load_config(path)
    assert cfg.filename == path and cfg.model.type == 'DCCDDistill'
