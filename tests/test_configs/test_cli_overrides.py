# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Tuning a default loss from the command line, as a user does first."""
from dccd_test_utils import run_tool
from mmengine.config import Config

TINY = ['model.teacher_ckpt=None', 'train_cfg.max_iters=2',
        'train_dataloader.dataset.num_per_class=2',
        'train_dataloader.batch_size=4', 'default_hooks.logger.interval=1']


def _train(config, work_dir, *options, check=True):
    return run_tool('tools/train.py', config, '--work-dir', str(work_dir),
                    '--cfg-options', *options, *TINY, check=check)


def test_partial_loss_overrides_through_train_py(tmp_path):
    # The default Fashion-MNIST DCCD config relies on DCCDDistiller's
    # default L_cc; a partial override must update it, not fail on 'type'.
    _train('configs/dccd/dccd_r18w16_r18w4_fmnist.py', tmp_path / 'cc',
           'model.distiller.cc_loss.mode=per_sample',
           'model.distiller.cc_loss.loss_weight=1.0')
    dumped = Config.fromfile(tmp_path / 'cc' / 'dccd_r18w16_r18w4_fmnist.py')
    assert dumped.model.distiller.cc_loss == dict(mode='per_sample',
                                                  loss_weight=1.0)
    log = open(next((tmp_path / 'cc').glob('*/vis_data/scalars.json'))).read()
    assert 'distill.loss_cc' in log and 'distill.loss_dd' not in log

    # Turning L_dd on in the one-view default fails and names the fix ...
    proc = _train('configs/dccd/dccd_r18w16_r18w4_fmnist.py',
                  tmp_path / 'one_view', 'model.distiller.dd_loss.'
                  'loss_weight=0.1', check=False)
    assert proc.returncode != 0
    assert 'needs num_views >= 2' in proc.stderr + proc.stdout
    assert 'model.num_views=2' in proc.stderr + proc.stdout

    # ... and the two-view config takes the same partial override.
    _train('configs/dccd/dccd-dd_r18w16_r18w4_fmnist.py', tmp_path / 'dd',
           'model.distiller.dd_loss.loss_weight=0.1')
    dumped = Config.fromfile(tmp_path / 'dd' /
                             'dccd-dd_r18w16_r18w4_fmnist.py')
    assert dumped.model.distiller.dd_loss == dict(
        type='DynamicDifferenceLoss', loss_weight=0.1)
    log = open(next((tmp_path / 'dd').glob('*/vis_data/scalars.json'))).read()
    assert 'distill.loss_dd' in log and 'distill.loss_cc' in log
