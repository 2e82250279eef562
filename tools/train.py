# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Train a distillation / pruning algorithm with MMEngine's Runner.

Accepts this project's configs, MMRazor's stock configs
(``mmrazor::distill/mmcls/kd/...py``; ``mmcls::`` is ported to MMPretrain on
load) and ``mmrazor_dccd::`` references.
"""
import argparse
import logging
import os
import os.path as osp

import mmrazor_dccd  # noqa: F401  (MMRazor compat layer + registration)
from mmengine.config import DictAction
from mmengine.logging import print_log
from mmengine.runner import Runner
from mmrazor.utils import register_all_modules

from mmrazor_dccd.engine import check_model_keys
from mmrazor_dccd.utils import load_config
from mmrazor_dccd.utils.launcher import init_cpu_dist


def parse_args():
    parser = argparse.ArgumentParser(description='Train an algorithm')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or, without a value, from the '
        'latest checkpoint in the work dir')
    parser.add_argument(
        '--amp', action='store_true', help='enable mixed-precision training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the LR by the actual batch size / auto_scale_lr.'
        'base_batch_size')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, xxx=yyy format')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def enable_amp(cfg):
    wrapper = cfg.optim_wrapper
    if wrapper.get('type', 'OptimWrapper') == 'AmpOptimWrapper':
        print_log('AMP training is already enabled in your config.',
                  logger='current', level=logging.WARNING)
        return
    if wrapper.get('constructor'):  # per-module wrappers (NAS / pruning)
        wrapper = wrapper.architecture
    if wrapper.get('type', 'OptimWrapper') != 'OptimWrapper':
        raise ValueError('`--amp` needs optim_wrapper.type="OptimWrapper", '
                         f'got {wrapper.type!r}.')
    wrapper.type = 'AmpOptimWrapper'
    wrapper.setdefault('loss_scale', 'dynamic')


def merge_args(cfg, args):
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        enable_amp(cfg)
    if args.auto_scale_lr:
        if 'base_batch_size' not in cfg.get('auto_scale_lr', {}):
            raise ValueError('`--auto-scale-lr` needs '
                             '`auto_scale_lr = dict(base_batch_size=...)` in '
                             'the config.')
        cfg.auto_scale_lr.enable = True
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    return cfg


def main():
    args = parse_args()
    register_all_modules(False)
    cfg = merge_args(load_config(args.config), args)
    check_model_keys(cfg)
    init_cpu_dist(cfg, args.launcher)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
