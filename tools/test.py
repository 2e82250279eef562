# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Evaluate a checkpoint with MMEngine's Runner."""
import argparse
import os
import os.path as osp

import mmrazor_dccd  # noqa: F401  (MMRazor compat layer + registration)
from mmengine.config import DictAction
from mmengine.runner import Runner
from mmrazor.utils import register_all_modules

from mmrazor_dccd.engine import check_model_keys
from mmrazor_dccd.utils import load_config
from mmrazor_dccd.utils.launcher import init_cpu_dist


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file, or "none"')
    parser.add_argument('--work-dir', help='the dir to save metrics')
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


def main():
    args = parse_args()
    register_all_modules(False)
    cfg = load_config(args.config)
    check_model_keys(cfg)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    init_cpu_dist(cfg, args.launcher)
    cfg.load_from = None if args.checkpoint == 'none' else args.checkpoint
    if cfg.load_from and cfg.model.get('teacher_ckpt'):
        # A distillation checkpoint holds the teacher's weights too.
        cfg.model.teacher_ckpt = None
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    runner.logger.info(f'Test metrics: {metrics}')


if __name__ == '__main__':
    main()
