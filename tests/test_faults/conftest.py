# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Fixtures shared by the fault tests: the reference DCCD config (r18 w16
teacher, r18 w4 student on real MNIST) in the sizes the tests need."""
import copy
import os

import pytest
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import mmrazor_dccd.engine  # noqa: F401  (hooks, safe loaders)
from mmrazor_dccd.compat import load_config

DCCD_CFG = 'configs/dccd/dccd_r18w16_r18w4_mnist.py'


@pytest.fixture
def mmrazor_scope():
    """Build from MMRazor's registry whatever scope earlier tests left."""
    with DefaultScope.overwrite_default_scope('mmrazor'):
        yield


@pytest.fixture(scope='package')
def reference_cfg(repo):
    """The reference one-view config, without the teacher checkpoint."""
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        cfg = load_config(DCCD_CFG)
    finally:
        os.chdir(cwd)
    cfg.model.teacher_ckpt = None
    return cfg


@pytest.fixture(scope='module')
def cfg(reference_cfg):
    """The reference config with 4 real images per batch (layer4: 128
    teacher channels, 32 student channels)."""
    cfg = copy.deepcopy(reference_cfg)
    cfg.train_dataloader.dataset.num_per_class = 1
    cfg.train_dataloader.batch_size = 4
    return cfg


@pytest.fixture(scope='module')
def batch(cfg):
    """One training batch of :func:`cfg`."""
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return next(iter(Runner.build_dataloader(
            copy.deepcopy(cfg.train_dataloader))))


@pytest.fixture(scope='package')
def tiny_dccd_cfg(reference_cfg):
    """The reference DCCD config, shrunk to a few CPU iterations."""
    cfg = copy.deepcopy(reference_cfg)
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
    """:func:`tiny_dccd_cfg` with its own work dir."""
    cfg = copy.deepcopy(tiny_dccd_cfg)
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = f'reliability_{tmp_path.name}'
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield cfg
