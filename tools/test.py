# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Evaluate a checkpoint with MMEngine's Runner."""
import argparse

from mmengine.runner import Runner

import mmrazor_dccd  # noqa: F401  (MMRazor compat layer + registration)
from mmrazor.utils import register_all_modules
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.launcher import init_cpu_dist
from runner_args import add_runner_args, apply_runner_args, parse_runner_args


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file, or "none"')
    add_runner_args(parser)
    return parse_runner_args(parser, argv)


def main():
    args = parse_args()
    register_all_modules(False)
    cfg = apply_runner_args(load_config(args.config), args)
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
