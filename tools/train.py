# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Train a distillation / pruning algorithm with MMEngine's Runner.

Accepts this project's configs, MMRazor's stock configs
(``mmrazor::distill/mmcls/kd/...py``; ``mmcls::`` is ported to MMPretrain on
load) and ``mmrazor_dccd::`` references.
"""
import argparse
import contextlib
import os

from mmengine.runner import Runner

import mmrazor_dccd  # noqa: F401  (MMRazor compat layer + registration)
from mmrazor.utils import register_all_modules
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.launcher import init_cpu_dist
from mmrazor_dccd.engine.resume import resolve_resume
from mmrazor_dccd.engine.work_dir_lock import WorkDirLock
from runner_args import (add_runner_args, apply_runner_args, enable_amp,
                         parse_runner_args)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train an algorithm')
    parser.add_argument('config', help='train config file path')
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
    add_runner_args(parser)
    return parse_runner_args(parser, argv)


def merge_args(cfg, args):
    apply_runner_args(cfg, args)
    if args.amp:
        enable_amp(cfg)
    if args.auto_scale_lr:
        if 'base_batch_size' not in cfg.get('auto_scale_lr', {}):
            raise ValueError('`--auto-scale-lr` needs '
                             '`auto_scale_lr = dict(base_batch_size=...)` in '
                             'the config.')
        cfg.auto_scale_lr.enable = True
    if args.resume is not None:
        # The work dir's own checkpoints, complete ones only (see
        # mmrazor_dccd.engine.resume); None: nothing to resume, start fresh.
        cfg.load_from = resolve_resume(cfg.work_dir, args.resume)
        cfg.resume = cfg.load_from is not None
    return cfg


def main():
    args = parse_args()
    register_all_modules(False)
    cfg = merge_args(load_config(args.config), args)
    init_cpu_dist(cfg, args.launcher)
    # One process per work dir, taken before the Runner dumps the config
    # (rank 0 only: the ranks of one run share it).
    lock = WorkDirLock(cfg.work_dir) if int(os.environ.get(
        'RANK', '0')) == 0 else contextlib.nullcontext()
    with lock:
        runner = Runner.from_cfg(cfg)
        runner.train()


if __name__ == '__main__':
    main()
