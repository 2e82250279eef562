# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Evaluate a checkpoint with MMEngine's Runner.

The checkpoint must fit the model exactly: a distillation checkpoint given
with the student's own config stops with an error naming
``tools/model_converters/distill_to_student.py``.
"""
import argparse

from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

import mmrazor_dccd  # noqa: F401  (MMRazor compat layer + registration)
from mmrazor.utils import register_all_modules
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.launcher import init_cpu_dist
from mmrazor_dccd.engine.student_checkpoint import check_checkpoint_fits
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
    if cfg.load_from:
        # MMEngine loads load_from non-strictly: a checkpoint that does not
        # fit (e.g. a distillation one for the student config) would leave
        # the model random and its accuracy would still be reported.
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        check_checkpoint_fits(model, cfg.load_from)
    metrics = runner.test()
    runner.logger.info(f'Test metrics: {metrics}')


if __name__ == '__main__':
    main()
