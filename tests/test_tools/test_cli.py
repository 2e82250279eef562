# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The options tools/train.py and tools/test.py share
(tools/runner_args.py)."""
import argparse
import os.path as osp

import pytest

from mmrazor_dccd.compat import load_config
from tools.runner_args import add_runner_args, apply_runner_args

pytestmark = pytest.mark.fast

CFG = 'configs/dccd/dccd_r18w16_r18w4_mnist.py'


def _args(repo, *argv):
    parser = argparse.ArgumentParser()
    parser.add_argument('config')
    add_runner_args(parser)
    return parser.parse_args([osp.join(repo, CFG), *argv])


def test_cfg_options_are_merged_before_the_key_check(repo):
    args = _args(repo, '--cfg-options', 'model.distiller.feature_layer=x')
    with pytest.raises(TypeError,
                       match="model.distiller.feature_layer: DCCDDistiller "
                       "has no argument 'feature_layer'; did you mean "
                       "'feature_layers'"):
        apply_runner_args(load_config(args.config), args)
    # A valid override is applied.
    args = _args(repo, '--cfg-options', 'model.distiller.cc_loss.tau=0.2',
                 'train_cfg.max_iters=3', '--launcher', 'pytorch')
    cfg = apply_runner_args(load_config(args.config), args)
    assert cfg.model.distiller.cc_loss.tau == 0.2
    assert cfg.train_cfg.max_iters == 3 and cfg.launcher == 'pytorch'
    assert cfg.work_dir == osp.join('./work_dirs', 'dccd_r18w16_r18w4_mnist')
    args = _args(repo, '--work-dir', 'elsewhere')
    assert apply_runner_args(load_config(args.config),
                             args).work_dir == 'elsewhere'
