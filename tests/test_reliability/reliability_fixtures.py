# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Fixtures of the reliability tests (imported by them: a second
``conftest.py`` would shadow ``tests/conftest.py``'s ``run_tool``)."""
import copy
import os

import pytest
from mmengine.registry import DefaultScope

import mmrazor_dccd.engine  # noqa: F401  (hooks, safe loaders)
from mmrazor_dccd.utils import load_config

DCCD_CFG = 'configs/dccd/dccd_r18w16_r18w4_mnist.py'


@pytest.fixture(scope='package')
def tiny_dccd_cfg(repo):
    """The reference DCCD config, shrunk to a few CPU iterations."""
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        cfg = load_config(DCCD_CFG)
    finally:
        os.chdir(cwd)
    cfg.model.teacher_ckpt = None
    cfg.train_dataloader.dataset.num_per_class = 1
    cfg.train_dataloader.batch_size = 5
    cfg.val_dataloader.dataset.indices = 10
    cfg.train_cfg.update(max_iters=2, val_interval=100)
    cfg.param_scheduler.T_max = 2
    cfg.default_hooks.logger.interval = 1
    cfg.log_level = 'WARNING'
    return cfg


@pytest.fixture
def dccd_cfg(tiny_dccd_cfg, tmp_path):
    cfg = copy.deepcopy(tiny_dccd_cfg)
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = f'reliability_{tmp_path.name}'
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield cfg
