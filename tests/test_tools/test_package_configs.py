# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""``mmrazor_dccd::`` config references, like ``mmpretrain::`` ones."""
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

import mmrazor_dccd  # noqa: F401

pytestmark = pytest.mark.fast


def test_user_config_inherits_package_config_and_trains(tmp_path):
    user_cfg = tmp_path / 'my_dccd.py'
    user_cfg.write_text(
        "_base_ = ['mmrazor_dccd::dccd/dccd_r18w16_r18w4_mnist.py']\n"
        'model = dict(teacher_ckpt=None)\n'
        'train_dataloader = dict(batch_size=4, '
        'dataset=dict(num_per_class=2))\n'
        'val_dataloader = dict(dataset=dict(indices=8))\n'
        'test_dataloader = dict(dataset=dict(indices=8))\n'
        'train_cfg = dict(max_iters=2, val_interval=2)\n'
        'param_scheduler = dict(T_max=2)\n')
    cfg = Config.fromfile(str(user_cfg))
    # MMEngine scopes the inherited dicts to the package; the plugin's
    # registry scope must resolve them.
    assert cfg.val_evaluator._scope_ == 'mmrazor_dccd'
    cfg.work_dir = str(tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert (tmp_path / 'work' / 'iter_2.pth').is_file()
    assert 'accuracy/top1' in runner.test()
