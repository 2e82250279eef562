# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Tuning a default loss from the command line, as a user does first."""
from dccd_test_utils import run_tool

from mmengine.config import Config


def test_partial_dd_loss_override_through_train_py(tmp_path):
    # The Fashion-MNIST DCCD config relies on DCCDDistiller's default
    # losses; a partial override must update them, not fail on 'type'.
    run_tool('tools/train.py', 'configs/dccd/dccd_r18w16_r18w4_fmnist.py',
             '--work-dir', str(tmp_path), '--cfg-options',
             'model.distiller.dd_loss.loss_weight=0.1',
             'model.distiller.cc_loss.mode=per_sample',
             'model.teacher_ckpt=None', 'train_cfg.max_iters=2',
             'train_dataloader.dataset.num_per_class=2',
             'train_dataloader.batch_size=4', 'default_hooks.logger.interval=1')
    dumped = Config.fromfile(tmp_path / 'dccd_r18w16_r18w4_fmnist.py')
    assert dumped.model.distiller.dd_loss == dict(loss_weight=0.1)
    log = open(next(tmp_path.glob('*/vis_data/scalars.json'))).read()
    assert 'distill.loss_dd' in log and 'distill.loss_cc' in log
